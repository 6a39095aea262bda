//! CanReg5 DefaultMultiplePrimaryTester: morphology and topography groups
//! (`checks/mp_morphology_groups.csv`, `checks/mp_topography_groups.csv`, first match wins), the
//! previous tumour's groups, the morphology comparison and the final result. DHIS2 compares a
//! tumour with the previous Tumor event only (CanReg5 compares every pair of the patient).

use super::super::canreg5::{parse_ranges, topographies};
use super::super::expr;
use super::super::fields::{var, *};
use super::super::identity_rules::accumulate;
use super::super::rules::{Action, Rules, priority};
use super::super::tables::{Row, col, read};
use std::collections::BTreeMap;
use std::path::Path;

/// The group of each code: the first table row containing it, else `default(code)`.
fn groups(
    codes: &[i64],
    table: &[(i64, Vec<(i64, i64)>)],
    key: impl Fn(i64) -> i64,
    default: impl Fn(i64) -> i64,
) -> BTreeMap<i64, Vec<i64>> {
    let mut out: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for &code in codes {
        let k = key(code);
        let group = table
            .iter()
            .find(|(_, ranges)| ranges.iter().any(|&(lo, hi)| k >= lo && k <= hi))
            .map_or_else(|| default(code), |(g, _)| *g);
        out.entry(group).or_default().push(code);
    }
    out
}

/// Group number and the code ranges it holds, in table order.
type GroupTable = Vec<(i64, Vec<(i64, i64)>)>;

fn table(dir: &Path, file: &str, column: &str) -> Result<GroupTable, String> {
    read(&dir.join("checks"), file)?
        .iter()
        .map(|row| {
            let group = col(row, "group")
                .parse()
                .map_err(|_| format!("{file}: bad group"))?;
            Ok((
                group,
                parse_ranges(col(row, column)).map_err(|e| format!("{file}: {e}"))?,
            ))
        })
        .collect()
}

