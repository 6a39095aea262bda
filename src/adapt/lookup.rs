//! Finding package objects by the names implementers know (codes, names, stage and section
//! names), and errors that point at the line of the config, for the customisation sections
//! (fields, names, rules, working lists).

use super::AdaptError;
use crate::config::LoadedConfig;
use crate::config::names::NameTarget;
use crate::package::{Package, object_id};
use serde_json::{Map, Value};
use std::path::PathBuf;

pub type Object = Map<String, Value>;

/// Builds errors naming the config file and the line of a key path (`fields[2].after`).
pub struct Locator {
    path: PathBuf,
    text: String,
    /// `names:` renames of stages and sections: (type, base name, national name).
    renamed: Vec<(NameTarget, String, String)>,
}

impl Locator {
    pub fn new(config: &LoadedConfig) -> Locator {
        Locator {
            path: config.path.clone(),
            // The config was read moments ago; if it vanished, errors just lack a line.
            text: crate::input::read_to_string(&config.path).unwrap_or_default(),
            renamed: config
                .config
                .names
                .iter()
                .filter_map(|r| Some((r.target, r.current_name.clone()?, r.name.clone()?)))
                .collect(),
        }
    }

    /// The name a stage or section has now: a base name that `names:` renamed still finds it.
    pub fn current<'a>(&'a self, target: NameTarget, name: &'a str) -> &'a str {
        self.renamed
            .iter()
            .find(|(t, old, _)| *t == target && old == name)
            .map(|(_, _, new)| new.as_str())
            .unwrap_or(name)
    }

    pub fn err(&self, key: &str, message: impl Into<String>) -> AdaptError {
        let segments = segments(key);
        AdaptError::At {
            path: self.path.clone(),
            line: crate::config::schema::find_line(&self.text, &segments),
            key: key.to_string(),
            message: message.into(),
        }
    }
}

/// `rules[1].show_warning.on` -> `["rules", "1", "show_warning", "on"]`.
fn segments(key: &str) -> Vec<String> {
    key.replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn str_of<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

pub fn ref_of<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key)?.get("id")?.as_str()
}

/// The ids of an array of references or of embedded objects with ids.
pub fn ids_of<'a>(o: &'a Object, key: &str) -> Vec<&'a str> {
    o.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("id").and_then(Value::as_str))
        .collect()
}

/// The one tracker program of the package and its tracked entity type.
pub fn program(package: &Package) -> Result<(String, String), AdaptError> {
    let programs: Vec<(String, String)> = package
        .objects("programs")
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|p| {
            Some((
                object_id(p)?.to_string(),
                ref_of(p, "trackedEntityType")?.to_string(),
            ))
        })
        .collect();
    match programs.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(AdaptError::Base {
            message: format!(
                "has {} tracker programs: the customisation sections need exactly one",
                programs.len()
            ),
        }),
    }
}

/// The closest candidate, when close enough to be a typo.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// A list of names for a message: `Tumor, Source, Follow up`.
pub fn listing<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    if names.len() > 12 {
        format!("{}, ... ({} in all)", names[..12].join(", "), names.len())
    } else {
        names.join(", ")
    }
}

/// The program stages, by name.
pub fn stage<'a>(package: &'a Package, name: &str) -> Result<&'a Object, String> {
    let stages: Vec<&Object> = package
        .objects("programStages")
        .iter()
        .filter_map(Value::as_object)
        .collect();
    stages
        .iter()
        .find(|s| str_of(s, "name") == Some(name))
        .copied()
        .ok_or_else(|| {
            let names: Vec<&str> = stages.iter().filter_map(|s| str_of(s, "name")).collect();
            format!(
                "the package has no program stage `{name}`{} (stages: {})",
                did_you_mean(name, names.iter().copied()),
                listing(names.iter().copied())
            )
        })
}

/// The sections of a stage, in order.
pub fn sections<'a>(package: &'a Package, stage_id: &str) -> Vec<&'a Object> {
    let mut list: Vec<&Object> = package
        .objects("programStageSections")
        .iter()
        .filter_map(Value::as_object)
        .filter(|s| ref_of(s, "programStage") == Some(stage_id))
        .collect();
    list.sort_by_key(|s| s.get("sortOrder").and_then(Value::as_i64).unwrap_or(0));
    list
}

/// The data elements of a stage, in form order.
pub fn stage_elements(stage: &Object) -> Vec<String> {
    let mut list: Vec<(i64, String)> = stage
        .get("programStageDataElements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.get("sortOrder").and_then(Value::as_i64).unwrap_or(0),
                p.get("dataElement")?.get("id")?.as_str()?.to_string(),
            ))
        })
        .collect();
    list.sort();
    list.into_iter().map(|(_, id)| id).collect()
}

