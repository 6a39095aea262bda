//! The CanReg5 dictionary text format, as CanReg5 exports and imports it.
//!
//! A header line `#<id>\t----<name>` opens each dictionary; `code\tlabel` rows follow; dictionaries
//! are separated by blank lines. CanReg5's own files end lines with CRLF and may leave a tab after
//! the label (`02\tSAO TOME\t`): both are accepted here. Blanks *inside* the label's ends are kept,
//! so the area checks can still refuse ` SAO TOME`.

/// One dictionary of a text export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDictionary {
    /// The number after `#` (`9`), as written.
    pub id: String,
    /// The name after the dashes (`Address`).
    pub name: String,
    /// 1-based line of the header.
    pub line: usize,
    pub rows: Vec<TextRow>,
}

/// One `code\tlabel` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRow {
    /// 1-based line number.
    pub line: usize,
    pub code: String,
    pub label: String,
}

impl TextDictionary {
    /// Whether this is the dictionary `wanted` names: by number, or by name ignoring case.
    pub fn is(&self, wanted: &crate::config::address::DictionaryRef) -> bool {
        use crate::config::address::DictionaryRef;
        match wanted {
            DictionaryRef::Id(n) => self.id.parse::<u32>().ok() == Some(*n),
            DictionaryRef::Name(s) => self.name.eq_ignore_ascii_case(s.trim()),
        }
    }

    /// `#9 Address`, as listed in messages.
    pub fn label(&self) -> String {
        format!("#{} {}", self.id, self.name)
    }
}

/// A line that is not in the format: (1-based line, what to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub line: usize,
    pub message: String,
}

/// Reads every dictionary of a text export. Rows before the first header are ignored (CanReg5
/// writes none; other tools put comments there).
pub fn parse(text: &str) -> Result<Vec<TextDictionary>, TextError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out: Vec<TextDictionary> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        // `lines()` drops `\r\n`; a lone `\r` (old Mac files) is dropped here too.
        let line = line.trim_end_matches('\r');
        if let Some(header) = line.strip_prefix('#') {
            let (id, name) = header.split_once('\t').unwrap_or((header, ""));
            out.push(TextDictionary {
                id: id.trim().to_string(),
                name: name
                    .trim_end_matches(['\t', ' '])
                    .trim_start_matches('-')
                    .trim()
                    .to_string(),
                line: line_no,
                rows: Vec::new(),
            });
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let Some(current) = out.last_mut() else {
            continue;
        };
        let Some((code, label)) = line.split_once('\t') else {
            return Err(TextError {
                line: line_no,
                message: "is not `code<TAB>label`: separate the code from the label with one tab"
                    .into(),
            });
        };
        current.rows.push(TextRow {
            line: line_no,
            code: code.to_string(),
            // CanReg5 writes a tab after the label; spaces stay (they are data errors).
            label: label.trim_end_matches('\t').to_string(),
        });
    }
    Ok(out)
}

/// One dictionary in the format CanReg5 imports: CRLF line ends, tab-separated, a blank line after.
pub fn render(id: &str, name: &str, rows: &[(String, String)]) -> String {
    let mut out = format!("#{id}\t----{name}\r\n");
    for (code, label) in rows {
        out.push_str(code);
        out.push('\t');
        out.push_str(label);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_trailing_tabs_are_what_canreg5_writes() {
        let text = "#9\t----Address\r\n02\tSAO TOME\t\r\n020\tAgua Grande\t\t\r\n\r\n#11\t----Hospital\r\n01\tX\r\n";
        let d = parse(text).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].label(), "#9 Address");
        assert_eq!(d[0].rows[0].label, "SAO TOME");
        assert_eq!(d[0].rows[1].label, "Agua Grande");
        assert_eq!(d[1].rows[0].line, 6);
        // A real blank at a label's end survives, for the area checks to refuse.
        assert_eq!(
            parse("#1\t----A\n01\tX \t\n").unwrap()[0].rows[0].label,
            "X "
        );
        assert_eq!(parse("#1\t----A\n01 X\n").unwrap_err().line, 2);
    }

    #[test]
    fn render_then_parse_is_stable() {
        let rows = vec![("01".to_string(), "North".to_string())];
        let text = render("9", "Address", &rows);
        assert_eq!(text, "#9\t----Address\r\n01\tNorth\r\n\r\n");
        let d = &parse(&text).unwrap()[0];
        assert_eq!((d.id.as_str(), d.name.as_str()), ("9", "Address"));
        assert_eq!(d.rows[0].code, "01");
    }
}
