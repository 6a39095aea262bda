//! The translatable texts of a package: what an export lists and what completeness counts.

use super::translatable::{TYPES, TextProperty, TranslatableType, is_text};
use crate::package::{Package, object_id, object_name};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Option sets whose option labels are ICD-O-3 / CanReg5 code-list labels. They stay in English by
/// design (they are the international classification's wording, and CanReg5 exports match on
/// them), so exports leave them out unless asked and completeness reports them apart.
pub const ENGLISH_CODE_LISTS: &[&str] = &[
    "CR - Topography",
    "CR - Morphology4",
    "CR - Site",
    "CR - Topography Group",
    "CR - Morphology Family",
];

/// One translatable text of one object.
#[derive(Debug, Clone)]
pub struct Text<'a> {
    pub ty: &'static TranslatableType,
    pub uid: &'a str,
    /// The object's name, with context a translator needs (`Male (CR - Sex)`).
    pub label: String,
    pub property: TextProperty,
    pub source: &'a str,
    /// An option (or option group) of one of the [`ENGLISH_CODE_LISTS`].
    pub code_list: bool,
    /// The object itself, to read its translations.
    pub object: &'a Map<String, Value>,
    sort: (usize, String, i64, String),
}

impl Text<'_> {
    /// The object's current translation of this text into `locale`, if any.
    pub fn translation(&self, locale: &str) -> Option<&str> {
        translation_of(self.object, locale, self.property.key)
    }
}

/// The value of the `translations` entry for `(locale, key)`, when present and not empty.
pub fn translation_of<'a>(
    object: &'a Map<String, Value>,
    locale: &str,
    key: &str,
) -> Option<&'a str> {
    object
        .get("translations")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|t| {
            t.get("locale").and_then(Value::as_str) == Some(locale)
                && t.get("property").and_then(Value::as_str) == Some(key)
        })
        .and_then(|t| t.get("value"))
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
}

/// A text with no letter at all (`01`, `+`, `*`) reads the same in every language: it is neither
/// exported nor counted.
pub fn language_neutral(text: &str) -> bool {
    !text.chars().any(char::is_alphabetic)
}

/// Every translatable, non-empty, language-dependent text of the package, grouped by type in the
/// order of [`TYPES`], then in an order a translator can follow (options by set and position,
/// sections by stage, other objects by name).
pub fn texts(package: &Package) -> Vec<Text<'_>> {
    let names = |kind: &str| -> BTreeMap<&str, &str> {
        package
            .objects(kind)
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|o| Some((object_id(o)?, object_name(o).unwrap_or(""))))
            .collect()
    };
    let option_sets = names("optionSets");
    let stages = names("programStages");
    let rules = names("programRules");
    let code_list_sets: Vec<&str> = option_sets
        .iter()
        .filter(|(_, name)| ENGLISH_CODE_LISTS.contains(name))
        .map(|(id, _)| *id)
        .collect();
    let parent = |object: &Map<String, Value>, key: &str| -> Option<String> {
        object
            .get(key)
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str)
            .map(String::from)
    };

    let mut out = Vec::new();
    for (position, ty) in TYPES.iter().enumerate() {
        for object in package.objects(ty.kind).iter().filter_map(Value::as_object) {
            let Some(uid) = object_id(object) else {
                continue;
            };
            let name = object_name(object).unwrap_or("");
            let (label, group, order, code_list) = match ty.kind {
                "options" => {
                    let set = parent(object, "optionSet").unwrap_or_default();
                    let set_name = option_sets.get(set.as_str()).copied().unwrap_or("");
                    let order = object.get("sortOrder").and_then(Value::as_i64).unwrap_or(0);
                    let code_list = code_list_sets.contains(&set.as_str());
                    (
                        format!("{name} ({set_name})"),
                        set_name.to_string(),
                        order,
                        code_list,
                    )
                }
                "programStageSections" => {
                    let stage = parent(object, "programStage").unwrap_or_default();
                    let stage_name = stages.get(stage.as_str()).copied().unwrap_or("");
                    let order = object.get("sortOrder").and_then(Value::as_i64).unwrap_or(0);
                    (
                        format!("{name} ({stage_name})"),
                        stage_name.to_string(),
                        order,
                        false,
                    )
                }
                "optionGroups" => {
                    let set = parent(object, "optionSet").unwrap_or_default();
                    let set_name = option_sets.get(set.as_str()).copied().unwrap_or("");
                    let code_list = code_list_sets.contains(&set.as_str());
                    (
                        format!("{name} ({set_name})"),
                        set_name.to_string(),
                        0,
                        code_list,
                    )
                }
                "programStages" => {
                    let order = object.get("sortOrder").and_then(Value::as_i64).unwrap_or(0);
                    (name.to_string(), String::new(), order, false)
                }
                "programRuleActions" => {
                    let rule = parent(object, "programRule").unwrap_or_default();
                    let rule_name = rules.get(rule.as_str()).copied().unwrap_or("");
                    (
                        format!("action of rule {rule_name}"),
                        rule_name.to_string(),
                        0,
                        false,
                    )
                }
                _ => (name.to_string(), name.to_string(), 0, false),
            };
            for property in ty.properties {
                let Some(source) = object.get(property.field).and_then(Value::as_str) else {
                    continue;
                };
                if source.trim().is_empty()
                    || language_neutral(source)
                    || !is_text(ty.kind, object, property.key)
                {
                    continue;
                }
                out.push(Text {
                    ty,
                    uid,
                    label: label.clone(),
                    property: *property,
                    source,
                    code_list,
                    object,
                    sort: (position, group.clone(), order, uid.to_string()),
                });
            }
        }
    }
    // Stable: the properties of one object keep the order of the type's table.
    out.sort_by(|a, b| a.sort.cmp(&b.sort));
    out
}
