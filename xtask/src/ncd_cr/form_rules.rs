//! Form behaviour: always-hidden technical sections, the Rare status section, the run / clear /
//! block logic of the checks, and the Follow-up date of death.

use super::fields::{var, *};
use super::rules::{Action, Rules, priority};
use super::variables::FLAGS;

/// Sections the design keeps out of the form (stage, section name).
pub const HIDDEN_SECTIONS: [(&str, &str); 5] = [
    ("Tumor", "Checks"),
    ("Tumor", "Morphology topography check"),
    ("Tumor", "Multiple primary tester"),
    ("Tumor", "Tumour ID"),
    ("Source", "TUMOURIDSOURCETABLE"),
];

pub struct Stages<'a> {
    pub tumor: &'a str,
    pub source: &'a str,
    pub follow_up: &'a str,
}

pub fn add(rules: &mut Rules, stages: &Stages) {
    for stage_name in ["Tumor", "Source"] {
        let stage = if stage_name == "Tumor" {
            stages.tumor
        } else {
            stages.source
        };
        let actions = HIDDEN_SECTIONS
            .iter()
            .filter(|(s, _)| *s == stage_name)
            .map(|(s, section)| {
                let uid = rules
                    .uids()
                    .uid("programStageSections", &format!("{s}/{section}"));
                Action::hide_section(&uid)
            })
            .collect();
        rules.rule(
            &format!("CR - Hide technical sections - {stage_name}"),
            "Calculation and export sections are never shown in the form.",
            Some(stage),
            priority::FORM,
            "true".into(),
            actions,
        );
    }
    let rare_section = rules
        .uids()
        .uid("programStageSections", "Tumor/Rare status");
    rules.rule(
        "CR - Hide rare status section",
        "The Rare status confirmation is shown only for tumours flagged Rare.",
        Some(stages.tumor),
        priority::FORM,
        format!("{} != true", var::RARE),
        vec![Action::hide_section(&rare_section)],
    );

    let required = [
        var::INCIDENCE_DATE,
        var::AGE,
        var::ADDRESS,
        var::TUMOR_NUMBER,
        var::SITE,
        var::TOPOGRAPHY,
        var::MORPHOLOGY,
        var::BEHAVIOUR,
        var::BASIS,
    ];
    let mut missing: Vec<String> = required
        .iter()
        .map(|v| format!("!d2:hasValue({v})"))
        .collect();
    missing.push(format!(
        "({} == 3 && !d2:hasValue({}))",
        var::BEHAVIOUR,
        var::GRADE
    ));
    rules.rule(
        "CR - Can't run the checks if all mandatory element has not values",
        "Checks need Incidence date, Age, Address, Tumor number, Site, Topography, Morphology, Behaviour, Basis and, for malignant tumours, Grade.",
        Some(stages.tumor),
        priority::FORM,
        format!("{} == true && ({})", var::RUN_CHECKS, super::expr::any(&missing)),
        vec![Action::error(
            RUN_CHECKS,
            "Checks cannot run: fill Incidence date, Age, Address, Tumor number, Site, Topography, Morphology, Behaviour, Basis diagnosis (and Grade when Behaviour is Malignant).",
            None,
        )],
    );
    let locked = [
        (INCIDENCE_DATE, var::INCIDENCE_DATE),
        (AGE, var::AGE),
        (ADDRESS, var::ADDRESS),
        (TUMOR_NUMBER, var::TUMOR_NUMBER),
        (SITE, var::SITE),
        (TOPOGRAPHY, var::TOPOGRAPHY),
        (MORPHOLOGY, var::MORPHOLOGY),
        (BEHAVIOUR, var::BEHAVIOUR),
        (BASIS, var::BASIS),
    ];
    rules.rule(
        "CR - Block data entry if checks runned",
        "While Run checks is ticked the checked fields keep their value (an ASSIGN makes a field read-only); untick to edit.",
        Some(stages.tumor),
        priority::FORM,
        format!("{} == true", var::RUN_CHECKS),
        locked
            .iter()
            .map(|(uid, v)| Action::assign(uid, *v))
            .collect(),
    );
    rules.rule(
        "CR - Block data entry if checks runned - Grade",
        "Grade is locked like the other checked fields when it has a value.",
        Some(stages.tumor),
        priority::FORM,
        format!("{} == true && d2:hasValue({})", var::RUN_CHECKS, var::GRADE),
        vec![Action::assign(GRADE, var::GRADE)],
    );
    rules.rule(
        "CR - Hide the second-pass checks until checks run",
        "Run Topography Morphology check and Run Multiple primary check are offered only after Run checks.",
        Some(stages.tumor),
        priority::FORM,
        format!("{} != true", var::RUN_CHECKS),
        vec![
            Action::hide_field(RUN_TM_CHECK),
            Action::hide_field(RUN_MP_CHECK),
        ],
    );
    rules.rule(
        "CR - Require the second-pass checks when checks run",
        "Once Run checks is ticked, both second-pass checks must be answered.",
        Some(stages.tumor),
        priority::FORM,
        format!("{} == true", var::RUN_CHECKS),
        vec![
            Action::mandatory(RUN_TM_CHECK),
            Action::mandatory(RUN_MP_CHECK),
        ],
    );
    let mut clear: Vec<Action> = FLAGS
        .iter()
        .chain([RARE, INVALID].iter())
        .map(|uid| Action::assign(uid, "false"))
        .collect();
    clear.push(Action::assign(MP_RESULT, "''"));
    rules.rule(
        "CR - Clear all checks",
        "Unticking Run checks resets every check result.",
        Some(stages.tumor),
        priority::CHECKS,
        format!("{} != true", var::RUN_CHECKS),
        clear,
    );

    rules.rule(
        "CR - Hide date of death unless died",
        "Date of death is recorded only when Status is Died (2).",
        Some(stages.follow_up),
        priority::FORM,
        format!("{} != 2", var::STATUS),
        vec![Action::hide_field(DATE_OF_DEATH)],
    );
    rules.rule(
        "CR - Require date of death when died",
        "Date of death is mandatory when Status is Died (2).",
        Some(stages.follow_up),
        priority::FORM,
        format!("{} == 2", var::STATUS),
        vec![Action::mandatory(DATE_OF_DEATH)],
    );
}
