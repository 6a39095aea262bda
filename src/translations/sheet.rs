//! Translation files as a translator holds them: one row per text, in XLSX, CSV or YAML.
//!
//! Columns (header row 1): `Object type`, `UID`, `Object name`, `Property`,
//! `Source text (<default locale>)`, `Translation (<locale>)`. Headers are matched case-insensitively;
//! the locales in brackets are optional, but when present must be the build's. Row numbers in errors
//! are the spreadsheet's (header = row 1; for CSV the record number counting the header as 1); YAML
//! files are a list of entries with keys `type`, `uid`, `name`, `property`, `source`, `translation`,
//! numbered from 1.
//!
//! Writing is deterministic: the XLSX document timestamp is fixed (rust_xlsxwriter already fixes the
//! zip entries' times), so the same package exports the same bytes.

use super::error::{RowProblem, TranslationError};
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook};
use serde::Deserialize;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// One translatable text, as a row of a translation file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TranslationRow {
    /// The type's label (`Data element`); see [`super::translatable::TYPES`].
    pub object_type: String,
    pub uid: String,
    /// For orientation only; never compared.
    pub object_name: String,
    /// The DHIS2 translation key (`NAME`, `FORM_NAME`, ...).
    pub property: String,
    /// The text in the default language when the row was exported.
    pub source: String,
    /// The translation; empty = not translated yet.
    pub translation: String,
}

/// A row read from a file, with where it stands there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedRow {
    /// `row 7` (spreadsheet, CSV) or `entry 3` (YAML).
    pub place: String,
    pub row: TranslationRow,
}

/// The file formats crtk reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    Csv,
    Yaml,
}

impl SheetFormat {
    /// The format a file name's extension names.
    pub fn from_path(path: &Path) -> Option<SheetFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(SheetFormat::Xlsx),
            "csv" => Some(SheetFormat::Csv),
            "yaml" | "yml" => Some(SheetFormat::Yaml),
            _ => None,
        }
    }
}

const COLUMNS: [&str; 6] = [
    "Object type",
    "UID",
    "Object name",
    "Property",
    "Source text",
    "Translation",
];

/// The header row of an export for `locale`, whose source texts are in `default`.
pub fn header(default: &str, locale: &str) -> [String; 6] {
    [
        COLUMNS[0].to_string(),
        COLUMNS[1].to_string(),
        COLUMNS[2].to_string(),
        COLUMNS[3].to_string(),
        format!("{} ({default})", COLUMNS[4]),
        format!("{} ({locale})", COLUMNS[5]),
    ]
}

fn cells(row: &TranslationRow) -> [&str; 6] {
    [
        &row.object_type,
        &row.uid,
        &row.object_name,
        &row.property,
        &row.source,
        &row.translation,
    ]
}

/// CSV, UTF-8 with a byte-order mark so that Excel opens accented text correctly.
pub fn to_csv(rows: &[TranslationRow], default: &str, locale: &str) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let write = |w: &mut csv::Writer<Vec<u8>>, cells: &[&str]| {
        w.write_record(cells)
            .expect("writing CSV to memory cannot fail")
    };
    let head = header(default, locale);
    write(&mut writer, &head.each_ref().map(String::as_str));
    for row in rows {
        let row = cells(row);
        write(
            &mut writer,
            &row.map(|c| crate::output::csv_safe(c))
                .each_ref()
                .map(|c| c.as_ref()),
        );
    }
    writer
        .into_inner()
        .expect("writing CSV to memory cannot fail")
}

