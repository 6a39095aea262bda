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

/// The cells of sheet `name`, built from the cells the sheet really holds: calamine's own
/// `worksheet_range` allocates the whole grid its cells span before anything can look at it, so a
/// grid over [`MAX_CELLS`] is refused here first, whatever the XML declares or how it spells its
/// references.
pub fn sheet_range<RS: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<RS>,
    name: &str,
) -> Result<calamine::Range<calamine::Data>, String> {
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut cells = Vec::new();
    let (mut rows, mut cols) = ((u32::MAX, 0u32), (u32::MAX, 0u32));
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| format!("cannot read: {e}"))?
    {
        let value: calamine::Data = cell.get_value().clone().into();
        if value == calamine::Data::Empty {
            continue;
        }
        let (r, c) = cell.get_position();
        (rows, cols) = (
            (rows.0.min(r), rows.1.max(r)),
            (cols.0.min(c), cols.1.max(c)),
        );
        let span = (u64::from(rows.1 - rows.0) + 1) * (u64::from(cols.1 - cols.0) + 1);
        if span > MAX_CELLS {
            return Err(format!(
                "its cells span rows {}-{} and columns {}-{}, a grid of {span} cells (limit {MAX_CELLS}): delete what lies outside the table (for instance stray cells far below or right of it)",
                rows.0 + 1,
                rows.1 + 1,
                cols.0 + 1,
                cols.1 + 1
            ));
        }
        cells.push(calamine::Cell::new((r, c), value));
    }
    Ok(calamine::Range::from_sparse(cells))
}

