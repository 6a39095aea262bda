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
    let code_list_sets = code_list_sets(package);
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
            for (property, source) in texts_of(ty, object) {
                out.push(Text {
                    ty,
                    uid,
                    label: label.clone(),
                    property,
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

/// The translatable texts of one object: `(property, source text)`, in the type's order.
fn texts_of<'a>(
    ty: &'static TranslatableType,
    object: &'a Map<String, Value>,
) -> impl Iterator<Item = (TextProperty, &'a str)> + 'a {
    ty.properties.iter().filter_map(move |property| {
        let source = object.get(property.field).and_then(Value::as_str)?;
        let counted = !source.trim().is_empty()
            && !language_neutral(source)
            && is_text(ty.kind, object, property.key);
        counted.then_some((*property, source))
    })
}

/// The ids of the option sets that are [`ENGLISH_CODE_LISTS`].
fn code_list_sets(package: &Package) -> Vec<&str> {
    package
        .objects("optionSets")
        .iter()
        .filter_map(Value::as_object)
        .filter(|set| object_name(set).is_some_and(|n| ENGLISH_CODE_LISTS.contains(&n)))
        .filter_map(object_id)
        .collect()
}

/// One text as completeness counts it: no label, no order within its type.
pub struct Counted<'a> {
    pub ty: &'static TranslatableType,
    pub property: TextProperty,
    pub code_list: bool,
    pub object: &'a Map<String, Value>,
}

/// The same texts as [`texts`], grouped by type in the order of [`TYPES`] but without the labels
/// and the sort a translator needs: what completeness counts, at a fraction of the cost.
pub fn counted_texts(package: &Package) -> Vec<Counted<'_>> {
    let code_list_sets = code_list_sets(package);
    let mut out = Vec::new();
    for ty in TYPES {
        let in_code_list = matches!(ty.kind, "options" | "optionGroups");
        for object in package.objects(ty.kind).iter().filter_map(Value::as_object) {
            if object_id(object).is_none() {
                continue;
            }
            let code_list = in_code_list
                && object
                    .get("optionSet")
                    .and_then(|r| r.get("id"))
                    .and_then(Value::as_str)
                    .is_some_and(|set| code_list_sets.contains(&set));
            out.extend(texts_of(ty, object).map(|(property, _)| Counted {
                ty,
                property,
                code_list,
                object,
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Completeness counts exactly the texts a translator is given, on a package with code lists,
    /// option groups and translated texts (the shipped official base).
    #[test]
    fn counted_texts_are_the_exported_texts() {
        let base = crate::base::Base::shipped();
        let key =
            |ty: &TranslatableType, p: TextProperty, code_list: bool, o: &Map<String, Value>| {
                (
                    ty.kind,
                    p.key,
                    code_list,
                    object_id(o).unwrap_or("").to_string(),
                )
            };
        let mut exported: Vec<_> = texts(&base.package)
            .iter()
            .map(|t| key(t.ty, t.property, t.code_list, t.object))
            .collect();
        let mut counted: Vec<_> = counted_texts(&base.package)
            .iter()
            .map(|t| key(t.ty, t.property, t.code_list, t.object))
            .collect();
        assert!(exported.iter().any(|k| k.2), "the base has code-list texts");
        exported.sort();
        counted.sort();
        assert_eq!(exported, counted);
    }
}
