//! Rule awareness: which variables a changed rule condition gained or lost, and which rules
//! behave differently because a variable they use changed its source (or its name, or vanished).
//!
//! Variables are read from expressions with a small scanner of `#{..}`, `A{..}`, `V{..}` and `C{..}`
//! (the DHIS2 rule-expression item syntax). The older quoted form, where a d2 function that takes a
//! variable names it in quotes (`d2:hasValue('name')`, `d2:count('name')`, `d2:countIfValue('name', ..)`,
//! `d2:countIfZeroPos('name')`, `d2:lastEventDate('name')`), is read as `#{name}`.

use super::model::{ObjectChange, RuleImpact, Status, VariableChange};
use crate::package::{Indexed, object_id, object_name};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// d2 functions whose first argument names a variable, in quotes, in older rules.
const QUOTED_VARIABLE_FUNCTIONS: &[&str] = &[
    "d2:hasValue",
    "d2:count",
    "d2:countIfValue",
    "d2:countIfZeroPos",
    "d2:lastEventDate",
];

/// The items an expression uses, written as in the expression (`#{age}`, `V{current_date}`);
/// a quoted variable name of an older rule (`d2:hasValue('age')`) as `#{age}`.
pub fn variables_in(expression: &str) -> BTreeSet<String> {
    let bytes = expression.as_bytes();
    let mut found = BTreeSet::new();
    for function in QUOTED_VARIABLE_FUNCTIONS {
        let mut rest = expression;
        while let Some(at) = rest.find(function) {
            rest = &rest[at + function.len()..];
            // The name must end here (`d2:count` is not `d2:countIfValue`).
            let Some(args) = rest.trim_start().strip_prefix('(') else {
                continue;
            };
            let args = args.trim_start();
            let Some(quote) = args.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            if let Some(end) = args[1..].find(quote) {
                found.insert(format!("#{{{}}}", args[1..1 + end].trim()));
            }
        }
    }
    let mut i = 0;
    while i + 1 < bytes.len() {
        let starts_item = matches!(bytes[i], b'#' | b'A' | b'V' | b'C')
            && bytes[i + 1] == b'{'
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if starts_item && let Some(len) = expression[i + 2..].find('}') {
            found.insert(expression[i..i + 2 + len + 1].to_string());
            i += 2 + len + 1;
            continue;
        }
        i += 1;
    }
    found
}

/// Variable names (without the `#{`/`A{` wrapper) an expression reads.
fn variable_names(expression: &str) -> BTreeSet<String> {
    variables_in(expression)
        .into_iter()
        .filter(|v| v.starts_with("#{") || v.starts_with("A{"))
        .map(|v| v[2..v.len() - 1].to_string())
        .collect()
}

/// The properties that define what a rule variable reads.
const SOURCE_FIELDS: &[&str] = &[
    "name",
    "programRuleVariableSourceType",
    "dataElement",
    "trackedEntityAttribute",
    "programStage",
    "useCodeForOptionSet",
    "valueType",
];

/// Adds rule impacts to `objects`: gained/lost variables on changed conditions and action data,
/// and `affected` rules for every rule variable whose definition changed.
pub fn analyze(old: &Indexed, new: &Indexed, objects: &mut Vec<ObjectChange>) {
    for change in objects.iter_mut() {
        let property = match change.kind.as_str() {
            "programRules" => "condition",
            "programRuleActions" => "data",
            _ => continue,
        };
        for field in change.fields.iter().filter(|f| f.path == property) {
            let text = |v: &Option<Value>| {
                v.as_ref()
                    .and_then(Value::as_str)
                    .map(variables_in)
                    .unwrap_or_default()
            };
            let (before, after) = (text(&field.old), text(&field.new));
            let impact = change.rule.get_or_insert_with(RuleImpact::default);
            impact.variables_gained = after.difference(&before).cloned().collect();
            impact.variables_lost = before.difference(&after).cloned().collect();
        }
        if change.rule.as_ref().is_some_and(RuleImpact::is_empty) {
            change.rule = None;
        }
    }
    flag_rules_using_changed_variables(old, new, objects);
}

/// `(program id, variable name)` -> the change, for every variable whose definition changed.
fn changed_variables(
    old: &Indexed,
    new: &Indexed,
    objects: &[ObjectChange],
) -> BTreeMap<(String, String), VariableChange> {
    let mut out = BTreeMap::new();
    for change in objects.iter().filter(|c| c.kind == "programRuleVariables") {
        let defines = matches!(change.status, Status::Added | Status::Removed)
            || change.fields.iter().any(|f| {
                SOURCE_FIELDS
                    .iter()
                    .any(|s| f.path == *s || f.path.starts_with(&format!("{s}.")))
            });
        if !defines {
            continue;
        }
        let old_var = old.get(
            "programRuleVariables",
            change.old_id.as_deref().unwrap_or(&change.id),
        );
        let new_var = new.get("programRuleVariables", &change.id);
        let old_var = if change.status == Status::Added {
            None
        } else {
            old_var
        };
        let new_var = if change.status == Status::Removed {
            None
        } else {
            new_var
        };
        let variable_change = VariableChange {
            variable: String::new(),
            old_source: old_var.map(|v| source_of(v, old)),
            new_source: new_var.map(|v| source_of(v, new)),
        };
        for var in old_var.into_iter().chain(new_var) {
            let (Some(program), Some(name)) = (reference_id(var, "program"), object_name(var))
            else {
                continue;
            };
            out.insert(
                (program.to_string(), name.to_string()),
                VariableChange {
                    variable: name.to_string(),
                    ..variable_change.clone()
                },
            );
        }
    }
    out
}