/// Unpacks every part under the input budget (uncompressed total) and checks the declared
/// numbers calamine would allocate for.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    // Not a readable zip: calamine says so in its own words (each reader has its advice).
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "is not a workbook crtk reads: it holds {} parts (limit {MAX_ENTRIES})",
            zip.len()
        ));
    }
    let budget = super::max_bytes();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            // A part calamine cannot open either: left to its error.
            continue;
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        // The declared size is not trusted: read at most what is left of the budget, plus one,
        // in chunks, scanning the parts checked below as they stream by.
        let mut scan = if lower.ends_with("sharedstrings.xml") {
            Some(Scan::Strings(StringsScan::default()))
        } else if lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") {
            Some(Scan::Sheet(SheetScan::default()))
        } else {
            None
        };
        let mut limited = (&mut entry).take(budget - total + 1);
        let mut chunk = vec![0u8; 1 << 20];
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let n = limited
                .read(&mut chunk)
                .map_err(|e| format!("cannot open as XLSX: part `{name}`: {e}"))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > budget {
                return Err(format!(
                    "unpacks to more than crtk's input limit of {} MiB (a zip bomb?); if the workbook is genuine, raise the limit with {}=<MiB>",
                    budget / (1024 * 1024),
                    super::MAX_ENV
                ));
            }
            if let Some(scan) = &mut scan {
                carry.extend_from_slice(&chunk[..n]);
                // Scan up to the last complete tag; keep the rest for the next chunk.
                let cut = match carry.iter().rposition(|b| *b == b'<') {
                    Some(i) if !carry[i..].contains(&b'>') => i,
                    _ => carry.len(),
                };
                scan.feed(&carry[..cut])
                    .map_err(|e| format!("part `{name}`: {e}"))?;
                carry.drain(..cut);
                if carry.len() > MAX_TAG {
                    return Err(format!(
                        "part `{name}`: an XML tag is longer than {MAX_TAG} bytes: the workbook is damaged or crafted"
                    ));
                }
            }
        }
        if let Some(mut scan) = scan {
            scan.feed(&carry)
                .map_err(|e| format!("part `{name}`: {e}"))?;
            scan.finish().map_err(|e| format!("part `{name}`: {e}"))?;
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
    // Read as calamine reads attributes (its `raw_attr`): a key runs to the next `=` and is
    // trimmed, white space may surround `=`, values need no white space between them. The first
    // attribute with exactly this key wins.
    let len = tag.len();
    let mut pos = tag
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(len);
    loop {
        while pos < len && tag[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let key_start = pos;
        while pos < len && tag[pos] != b'=' {
            pos += 1;
        }
        if pos >= len {
            return None;
        }
        let key = tag[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < len && tag[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = *tag.get(pos)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        pos += 1;
        let start = pos;
        while pos < len && tag[pos] != quote {
            pos += 1;
        }
        if key == name.as_bytes() {
            return Some(&tag[start..pos]);
        }
        pos += 1;
    }
}

fn number(value: &[u8]) -> Option<u64> {
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

/// Longest XML tag kept across chunks.
const MAX_TAG: usize = 1 << 20;

enum Scan {
    Strings(StringsScan),
    Sheet(SheetScan),
}

impl Scan {
    fn feed(&mut self, xml: &[u8]) -> Result<(), String> {
        match self {
            Scan::Strings(s) => {
                s.feed(xml);
                Ok(())
            }
            Scan::Sheet(s) => s.feed(xml),
        }
    }
    fn finish(&self) -> Result<(), String> {
        match self {
            Scan::Strings(s) => s.finish(),
            Scan::Sheet(s) => s.finish(),
        }
    }
}

/// `uniqueCount` (calamine reserves room for that many strings up front) may not exceed the
/// strings the part really holds.
#[derive(Default)]
struct StringsScan {
    declared: Option<u64>,
    held: u64,
}

impl StringsScan {
    fn feed(&mut self, xml: &[u8]) {
        for (name, tag) in tags(xml) {
            match name {
                b"sst" => {
                    if let Some(n) = attribute(tag, "uniqueCount") {
                        self.declared = Some(number(n).unwrap_or(u64::MAX));
                    }
                }
                b"si" => self.held += 1,
                _ => {}
            }
        }
    }
    fn finish(&self) -> Result<(), String> {
        match self.declared {
            Some(n) if n > self.held => Err(format!(
                "declares uniqueCount=\"{n}\" but holds {} strings: the workbook is damaged or crafted; save it again from a spreadsheet program",
                self.held
            )),
            _ => Ok(()),
        }
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

/// `B12`, `$A$1`, `A1:C3`, `A:A`, `1:3` within XFD1048576; a row's `r` is a plain number.
fn valid_reference(value: &[u8], row_only: bool) -> bool {
    if row_only {
        return number(value).is_some_and(|n| (1..=1_048_576).contains(&n));
    }
    value
        .split(|b| *b == b':' || b.is_ascii_whitespace())
        .filter(|part| !part.is_empty())
        .all(|part| {
            let part: Vec<u8> = part.iter().copied().filter(|b| *b != b'$').collect();
            let letters = part.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            let digits = &part[letters..];
            if letters > 3 || digits.len() > 7 || (letters == 0 && digits.is_empty()) {
                return false;
            }
            if !digits.iter().all(u8::is_ascii_digit) {
                return false;
            }
            let col_ok = letters == 0
                || cell_ref(&[&part[..letters], b"1"].concat()).is_some_and(|(_, c)| c <= 16_384);
            let row_ok =
                digits.is_empty() || number(digits).is_some_and(|r| (1..=1_048_576).contains(&r));
            col_ok && row_ok
        })
}

/// The grid a sheet's cells span (what calamine allocates) stays under [`MAX_CELLS`].
struct SheetScan {
    min_row: u64,
    max_row: u64,
    min_col: u64,
    max_col: u64,
    row: u64,
    col: u64,
    cells: u64,
}

impl Default for SheetScan {
    fn default() -> Self {
        SheetScan {
            min_row: u64::MAX,
            max_row: 0,
            min_col: u64::MAX,
            max_col: 0,
            row: 0,
            col: 0,
            cells: 0,
        }
    }
}

impl SheetScan {
    fn feed(&mut self, xml: &[u8]) -> Result<(), String> {
        for (name, tag) in tags(xml) {
            // calamine's reference parser overflows on references past Excel's grid (a panic in
            // debug builds, a wrapped position in release ones): only real references pass.
            for attr in ["r", "ref"] {
                if let Some(value) = attribute(tag, attr)
                    && !valid_reference(value, name == b"row")
                {
                    return Err(format!(
                        "`{}=\"{}\"` is not a cell reference inside Excel's grid (A1 to XFD1048576): the workbook is damaged or crafted",
                        attr,
                        String::from_utf8_lossy(&value[..value.len().min(40)])
                    ));
                }
            }
            match name {
                b"row" => {
                    self.row = attribute(tag, "r").and_then(number).unwrap_or(self.row + 1);
                    self.col = 0;
                }
                b"c" => {
                    self.cells += 1;
                    (self.row, self.col) = match attribute(tag, "r").and_then(cell_ref) {
                        Some((r, c)) => (r, c),
                        None => (self.row.max(1), self.col + 1),
                    };
                    self.min_row = self.min_row.min(self.row);
                    self.max_row = self.max_row.max(self.row);
                    self.min_col = self.min_col.min(self.col);
                    self.max_col = self.max_col.max(self.col);
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
        Ok(())
    }

    fn finish(&self) -> Result<(), String> {
        if self.cells == 0 {
            return Ok(());
        }
        let span =
            (self.max_row - self.min_row + 1).saturating_mul(self.max_col - self.min_col + 1);
        if span > MAX_CELLS {
            return Err(format!(
                "its {} cell(s) span rows {}-{} and columns {}-{}, a grid of {span} cells (limit {MAX_CELLS}): delete what lies outside the table (for instance stray cells far below or right of it)",
                self.cells, self.min_row, self.max_row, self.min_col, self.max_col
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
fn check_sheet(xml: &[u8]) -> Result<(), String> {
    let mut scan = SheetScan::default();
    scan.feed(xml)?;
    scan.finish()
}

#[cfg(test)]
fn check_shared_strings(xml: &[u8]) -> Result<(), String> {
    let mut scan = StringsScan::default();
    scan.feed(xml);
    scan.finish()
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
        assert!(check_sheet(b"<row r=\"1\"><c r=\"AAAAAAAAAAAAAAA1\"/></row>").is_err());
        assert!(check_sheet(b"<row r=\"99999999999\"><c/></row>").is_err());
        assert!(check_sheet(b"<dimension ref=\"A1:C3\"/><mergeCell ref=\"$A$1:B2\"/>").is_ok());
        assert!(check_shared_strings(b"<sst uniqueCount=\"4294967295\"><si/></sst>").is_err());
        assert!(
            check_shared_strings(b"<sst count=\"2\" uniqueCount=\"1\"><si><t>a</t></si></sst>")
                .is_ok()
        );
    }
}

#[cfg(test)]
mod attribute_tests {
    use super::attribute;

    #[test]
    fn attributes_read_as_calamine_reads_them() {
        let tag = br#"sst xmlns="x"uniqueCount = '4294967295' count="1""#;
        assert_eq!(attribute(tag, "uniqueCount"), Some(&b"4294967295"[..]));
        assert_eq!(attribute(tag, "count"), Some(&b"1"[..]));
        assert_eq!(attribute(br#"c r="A1"/"#, "r"), Some(&b"A1"[..]));
        assert_eq!(attribute(br#"c t="s""#, "r"), None);
        assert_eq!(attribute(b"sst", "uniqueCount"), None);
    }
}
