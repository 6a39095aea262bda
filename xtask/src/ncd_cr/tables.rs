//! The source tables of the base (`xtask/data/`), read into plain rows.

use std::collections::BTreeMap;
use std::path::Path;

/// One CSV row, by column name.
pub type Row = BTreeMap<String, String>;

/// Reads a CSV file with a header row.
pub fn read(dir: &Path, file: &str) -> Result<Vec<Row>, String> {
    let path = dir.join(file);
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(headers
                .iter()
                .map(String::from)
                .zip(record.iter().map(String::from))
                .collect())
        })
        .collect()
}

/// A column of a row; the tables are ours, so a missing column is a programming error.
pub fn col<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no column {name} in {row:?}"))
}
