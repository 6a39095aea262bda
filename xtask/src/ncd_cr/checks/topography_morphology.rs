//! CanReg5 CheckTopographyMorphology in four steps, as NCD_CR does it: the morphology's family
//! (MorphFam.txt), its key (`+` MUST list, `-` MUST-NOT list, `*` any site), the MUST / MUST-NOT
//! lookups (Must.txt, MustNot.txt), and the result.

use super::super::canreg5::{Key, Lookups, Pair};
use super::super::expr;
use super::super::fields::{var, *};
use super::super::rules::{Action, Rules, priority};
use super::super::tables::{Row, col};
use super::result_rules;
use std::collections::BTreeMap;

/// The published MUST rules split the `+` families in these ranges; families above 63 are
/// added as one more rule.
const MUST_SPLITS: [(u32, u32); 10] = [
    (1, 11),
    (12, 20),
    (21, 28),
    (29, 44),
    (45, 49),
    (50, 53),
    (54, 56),
    (57, 59),
    (60, 63),
    (64, 69),
];

pub fn add(
    rules: &mut Rules,
    lookups: &Lookups,
    options: &[Row],
    topographies: &[i64],
    tumor: &str,
) -> Result<(), String> {
    let morphologies: Vec<i64> = options
        .iter()
        .filter(|o| col(o, "option_set_name") == "CRMorphology4CS")
        .map(|o| {
            col(o, "code")
                .parse::<i64>()
                .map_err(|_| format!("bad morphology code {o:?}"))
        })
        .collect::<Result<_, _>>()?;
    let family_names: BTreeMap<i64, String> = options
        .iter()
        .filter(|o| col(o, "option_set_name") == "CRMorphologyFamilyCS")
        .map(|o| {
            let name = col(o, "name");
            let bare = name.rsplit_once(" (").map_or(name, |(n, _)| n);
            (col(o, "code").parse().unwrap_or(-1), bare.to_string())
        })
        .collect();

    let mut by_family: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut by_key: BTreeMap<Key, Vec<i64>> = BTreeMap::new();
    for code in &morphologies {
        let family = lookups
            .families
            .get(code)
            .ok_or_else(|| format!("morphology {code} is not in CanReg5 MorphFam.txt"))?;
        by_family.entry(family.code()).or_default().push(*code);
        by_key.entry(family.key).or_default().push(*code);
    }
    let has_morphology = format!("d2:hasValue({})", var::MORPHOLOGY);
    for (family, codes) in &by_family {
        let label = if *family == 99 {
            "NA".to_string()
        } else {
            family_names.get(family).cloned().ok_or_else(|| {
                format!("family {family} is not an option of CR - Morphology Family")
            })?
        };
        rules.rule(
            &format!("CR - Morphology family: {label}"),
            &format!("CanReg5 MorphFam.txt: these morphologies belong to family {family}."),
            Some(tumor),
            priority::DERIVED,
            format!(
                "{has_morphology} && {}",
                expr::in_subset(var::MORPHOLOGY, codes, &morphologies)
            ),
            vec![Action::assign(MORPHOLOGY_FAMILY, family.to_string())],
        );
    }
    for (key, codes) in &by_key {
        rules.rule(
            &format!(
                "CR - Assign the value \"{}\" to Topography Morphology key",
                key.symbol()
            ),
            &format!(
                "CanReg5 MorphFam.txt key '{}' of the morphology ({}).",
                key.symbol(),
                key.code()
            ),
            Some(tumor),
            priority::DERIVED,
            format!(
                "{has_morphology} && {}",
                expr::in_subset(var::MORPHOLOGY, codes, &morphologies)
            ),
            vec![Action::assign(TM_KEY, format!("'{}'", key.code()))],
        );
    }

    // MUST: '+' families carry their own number as code.
    let has_topography = format!("d2:hasValue({})", var::TOPOGRAPHY);
    let plus = format!("{} == 'PLUS' && {has_topography}", var::TM_KEY);
    for (lo, hi) in MUST_SPLITS {
        let found = lookup(&lookups.must, |f| f >= lo && f <= hi, 0, topographies);
        if found.is_empty() {
            continue;
        }
        rules.rule(
            &format!("CR - Topography Morphology: MUST - Morphology family {lo:02}-{hi:02}"),
            "CanReg5 Must.txt: the family's topography is in its MUST list.",
            Some(tumor),
            priority::LOOKUPS,
            format!("{plus} && ({})", expr::any(&found)),
            vec![Action::assign(IN_MUST, "true")],
        );
    }
    rules.rule(
        "CR - Topography Morphology: MUST - not found",
        "CanReg5 Must.txt: the family's topography is not in its MUST list.",
        Some(tumor),
        priority::LOOKUP_DEFAULTS,
        format!("{plus} && {} != true", var::IN_MUST),
        vec![Action::assign(IN_MUST, "false")],
    );
    // MUST NOT: '-' families are coded number + 63.
    let minus = format!("{} == 'MINUS' && {has_topography}", var::TM_KEY);
    let must_not = lookup(&lookups.must_not, |_| true, 63, topographies);
    rules.rule(
        "CR - Topography Morphology: MUST NOT",
        "CanReg5 MustNot.txt: the family's topography is in its MUST-NOT list.",
        Some(tumor),
        priority::LOOKUPS,
        format!("{minus} && ({})", expr::any(&must_not)),
        vec![Action::assign(IN_MUST_NOT, "true")],
    );
    rules.rule(
        "CR - Topography Morphology: MUST NOT - not found",
        "CanReg5 MustNot.txt: the family's topography is not in its MUST-NOT list.",
        Some(tumor),
        priority::LOOKUP_DEFAULTS,
        format!("{minus} && {} != true", var::IN_MUST_NOT),
        vec![Action::assign(IN_MUST_NOT, "false")],
    );

    let failed = format!(
        "({key} == 'PLUS' && {must} != true) || ({key} == 'MINUS' && {must_not} == true)",
        key = var::TM_KEY,
        must = var::IN_MUST,
        must_not = var::IN_MUST_NOT
    );
    result_rules(
        rules,
        tumor,
        "CR - Rare Topography Morphology",
        "CR - Rare Topography Morphology: check passed",
        "CanReg5 CheckTopographyMorphology: result of the MUST / MUST-NOT lookups.",
        &format!(
            "{} == true && {} == true && d2:hasValue({})",
            var::RUN_CHECKS,
            var::RUN_TM_CHECK,
            var::TM_KEY
        ),
        &failed,
        RARE_TOPOGRAPHY_MORPHOLOGY,
        "Rare combination of topography and morphology (CanReg5 Topography/Morphology).",
    );
    Ok(())
}

/// One term per family: `(#{family} == F && topography in F's list)`, for families `keep` selects;
/// `offset` turns the file's family number into the option code.
fn lookup(
    pairs: &[Pair],
    keep: impl Fn(u32) -> bool,
    offset: i64,
    topographies: &[i64],
) -> Vec<String> {
    let mut by_family: BTreeMap<u32, Vec<(i64, i64)>> = BTreeMap::new();
    for pair in pairs.iter().filter(|p| keep(p.family)) {
        by_family
            .entry(pair.family)
            .or_default()
            .push(pair.topography);
    }
    by_family
        .into_iter()
        .map(|(family, mut ranges)| {
            ranges.sort();
            let codes: Vec<i64> = topographies
                .iter()
                .copied()
                .filter(|t| ranges.iter().any(|&(lo, hi)| *t >= lo && *t <= hi))
                .collect();
            format!(
                "({} == {} && {})",
                var::MORPHOLOGY_FAMILY,
                i64::from(family) + offset,
                expr::in_subset(var::TOPOGRAPHY, &codes, topographies)
            )
        })
        .collect()
}
