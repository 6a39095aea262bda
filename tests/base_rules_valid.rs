//! Every program-rule condition and every action `data` expression of the shipped base (the
//! official NCD_CR 1.0.1) is valid for the real DHIS2 rule engine (`validate` / `validateDataFieldExpression`, with the item
//! store DHIS2 builds), and no condition has a flat `||`/`&&` chain longer than 64 terms (the
//! DHIS2 2.42 `StackOverflowError` that NCD_CR 1.0.1 fixed).

mod common;

use common::rule_engine::{ExprKind, RuleEngine};
use serde_json::Value;
use std::path::Path;

fn base() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("base-package/NCD_CR/NCD_CR.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The longest run of `||` / `&&` operands at one parenthesis depth, outside string literals.
fn longest_flat_chain(expr: &str) -> usize {
    let chars: Vec<char> = expr.chars().collect();
    let mut depth_counts: Vec<usize> = vec![1];
    let mut best = 1;
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth_counts.push(1),
                ')' => {
                    depth_counts.pop();
                }
                '|' | '&' if chars.get(i + 1) == Some(&c) => {
                    let top = depth_counts.last_mut().unwrap();
                    *top += 1;
                    best = best.max(*top);
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    best
}

#[test]
fn chain_counter_counts() {
    assert_eq!(longest_flat_chain("a || b || (c && d && e && f)"), 4);
    assert_eq!(longest_flat_chain("a == '||' || b"), 2);
}

#[test]
fn every_rule_expression_is_valid_in_the_real_rule_engine() {
    let base = base();
    let mut expressions: Vec<(String, ExprKind)> = Vec::new();
    let mut origin: Vec<String> = Vec::new();
    for rule in base["programRules"].as_array().unwrap() {
        let condition = rule["condition"].as_str().unwrap().to_string();
        let chain = longest_flat_chain(&condition);
        assert!(
            chain <= 64,
            "rule {} ({}) has a flat chain of {chain} terms",
            rule["id"],
            rule["name"]
        );
        origin.push(format!(
            "condition of rule {} ({})",
            rule["id"], rule["name"]
        ));
        expressions.push((condition, ExprKind::Condition));
    }
    for action in base["programRuleActions"].as_array().unwrap() {
        if let Some(data) = action["data"].as_str().filter(|d| !d.is_empty()) {
            origin.push(format!(
                "data of action {} ({})",
                action["id"], action["programRuleActionType"]
            ));
            expressions.push((data.to_string(), ExprKind::Data));
        }
    }
    // NCD_CR 1.0.1: 239 conditions and 167 action `data` expressions.
    assert_eq!(expressions.len(), 239 + 167);
    let verdicts = RuleEngine::get().validate(&base, &expressions);
    let failures: Vec<String> = verdicts
        .iter()
        .zip(&origin)
        .zip(&expressions)
        .filter(|((v, _), _)| !v.valid)
        .map(|((v, o), (e, _))| {
            let short: String = e.chars().take(200).collect();
            format!("{o}: {} {:?}\n    {short}", v.message, v.issues)
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} expressions are invalid:\n{}",
        failures.len(),
        expressions.len(),
        failures.join("\n")
    );
}
