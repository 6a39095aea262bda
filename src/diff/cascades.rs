//! Cascades recognised in the new package: a parent field whose value (`#{parent} == 'code'`)
//! shows, by one SHOWOPTIONGROUP rule per parent value, the group of its children in a child
//! field. Reported when one of their rules or groups was added or changed, as "County →
//! Constituency: 47 parents, 47 rules, every constituency reachable".

use super::model::{Cascade, ObjectChange, Status};
use crate::expression::{BinaryOp, Expr, ExprKind, VarSigil, decode_string, parse};
use crate::package::{Indexed, object_id, object_name};
use crate::release::rule_words::ref_id;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Cascades of `new` touched by the diff, ordered by parent then child field name.
pub fn find(new: &Indexed, objects: &[ObjectChange]) -> Vec<Cascade> {
    let touched: BTreeMap<(&str, &str), Status> = objects
        .iter()
        .filter(|c| matches!(c.kind.as_str(), "programRules" | "optionGroups") && !c.is_cosmetic())
        .map(|c| ((c.kind.as_str(), c.id.as_str()), c.status))
        .collect();
    if touched.is_empty() {
        return Vec::new();
    }
    // Rule variable name -> the field it reads.
    let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
    for v in new
        .objects("programRuleVariables")
        .iter()
        .filter_map(Value::as_object)
    {
        if let (Some(name), Some(field)) = (
            object_name(v),
            ref_id(v, "dataElement").or_else(|| ref_id(v, "trackedEntityAttribute")),
        ) {
            fields.insert(name, field);
        }
    }
    let mut actions: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for a in new
        .objects("programRuleActions")
        .iter()
        .filter_map(Value::as_object)
    {
        if a.get("programRuleActionType").and_then(Value::as_str) != Some("SHOWOPTIONGROUP") {
            continue;
        }
        let field = ref_id(a, "dataElement").or_else(|| ref_id(a, "trackedEntityAttribute"));
        if let (Some(rule), Some(field), Some(group)) =
            (ref_id(a, "programRule"), field, ref_id(a, "optionGroup"))
        {
            actions.entry(rule).or_default().push((field, group));
        }
    }
    #[derive(Default)]
    struct Found<'a> {
        codes: BTreeSet<String>,
        rules: BTreeSet<&'a str>,
        groups: BTreeSet<&'a str>,
        statuses: BTreeSet<Status>,
    }
    let mut found: BTreeMap<(&str, &str), Found> = BTreeMap::new();
    for rule in new
        .objects("programRules")
        .iter()
        .filter_map(Value::as_object)
    {
        let Some(id) = object_id(rule) else { continue };
        let Some(shown) = actions.get(id) else {
            continue;
        };
        let condition = rule.get("condition").and_then(Value::as_str).unwrap_or("");
        for (variable, code) in equalities(condition) {
            let Some(parent) = fields.get(variable.as_str()).copied() else {
                continue;
            };
            for (child, group) in shown {
                let entry = found.entry((parent, child)).or_default();
                entry.codes.insert(code.clone());
                entry.rules.insert(id);
                entry.groups.insert(group);
                for key in [("programRules", id), ("optionGroups", *group)] {
                    if let Some(status) = touched.get(&key) {
                        entry.statuses.insert(*status);
                    }
                }
            }
        }
    }
    let field_name = |id: &str| {
        new.get("dataElements", id)
            .or_else(|| new.get("trackedEntityAttributes", id))
            .and_then(|f| f.get("formName").and_then(Value::as_str).or(object_name(f)))
            .unwrap_or(id)
            .to_string()
    };
    let set_options = |field: &str| -> Vec<String> {
        let set = new
            .get("dataElements", field)
            .or_else(|| new.get("trackedEntityAttributes", field))
            .and_then(|f| ref_id(f, "optionSet"));
        set.and_then(|s| new.get("optionSets", s))
            .and_then(|s| s.get("options"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|o| o.get("id").and_then(Value::as_str).map(String::from))
            .collect()
    };
    let mut out: Vec<Cascade> = found
        .into_iter()
        .filter(|(_, f)| !f.statuses.is_empty())
        .map(|((parent, child), f)| {
            let members: HashSet<&str> = f
                .groups
                .iter()
                .filter_map(|g| new.get("optionGroups", g))
                .filter_map(|g| g.get("options").and_then(Value::as_array))
                .flatten()
                .filter_map(|o| o.get("id").and_then(Value::as_str))
                .collect();
            let children = set_options(child);
            let unreachable = children
                .iter()
                .filter(|o| !members.contains(o.as_str()))
                .map(|o| {
                    new.get("options", o)
                        .and_then(object_name)
                        .unwrap_or(o)
                        .to_string()
                })
                .collect();
            let all_added = f.statuses.iter().all(|s| *s == Status::Added)
                && f.rules
                    .iter()
                    .all(|r| touched.get(&("programRules", *r)) == Some(&Status::Added));
            Cascade {
                parent: field_name(parent),
                child: field_name(child),
                parents: f.codes.len(),
                parent_options: set_options(parent).len(),
                rules: f.rules.len(),
                unreachable,
                child_options: children.len(),
                status: if all_added {
                    Status::Added
                } else {
                    Status::Changed
                },
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.parent, &a.child).cmp(&(&b.parent, &b.child)));
    out
}

/// `(variable, code)` for every `#{variable} == 'code'` (either way round) in a condition.
fn equalities(condition: &str) -> Vec<(String, String)> {
    let Ok(root) = parse(condition) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack: Vec<&Expr> = vec![&root];
    while let Some(e) = stack.pop() {
        if let ExprKind::Binary {
            op: BinaryOp::Eq,
            left,
            right,
        } = &e.kind
        {
            let pair = |a: &Expr, b: &Expr| match (&a.kind, &b.kind) {
                (
                    ExprKind::Variable {
                        sigil: VarSigil::Hash | VarSigil::Attribute,
                        name,
                    },
                    ExprKind::Str { raw },
                ) => Some((name.clone(), decode_string(raw))),
                _ => None,
            };
            if let Some(p) = pair(left, right).or_else(|| pair(right, left)) {
                out.push(p);
            }
        }
        stack.extend(e.children());
    }
    out
}
