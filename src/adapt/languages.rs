//! The `languages` adaptation: each configured translation file into the objects' `translations`,
//! then the completeness of every locale the package carries.
//!
//! It runs after every other adaptation (see `build.rs`), because it translates the texts they
//! produce: a country's source types or address areas can be translated like the base's own texts.

use crate::config::LoadedConfig;
use crate::package::Package;
use crate::translations::{
    Completeness, ImportReport, TranslationError, completeness, import, read,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What the adaptation did.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguagesOutcome {
    /// One report per translation file, in locale order.
    pub files: Vec<(PathBuf, ImportReport)>,
    /// Completeness of every locale the built package has translations for.
    pub completeness: Completeness,
}

impl LanguagesOutcome {
    /// Stale rows of every file, as `file: row N: message` lines.
    pub fn stale(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|(path, report)| {
                report
                    .stale
                    .iter()
                    .map(move |p| format!("{}: {p}", path.display()))
            })
            .collect()
    }
}

/// Imports the config's translation files into `package` and measures completeness.
pub fn apply(
    package: &mut Package,
    config: &LoadedConfig,
) -> Result<LanguagesOutcome, TranslationError> {
    let default = config.config.package.locale.clone();
    let mut files = Vec::new();
    if let Some(languages) = &config.config.languages {
        for (locale, file) in &languages.translations {
            let path = config.resolve(file);
            let rows = read(&path, &default, locale)?;
            let report = import(package, &path, locale, &rows)?;
            files.push((path, report));
        }
    }
    let completeness = completeness(package, &default, &locales(package, &default));
    Ok(LanguagesOutcome {
        files,
        completeness,
    })
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
