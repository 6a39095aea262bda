//! Breaking changes: those that can break data already collected or an installation that imports
//! the new package over the old one. Each has a stable rule code and a reason.
//!
//! | rule | when |
//! |---|---|
//! | `object-removed` | an object is in the old package and not the new (an import does not delete it) |
//! | `option-removed` | an option leaves the package or its option set (stored data holds option codes) |
//! | `option-code-changed` | an option's code changed (values stored under the old code no longer match) |
//! | `value-type-changed` | the value type of a data element, attribute or option set changed |
//! | `option-set-changed` | a data element or attribute points to another option set, or gains/loses one |
//! | `text-pattern-changed` | the TextPattern of a generated attribute changed (ids stop following one pattern) |
//! | `stage-not-repeatable` | a repeatable program stage became non-repeatable (existing repeated events) |
//! | `field-removed` | a data element left a program stage or an attribute left a program |
//! | `field-made-mandatory` | a stage field became compulsory or a program attribute mandatory (records saved without it can no longer be completed) |
//! | `uid-changed` | the same object (same code) has a new UID (an import duplicates it; data stays on the old one) |

use super::model::{Breaking, FieldChange, FieldKind, ObjectChange, Status};
use crate::package::{Indexed, Package, object_id};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};

type Object = Map<String, Value>;

/// The breaking changes of one object change.
pub fn assess(change: &ObjectChange, old: Option<&Object>, new: Option<&Object>) -> Vec<Breaking> {
    let mut out = Vec::new();
    let label = describe(change);
    let kind = change.kind.as_str();
    // A user of the exporting instance: importing a package does not need or manage it.
    if kind == "users" {
        return out;
    }
    match change.status {
        Status::Removed if kind == "options" => out.push(Breaking {
            rule: "option-removed",
            reason: format!(
                "{label} was removed: values already stored with code `{}` no longer match an option",
                change.code.as_deref().unwrap_or("?")
            ),
        }),
        Status::Removed => out.push(Breaking {
            rule: "object-removed",
            reason: format!(
                "{label} was removed: importing the new package does not delete it from an instance, and data or metadata that use it are left behind"
            ),
        }),
        Status::UidChanged => out.push(Breaking {
            rule: "uid-changed",
            reason: format!(
                "{label} changed UID from `{}` to `{}` with the same code: an import creates a second object instead of updating it, and data stays on the old one",
                change.old_id.as_deref().unwrap_or("?"),
                change.id
            ),
        }),
        _ => {}
    }
    for field in &change.fields {
        out.extend(field_rule(kind, field, old, new));
    }
    out
}

fn field_rule(
    kind: &str,
    field: &FieldChange,
    old: Option<&Object>,
    new: Option<&Object>,
) -> Option<Breaking> {
    let path = field.path.as_str();
    let is = |p: &str| {
        path == p || path.starts_with(&format!("{p}.")) || path.starts_with(&format!("{p}["))
    };
    let show = |v: &Option<Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "none".into(),
    };
    let field_kinds = matches!(kind, "dataElements" | "trackedEntityAttributes");
    if (field_kinds || kind == "optionSets") && path == "valueType" {
        return Some(Breaking {
            rule: "value-type-changed",
            reason: format!(
                "value type changed from {} to {}: values already stored may not be valid under the new type",
                show(&field.old),
                show(&field.new)
            ),
        });
    }
    if kind == "options" && path == "code" && field.change != FieldKind::Reordered {
        return Some(Breaking {
            rule: "option-code-changed",
            reason: format!(
                "option code changed from `{}` to `{}`: stored data holds codes, so values recorded as `{}` no longer match",
                show(&field.old),
                show(&field.new),
                show(&field.old)
            ),
        });
    }
    if kind == "optionSets" && path.starts_with("options[") && field.change == FieldKind::Removed {
        let id = field
            .old
            .as_ref()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        return Some(Breaking {
            rule: "option-removed",
            reason: format!(
                "option `{id}` left the option set: values already stored with its code no longer match an option"
            ),
        });
    }
    if field_kinds && is("optionSet") {
        let set = |o: Option<&Object>| {
            o.and_then(|o| o.get("optionSet")?.get("id")?.as_str().map(String::from))
                .unwrap_or_else(|| "none".into())
        };
        return Some(Breaking {
            rule: "option-set-changed",
            reason: format!(
                "option set changed from `{}` to `{}`: stored codes may not exist in the new set",
                set(old),
                set(new)
            ),
        });
    }
    if kind == "trackedEntityAttributes" && path == "pattern" {
        let generated = |o: Option<&Object>| {
            o.and_then(|o| o.get("generated")).and_then(Value::as_bool) == Some(true)
        };
        if generated(old) || generated(new) {
            return Some(Breaking {
                rule: "text-pattern-changed",
                reason: format!(
                    "TextPattern of a generated attribute changed from `{}` to `{}`: new ids no longer follow the pattern of those already issued (and reserved values are lost)",
                    show(&field.old),
                    show(&field.new)
                ),
            });
        }
    }
    if kind == "programStages" && path == "repeatable" {
        let was = old
            .and_then(|o| o.get("repeatable"))
            .and_then(Value::as_bool)
            == Some(true);
        let is_now = new
            .and_then(|o| o.get("repeatable"))
            .and_then(Value::as_bool)
            == Some(true);
        if was && !is_now {
            return Some(Breaking {
                rule: "stage-not-repeatable",
                reason: "the stage is no longer repeatable: enrollments that already hold several of its events cannot be edited".into(),
            });
        }
    }
    // Issue 18 (custom fields): a field that becomes required breaks records saved without it.
    let required = match kind {
        "programStages" => Some((
            "programStageDataElements[",
            "].compulsory",
            "compulsory in the stage",
        )),
        "programs" => Some((
            "programTrackedEntityAttributes[",
            "].mandatory",
            "mandatory in the program",
        )),
        _ => None,
    };
    if let Some((prefix, suffix, what)) = required
        && path.starts_with(prefix)
        && path.ends_with(suffix)
        && field.new == Some(Value::Bool(true))
    {
        let key = &path[prefix.len()..path.len() - suffix.len()];
        let id = key.split_once('=').map(|(_, id)| id).unwrap_or(key);
        return Some(Breaking {
            rule: "field-made-mandatory",
            reason: format!(
                "`{id}` became {what}: records already saved without a value can no longer be completed until one is entered"
            ),
        });
    }
    let field_list = match kind {
        "programStages" => Some(("programStageDataElements[", "data element", "stage")),
        "programs" => Some(("programTrackedEntityAttributes[", "attribute", "program")),
        _ => None,
    };
    if let Some((prefix, what, owner)) = field_list
        && path.starts_with(prefix)
        && !path[prefix.len()..].contains('.')
        && field.change == FieldKind::Removed
    {
        let key = &path[prefix.len()..path.len() - 1];
        let id = key.split_once('=').map(|(_, id)| id).unwrap_or(key);
        return Some(Breaking {
            rule: "field-removed",
            reason: format!(
                "{what} `{id}` was removed from the {owner}: data already captured in it is no longer shown or exported"
            ),
        });
    }
    None
}