/// XLSX: one sheet named after the locale, bold frozen header row with a filter, wrapped text
/// columns sized for reading, every cell a text cell (so `01` stays `01`), and a second sheet with
/// instructions.
pub fn to_xlsx(rows: &[TranslationRow], default: &str, locale: &str) -> Result<Vec<u8>, String> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| format!("cannot make the XLSX file: {e}");
    let mut workbook = Workbook::new();
    let stamp = ExcelDateTime::from_ymd(2026, 1, 1).map_err(xlsx)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&stamp)
            .set_title(format!("Translations ({locale})"))
            .set_author("crtk"),
    );
    let head_format = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let top = Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);
    let sheet = workbook.add_worksheet();
    sheet.set_name(locale).map_err(xlsx)?;
    let widths = [22.0, 14.0, 40.0, 24.0, 60.0, 60.0];
    for (col, title) in header(default, locale).iter().enumerate() {
        let col = col as u16;
        sheet
            .set_column_width(col, widths[col as usize])
            .map_err(xlsx)?;
        sheet
            .write_string_with_format(0, col, title, &head_format)
            .map_err(xlsx)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, text) in cells(row).iter().enumerate() {
            let format = if col >= 4 || col == 2 { &wrap } else { &top };
            sheet
                .write_string_with_format(r, col as u16, *text, format)
                .map_err(xlsx)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    sheet.autofilter(0, 0, rows.len() as u32, 5).map_err(xlsx)?;

    let help = workbook.add_worksheet();
    help.set_name("How to translate").map_err(xlsx)?;
    help.set_column_width(0, 110).map_err(xlsx)?;
    let lines = [
        format!("Translate the texts of column F into {locale}; leave a cell empty to keep it untranslated."),
        "Do not change the columns Object type, UID, Property or Source text: crtk uses them to find each text.".to_string(),
        "If the source text changes later, crtk reports the row as stale and ignores it until it is translated again.".to_string(),
        "Short names (Property SHORT_NAME) must stay within 50 characters.".to_string(),
        "Keep the first sheet first and the header row as it is. Do not protect the file with a password.".to_string(),
    ];
    for (i, line) in lines.iter().enumerate() {
        help.write_string(i as u32, 0, line).map_err(xlsx)?;
    }
    workbook.save_to_buffer().map_err(xlsx)
}

/// Reads a translation file for `locale` (source texts in `default`).
pub fn read(
    path: &Path,
    default: &str,
    locale: &str,
) -> Result<Vec<NumberedRow>, TranslationError> {
    let file_error = |message: String| TranslationError::File {
        path: path.to_path_buf(),
        message,
    };
    let format = match SheetFormat::from_path(path) {
        Some(f) => f,
        None if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xls")) =>
        {
            return Err(file_error(
                "is an Excel 97-2003 workbook (.xls), which crtk does not read: save it as .xlsx"
                    .into(),
            ));
        }
        None => {
            return Err(file_error(
                "has no known extension: name a .xlsx, .csv or .yaml file".into(),
            ));
        }
    };
    let bytes = crate::input::read_bytes(path)
        .map_err(|e| file_error(format!("cannot read the translation file: {e}")))?;
    read_bytes(path, format, &bytes, default, locale)
}

/// Reads the bytes of a translation file in `format` (`path` names it in errors); used for files
/// on disk and for the sheets compiled into crtk.
pub fn read_bytes(
    path: &Path,
    format: SheetFormat,
    bytes: &[u8],
    default: &str,
    locale: &str,
) -> Result<Vec<NumberedRow>, TranslationError> {
    let file_error = |message: String| TranslationError::File {
        path: path.to_path_buf(),
        message,
    };
    match format {
        SheetFormat::Xlsx => {
            let table = xlsx_table(bytes).map_err(file_error)?;
            from_table(path, table, default, locale)
        }
        SheetFormat::Csv => {
            let text = decode_utf8(bytes).map_err(file_error)?;
            let table = csv_table(text).map_err(file_error)?;
            from_table(path, table, default, locale)
        }
        SheetFormat::Yaml => {
            let text = decode_utf8(bytes).map_err(file_error)?;
            from_yaml(path, text)
        }
    }
}

/// A table read from a file: `(row number, cells)`, header first; blank rows left out.
type Table = Vec<(usize, Vec<String>)>;

/// Text as UTF-8 (a leading byte-order mark dropped), or why it is not.
fn decode_utf8(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            "is encoded in UTF-16 (\"Unicode text\"): save it as \"CSV UTF-8\" and try again"
                .into(),
        );
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!(
            "line {line}: byte 0x{:02X} is not UTF-8: the file is in another encoding (probably Windows-1252 or Latin-1); save it as \"CSV UTF-8\" (Excel: Save As > CSV UTF-8; LibreOffice: character set Unicode (UTF-8))",
            bytes[at]
        )
    })
}

fn csv_table(text: &str) -> Result<Table, String> {
    crate::input::check_csv_text(text)?;
    // Excel in many European locales saves CSV with `;`: take the separator the header uses.
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut table = Table::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("row {}: malformed CSV: {e}", p.record() + 1),
            None => format!("malformed CSV: {e}"),
        })?;
        let cells: Vec<String> = record
            .iter()
            .map(|c| crate::output::csv_unsafe(c).replace("\r\n", "\n"))
            .collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        table.push((i + 1, cells));
    }
    Ok(table)
}

