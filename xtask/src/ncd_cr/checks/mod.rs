//! The CanReg5 / IARC checks as program rules, generated from the CanReg5 tables in
//! `xtask/data/canreg5/` (one module per kind of check).

mod multiple_primary;
mod summary;
mod tables;
mod topography_morphology;

use super::canreg5::Lookups;
use super::rules::Rules;
use std::path::Path;

pub fn add(rules: &mut Rules, data: &Path, tumor: &str) -> Result<(), String> {
    let dir = data.join("canreg5");
    let lookups = Lookups::read(&dir)?;
    let options = super::tables::read(&data.join("ncd-cr"), "option_sets.csv")?;
    tables::add(rules, &dir, tumor)?;
    let topographies: Vec<i64> = super::canreg5::topographies(&dir)?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    topography_morphology::add(rules, &lookups, &options, &topographies, tumor)?;
    multiple_primary::add(rules, &dir, &options, tumor)?;
    summary::add(rules, tumor);
    Ok(())
}

/// A check result: ASSIGN true + a warning when `failed`; then, at a later priority, ASSIGN false
/// when the flag (a calculated value of this evaluation) was not set.
#[allow(clippy::too_many_arguments)]
pub fn result_rules(
    rules: &mut Rules,
    tumor: &str,
    name: &str,
    passed_name: &str,
    description: &str,
    guard: &str,
    failed: &str,
    flag: &str,
    message: &str,
) {
    use super::rules::{Action, priority};
    rules.rule(
        name,
        description,
        Some(tumor),
        priority::CHECKS,
        format!("{guard} && ({failed})"),
        vec![
            Action::assign(flag, "true"),
            Action::warning(super::fields::RUN_CHECKS, message, None),
        ],
    );
    rules.rule(
        passed_name,
        &format!("{description} Passed: the flag is set to false."),
        Some(tumor),
        priority::CHECK_DEFAULTS,
        format!("{guard} && {} != true", super::fields::var::flag(flag)),
        vec![Action::assign(flag, "false")],
    );
}
