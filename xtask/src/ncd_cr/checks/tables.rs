//! Checks that are one condition table each (CanReg5 `qualitycontrol/Check*.java` conditions,
//! transcribed as data into `xtask/data/canreg5/checks/*.csv`).

use super::super::canreg5::{ConditionTable, Vars, parse_ranges};
use super::super::expr;
use super::super::fields::{var, *};
use super::super::rules::Rules;
use super::super::tables::{col, read};
use super::result_rules;
use std::path::Path;

const VARS: Vars = Vars {
    age: var::AGE,
    sex: var::SEX,
    behaviour: var::BEHAVIOUR,
    topography: var::TOPOGRAPHY,
    morphology: var::MORPHOLOGY,
    family: var::MORPHOLOGY_FAMILY,
};

/// (rule name, flag data element, table, variables the check needs, warning)
pub const CHECKS: [(&str, &str, &str, &[&str], &str); 6] = [
    (
        "CR - Rare Age Morphology",
        RARE_AGE_MORPHOLOGY,
        "age_morphology.csv",
        &[var::AGE, var::MORPHOLOGY],
        "Rare combination of age and morphology (CanReg5 Age/Morphology).",
    ),
    (
        "CR - Rare Age Topography",
        RARE_AGE_TOPOGRAPHY,
        "age_topography.csv",
        &[var::AGE, var::TOPOGRAPHY],
        "Rare combination of age and topography (CanReg5 Age/Topography).",
    ),
    (
        "CR - Rare Age Topography Morphology",
        RARE_AGE_TOPOGRAPHY_MORPHOLOGY,
        "age_topography_morphology.csv",
        &[var::AGE, var::TOPOGRAPHY, var::MORPHOLOGY],
        "Rare combination of age, topography and morphology (CanReg5 Age/Topography/Morphology).",
    ),
    (
        "CR - Rare Sex Morphology",
        RARE_SEX_MORPHOLOGY,
        "sex_morphology.csv",
        &[var::SEX, var::MORPHOLOGY, var::BEHAVIOUR],
        "Rare combination of sex and morphology (CanReg5 Sex/Morphology).",
    ),
    (
        "CR - Invalid Sex Topography",
        INVALID_SEX_TOPOGRAPHY,
        "sex_topography.csv",
        &[var::SEX, var::TOPOGRAPHY],
        "Invalid combination of sex and topography (CanReg5 Sex/Topography).",
    ),
    (
        "CR - Rare Topography Behaviour",
        RARE_TOPOGRAPHY_BEHAVIOUR,
        "topography_behaviour.csv",
        &[var::TOPOGRAPHY, var::BEHAVIOUR],
        "Rare behaviour for this topography (CanReg5 Topography/Behaviour).",
    ),
];

fn guard(needed: &[&str]) -> String {
    let mut terms: Vec<String> = needed.iter().map(|v| format!("d2:hasValue({v})")).collect();
    terms.insert(0, format!("{} == true", var::RUN_CHECKS));
    expr::all(&terms)
}

pub fn add(rules: &mut Rules, dir: &Path, tumor: &str) -> Result<(), String> {
    for (name, flag, file, needed, message) in CHECKS {
        let failed = ConditionTable::read(dir, file)?.condition(&VARS)?;
        result_rules(
            rules,
            tumor,
            name,
            &format!("{name}: check passed"),
            &format!("CanReg5 check from checks/{file}."),
            &guard(needed),
            &failed,
            flag,
            message,
        );
    }

    // Basis (CanReg5 CheckBasis): not microscopically verified (basis outside 5-8) and not exempt.
    let exempt = ConditionTable::read(dir, "basis_exempt.csv")?.condition(&VARS)?;
    let failed = format!(
        "{} && !({exempt})",
        expr::not(&expr::in_ranges(var::BASIS, &[(5, 8)]))
    );
    result_rules(
        rules,
        tumor,
        "CR - Rare basis: check not passed",
        "CR - Rare basis: check passed",
        "CanReg5 CheckBasis: the morphology needs a microscopic basis (5-8) unless exempt (checks/basis_exempt.csv).",
        &guard(&[var::BASIS, var::MORPHOLOGY, var::TOPOGRAPHY]),
        &failed,
        RARE_BASIS,
        "Basis of diagnosis is not microscopic for a morphology that needs it (CanReg5 Basis).",
    );

    // Grade (CanReg5 CheckGrade): grade 9 always passes; non-malignant tumours take no grade;
    // otherwise every row whose morphologies match must allow the grade.
    let mut violations = vec![format!("{} != 3", var::BEHAVIOUR)];
    for row in read(&dir.join("checks"), "grade.csv")? {
        let morphologies =
            parse_ranges(col(&row, "morphology")).map_err(|e| format!("grade.csv: {e}"))?;
        let allowed: Vec<i64> = col(&row, "allowed_grades")
            .split_whitespace()
            .map(|g| g.parse().map_err(|_| format!("grade.csv: bad grade {g:?}")))
            .collect::<Result<_, _>>()?;
        violations.push(format!(
            "({} && {})",
            expr::in_ranges(var::MORPHOLOGY, &morphologies),
            expr::not(&expr::in_set(var::GRADE, &allowed))
        ));
    }
    let failed = format!(
        "d2:hasValue({g}) && {g} != 9 && ({})",
        expr::any(&violations),
        g = var::GRADE
    );
    result_rules(
        rules,
        tumor,
        "CR - Check Grade",
        "CR - Check Grade: check passed",
        "CanReg5 CheckGrade: grade consistent with behaviour and morphology (checks/grade.csv).",
        &format!(
            "{} && (d2:hasValue({}) || {} != 3)",
            guard(&[var::MORPHOLOGY, var::BEHAVIOUR]),
            var::GRADE,
            var::BEHAVIOUR
        ),
        &failed,
        INVALID_GRADE,
        "Grade is invalid for this behaviour and morphology (CanReg5 Grade).",
    );
    Ok(())
}
