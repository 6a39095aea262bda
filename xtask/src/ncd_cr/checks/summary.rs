//! The Rare and Invalid summaries: a tumour is Rare when any rare-type check failed and Invalid
//! when any invalid-type check failed (NCD_CR design; analytics counts Run checks = true,
//! Invalid = false and Rare = false or confirmed).

use super::super::expr;
use super::super::fields::{var, *};
use super::super::rules::{Action, Rules, priority};

const RARE_FLAGS: [&str; 7] = [
    RARE_AGE_MORPHOLOGY,
    RARE_AGE_TOPOGRAPHY,
    RARE_AGE_TOPOGRAPHY_MORPHOLOGY,
    RARE_BASIS,
    RARE_SEX_MORPHOLOGY,
    RARE_TOPOGRAPHY_BEHAVIOUR,
    RARE_TOPOGRAPHY_MORPHOLOGY,
];
const INVALID_FLAGS: [&str; 2] = [INVALID_GRADE, INVALID_SEX_TOPOGRAPHY];

pub fn add(rules: &mut Rules, tumor: &str) {
    for (name, target, flags) in [
        ("Rare", RARE, &RARE_FLAGS[..]),
        ("Invalid", INVALID, &INVALID_FLAGS[..]),
    ] {
        let any = expr::any(
            &flags
                .iter()
                .map(|uid| format!("{} == true", var::flag(uid)))
                .collect::<Vec<_>>(),
        );
        let run = format!("{} == true", var::RUN_CHECKS);
        rules.rule(
            &format!("CR - {name} summary"),
            &format!("{name} = true when any {name}-type check failed."),
            Some(tumor),
            priority::SUMMARIES,
            format!("{run} && ({any})"),
            vec![Action::assign(target, "true")],
        );
        rules.rule(
            &format!("CR - {name} summary: none"),
            &format!("{name} = false when every {name}-type check passed."),
            Some(tumor),
            priority::SUMMARIES,
            format!("{run} && !({any})"),
            vec![Action::assign(target, "false")],
        );
    }
}
