//! French and Spanish for the base's own texts, from `xtask/data/translations/<locale>.csv`.
//!
//! The tables are translation sheets as `crtk translations export` writes them (object type, UID,
//! object name, property, English source text, translation), read and applied by crtk's own
//! importer. The generator is strict where a build only warns: a row whose English text no longer
//! matches the base (stale) fails generation, so a change to a base text cannot ship an outdated
//! translation. ICD-O-3 code-list labels stay English (see `crtk::translations::ENGLISH_CODE_LISTS`).

use crtk::package::Package;
use crtk::translations::{import, read};
use std::path::{Path, PathBuf};

/// Applies every `<locale>.csv` of `dir`, in file-name order.
pub fn add(package: &mut Package, dir: &Path) -> Result<(), String> {
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
        if !report.stale.is_empty() {
            let lines: Vec<String> = report.stale.iter().map(|p| format!("  {p}")).collect();
            return Err(format!(
                "{}: {} stale row(s): a base text changed; translate the new text in this table:\n{}",
                path.display(),
                lines.len(),
                lines.join("\n")
            ));
        }
    }
    Ok(())
}
