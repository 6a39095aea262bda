//! Translations: the spreadsheet round trip (export, fill, import), stale-text detection and
//! completeness per locale.
//!
//! A translation lives in each DHIS2 object's `translations` array as
//! `{"locale": "fr", "property": "NAME", "value": "..."}`. Translators never see JSON: they get a
//! sheet with one row per text ([`export`]), fill the last column, and the build reads the sheet back
//! ([`import`], run by the `languages` adaptation). Each row carries the source text it was
//! translated from, so a translation of words the package no longer has is caught as stale instead
//! of silently showing outdated text.

mod base_sheets;
mod completeness;
mod error;
mod import;
mod locale;
mod sheet;
mod texts;
pub mod translatable;
mod update;

pub use base_sheets::{BASE_SHEET_SOURCE_LOCALE, base_sheet, base_sheet_locales, base_sheet_name};
pub use completeness::{Completeness, Count, LocaleCompleteness, TypeCompleteness, completeness};
pub use error::{RowProblem, TranslationError};
pub use import::{ImportReport, import, set_translation};
pub use locale::check_locale;
pub use sheet::{
    NumberedRow, SheetFormat, TranslationRow, header, read, read_bytes, to_csv, to_xlsx,
};
pub use texts::{ENGLISH_CODE_LISTS, Text, language_neutral, texts, translation_of};
pub use update::{CarryOver, carry_over};

use crate::package::Package;

/// The rows of a translation sheet for `locale`: every translatable text of the package with its
/// current translation (empty when there is none). ICD-O-3 code-list labels are left out unless
/// `include_code_lists`.
pub fn export(package: &Package, locale: &str, include_code_lists: bool) -> Vec<TranslationRow> {
    texts(package)
        .into_iter()
        .filter(|t| include_code_lists || !t.code_list)
        .map(|t| TranslationRow {
            object_type: t.ty.label.to_string(),
            uid: t.uid.to_string(),
            object_name: t.label.clone(),
            property: t.property.key.to_string(),
            source: t.source.to_string(),
            translation: t.translation(locale).unwrap_or("").to_string(),
        })
        .collect()
}
