//! Expression conformance: crtk's parser and type checker against the real DHIS2 rule engine
//! (`@dhis2/rule-engine` 3.3.9 `validate`, through the Node harness) on every condition and
//! action data expression of the reference packages, plus deterministic mutations of each
//! (dropped tokens, unknown variables, wrong types, bad arity).

mod common;

use common::rule_engine::{ExprKind, RuleEngine};
use crtk::expression::{ExpressionKind, check};
use crtk::package::Package;
use crtk::validate::program_item_store;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const PACKAGES: &[&str] = &[
    "AEFI_TRACKER_V1.1.2_DHIS2.35.3.json",
    "COVAC_EIR_CVIR00_1.2.0_DHIS2.36.6-en.json",
    "HIV_CS_TRK_0.1.0_DHIS2.34.6-en.json",
    "HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json",
];

const DATA_ACTIONS: &[&str] = &[
    "ASSIGN",
    "DISPLAYTEXT",
    "DISPLAYKEYVALUEPAIR",
    "SHOWWARNING",
    "SHOWERROR",
    "WARNINGONCOMPLETE",
    "ERRORONCOMPLETE",
    "SCHEDULEMESSAGE",
];

/// The expressions of a package: rule conditions and action data.
fn expressions(package: &Value) -> Vec<(String, ExprKind)> {
    let mut out = Vec::new();
    for rule in package["programRules"].as_array().into_iter().flatten() {
        if let Some(c) = rule["condition"].as_str() {
            out.push((c.to_string(), ExprKind::Condition));
        }
    }
    for action in package["programRuleActions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let kind = action["programRuleActionType"].as_str().unwrap_or("");
        if let Some(d) = action["data"].as_str().filter(|d| !d.trim().is_empty())
            && DATA_ACTIONS.contains(&kind)
        {
            out.push((d.to_string(), ExprKind::Data));
        }
    }
    out
}

/// Deterministic mutations of one expression.
fn mutations(e: &str, kind: ExprKind) -> Vec<String> {
    let mut out = Vec::new();
    // Dropped tokens.
    if e.len() > 1 {
        let mut cut = e.len() - 1;
        while !e.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push(e[..cut].to_string());
    }
    if let Some(i) = e.find(')') {
        out.push(format!("{}{}", &e[..i], &e[i + 1..]));
    }
    for op in ["&&", "||", "==", ">", "<", "+"] {
        if let Some(i) = e.find(op) {
            out.push(format!("{}{}", &e[..i], &e[i + op.len()..]));
            break;
        }
    }
    // Unknown variables.
    for sigil in ["#{", "A{"] {
        if let Some(i) = e.find(sigil) {
            out.push(format!("{}{}zz_{}", &e[..i], sigil, &e[i + 2..]));
        }
    }
    // Wrong types.
    match kind {
        ExprKind::Condition => {
            out.push(format!("({e}) + 1"));
            out.push(format!("({e}) && 'a' > 1"));
            out.push(format!(
                "({e}) && d2:yearsBetween('a', V{{current_date}}) > 1"
            ));
        }
        ExprKind::Data => {
            out.push(format!("({e}) && 'x'"));
            out.push(format!("d2:daysBetween({e}, V{{current_date}})"));
        }
    }
    // Bad arity.
    if let Some(i) = e.find("d2:hasValue(") {
        out.push(format!("{}d2:hasValue('a', {}", &e[..i], &e[i + 12..]));
    } else {
        out.push(format!("{e} && d2:left('x')"));
    }
    out.push(format!("d2:condition({e})"));
    out
}

#[test]
fn parser_and_type_checker_agree_with_the_rule_engine() {
    let engine = RuleEngine::get();
    let (mut total, mut originals, mut agree) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for file in PACKAGES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference-packages")
            .join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let package = Package::from_json(&text, &path).unwrap();
        let program = value["programs"][0]["id"].as_str().unwrap();
        let store = program_item_store(&package, program);
        let mut seen = BTreeSet::new();
        let mut corpus = Vec::new();
        for (e, k) in expressions(&value) {
            if seen.insert((e.clone(), k == ExprKind::Condition)) {
                corpus.push((e.clone(), k, true));
            }
        }
        for (e, k, _) in corpus.clone() {
            for m in mutations(&e, k) {
                if seen.insert((m.clone(), k == ExprKind::Condition)) {
                    corpus.push((m, k, false));
                }
            }
        }
        let request: Vec<(String, ExprKind)> =
            corpus.iter().map(|(e, k, _)| (e.clone(), *k)).collect();
        let verdicts = engine.validate(&value, &request);
        for ((e, k, original), verdict) in corpus.iter().zip(verdicts) {
            let kind = match k {
                ExprKind::Condition => ExpressionKind::Condition,
                ExprKind::Data => ExpressionKind::Data,
            };
            let ours = check(e, kind, &store);
            total += 1;
            originals += usize::from(*original);
            if ours.is_empty() == verdict.valid {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{file}: {k:?} `{e}`: engine {} {:?}; crtk {:?}",
                    if verdict.valid { "accepts" } else { "rejects" },
                    verdict.issues,
                    ours.iter().map(|d| &d.message).collect::<Vec<_>>()
                ));
            }
        }
    }
    println!(
        "expression conformance: {agree}/{total} agree ({originals} expressions from the packages, {} mutations)",
        total - originals
    );
    for d in &disagreements {
        println!("DISAGREE {d}");
    }
    assert!(total - originals >= 500, "need at least 500 mutations");
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}
