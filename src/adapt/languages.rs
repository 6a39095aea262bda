//! The `languages` adaptation: crtk's shipped sheets for the base (`base_translations`), then each
//! configured translation file, into the objects' `translations`; other locales dropped when
//! asked (`drop_other_locales`); then the completeness of the locales the country reports.
//!
//! It runs after every other adaptation (see `build.rs`), because it translates the texts they
//! produce: a country's source types or address areas can be translated like the base's own texts.
//! A shipped row whose text an adaptation changed or removed (a placeholder option replaced by the
//! country's areas) simply does not apply: it is counted, never a warning, since the row is
//! crtk's and the change the country's.

use crate::config::LoadedConfig;
use crate::package::Package;
use crate::translations::{
    Completeness, ImportReport, TranslationError, base_sheet, base_sheet_name, completeness,
    import, read,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

/// What the adaptation did.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguagesOutcome {
    /// One report per shipped base sheet (`languages.base_translations`), in config order.
    pub base: Vec<(PathBuf, ImportReport)>,
    /// One report per translation file, in locale order.
    pub files: Vec<(PathBuf, ImportReport)>,
    /// Translations removed by `drop_other_locales`: `(locale, count)`, by locale.
    pub dropped: Vec<(String, usize)>,
    /// Completeness of the reported locales: `languages.locales` when given, else every locale
    /// the built package has translations for.
    pub completeness: Completeness,
}

impl LanguagesOutcome {
    /// Stale rows and translated rows for removed objects of every file, as
    /// `file: row N: message` lines (warnings; errors with `--strict`).
    pub fn stale(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|(path, report)| {
                report
                    .stale
                    .iter()
                    .chain(&report.removed)
                    .map(move |p| format!("{}: {p}", path.display()))
            })
            .collect()
    }

    /// Things worth knowing that need no action: empty rows for removed objects, ignored.
    pub fn notes(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|(_, report)| !report.removed_empty.is_empty())
            .map(|(path, report)| {
                let places = &report.removed_empty;
                let shown: Vec<&str> = places.iter().take(10).map(String::as_str).collect();
                let more = if places.len() > shown.len() {
                    format!(" and {} more", places.len() - shown.len())
                } else {
                    String::new()
                };
                format!(
                    "{}: {} row(s) name objects the package no longer has and have no translation, so they are ignored ({}{more}); `crtk translations export --update {}` writes a sheet without them",
                    path.display(),
                    places.len(),
                    shown.join(", "),
                    path.display()
                )
            })
            .collect()
    }
}

/// What `crtk build` prints: one line per sheet, the dropped locales, then the completeness.
impl fmt::Display for LanguagesOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (path, report) in &self.base {
            writeln!(
                f,
                "base translations {}: {} applied, {} already present, {} not applicable (from {})",
                report.locale,
                report.applied,
                report.unchanged,
                report.stale.len() + report.removed.len() + report.removed_empty.len(),
                path.display()
            )?;
        }
        for (path, report) in &self.files {
            writeln!(
                f,
                "translations {}: {} applied, {} already present, {} left untranslated, {} stale, {} for removed objects (from {})",
                report.locale,
                report.applied,
                report.unchanged,
                report.untranslated,
                report.stale.len(),
                report.removed.len() + report.removed_empty.len(),
                path.display()
            )?;
        }
        if !self.dropped.is_empty() {
            let total: usize = self.dropped.iter().map(|(_, n)| n).sum();
            let each: Vec<String> = self
                .dropped
                .iter()
                .map(|(locale, n)| format!("{locale} {n}"))
                .collect();
            writeln!(
                f,
                "dropped {total} translation(s) into {} other locale(s): {} (languages.drop_other_locales)",
                self.dropped.len(),
                each.join(", ")
            )?;
        }
        write!(f, "{}", self.completeness)
    }
}

/// Imports the shipped base sheets and the config's translation files into `package`, drops
/// unwanted locales and measures completeness.
pub fn apply(
    package: &mut Package,
    config: &LoadedConfig,
) -> Result<LanguagesOutcome, TranslationError> {
    let default = config.config.package.locale.clone();
    let mut base = Vec::new();
    let mut files = Vec::new();
    let mut dropped = Vec::new();
    let mut reported = None;
    if let Some(languages) = &config.config.languages {
        for locale in &languages.base_translations {
            let rows = base_sheet(locale).expect("the config check admits shipped locales only")?;
            let path = base_sheet_name(locale);
            let report = import(package, &path, locale, &rows)?;
            base.push((path, report));
        }
        for (locale, file) in &languages.translations {
            let path = config.resolve(file);
            let rows = read(&path, &default, locale)?;
            let report = import(package, &path, locale, &rows)?;
            files.push((path, report));
        }
        if let Some(locales) = &languages.locales {
            if languages.drop_other_locales {
                dropped = drop_locales(package, &default, locales);
            }
            reported = Some(locales.clone());
        }
    }
    let reported = reported.unwrap_or_else(|| locales(package, &default));
    let completeness = completeness(package, &default, &reported);
    Ok(LanguagesOutcome {
        base,
        files,
        dropped,
        completeness,
    })
}

/// Removes every translation into a locale that is neither `default` nor in `keep`, wherever a
/// `translations` list stands (top-level objects and the objects nested in them); returns the
/// count per locale removed.
fn drop_locales(package: &mut Package, default: &str, keep: &[String]) -> Vec<(String, usize)> {
    fn walk(
        value: &mut Value,
        keep: &dyn Fn(&str) -> bool,
        out: &mut std::collections::BTreeMap<String, usize>,
    ) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(list)) = map.get_mut("translations") {
                    list.retain(|t| {
                        let locale = t.get("locale").and_then(Value::as_str).unwrap_or("");
                        let kept = keep(locale);
                        if !kept {
                            *out.entry(locale.to_string()).or_default() += 1;
                        }
                        kept
                    });
                }
                for (key, v) in map.iter_mut() {
                    if key != "translations" {
                        walk(v, keep, out);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, keep, out)),
            _ => {}
        }
    }
    let keep = |locale: &str| locale == default || keep.iter().any(|k| k == locale);
    let mut out = std::collections::BTreeMap::new();
    let kinds: Vec<String> = package.kinds().map(String::from).collect();
    for kind in kinds {
        for object in package.objects_mut(&kind) {
            walk(object, &keep, &mut out);
        }
    }
    out.into_iter().collect()
}

/// Every locale some object of the package has a translation for, except the default.
pub fn locales(package: &Package, default: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    for (_, _, object) in package.all_objects() {
        let Some(list) = object.get("translations").and_then(Value::as_array) else {
            continue;
        };
        for t in list {
            if let Some(locale) = t.get("locale").and_then(Value::as_str)
                && locale != default
            {
                found.insert(locale.to_string());
            }
        }
    }
    found.into_iter().collect()
}
