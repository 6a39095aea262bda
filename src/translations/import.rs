//! Rows of a translation file into the objects' `translations`.
//!
//! Every row is checked before anything changes: an empty UID, an unknown property, a type that does not
//! match the UID, two rows for one (UID, property), or a translated short name over 50 characters
//! fail the whole file with every problem listed by row. A row whose source text is no longer the
//! object's text is *stale*: it was translated from words the package no longer has, so it is
//! reported and not applied (the caller decides whether stale rows fail the build). A row for an
//! object the package no longer has is never fatal: ignored (with a note) when its translation is
//! empty, reported like a stale row when it is filled.

use super::error::{RowProblem, TranslationError};
use super::sheet::NumberedRow;
use super::translatable::{SHORT_NAME_MAX, by_kind, by_label, is_text};
use crate::package::Package;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// What importing one file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub locale: String,
    /// Translations written (new or changed).
    pub applied: usize,
    /// Rows whose translation the object already had.
    pub unchanged: usize,
    /// Rows left empty by the translator.
    pub untranslated: usize,
    /// Rows translated from a source text the object no longer has; not applied.
    pub stale: Vec<RowProblem>,
    /// Translated rows for objects the package no longer has; not applied, reported like stale rows.
    pub removed: Vec<RowProblem>,
    /// Where the rows for objects the package no longer has, with no translation, stand; ignored.
    pub removed_empty: Vec<String>,
}

/// Applies the rows of `path` (already read) for `locale` to `package`.
pub fn import(
    package: &mut Package,
    path: &Path,
    locale: &str,
    rows: &[NumberedRow],
) -> Result<ImportReport, TranslationError> {
    let index: BTreeMap<String, String> = package
        .id_index()
        .into_iter()
        .map(|(id, kind)| (id.to_string(), kind.to_string()))
        .collect();
    let mut problems = Vec::new();
    let mut report = ImportReport {
        locale: locale.to_string(),
        ..ImportReport::default()
    };
    let mut seen: BTreeMap<(String, &'static str), &str> = BTreeMap::new();
    // (kind, uid, key, value) to write once every row is known to be good.
    let mut writes: Vec<(String, String, &'static str, String)> = Vec::new();
    for numbered in rows {
        let row = &numbered.row;
        let mut problem = |message: String| {
            problems.push(RowProblem {
                place: numbered.place.clone(),
                message,
            })
        };
        if row.uid.is_empty() {
            problem(
                "the UID is empty: copy it from a fresh export (crtk translations export)".into(),
            );
            continue;
        }
        let Some(kind) = index.get(&row.uid) else {
            // The object was removed (an area dropped, a source type renamed): an empty row is
            // noise, a filled one is a translation that has lost its text, like a stale row.
            if row.translation.trim().is_empty() {
                report.removed_empty.push(numbered.place.clone());
            } else {
                report.removed.push(RowProblem {
                    place: numbered.place.clone(),
                    message: format!(
                        "removed: no {} has the UID `{}` in this package any more (removed, or the UID was mistyped), so its translation is not used; delete the row, or write a fresh sheet that keeps every other translation (crtk translations export --update THIS-FILE)",
                        if row.object_type.trim().is_empty() { "object" } else { row.object_type.trim() },
                        row.uid
                    ),
                });
            }
            continue;
        };
        let Some(ty) = by_kind(kind) else {
            problem(format!(
                "`{}` is a {kind} object, whose texts crtk does not translate; delete the row",
                row.uid
            ));
            continue;
        };
        if !row.object_type.trim().is_empty() {
            match by_label(&row.object_type) {
                Some(t) if t.kind == ty.kind => {}
                _ => {
                    problem(format!(
                        "the object type says `{}` but `{}` is a {}: the row was edited or moved; restore it from a fresh export",
                        row.object_type.trim(),
                        row.uid,
                        ty.label
                    ));
                    continue;
                }
            }
        }
        let Some(property) = ty.property(&row.property) else {
            problem(format!(
                "`{}` is not a translatable property of a {} (use one of {})",
                row.property,
                ty.label,
                ty.keys()
            ));
            continue;
        };
        let object = package
            .get(kind, &row.uid)
            .expect("the id index names this object");
        if !is_text(kind, object, property.key) {
            problem(format!(
                "the {} of `{}` is not a text to translate (an ASSIGN action's content names a variable); delete the row",
                property.key, row.uid
            ));
            continue;
        }
        if let Some(first) = seen.insert((row.uid.clone(), property.key), &numbered.place) {
            problem(format!(
                "translates {} of `{}` again ({first} already does); keep one of the two rows",
                property.key, row.uid
            ));
            continue;
        }
        if row.translation.trim().is_empty() {
            report.untranslated += 1;
            continue;
        }
        if property.key == "SHORT_NAME" && row.translation.chars().count() > SHORT_NAME_MAX {
            problem(format!(
                "the translated short name has {} characters; DHIS2 allows at most {SHORT_NAME_MAX}: shorten it",
                row.translation.chars().count()
            ));
            continue;
        }
        let current = object
            .get(property.field)
            .and_then(Value::as_str)
            .unwrap_or("");
        if normalize(current) != normalize(&row.source) {
            report.stale.push(RowProblem {
                place: numbered.place.clone(),
                message: format!(
                    "stale: the {} of {} `{}` is now \"{current}\" but the row translates \"{}\"; translate the new text (the row is ignored)",
                    property.key, ty.label, row.uid, row.source
                ),
            });
            continue;
        }
        writes.push((
            kind.clone(),
            row.uid.clone(),
            property.key,
            normalize(&row.translation),
        ));
    }
    if !problems.is_empty() {
        return Err(TranslationError::Rows {
            path: path.to_path_buf(),
            problems,
        });
    }
    for (kind, uid, key, value) in writes {
        let object = package.get_mut(&kind, &uid).expect("checked above");
        if set_translation(object, locale, key, &value) {
            report.applied += 1;
        } else {
            report.unchanged += 1;
        }
    }
    Ok(report)
}

/// Line ends as `\n`, whatever the spreadsheet program wrote.
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Sets the `(locale, key)` translation of an object; `false` when it already had that value.
/// The `translations` array is kept sorted by locale then property, so output is deterministic.
pub fn set_translation(
    object: &mut Map<String, Value>,
    locale: &str,
    key: &str,
    value: &str,
) -> bool {
    let slot = object
        .entry("translations")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    let list = slot.as_array_mut().expect("made an array above");
    let existing = list.iter_mut().filter_map(Value::as_object_mut).find(|t| {
        t.get("locale").and_then(Value::as_str) == Some(locale)
            && t.get("property").and_then(Value::as_str) == Some(key)
    });
    match existing {
        Some(entry) if entry.get("value").and_then(Value::as_str) == Some(value) => return false,
        Some(entry) => {
            entry.insert("value".into(), Value::String(value.to_string()));
        }
        None => list.push(json!({"locale": locale, "property": key, "value": value})),
    }
    let field = |t: &Value, k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    list.sort_by_key(|t| (field(t, "locale"), field(t, "property")));
    true
}