pub fn add(rules: &mut Rules, dir: &Path, options: &[Row], tumor: &str) -> Result<(), String> {
    let morphologies: Vec<i64> = options
        .iter()
        .filter(|o| col(o, "option_set_name") == "CRMorphology4CS")
        .filter_map(|o| col(o, "code").parse().ok())
        .collect();
    let group_names: BTreeMap<i64, String> = options
        .iter()
        .filter(|o| col(o, "option_set_name") == "CRMorphologyGroupCS")
        .map(|o| {
            let name = col(o, "name");
            let bare = name.rsplit_once(" (").map_or(name, |(n, _)| n);
            (col(o, "code").parse().unwrap_or(-1), bare.to_string())
        })
        .collect();
    let morphology_table = table(dir, "mp_morphology_groups.csv", "morphology")?;
    let by_group = groups(&morphologies, &morphology_table, |c| c, |_| 0);
    for (group, codes) in &by_group {
        let label = group_names
            .get(group)
            .ok_or_else(|| format!("morphology group {group} is not an option"))?;
        rules.rule(
            &format!("CR - Assign value '{label}' to morphology group"),
            &format!("CanReg5 DefaultMultiplePrimaryTester: morphology group {group}."),
            Some(tumor),
            priority::DERIVED,
            format!(
                "d2:hasValue({m}) && {}",
                expr::in_subset(var::MORPHOLOGY, codes, &morphologies),
                m = var::MORPHOLOGY
            ),
            vec![Action::assign(MORPHOLOGY_GROUP, group.to_string())],
        );
    }

    let topography_codes: Vec<i64> = topographies(dir)?.into_iter().map(|(c, _)| c).collect();
    let topography_table = table(dir, "mp_topography_groups.csv", "sites")?;
    let by_topography_group = groups(&topography_codes, &topography_table, |c| c / 10, |c| c / 10);
    for (group, codes) in &by_topography_group {
        rules.rule(
            &format!("CR - Assign topography group {group}"),
            &format!("CanReg5 DefaultMultiplePrimaryTester: topography group {group}."),
            Some(tumor),
            priority::DERIVED,
            format!(
                "d2:hasValue({t}) && {}",
                expr::in_subset(var::TOPOGRAPHY, codes, &topography_codes),
                t = var::TOPOGRAPHY
            ),
            vec![Action::assign(TOPOGRAPHY_GROUP, group.to_string())],
        );
    }

    for (name, target, value, list_target, list) in [
        (
            "morphology",
            PREVIOUS_MORPHOLOGY_GROUP,
            var::PREV_EVENT_MORPHOLOGY_GROUP,
            PREVIOUS_MORPHOLOGY_GROUPS,
            var::PREV_EVENT_MORPHOLOGY_GROUPS,
        ),
        (
            "topography",
            PREVIOUS_TOPOGRAPHY_GROUP,
            var::PREV_EVENT_TOPOGRAPHY_GROUP,
            PREVIOUS_TOPOGRAPHY_GROUPS,
            var::PREV_EVENT_TOPOGRAPHY_GROUPS,
        ),
    ] {
        // MULTI_TEXT lists are text: the NUMBER group is copied into a TEXT calculated value first.
        let text = format!("{}_text", &value[2..value.len() - 1]);
        rules.calculated_variable(&text, "TEXT");
        rules.rule(
            &format!("CR - Previous {name} group as text"),
            &format!("The previous tumour's {name} group as text, for the list of groups."),
            Some(tumor),
            priority::PREPARE,
            format!("d2:hasValue({value})"),
            vec![Action::calculate(&text, value)],
        );
        let text_ref = format!("#{{{text}}}");
        rules.rule(
            &format!("CR - Assign previous {name} group"),
            &format!("The {name} group of the previous tumour."),
            Some(tumor),
            priority::INPUTS,
            format!("d2:hasValue({value})"),
            vec![Action::assign(target, value)],
        );
        accumulate(
            rules,
            tumor,
            &format!("CR - Assign previous {name} groups"),
            &format!("{name} groups of earlier tumours"),
            list_target,
            &text_ref,
            list,
        );
    }

    // Morphology comparison (first-match order of the CanReg5 tester).
    let (g, p) = (var::MORPHOLOGY_GROUP, var::PREVIOUS_MORPHOLOGY_GROUP);
    let both = format!("d2:hasValue({g}) && d2:hasValue({p})");
    let invalid = format!("({g} == 0 || {p} == 0)");
    let unspecified = format!("({g} == 17 || {p} == 17)");
    let carcinoma = format!("(({g} == 5 && {p} <= 5) || ({p} == 5 && {g} <= 5))");
    let haem =
        format!("(({g} >= 8 && {g} <= 13 && {p} == 14) || ({p} >= 8 && {p} <= 13 && {g} == 14))");
    let systemic = format!("({g} >= 7 && {g} <= 15)");
    let undecided = format!("!{invalid} && !{unspecified} && !{carcinoma} && !{haem}");
    for (code, condition) in [
        ("INVALID", invalid.clone()),
        (
            "GO_TO_TOPOGRAPHY",
            format!(
                "!{invalid} && ({unspecified} || {carcinoma} || (!{haem} && {g} == {p} && !{systemic}))"
            ),
        ),
        (
            "DUPLICATE_PRIMARY",
            format!(
                "!{invalid} && !{unspecified} && !{carcinoma} && ({haem} || ({g} == {p} && {systemic}))"
            ),
        ),
        ("MULTIPLE_PRIMARY", format!("{undecided} && {g} != {p}")),
    ] {
        rules.rule(
            &format!("CR - Morphology result: {code}"),
            "CanReg5 DefaultMultiplePrimaryTester, morphology step.",
            Some(tumor),
            priority::LOOKUPS,
            format!("{both} && {condition}"),
            vec![Action::assign(MORPHOLOGY_RESULT, format!("'{code}'"))],
        );
    }

    // Final result.
    let (r, t, q) = (
        var::MORPHOLOGY_RESULT,
        var::TOPOGRAPHY_GROUP,
        var::PREVIOUS_TOPOGRAPHY_GROUP,
    );
    let guard = format!(
        "{} == true && {} == true && d2:hasValue({r})",
        var::RUN_CHECKS,
        var::RUN_MP_CHECK
    );
    let topo = format!("{r} == 'GO_TO_TOPOGRAPHY'");
    for (code, condition, warn) in [
        (
            "DUPLICATE_PRIMARY",
            format!(
                "{r} == 'DUPLICATE_PRIMARY' || ({topo} && (({t} == 80 && {q} == 80) || ({t} != 80 && {q} != 80 && {t} == {q})))"
            ),
            Some(
                "This tumour looks like a duplicate of the patient's previous tumour (CanReg5 multiple primary test).",
            ),
        ),
        (
            "MULTIPLE_PRIMARY",
            format!(
                "{r} == 'MULTIPLE_PRIMARY' || ({topo} && {t} != 80 && {q} != 80 && {t} != {q})"
            ),
            None,
        ),
        (
            "UNKNOWN_TOPOGRAPHY",
            format!(
                "{r} == 'INVALID' || ({topo} && (({t} == 80 && {q} != 80) || ({t} != 80 && {q} == 80)))"
            ),
            Some(
                "Multiple primary test: one of the tumours has an unknown topography or an invalid morphology.",
            ),
        ),
    ] {
        let mut actions = vec![Action::assign(MP_RESULT, format!("'{code}'"))];
        if let Some(message) = warn {
            actions.push(Action::warning(RUN_MP_CHECK, message, None));
        }
        rules.rule(
            &format!("CR - Multiple primary test: {code}"),
            "CanReg5 DefaultMultiplePrimaryTester, final result.",
            Some(tumor),
            priority::CHECKS,
            format!("{guard} && ({condition})"),
            actions,
        );
    }
    Ok(())
}