fn flag_rules_using_changed_variables(
    old: &Indexed,
    new: &Indexed,
    objects: &mut Vec<ObjectChange>,
) {
    let changed = changed_variables(old, new, objects);
    if changed.is_empty() {
        return;
    }
    // Rules of either package (by id) and the variables they read, actions included.
    let mut rules: BTreeMap<String, RuleUse> = BTreeMap::new();
    for package in [old, new] {
        let mut action_text: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for action in package
            .objects("programRuleActions")
            .iter()
            .filter_map(Value::as_object)
        {
            if let Some(rule) = reference_id(action, "programRule") {
                for key in ["data", "content"] {
                    if let Some(text) = action.get(key).and_then(Value::as_str) {
                        action_text.entry(rule).or_default().push(text);
                    }
                }
            }
        }
        for rule in package
            .objects("programRules")
            .iter()
            .filter_map(Value::as_object)
        {
            let (Some(id), Some(program)) = (object_id(rule), reference_id(rule, "program")) else {
                continue;
            };
            let mut names =
                variable_names(rule.get("condition").and_then(Value::as_str).unwrap_or(""));
            for text in action_text.get(id).into_iter().flatten() {
                names.extend(variable_names(text));
            }
            let entry = rules
                .entry(id.to_string())
                .or_insert_with(|| (program.to_string(), BTreeSet::new(), rule));
            entry.1.extend(names);
            entry.2 = rule; // the new side's version, for its name
        }
    }
    for (rule_id, (program, names, rule)) in rules {
        let hits: Vec<VariableChange> = names
            .iter()
            .filter_map(|n| changed.get(&(program.clone(), n.clone())).cloned())
            .collect();
        if hits.is_empty() {
            continue;
        }
        let position = objects.iter().position(|c| {
            c.kind == "programRules" && (c.id == rule_id || c.old_id.as_deref() == Some(&rule_id))
        });
        let index = match position {
            // A rule added or removed with its variables: nothing changed under it.
            Some(i) if matches!(objects[i].status, Status::Added | Status::Removed) => continue,
            Some(i) => i,
            None => {
                objects.push(ObjectChange {
                    kind: "programRules".into(),
                    id: rule_id.clone(),
                    old_id: None,
                    name: object_name(rule).map(String::from),
                    code: rule.get("code").and_then(Value::as_str).map(String::from),
                    status: Status::Affected,
                    fields: Vec::new(),
                    breaking: Vec::new(),
                    rule: None,
                    details: Vec::new(),
                });
                objects.len() - 1
            }
        };
        let impact = objects[index].rule.get_or_insert_with(RuleImpact::default);
        for hit in hits {
            if !impact.variables_changed.contains(&hit) {
                impact.variables_changed.push(hit);
            }
        }
        impact.variables_changed.sort();
    }
}

/// A rule's program, the variable names it reads (condition and actions) and the rule itself.
type RuleUse<'a> = (String, BTreeSet<String>, &'a Map<String, Value>);

fn reference_id<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key)?.get("id")?.as_str()
}

/// What a rule variable reads, for people: `DATAELEMENT_CURRENT_EVENT dataElement=abc (Age)`.
pub(crate) fn source_of(variable: &Map<String, Value>, package: &Indexed) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.push(
        variable
            .get("programRuleVariableSourceType")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
    );
    for (key, kind) in [
        ("dataElement", "dataElements"),
        ("trackedEntityAttribute", "trackedEntityAttributes"),
        ("programStage", "programStages"),
    ] {
        if let Some(id) = reference_id(variable, key) {
            match package.get(kind, id).and_then(object_name) {
                Some(name) => parts.push(format!("{key}={id} ({name})")),
                None => parts.push(format!("{key}={id}")),
            }
        }
    }
    if variable.get("useCodeForOptionSet").and_then(Value::as_bool) == Some(true) {
        parts.push("useCodeForOptionSet".into());
    }
    parts.push(format!("name={}", object_name(variable).unwrap_or("?")));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_items() {
        let vars = variables_in(
            "d2:hasValue(#{age}) && A{sex}=='1' && V{current_date} > C{Xyz12345678} && DATA{x}",
        );
        assert_eq!(
            vars.into_iter().collect::<Vec<_>>(),
            vec!["#{age}", "A{sex}", "C{Xyz12345678}", "V{current_date}"]
        );
        assert_eq!(
            variable_names("#{a b} + A{c}")
                .into_iter()
                .collect::<Vec<_>>(),
            vec!["a b", "c"]
        );
    }
}
