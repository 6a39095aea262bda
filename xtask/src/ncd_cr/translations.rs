//! French and Spanish for the base's own texts, from `xtask/data/translations/<locale>.csv`.
//!
//! The tables are translation sheets as `crtk translations export` writes them (object type, UID,
//! object name, property, English source text, translation), read and applied by crtk's own
//! importer. A row whose English text no longer matches the base (stale) is skipped with a warning,
//! so `cargo xtask gen-base` still regenerates after a base text changes, and the test below fails
//! until the table is translated again: an outdated translation cannot ship unnoticed. Unknown UIDs,
//! duplicate rows and other bad rows fail generation. ICD-O-3 code-list labels stay English (see
//! `crtk::translations::ENGLISH_CODE_LISTS`).

use crtk::package::Package;
use crtk::translations::{import, read};
use std::path::{Path, PathBuf};

/// Applies every `<locale>.csv` of `dir`, in file-name order, and prints a warning per stale row.
pub fn add(package: &mut Package, dir: &Path) -> Result<(), String> {
    for line in apply(package, dir)? {
        eprintln!("warning: {line}");
    }
    Ok(())
}

/// Applies the tables; returns the stale rows (`file: row N: ...`), which are not applied.
fn apply(package: &mut Package, dir: &Path) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for path in files {
        let locale = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("{}: not a locale file name", path.display()))?
            .to_string();
        crtk::translations::check_locale(&locale)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let rows = read(&path, "en", &locale).map_err(|e| e.to_string())?;
        let report = import(package, &path, &locale, &rows).map_err(|e| e.to_string())?;
        stale.extend(report.stale.iter().map(|p| {
            format!(
                "{}: {p} (a base text changed: translate it again in this table)",
                path.display()
            )
        }));
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_translations_match_the_current_english_texts() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let mut package = super::super::generate(&data).unwrap();
        let stale = apply(&mut package, &data.join("translations")).unwrap();
        assert!(
            stale.is_empty(),
            "stale base translations:\n{}",
            stale.join("\n")
        );
        let c = crtk::translations::completeness(&package, "en", &["es".into(), "fr".into()]);
        for locale in &c.locales {
            assert_eq!(
                locale.translated, locale.total,
                "{}: every base text is translated\n{c}",
                locale.locale
            );
        }
    }
}
