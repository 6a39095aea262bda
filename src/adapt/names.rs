//! National names: new `name`, `short_name` and `form_name` for objects of the base, found by
//! code or exact current name. A rename that collides with another object's name (where DHIS2
//! keeps names unique: E5003) is refused. Embedded translations of a renamed text are dropped:
//! they translate the old words (a translation sheet's rows for it are then reported stale by
//! the translations import, which compares each row's source text with the package's).

use super::AdaptError;
use super::lookup::{Locator, Object, did_you_mean, listing, ref_of, str_of};
use crate::config::LoadedConfig;
use crate::config::names::{NameTarget, Rename};
use crate::package::{Package, object_id};
use serde_json::Value;

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let renames = &config.config.names;
    if renames.is_empty() {
        return Ok(());
    }
    let at = Locator::new(config);
    for (i, rename) in renames.iter().enumerate() {
        let key = format!("names[{i}]");
        let id = find(package, rename, &at, &key)?;
        let kind = rename.target.kind();
        let changes = [
            ("name", "NAME", rename.name.as_deref(), 230),
            ("shortName", "SHORT_NAME", rename.short_name.as_deref(), 50),
            ("formName", "FORM_NAME", rename.form_name.as_deref(), 230),
        ];
        if changes.iter().all(|c| c.2.is_none()) {
            return Err(at.err(
                &key,
                "renames nothing: give `name`, `short_name` and/or `form_name`",
            ));
        }
        for (property, translation_key, value, max) in changes {
            let Some(value) = value else { continue };
            let yaml_key = match property {
                "shortName" => "short_name",
                "formName" => "form_name",
                _ => "name",
            };
            if value.trim().is_empty() || value.trim() != value {
                return Err(at.err(
                    &format!("{key}.{yaml_key}"),
                    "is empty or has leading/trailing spaces",
                ));
            }
            if value.chars().count() > max {
                return Err(at.err(
                    &format!("{key}.{yaml_key}"),
                    format!("is longer than the {max} characters DHIS2 stores (E4001)"),
                ));
            }
            if let Some(other) = collision(package, rename.target, &id, property, value) {
                return Err(at.err(
                    &format!("{key}.{yaml_key}"),
                    format!(
                        "`{value}` is already the {property} of {} `{other}` (E5003): choose another",
                        rename.target.as_str()
                    ),
                ));
            }
            let object = package.get_mut(kind, &id).expect("found above");
            object.insert(property.into(), Value::String(value.to_string()));
            if let Some(Value::Array(translations)) = object.get_mut("translations") {
                translations
                    .retain(|t| t.get("property").and_then(Value::as_str) != Some(translation_key));
            }
        }
    }
    Ok(())
}

/// The id of the object a rename names.
fn find(package: &Package, rename: &Rename, at: &Locator, key: &str) -> Result<String, AdaptError> {
    let kind = rename.target.kind();
    let (by, wanted) = match (&rename.code, &rename.current_name) {
        (Some(code), None) => ("code", code.as_str()),
        (None, Some(name)) => ("name", name.as_str()),
        _ => {
            return Err(at.err(
                key,
                "name the object by `code` or by `current_name` (exactly one)",
            ));
        }
    };
    let mut scope: Option<Vec<String>> = None;
    if rename.target == NameTarget::Option {
        let Some(set) = &rename.option_set else {
            return Err(at.err(
                key,
                "an option is found within its option set: add `option_set: <code or name>`",
            ));
        };
        let set_id = package
            .objects("optionSets")
            .iter()
            .filter_map(Value::as_object)
            .find(|s| str_of(s, "code") == Some(set) || str_of(s, "name") == Some(set))
            .and_then(object_id)
            .ok_or_else(|| {
                let names = package
                    .objects("optionSets")
                    .iter()
                    .filter_map(|s| s.get("code").and_then(Value::as_str));
                at.err(
                    &format!("{key}.option_set"),
                    format!(
                        "the package has no option set `{set}`{}",
                        did_you_mean(set, names)
                    ),
                )
            })?;
        scope = Some(
            package
                .objects("options")
                .iter()
                .filter_map(Value::as_object)
                .filter(|o| ref_of(o, "optionSet") == Some(set_id))
                .filter_map(object_id)
                .map(str::to_string)
                .collect(),
        );
    } else if rename.option_set.is_some() {
        return Err(at.err(&format!("{key}.option_set"), "applies to options only"));
    }
    if let Some(stage) = &rename.stage {
        if rename.target != NameTarget::ProgramStageSection {
            return Err(at.err(&format!("{key}.stage"), "applies to sections only"));
        }
        let stage =
            super::lookup::stage(package, stage).map_err(|m| at.err(&format!("{key}.stage"), m))?;
        let stage_id = object_id(stage).unwrap_or("");
        scope = Some(
            super::lookup::sections(package, stage_id)
                .iter()
                .filter_map(|s| object_id(s))
                .map(str::to_string)
                .collect(),
        );
    }
    let candidates: Vec<&Object> = package
        .objects(kind)
        .iter()
        .filter_map(Value::as_object)
        .filter(|o| {
            scope
                .as_ref()
                .is_none_or(|s| object_id(o).is_some_and(|id| s.iter().any(|x| x == id)))
        })
        .collect();
    let found: Vec<&&Object> = candidates
        .iter()
        .filter(|o| str_of(o, by) == Some(wanted))
        .collect();
    match found.as_slice() {
        [one] => Ok(object_id(one).unwrap_or("").to_string()),
        [] => {
            let known: Vec<&str> = candidates.iter().filter_map(|o| str_of(o, by)).collect();
            Err(at.err(
                &format!(
                    "{key}.{}",
                    if by == "code" { "code" } else { "current_name" }
                ),
                format!(
                    "the package has no {} with {by} `{wanted}`{} ({} of them: {})",
                    rename.target.as_str(),
                    did_you_mean(wanted, known.iter().copied()),
                    known.len(),
                    listing(known.iter().copied())
                ),
            ))
        }
        _ => Err(at.err(
            key,
            format!(
                "{} {}s have {by} `{wanted}`: add `stage:` (sections) or name it by code",
                found.len(),
                rename.target.as_str()
            ),
        )),
    }
}

/// Another object that already has `value` as `property`, where DHIS2 keeps it unique: per type
/// for data elements, attributes and option sets (E5003), within the set for options, within the
/// program for stages, within the stage for sections.
fn collision(
    package: &Package,
    target: NameTarget,
    id: &str,
    property: &str,
    value: &str,
) -> Option<String> {
    if property == "formName" {
        return None;
    }
    let kind = target.kind();
    let me = package.get(kind, id)?;
    let scope_key = match target {
        NameTarget::Option => Some("optionSet"),
        NameTarget::ProgramStage => Some("program"),
        NameTarget::ProgramStageSection => Some("programStage"),
        _ => None,
    };
    if target == NameTarget::OptionSet && property == "shortName" {
        return None;
    }
    let scope = scope_key.and_then(|k| ref_of(me, k));
    package
        .objects(kind)
        .iter()
        .filter_map(Value::as_object)
        .filter(|o| object_id(o) != Some(id))
        .filter(|o| scope_key.is_none() || scope_key.and_then(|k| ref_of(o, k)) == scope)
        .find(|o| str_of(o, property) == Some(value))
        .map(|o| object_id(o).unwrap_or("").to_string())
}
