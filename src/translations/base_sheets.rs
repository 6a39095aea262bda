//! crtk's own French and Spanish translation sheets for the official NCD_CR 1.0.1 base, compiled
//! into the binary (an installed crtk needs no files). They live in
//! `base-package/NCD_CR/translations/` beside the official JSON, which stays byte-exact: a build
//! takes them with `languages.base_translations: [fr, es]` and adds them to the built package only.
//! Where each row comes from (the old reconstructed base's sheets matched by code or name, the
//! official package's own translation, or written for the official wording) is recorded in
//! `provenance.csv` there.

use super::error::TranslationError;
use super::sheet::{NumberedRow, SheetFormat, read_bytes};
use std::path::{Path, PathBuf};

/// The default locale of the base the sheets translate (their source texts).
pub const BASE_SHEET_SOURCE_LOCALE: &str = "en";

/// `(locale, CSV bytes)` of every shipped sheet, in locale order.
const SHEETS: &[(&str, &[u8])] = &[
    (
        "es",
        include_bytes!("../../base-package/NCD_CR/translations/es.csv"),
    ),
    (
        "fr",
        include_bytes!("../../base-package/NCD_CR/translations/fr.csv"),
    ),
];

/// The locales crtk ships a base sheet for.
pub fn base_sheet_locales() -> Vec<&'static str> {
    SHEETS.iter().map(|(locale, _)| *locale).collect()
}

/// How a shipped sheet is named in messages.
pub fn base_sheet_name(locale: &str) -> PathBuf {
    PathBuf::from(format!(
        "base-package/NCD_CR/translations/{locale}.csv (built into crtk)"
    ))
}

/// The rows of the shipped sheet for `locale`; `None` when crtk ships none for it.
pub fn base_sheet(locale: &str) -> Option<Result<Vec<NumberedRow>, TranslationError>> {
    let (_, bytes) = SHEETS.iter().find(|(l, _)| *l == locale)?;
    Some(read_bytes(
        Path::new(&base_sheet_name(locale)),
        SheetFormat::Csv,
        bytes,
        BASE_SHEET_SOURCE_LOCALE,
        locale,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_sheet_reads_and_is_filled() {
        for locale in base_sheet_locales() {
            let rows = base_sheet(locale).unwrap().unwrap();
            assert_eq!(rows.len(), 268, "{locale}");
            assert!(
                rows.iter().all(|r| !r.row.translation.trim().is_empty()),
                "{locale}: every row translated"
            );
        }
        assert!(base_sheet("de").is_none());
    }
}