/// The attributes of the program, in form order.
pub fn program_attributes(program: &Object) -> Vec<String> {
    let mut list: Vec<(i64, String)> = program
        .get("programTrackedEntityAttributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.get("sortOrder").and_then(Value::as_i64).unwrap_or(0),
                p.get("trackedEntityAttribute")?
                    .get("id")?
                    .as_str()?
                    .to_string(),
            ))
        })
        .collect();
    list.sort();
    list.into_iter().map(|(_, id)| id).collect()
}

/// An object of `kind` by code, exact name or id, among `within` ids (all when `None`).
pub fn by_code_or_name<'a>(
    package: &'a Package,
    kind: &str,
    wanted: &str,
    within: Option<&[String]>,
) -> Option<&'a Object> {
    let candidates = || {
        package
            .objects(kind)
            .iter()
            .filter_map(Value::as_object)
            .filter(move |o| {
                within.is_none_or(|w| object_id(o).is_some_and(|id| w.iter().any(|x| x == id)))
            })
    };
    candidates()
        .find(|o| str_of(o, "code") == Some(wanted))
        .or_else(|| candidates().find(|o| str_of(o, "name") == Some(wanted)))
        .or_else(|| candidates().find(|o| object_id(o) == Some(wanted)))
}

/// What to suggest for an unknown field: codes of the candidates.
pub fn codes_of<'a>(package: &'a Package, kind: &str, within: &[String]) -> Vec<&'a str> {
    within
        .iter()
        .filter_map(|id| package.get(kind, id))
        .filter_map(|o| str_of(o, "code").or_else(|| str_of(o, "name")))
        .collect()
}

/// A data element of the stage or an attribute of the program, by code or name:
/// `(kind, id, value type, option set)`.
pub struct FieldRef {
    pub kind: &'static str,
    pub id: String,
    pub value_type: String,
    pub option_set: Option<String>,
    pub code: String,
}

pub fn field_ref(kind: &'static str, o: &Object) -> FieldRef {
    FieldRef {
        kind,
        id: object_id(o).unwrap_or("").to_string(),
        value_type: str_of(o, "valueType").unwrap_or("TEXT").to_string(),
        option_set: ref_of(o, "optionSet").map(str::to_string),
        code: str_of(o, "code")
            .or_else(|| str_of(o, "name"))
            .unwrap_or("")
            .to_string(),
    }
}

/// A field of the program by code or name: data elements of any stage first, then attributes.
pub fn any_field(package: &Package, program: &Object, wanted: &str) -> Option<FieldRef> {
    let stage_ids = ids_of(program, "programStages");
    let mut elements: Vec<String> = Vec::new();
    for s in &stage_ids {
        if let Some(stage) = package.get("programStages", s) {
            elements.extend(stage_elements(stage));
        }
    }
    if let Some(de) = by_code_or_name(package, "dataElements", wanted, Some(&elements)) {
        return Some(field_ref("dataElements", de));
    }
    let attributes = program_attributes(program);
    by_code_or_name(
        package,
        "trackedEntityAttributes",
        wanted,
        Some(&attributes),
    )
    .map(|a| field_ref("trackedEntityAttributes", a))
}

/// Codes of every field of the program, for suggestions.
pub fn all_field_codes<'a>(package: &'a Package, program: &Object) -> Vec<&'a str> {
    let mut out = Vec::new();
    for s in ids_of(program, "programStages") {
        if let Some(stage) = package.get("programStages", s) {
            out.extend(codes_of(package, "dataElements", &stage_elements(stage)));
        }
    }
    out.extend(codes_of(
        package,
        "trackedEntityAttributes",
        &program_attributes(program),
    ));
    out
}

/// The options of a set: `(code, id)`.
pub fn options_of(package: &Package, set_id: &str) -> Vec<(String, String)> {
    package
        .objects("options")
        .iter()
        .filter_map(Value::as_object)
        .filter(|o| ref_of(o, "optionSet") == Some(set_id))
        .filter_map(|o| Some((str_of(o, "code")?.to_string(), object_id(o)?.to_string())))
        .collect()
}

/// Every id in the package (the UID generator avoids them).
pub fn taken(package: &Package) -> Vec<String> {
    let mut ids: Vec<String> = package
        .all_objects()
        .map(|(_, id, _)| id.to_string())
        .collect();
    // Embedded objects (stage data elements, program attributes) have ids too.
    for (kind, key) in [
        ("programStages", "programStageDataElements"),
        ("programs", "programTrackedEntityAttributes"),
        ("trackedEntityTypes", "trackedEntityTypeAttributes"),
    ] {
        for o in package.objects(kind).iter().filter_map(Value::as_object) {
            ids.extend(ids_of(o, key).into_iter().map(str::to_string));
        }
    }
    ids
}
