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
use serde_json::{Map, Value};

type Object = Map<String, Value>;

/// The breaking changes of one object change.
pub fn assess(change: &ObjectChange, old: Option<&Object>, new: Option<&Object>) -> Vec<Breaking> {
    let mut out = Vec::new();
    let label = describe(change);
    let kind = change.kind.as_str();
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