/// `dataElement `Age` (abc)` style label for reasons.
fn describe(change: &ObjectChange) -> String {
    let singular = change.kind.strip_suffix('s').unwrap_or(&change.kind);
    match (&change.name, &change.code) {
        (Some(name), _) => format!("{singular} `{name}`"),
        (None, Some(code)) => format!("{singular} with code `{code}`"),
        _ => format!("{singular} `{}`", change.id),
    }
}

/// One entry per real problem, once every object is assessed:
/// - a field moved to another option set: breaking only for the codes the new set lacks (listed
///   once, on the field); an option of the old set whose code survives in the new one is a UID
///   change (merged, not breaking: stored values are codes); the old set left behind and the
///   old set's other options are not repeated;
/// - an option removed from its set and from the package is one entry (the option's), not two;
/// - identical entries on one object are kept once.
pub fn refine(old: &Indexed, new: &Indexed, objects: &mut Vec<ObjectChange>) {
    let codes = |p: &Package, set: &str| -> BTreeMap<String, String> {
        p.objects("options")
            .iter()
            .filter_map(Value::as_object)
            .filter(|o| set_of(o) == Some(set))
            .filter_map(|o| {
                Some((
                    o.get("code")?.as_str()?.to_string(),
                    object_id(o)?.to_string(),
                ))
            })
            .collect()
    };
    // Old set -> new set, for every field whose option set changed.
    let mut replaced: BTreeMap<String, String> = BTreeMap::new();
    for change in objects.iter_mut() {
        if !matches!(
            change.kind.as_str(),
            "dataElements" | "trackedEntityAttributes"
        ) {
            continue;
        }
        let old_id = change.old_id.as_deref().unwrap_or(&change.id);
        let set = |p: &Indexed, id: &str| {
            p.get(&change.kind, id)
                .and_then(|o| o.get("optionSet")?.get("id")?.as_str().map(String::from))
        };
        let (Some(was), Some(is)) = (set(old, old_id), set(new, &change.id)) else {
            continue;
        };
        if was == is {
            continue;
        }
        let (before, after) = (codes(old, &was), codes(new, &is));
        let missing: Vec<&String> = before.keys().filter(|c| !after.contains_key(*c)).collect();
        // A surviving code that now names something else (Sex `1` Male -> Vital status `1` Alive).
        let name = |p: &Indexed, id: &str| {
            p.get("options", id)
                .and_then(crate::package::object_name)
                .unwrap_or_default()
                .to_string()
        };
        let renamed: Vec<String> = before
            .iter()
            .filter_map(|(code, id)| {
                let (was_name, is_name) = (name(old, id), name(new, after.get(code)?));
                (was_name != is_name).then(|| format!("`{code}` {was_name} → {is_name}"))
            })
            .collect();
        change.breaking.retain(|b| b.rule != "option-set-changed");
        let list = |items: &[String]| {
            let mut text = items
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if items.len() > 10 {
                text.push_str(&format!(" and {} more", items.len() - 10));
            }
            text
        };
        let mut problems = Vec::new();
        if !missing.is_empty() {
            let codes: Vec<String> = missing.iter().map(|c| format!("`{c}`")).collect();
            problems.push(format!(
                "{} stored code(s) are not in the new set ({}): values already recorded with them no longer match an option",
                missing.len(),
                list(&codes)
            ));
        }
        if !renamed.is_empty() {
            problems.push(format!(
                "{} code(s) now name another option ({}): values already recorded change meaning",
                renamed.len(),
                list(&renamed)
            ));
        }
        if !problems.is_empty() {
            change.breaking.push(Breaking {
                rule: "option-set-changed",
                reason: format!(
                    "option set changed from `{was}` to `{is}`: {}",
                    problems.join("; ")
                ),
            });
        }
        replaced.insert(was, is);
    }
    if !replaced.is_empty() {
        merge_moved_options(old, new, objects, &replaced, &codes);
        for change in objects.iter_mut() {
            if change.kind == "optionSets" && replaced.contains_key(&change.id) {
                // The old set itself, left unused: part of the field's move.
                change.breaking.clear();
            }
        }
    }
    // Options whose own removal is reported: their set's `options[..]` removal is not repeated.
    let gone: HashSet<String> = objects
        .iter()
        .filter(|c| c.kind == "options" && c.status != Status::Changed)
        .map(|c| c.old_id.clone().unwrap_or_else(|| c.id.clone()))
        .collect();
    for change in objects.iter_mut().filter(|c| c.kind == "optionSets") {
        let repeated: HashSet<&str> = change
            .fields
            .iter()
            .filter(|f| f.change == FieldKind::Removed && f.path.starts_with("options["))
            .filter_map(|f| f.old.as_ref()?.get("id")?.as_str())
            .filter(|id| gone.contains(*id))
            .collect();
        // Set-level reasons read "option `<id>` left the option set".
        let subject = |reason: &str| reason.split('`').nth(1).map(str::to_string);
        let keep: Vec<bool> = change
            .breaking
            .iter()
            .map(|b| {
                b.rule != "option-removed"
                    || !subject(&b.reason).is_some_and(|id| repeated.contains(id.as_str()))
            })
            .collect();
        let mut keep = keep.into_iter();
        change.breaking.retain(|_| keep.next().unwrap_or(true));
    }
    // Option names repeat across sets (`Placeholder - 1` of the address and of the source types):
    // a removed option's reason names its set.
    for change in objects.iter_mut().filter(|c| c.kind == "options") {
        let set = old
            .get("options", change.old_id.as_deref().unwrap_or(&change.id))
            .and_then(set_of)
            .map(|s| {
                old.get("optionSets", s)
                    .and_then(crate::package::object_name)
                    .map(|n| format!("{n}` (`{s}`)"))
                    .unwrap_or_else(|| format!("{s}`"))
            });
        if let Some(set) = set {
            for b in change
                .breaking
                .iter_mut()
                .filter(|b| b.rule == "option-removed")
            {
                b.reason = b.reason.replacen(
                    " was removed:",
                    &format!(" of option set `{set} was removed:"),
                    1,
                );
            }
        }
    }
    for change in objects.iter_mut() {
        let mut seen = BTreeSet::new();
        change
            .breaking
            .retain(|b| seen.insert((b.rule, b.reason.clone())));
    }
}