fn xlsx_table(bytes: &[u8]) -> Result<Table, String> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE compound file: Excel's encrypted workbooks (streams `EncryptionInfo` and
        // `EncryptedPackage`) and the old .xls format both are.
        let encrypted: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes
            .windows(encrypted.len())
            .any(|w| w == encrypted.as_slice())
        {
            return Err("is password-protected (encrypted), so crtk cannot read it: open it, remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear the box) and save it again".into());
        }
        return Err("is an Excel 97-2003 workbook saved under an .xlsx name: open it and save it as Excel Workbook (.xlsx)".into());
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err("is not an XLSX workbook (an XLSX file is a zip archive, this one is not): export it again or save it as .xlsx".into());
    }
    crate::input::check_xlsx(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        format!("cannot be read as an XLSX workbook ({e}): open it in Excel or LibreOffice and save it as .xlsx again")
    })?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err("has no sheet: export the translations again".into());
    };
    let range = crate::input::sheet_range(&mut workbook, &first).map_err(|e| {
        format!("the first sheet: {e}; open it in Excel or LibreOffice and save it as .xlsx again")
    })?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let first_col = range.start().map(|(_, c)| c).unwrap_or(0) as usize;
    let mut table = Table::new();
    let mut problems = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let row = first_row as usize + i + 1;
        let mut texts = vec![String::new(); first_col];
        for (j, cell) in cells.iter().enumerate() {
            texts.push(match cell_text(cell) {
                Ok(text) => text,
                Err(why) => {
                    problems.push(format!(
                        "row {row}, column {}: {why}",
                        column_letter(first_col + j)
                    ));
                    String::new()
                }
            });
        }
        if texts.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        table.push((row, texts));
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    Ok(table)
}

fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace("\r\n", "\n"),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            return Err(
                "holds a date, not text: format the cell as Text and type the text again".into(),
            );
        }
        Data::Error(e) => return Err(format!("holds the error value {e}: type the text instead")),
    })
}

fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// Column positions of the six columns in a header row.
fn header_columns(
    path: &Path,
    row: usize,
    cells: &[String],
    default: &str,
    locale: &str,
) -> Result<[usize; 6], TranslationError> {
    let error = |message: String| TranslationError::Header {
        path: path.to_path_buf(),
        row,
        message,
    };
    let expected = header(default, locale).join(" | ");
    let mut found: [Option<usize>; 6] = [None; 6];
    for (index, cell) in cells.iter().enumerate() {
        let text = cell.trim();
        if text.is_empty() {
            continue;
        }
        let (name, bracket) = match text.rsplit_once('(') {
            Some((name, rest)) if rest.ends_with(')') => {
                (name.trim(), Some(rest.trim_end_matches(')').trim()))
            }
            _ => (text, None),
        };
        let Some(column) = COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) else {
            return Err(error(format!(
                "unknown column `{text}` in the header (column {}); the header must be: {expected}",
                column_letter(index)
            )));
        };
        if let Some(bracket) = bracket {
            let want = match column {
                4 => default,
                5 => locale,
                _ => {
                    return Err(error(format!(
                        "unknown column `{text}` in the header; the header must be: {expected}"
                    )));
                }
            };
            if bracket != want {
                let what = if column == 4 {
                    "source texts in"
                } else {
                    "translations into"
                };
                return Err(error(format!(
                    "column `{text}` says the file holds {what} `{bracket}`, but this build expects `{want}`: use the file made for `{want}` (crtk translations export --locale {locale})"
                )));
            }
        }
        if found[column].is_some() {
            return Err(error(format!(
                "column `{}` appears twice in the header; keep one",
                COLUMNS[column]
            )));
        }
        found[column] = Some(index);
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(found)
        .filter(|(_, f)| f.is_none())
        .map(|(c, _)| *c)
        .collect();
    if !missing.is_empty() {
        return Err(error(format!(
            "the header lacks the column(s) {}; the header must be: {expected} (export a fresh sheet with `crtk translations export`)",
            missing
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(found.map(|f| f.expect("checked above")))
}

fn from_table(
    path: &Path,
    table: Table,
    default: &str,
    locale: &str,
) -> Result<Vec<NumberedRow>, TranslationError> {
    let mut rows = table.into_iter();
    let Some((header_row, header_cells)) = rows.next() else {
        return Err(TranslationError::File {
            path: path.to_path_buf(),
            message: "is empty: it needs a header row and one row per text (crtk translations export makes one)".into(),
        });
    };
    let columns = header_columns(path, header_row, &header_cells, default, locale)?;
    let width = columns.iter().max().copied().unwrap_or(0);
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (row, cells) in rows {
        let get = |i: usize| cells.get(columns[i]).cloned().unwrap_or_default();
        if cells.len() > width + 1 && cells[width + 1..].iter().any(|c| !c.trim().is_empty()) {
            problems.push(RowProblem {
                place: format!("row {row}"),
                message:
                    "has text right of the last column; move it into `Translation` or delete it"
                        .into(),
            });
            continue;
        }
        out.push(NumberedRow {
            place: format!("row {row}"),
            row: TranslationRow {
                object_type: get(0),
                uid: get(1).trim().to_string(),
                object_name: get(2),
                property: get(3).trim().to_string(),
                source: get(4),
                translation: get(5),
            },
        });
    }
    if !problems.is_empty() {
        return Err(TranslationError::Rows {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlRow {
    #[serde(default, rename = "type")]
    object_type: String,
    uid: String,
    #[serde(default)]
    name: String,
    property: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    translation: String,
}

fn from_yaml(path: &Path, text: &str) -> Result<Vec<NumberedRow>, TranslationError> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let rows: Vec<YamlRow> = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let at = e.path().to_string();
        let inner = e.into_inner();
        let place = inner
            .location()
            .map(|l| format!("line {}: ", l.line()))
            .unwrap_or_default();
        let entry = at
            .strip_prefix('[')
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| format!("entry {}: ", n + 1))
            .unwrap_or_default();
        TranslationError::File {
            path: PathBuf::from(path),
            message: format!(
                "{place}{entry}{inner}; a YAML translation file is a list of entries with keys type, uid, name, property, source, translation"
            ),
        }
    })?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| NumberedRow {
            place: format!("entry {}", i + 1),
            row: TranslationRow {
                object_type: r.object_type,
                uid: r.uid.trim().to_string(),
                object_name: r.name,
                property: r.property.trim().to_string(),
                source: r.source,
                translation: r.translation,
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<TranslationRow> {
        vec![
            TranslationRow {
                object_type: "Data element".into(),
                uid: "c6EnHSAMUat".into(),
                object_name: "CR - Incidence date".into(),
                property: "FORM_NAME".into(),
                source: "Incidence date".into(),
                translation: "Date d'incidence".into(),
            },
            TranslationRow {
                object_type: "Option".into(),
                uid: "a1234567890".into(),
                object_name: "01".into(),
                property: "NAME".into(),
                source: "01, \"quoted\"\nsecond line".into(),
                translation: String::new(),
            },
        ]
    }

    fn temp(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("crtk-sheet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn csv_and_xlsx_round_trip_exactly_and_deterministically() {
        let rows = sample();
        let csv = to_csv(&rows, "en", "fr");
        let back = read(&temp("a.csv", &csv), "en", "fr").unwrap();
        assert_eq!(back.iter().map(|r| r.row.clone()).collect::<Vec<_>>(), rows);
        assert_eq!(back[0].place, "row 2");
        let xlsx = to_xlsx(&rows, "en", "fr").unwrap();
        assert_eq!(
            xlsx,
            to_xlsx(&rows, "en", "fr").unwrap(),
            "same bytes twice"
        );
        let back = read(&temp("a.xlsx", &xlsx), "en", "fr").unwrap();
        assert_eq!(back.iter().map(|r| r.row.clone()).collect::<Vec<_>>(), rows);
    }

    #[test]
    fn header_locale_must_match() {
        let csv = to_csv(&sample(), "en", "es");
        let e = read(&temp("b.csv", &csv), "en", "fr")
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 1") && e.contains("`es`"), "{e}");
    }

    #[test]
    fn semicolon_csv_and_latin1_detection() {
        let text = "Object type;UID;Object name;Property;Source text;Translation\r\nOption;a1234567890;x;NAME;Male;Homme\r\n";
        let rows = read(&temp("c.csv", text.as_bytes()), "en", "fr").unwrap();
        assert_eq!(rows[0].row.translation, "Homme");
        let latin1 = b"Object type,UID,Object name,Property,Source text,Translation\nOption,a1234567890,x,NAME,Male,F\xE9minin\n";
        let e = read(&temp("d.csv", latin1), "en", "fr")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2") && e.contains("0xE9") && e.contains("CSV UTF-8"),
            "{e}"
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }
}
