//! Opening an XLSX workbook without trusting what it declares.
//!
//! A workbook is a zip of XML parts, and calamine sizes its buffers from what those parts say:
//! the span between a sheet's first and last cell (one cell at `XFD1048576` is a 17-billion-cell
//! grid), `sharedStrings.xml`'s `uniqueCount`, a shared formula's index. Before calamine sees the
//! bytes, [`open_xlsx`] unpacks every part under a budget and checks those numbers against what
//! the parts really hold.

use calamine::{Reader, Xlsx};
use std::io::{Cursor, Read};
use std::path::Path;

/// Parts in one workbook (a real one has a few dozen).
const MAX_ENTRIES: usize = 10_000;
/// Cells in the grid a sheet spans (first to last row, times first to last column).
pub const MAX_CELLS: u64 = 4_000_000;
/// Shared-formula indexes (`<f si="N">`) calamine allocates a slot for.
const MAX_SHARED_FORMULA: u64 = 100_000;

/// A workbook opened from `path`, after [`check`]; the error is a sentence for "<file>: ...".
pub fn open_xlsx(path: &Path) -> Result<Xlsx<Cursor<Vec<u8>>>, String> {
    let bytes = super::read_bytes(path).map_err(|e| format!("cannot read: {e}"))?;
    check(&bytes)?;
    Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("cannot open as XLSX: {e}"))
}

/// Unpacks every part under the input budget (uncompressed total) and checks the declared
/// numbers calamine would allocate for.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("cannot open as XLSX: {e}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "is not a workbook crtk reads: it holds {} parts (limit {MAX_ENTRIES})",
            zip.len()
        ));
    }
    let budget = super::max_bytes();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("cannot open as XLSX: {e}"))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let mut part = Vec::new();
        // The declared size is not trusted: read at most what is left of the budget, plus one.
        (&mut entry)
            .take(budget - total + 1)
            .read_to_end(&mut part)
            .map_err(|e| format!("cannot open as XLSX: part `{name}`: {e}"))?;
        total += part.len() as u64;
        if total > budget {
            return Err(format!(
                "unpacks to more than crtk's input limit of {} MiB (a zip bomb?); if the workbook is genuine, raise the limit with {}=<MiB>",
                budget / (1024 * 1024),
                super::MAX_ENV
            ));
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") {
            check_shared_strings(&part).map_err(|e| format!("part `{name}`: {e}"))?;
        } else if lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") {
            check_sheet(&part).map_err(|e| format!("part `{name}`: {e}"))?;
        }
    }
    Ok(())
}

/// Every start tag of `xml`: (local name, the tag's text up to `>`).
fn tags(xml: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            let start = pos + memchr(b'<', &xml[pos..])?;
            let end = start + memchr(b'>', &xml[start..]).unwrap_or(xml.len() - start);
            pos = end.min(xml.len());
            let tag = &xml[start + 1..end];
            if tag.first().is_some_and(|b| matches!(b, b'/' | b'?' | b'!')) {
                continue;
            }
            let name_end = tag
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'/')
                .unwrap_or(tag.len());
            let name = &tag[..name_end];
            let local = match name.iter().rposition(|b| *b == b':') {
                Some(i) => &name[i + 1..],
                None => name,
            };
            return Some((local, tag));
        }
    })
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

/// The value of attribute `name` in a start tag's text.
fn attribute<'t>(tag: &'t [u8], name: &str) -> Option<&'t [u8]> {
    let pattern = format!("{name}=");
    let bytes = pattern.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].windows(bytes.len()).position(|w| w == bytes) {
        let at = from + i;
        from = at + 1;
        // A whole attribute name: preceded by white space.
        if at == 0 || !tag[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = &tag[at + bytes.len()..];
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let end = memchr(quote, &rest[1..])?;
        return Some(&rest[1..1 + end]);
    }
    None
}

fn number(value: &[u8]) -> Option<u64> {
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

/// `uniqueCount` / `count` may not exceed the strings the part really holds.
fn check_shared_strings(xml: &[u8]) -> Result<(), String> {
    let mut declared = None;
    let mut held: u64 = 0;
    for (name, tag) in tags(xml) {
        match name {
            b"sst" => {
                // calamine reserves room for `uniqueCount` strings up front.
                if let Some(n) = attribute(tag, "uniqueCount") {
                    declared = Some(number(n).unwrap_or(u64::MAX));
                }
            }
            b"si" => held += 1,
            _ => {}
        }
    }
    match declared {
        Some(n) if n > held => Err(format!(
            "declares uniqueCount=\"{n}\" but holds {held} strings: the workbook is damaged or crafted; save it again from a spreadsheet program"
        )),
        _ => Ok(()),
    }
}

/// A cell reference (`B12`) as (row, column), both 1-based.
fn cell_ref(value: &[u8]) -> Option<(u64, u64)> {
    let letters = value.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let mut col: u64 = 0;
    for b in &value[..letters] {
        col = col.checked_mul(26)? + u64::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row = number(&value[letters..])?;
    Some((row, col))
}

/// The grid a sheet's cells span (what calamine allocates) stays under [`MAX_CELLS`].
fn check_sheet(xml: &[u8]) -> Result<(), String> {
    let (mut min_row, mut max_row, mut min_col, mut max_col) = (u64::MAX, 0u64, u64::MAX, 0u64);
    let mut row: u64 = 0;
    let mut col: u64 = 0;
    let mut cells: u64 = 0;
    for (name, tag) in tags(xml) {
        match name {
            b"row" => {
                row = attribute(tag, "r").and_then(number).unwrap_or(row + 1);
                col = 0;
            }
            b"c" => {
                cells += 1;
                (row, col) = match attribute(tag, "r").and_then(cell_ref) {
                    Some((r, c)) => (r, c),
                    None => (row.max(1), col + 1),
                };
                min_row = min_row.min(row);
                max_row = max_row.max(row);
                min_col = min_col.min(col);
                max_col = max_col.max(col);
            }
            b"f" => {
                if let Some(si) = attribute(tag, "si").and_then(number)
                    && si > MAX_SHARED_FORMULA
                {
                    return Err(format!(
                        "a shared formula has index {si} (limit {MAX_SHARED_FORMULA})"
                    ));
                }
            }
            _ => {}
        }
    }
    if cells == 0 {
        return Ok(());
    }
    let span = (max_row - min_row + 1).saturating_mul(max_col - min_col + 1);
    if span > MAX_CELLS {
        return Err(format!(
            "its {cells} cell(s) span rows {min_row}-{max_row} and columns {min_col}-{max_col}, a grid of {span} cells (limit {MAX_CELLS}): delete what lies outside the table (for instance stray cells far below or right of it)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cell_references_and_attributes() {
        assert_eq!(cell_ref(b"A1"), Some((1, 1)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(attribute(b"c r=\"B2\" t=\"s\"", "r"), Some(&b"B2"[..]));
        assert_eq!(attribute(b"c rr=\"B2\"", "r"), None);
        assert!(check_sheet(b"<row r=\"1\"><c r=\"A1\"/><c r=\"XFD1048576\"/></row>").is_err());
        assert!(check_sheet(b"<row r=\"1\"><c r=\"A1\"/><c r=\"C9\"/></row>").is_ok());
        assert!(check_shared_strings(b"<sst uniqueCount=\"4294967295\"><si/></sst>").is_err());
        assert!(
            check_shared_strings(b"<sst count=\"2\" uniqueCount=\"1\"><si><t>a</t></si></sst>")
                .is_ok()
        );
    }
}