fn set_of(option: &Object) -> Option<&str> {
    option.get("optionSet")?.get("id")?.as_str()
}

/// Options of a replaced set: one whose code is in the new set is that option under a new UID
/// (one `uid_changed` entry, not breaking); one whose code is not is covered by its field's entry.
fn merge_moved_options(
    old: &Indexed,
    new: &Indexed,
    objects: &mut Vec<ObjectChange>,
    replaced: &BTreeMap<String, String>,
    codes: &dyn Fn(&Package, &str) -> BTreeMap<String, String>,
) {
    let targets: BTreeMap<&String, BTreeMap<String, String>> = replaced
        .iter()
        .map(|(was, is)| (was, codes(new, is)))
        .collect();
    let mut absorbed: HashSet<String> = HashSet::new();
    for change in objects.iter_mut() {
        if change.kind != "options" || change.status != Status::Removed {
            continue;
        }
        let Some(option) = old.get("options", &change.id) else {
            continue;
        };
        let Some(was) = set_of(option).map(String::from) else {
            continue;
        };
        let Some(target) = targets.get(&was) else {
            continue;
        };
        change.breaking.clear();
        let code = option
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(new_id) = target.get(code) {
            let is = &replaced[&was];
            absorbed.insert(new_id.clone());
            change.old_id = Some(change.id.clone());
            change.id = new_id.clone();
            change.status = Status::UidChanged;
            if let Some(name) = new
                .get("options", new_id)
                .and_then(crate::package::object_name)
            {
                change.name = Some(name.to_string());
            }
            change.fields = vec![FieldChange::plain(
                "optionSet".into(),
                FieldKind::Changed,
                Some(json!({"id": was})),
                Some(json!({"id": is})),
            )];
        }
    }
    objects.retain(|c| {
        !(c.kind == "options" && c.status == Status::Added && absorbed.contains(&c.id))
    });
}
