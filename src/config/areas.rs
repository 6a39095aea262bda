//! Reading the areas of an address cascade and checking them.
//!
//! Every source (inline tree, CSV, XLSX, CanReg5 dictionary) is first turned into [`Entry`]s
//! (one per area mention, with the place it was read from), then [`AreaTree::build`] checks them
//! all the same way. Each error names the file and the row, line or config key, and the fix.
//!
//! Two table layouts are read:
//! - *wide*: one row per leaf, a code and a name column per level (`columns:`);
//! - *long*: one row per area, with a code, a name and a parent-code column (`code:`, `name:`,
//!   `parent:`), the layout of a DHIS2 option-set export.

use super::address::{
    AddressConfig, AreaFix, AreaSource, DictionaryRef, DictionarySource, Level, TableSource,
    TreeArea,
};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A problem in the area data, at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaError {
    pub file: PathBuf,
    /// `row 12`, `line 40`, `sheet Areas, row 5`, or a config key path.
    pub place: String,
    pub message: String,
}

impl fmt::Display for AreaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.file.display(),
            self.place,
            self.message
        )
    }
}

impl std::error::Error for AreaError {}

/// One area of the cascade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub code: String,
    pub name: String,
    /// 0 for the top level.
    pub level: usize,
    /// Index of the parent in [`AreaTree::areas`].
    pub parent: Option<usize>,
    /// Indexes of the children, in the order read.
    pub children: Vec<usize>,
    /// Where the area was first read.
    pub place: String,
}

/// The checked areas: every area above the last level has children, codes are unique across
/// all levels, names are clean.
#[derive(Debug, Clone)]
pub struct AreaTree {
    pub levels: Vec<String>,
    /// In the order read; parents always come before their children.
    pub areas: Vec<Area>,
}

impl AreaTree {
    /// The areas of one level, in the order read.
    pub fn level(&self, level: usize) -> impl Iterator<Item = (usize, &Area)> {
        self.areas
            .iter()
            .enumerate()
            .filter(move |(_, a)| a.level == level)
    }

    /// Every area's codes from the top down, joined by `/` (its stable key), in the areas' order.
    pub fn code_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = Vec::with_capacity(self.areas.len());
        for area in &self.areas {
            let path = match area.parent {
                // Parents come before their children.
                Some(p) => format!("{}/{}", paths[p], area.code),
                None => area.code.clone(),
            };
            paths.push(path);
        }
        paths
    }
}

/// One mention of an area in the source: a code and a name at a level, under a parent code.
#[derive(Debug, Clone)]
struct Entry {
    level: usize,
    code: String,
    name: String,
    /// `None` for the top level; for the long layout the parent code as written.
    parent: Option<String>,
    place: String,
    /// Wide layout: upper levels repeat on every row, so a repeat is not a duplicate.
    repeats_allowed: bool,
}

/// Reads and checks the areas an address config names; `config_path` is the config file (for
/// inline trees and to resolve relative paths).
pub fn load(config: &AddressConfig, config_path: &Path) -> Result<AreaTree, AreaError> {
    let dir = config_path.parent().unwrap_or(Path::new("."));
    // Row problems of the readers, reported together with the tree's (one report per file).
    let mut problems = Vec::new();
    let (file, entries) = match &config.areas {
        AreaSource::Tree(tree) => (config_path.to_path_buf(), tree_entries(tree, config)?),
        AreaSource::Csv(table) => {
            let file = dir.join(&table.file);
            let rows = read_csv(&file)?;
            let entries = table_entries(&file, rows, table, &config.levels, &mut problems)?;
            (file, entries)
        }
        AreaSource::Xlsx(table) => {
            let file = dir.join(&table.file);
            let rows = read_xlsx(&file, table.sheet.as_deref())?;
            let entries = table_entries(&file, rows, table, &config.levels, &mut problems)?;
            (file, entries)
        }
        AreaSource::Canreg5(dict) => {
            let file = dir.join(&dict.file);
            let entries = dictionary_entries(&file, dict, config.levels.len(), &mut problems)?;
            (file, entries)
        }
    };
    build_tree(&file, config_path, entries, config, problems)
}

// ---------------------------------------------------------------------------------------------
// Sources

fn tree_entries(tree: &[TreeArea], config: &AddressConfig) -> Result<Vec<Entry>, AreaError> {
    fn walk(
        nodes: &[TreeArea],
        level: usize,
        parent: Option<&str>,
        key: &str,
        out: &mut Vec<Entry>,
    ) {
        for (i, node) in nodes.iter().enumerate() {
            let place = format!("{key}[{i}]");
            out.push(Entry {
                level,
                code: node.code.clone(),
                name: node.name.clone(),
                parent: parent.map(str::to_string),
                place: place.clone(),
                repeats_allowed: false,
            });
            walk(
                &node.children,
                level + 1,
                Some(&node.code),
                &format!("{place}.children"),
                out,
            );
        }
    }
    let _ = config;
    let mut out = Vec::new();
    walk(tree, 0, None, "address.areas.tree", &mut out);
    Ok(out)
}

/// A table read from a file: the header and the data rows, each with its place.
struct Table {
    header: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
    /// Used in "no such column" errors.
    what: String,
}

fn read_csv(file: &Path) -> Result<Table, AreaError> {
    let err = |place: &str, message: String| AreaError {
        file: file.to_path_buf(),
        place: place.into(),
        message,
    };
    let bytes =
        crate::input::read_bytes(file).map_err(|e| err("file", format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        err(
            "file",
            format!(
                "is not UTF-8 (byte {}): save it as CSV UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    crate::input::check_csv_text(text).map_err(|e| err("file", e))?;
    // The csv reader skips empty lines; a blank line inside the data is reported instead.
    let mut in_quotes = false;
    let lines: Vec<&str> = text.lines().collect();
    let last_data = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(0);
    for (i, line) in lines.iter().enumerate() {
        if !in_quotes && line.trim().is_empty() && i < last_data {
            return Err(err(
                &format!("row {}", i + 1),
                "is blank: remove the empty row (every row must hold one area)".into(),
            ));
        }
        if line.matches('"').count() % 2 == 1 {
            in_quotes = !in_quotes;
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err("row 1", format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            err(&format!("row {line}"), format!("is not valid CSV: {e}"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        rows.push((
            format!("row {line}"),
            record.iter().map(str::to_string).collect(),
        ));
    }
    Ok(Table {
        header,
        rows,
        what: "the header row".into(),
    })
}

fn read_xlsx(file: &Path, sheet: Option<&str>) -> Result<Table, AreaError> {
    use calamine::{Data, Reader};
    let err = |place: String, message: String| AreaError {
        file: file.to_path_buf(),
        place,
        message,
    };
    let mut workbook = crate::input::open_xlsx(file).map_err(|e| err("file".into(), e))?;
    let names = workbook.sheet_names();
    let sheet = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(err(
                format!("sheet `{s}`"),
                format!(
                    "no such sheet; the workbook has: {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| err("file".into(), "has no sheet".into()))?,
    };
    let range = crate::input::sheet_range(&mut workbook, &sheet)
        .map_err(|e| err(format!("sheet `{sheet}`"), e))?;
    let merged = workbook
        .merge_cells_by_sheet_name(&sheet)
        .map_err(|e| err(format!("sheet `{sheet}`"), format!("cannot read: {e}")))?;
    if let Some(m) = merged.first() {
        return Err(err(
            format!("sheet `{sheet}`, rows {}-{}", m.start.0 + 1, m.end.0 + 1),
            format!(
                "cells {}:{} are merged: unmerge them and write the value on every row",
                cell_name(m.start),
                cell_name(m.end)
            ),
        ));
    }
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let cell = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            other => other.to_string(),
        }
    };
    let mut iter = range.rows();
    // Leading columns/rows of the sheet that calamine trims away count in the row numbers.
    let _ = first_col;
    let header: Vec<String> = iter
        .next()
        .map(|r| r.iter().map(|c| cell(c).trim().to_string()).collect())
        .unwrap_or_default();
    let rows = iter
        .enumerate()
        .map(|(i, r)| {
            (
                format!("sheet `{sheet}`, row {}", first_row as usize + i + 2),
                r.iter().map(cell).collect(),
            )
        })
        .collect();
    Ok(Table {
        header,
        rows,
        what: format!("the first row of sheet `{sheet}`"),
    })
}

/// `(row, col)` (0-based) as a spreadsheet cell name (`B5`).
fn cell_name((row, col): (u32, u32)) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

fn column_index(file: &Path, table: &Table, name: &str, key: &str) -> Result<usize, AreaError> {
    table
        .header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| AreaError {
            file: file.to_path_buf(),
            place: table.what.clone(),
            message: format!(
                "has no column `{name}` (named in `{key}`); the columns are: {}",
                table
                    .header
                    .iter()
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

fn table_entries(
    file: &Path,
    table: Table,
    source: &TableSource,
    levels: &[Level],
    problems: &mut Vec<AreaError>,
) -> Result<Vec<Entry>, AreaError> {
    let err = |place: &str, message: String| AreaError {
        file: file.to_path_buf(),
        place: place.into(),
        message,
    };
    let mut out = Vec::new();
    if !source.columns.is_empty() {
        // Wide layout.
        let mut cols = Vec::new();
        for (i, level) in levels.iter().enumerate() {
            let columns = &source.columns[&level.name];
            let key = format!("address.areas.columns.{}", level.name);
            cols.push((
                i,
                column_index(file, &table, &columns.code, &format!("{key}.code"))?,
                column_index(file, &table, &columns.name, &format!("{key}.name"))?,
            ));
        }
        let mut previous: Option<&Vec<String>> = None;
        for (place, row) in &table.rows {
            let get = |c: usize| row.get(c).map(String::as_str).unwrap_or("");
            let before = |c: usize| previous.and_then(|p| p.get(c)).map(String::as_str);
            if cols
                .iter()
                .all(|&(_, c, n)| get(c).trim().is_empty() && get(n).trim().is_empty())
            {
                problems.push(err(
                    place,
                    "is blank: remove the empty row (every row must hold one area)".into(),
                ));
                continue;
            }
            let mut parent: Option<String> = None;
            let mut stopped: Option<usize> = None;
            // Upper levels repeat the row above in a sorted file: the same code, name and parent
            // again add nothing (the tree would skip them), so they are not made entries.
            let mut repeats_above = previous.is_some();
            for &(level, c, n) in &cols {
                let (code, name) = (get(c), get(n));
                if code.trim().is_empty() && name.trim().is_empty() {
                    stopped.get_or_insert(level);
                    continue;
                }
                if let Some(gap) = stopped {
                    problems.push(err(
                        place,
                        format!(
                            "has a {} (`{code}`) but no {}: fill the {} on every row (merged or blank cells?)",
                            levels[level].name, levels[gap].name, levels[gap].name
                        ),
                    ));
                    break;
                }
                repeats_above &= before(c) == Some(code) && before(n) == Some(name);
                if repeats_above && level + 1 < levels.len() {
                    parent = Some(code.to_string());
                    continue;
                }
                out.push(Entry {
                    level,
                    code: code.to_string(),
                    name: name.to_string(),
                    parent: parent.clone(),
                    place: place.clone(),
                    repeats_allowed: level + 1 < levels.len(),
                });
                parent = Some(code.to_string());
            }
            previous = Some(row);
        }
        return Ok(out);
    }
    // Long layout.
    let (Some(code), Some(name)) = (&source.code, &source.name) else {
        unreachable!("the config check requires `columns` or `code` and `name`");
    };
    let code_col = column_index(file, &table, code, "address.areas.code")?;
    let name_col = column_index(file, &table, name, "address.areas.name")?;
    let parent_col = match &source.parent {
        Some(p) => Some(column_index(file, &table, p, "address.areas.parent")?),
        None => None,
    };
    for (place, row) in &table.rows {
        let get = |c: usize| row.get(c).map(String::as_str).unwrap_or("");
        if row.iter().all(|c| c.trim().is_empty()) {
            problems.push(err(
                place,
                "is blank: remove the empty row (every row must hold one area)".into(),
            ));
            continue;
        }
        let parent = parent_col
            .map(get)
            .filter(|p| !p.trim().is_empty())
            .map(str::to_string);
        out.push(Entry {
            level: usize::MAX, // worked out from the parent chain
            code: get(code_col).to_string(),
            name: get(name_col).to_string(),
            parent,
            place: place.clone(),
            repeats_allowed: false,
        });
    }
    Ok(out)
}

fn dictionary_entries(
    file: &Path,
    source: &DictionarySource,
    levels: usize,
    problems: &mut Vec<AreaError>,
) -> Result<Vec<Entry>, AreaError> {
    let err = |place: String, message: String| AreaError {
        file: file.to_path_buf(),
        place,
        message,
    };
    let text = crate::input::read_to_string(file)
        .map_err(|e| err("file".into(), format!("cannot read: {e}")))?;
    // CanReg5's own format (CRLF, a tab after the label): crate::canreg5::dictionary_text.
    let dictionaries = crate::canreg5::dictionary_text::parse(&text)
        .map_err(|e| err(format!("line {}", e.line), e.message))?;
    let found: Vec<String> = dictionaries.iter().map(|d| d.label()).collect();
    let rows: Vec<(usize, String, String)> = dictionaries
        .into_iter()
        .find(|d| d.is(&source.dictionary))
        .map(|d| {
            d.rows
                .into_iter()
                .map(|r| (r.line, r.code, r.label))
                .collect()
        })
        .unwrap_or_default();
    if rows.is_empty() {
        let wanted = match &source.dictionary {
            DictionaryRef::Id(n) => format!("#{n}"),
            DictionaryRef::Name(s) => format!("`{s}`"),
        };
        return Err(err(
            "file".into(),
            format!(
                "has no dictionary {wanted} with entries; it has: {}",
                if found.is_empty() {
                    "none (is this a CanReg5 dictionary export?)".into()
                } else {
                    found.join(", ")
                }
            ),
        ));
    }
    let mut out = Vec::new();
    match source.category_length {
        None => {
            for (line, code, name) in rows {
                out.push(Entry {
                    level: 0,
                    code,
                    name,
                    parent: None,
                    place: format!("line {line}"),
                    repeats_allowed: false,
                });
            }
        }
        Some(category) => {
            if levels == 1 {
                return Err(err(
                    "file".into(),
                    format!(
                        "holds a compound dictionary (2 levels: {category}-character categories and full codes) but `address.levels` declares 1 level: declare 2 levels, or drop `category_length`"
                    ),
                ));
            }
            for (line, code, name) in rows {
                let len = code.chars().count();
                let (level, parent) = if len == category {
                    (0, None)
                } else if len > category {
                    (1, Some(code.chars().take(category).collect()))
                } else {
                    problems.push(err(
                        format!("line {line}"),
                        format!(
                            "code `{code}` is shorter than the {category}-character category codes of this compound dictionary"
                        ),
                    ));
                    continue;
                };
                out.push(Entry {
                    level,
                    code,
                    name,
                    parent,
                    place: format!("line {line}"),
                    repeats_allowed: false,
                });
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Checks

/// Characters allowed in codes: they stand inside `'...'` in rule conditions.
fn bad_code_char(code: &str) -> Option<char> {
    code.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
}

fn name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("has an empty name: give every area a name".into());
    }
    if name.trim() != name {
        return Some(format!(
            "name `{name}` starts or ends with a space: remove it"
        ));
    }
    if name.contains("  ") {
        return Some(format!(
            "name `{name}` has two spaces in a row (a typing slip?): correct the data, or add a documented fix under `address.fixes`"
        ));
    }
    if name.chars().any(char::is_control) {
        return Some(format!(
            "name `{}` holds a control character (tab or line break): remove it",
            name.escape_debug()
        ));
    }
    if name.chars().count() > 230 {
        return Some(format!(
            "name `{name}` is longer than DHIS2's 230 characters: shorten it"
        ));
    }
    None
}

fn pad(code: &str, width: Option<usize>) -> Cow<'_, str> {
    match width {
        Some(w)
            if !code.is_empty() && code.len() < w && code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Cow::Owned(format!("{code:0>w$}"))
        }
        _ => Cow::Borrowed(code),
    }
}

fn build_tree(
    file: &Path,
    config_path: &Path,
    mut entries: Vec<Entry>,
    config: &AddressConfig,
    problems: Vec<AreaError>,
) -> Result<AreaTree, AreaError> {
    let mut errors = problems;
    let levels = &config.levels;
    let err = |place: &str, message: String| AreaError {
        file: file.to_path_buf(),
        place: place.into(),
        message,
    };
    // Fixes: matched on the raw code and name, before padding.
    let level_of = |name: &str| levels.iter().position(|l| l.name == name);
    let mut fix_used = vec![false; config.fixes.len()];
    let raw_index: HashMap<(String, String), Vec<usize>> = {
        let mut m: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, f) in config.fixes.iter().enumerate() {
            m.entry((f.code.clone(), f.name.clone()))
                .or_default()
                .push(i);
        }
        m
    };
    // Most configs declare no fixes: then no entry needs looking at.
    for entry in entries.iter_mut().filter(|_| !config.fixes.is_empty()) {
        if let Some(fixes) = raw_index.get(&(entry.code.clone(), entry.name.clone())) {
            for &i in fixes {
                let fix: &AreaFix = &config.fixes[i];
                let fix_level = level_of(&fix.level);
                if entry.level != usize::MAX && Some(entry.level) != fix_level {
                    continue;
                }
                fix_used[i] = true;
                if let Some(c) = &fix.set_code {
                    entry.code = c.clone();
                }
                if let Some(n) = &fix.set_name {
                    entry.name = n.clone();
                }
            }
        }
        // The parent code as written may itself be fixed (wide layout repeats it; long layout
        // names it): apply code fixes to parent references of the level above.
        if let Some(parent) = entry.parent.clone() {
            for f in &config.fixes {
                if f.code == parent
                    && let Some(new) = &f.set_code
                    && (entry.level == usize::MAX
                        || (entry.level > 0 && level_of(&f.level) == Some(entry.level - 1)))
                {
                    entry.parent = Some(new.clone());
                }
            }
        }
    }
    // Wide layout: the parent code was captured before the parent's own fix was applied; a fix
    // of a parent (code, name) pair is reflected above through the code rewrite.
    for i in (0..fix_used.len()).filter(|&i| !fix_used[i]) {
        let f = &config.fixes[i];
        errors.push(AreaError {
            file: config_path.to_path_buf(),
            place: format!("address.fixes[{i}]"),
            message: format!(
                "matches no {} with code `{}` and name `{}` in {}: remove the fix if the data was corrected",
                f.level,
                f.code,
                f.name,
                file.display()
            ),
        });
    }

    // Long layout: work out the levels from the parent chain.
    if entries.iter().any(|e| e.level == usize::MAX) {
        let parent_of: HashMap<&str, Option<&str>> = entries
            .iter()
            .map(|e| (e.code.as_str(), e.parent.as_deref()))
            .collect();
        let mut depths = Vec::with_capacity(entries.len());
        for e in &entries {
            let mut depth = 0;
            let mut at = e.parent.as_deref();
            let mut chain: Vec<&str> = vec![e.code.as_str()];
            while let Some(p) = at {
                depth += 1;
                if chain.contains(&p) {
                    return Err(err(
                        &e.place,
                        format!(
                            "area `{}` is its own ancestor (through `{p}`): fix the parent codes",
                            e.code
                        ),
                    ));
                }
                if depth > MAX_DEPTH_GUARD {
                    return Err(err(
                        &e.place,
                        format!(
                            "area `{}` has a parent chain more than {MAX_DEPTH_GUARD} levels deep: an address has at most a few levels; fix the parent codes",
                            e.code
                        ),
                    ));
                }
                chain.push(p);
                match parent_of.get(p) {
                    Some(next) => at = *next,
                    None => {
                        // Reported once, on the row that names the missing parent.
                        if e.parent.as_deref() == Some(p) {
                            errors.push(err(
                                &e.place,
                                format!(
                                    "area `{}` ({}) names parent `{p}`, which is not in the file: add the parent or correct the code",
                                    e.code, e.name
                                ),
                            ));
                        }
                        depth = usize::MAX;
                        break;
                    }
                }
            }
            depths.push(depth);
        }
        for (e, d) in entries.iter_mut().zip(depths) {
            e.level = d;
        }
        entries.retain(|e| e.level != usize::MAX);
    }

    let mut tree = AreaTree {
        levels: levels.iter().map(|l| l.name.clone()).collect(),
        areas: Vec::with_capacity(entries.len()),
    };
    // code -> index, across all levels (a code may appear at one level only).
    let mut by_code: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    // Codes already reported: their repeats and their descendants are skipped, so one defect
    // gives one message.
    let mut rejected: std::collections::HashSet<String> = std::collections::HashSet::new();
    for e in entries {
        if e.level >= levels.len() {
            errors.push(err(
                &e.place,
                format!(
                    "area `{}` ({}) is at level {} but `address.levels` declares {} level{} ({}): declare the extra level or remove the row",
                    e.code,
                    e.name,
                    e.level + 1,
                    levels.len(),
                    if levels.len() == 1 { "" } else { "s" },
                    tree.levels.join(", ")
                ),
            ));
            continue;
        }
        let level_name = &levels[e.level].name;
        if e.code.trim().is_empty() {
            errors.push(err(
                &e.place,
                format!(
                    "has an empty {level_name} code{}: give every area a code",
                    if e.name.trim().is_empty() {
                        String::new()
                    } else {
                        format!(" (name `{}`)", e.name)
                    }
                ),
            ));
            continue;
        }
        let code = pad(&e.code, levels[e.level].pad).into_owned();
        if rejected.contains(&code) {
            continue;
        }
        if let Some(parent) = &e.parent
            && rejected.contains(pad(parent, levels[e.level - 1].pad).as_ref())
        {
            rejected.insert(code);
            continue;
        }
        if let Some(c) = bad_code_char(&code) {
            rejected.insert(code.clone());
            errors.push(err(
                &e.place,
                format!(
                    "{level_name} code `{code}` holds `{}`: codes may hold only letters, digits, `-`, `_` and `.` (they are written inside rule conditions)",
                    if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }
                ),
            ));
            continue;
        }
        if code.chars().count() > config.code_length {
            rejected.insert(code.clone());
            errors.push(err(
                &e.place,
                format!(
                    "{level_name} code `{code}` is longer than the CanReg5 address length ({}): use the codes of the CanReg5 dictionary, or raise `address.code_length` to match it",
                    config.code_length
                ),
            ));
            continue;
        }
        if let Some(problem) = name_problem(&e.name) {
            rejected.insert(code.clone());
            errors.push(err(&e.place, format!("{level_name} `{code}` {problem}")));
            continue;
        }
        let parent = match &e.parent {
            None if e.level == 0 => None,
            None => unreachable!("only the top level has no parent"),
            Some(p) => {
                let p = pad(p, levels[e.level - 1].pad);
                match by_code.get(p.as_ref()) {
                    Some(&i) if tree.areas[i].level == e.level - 1 => Some(i),
                    _ => {
                        rejected.insert(code.clone());
                        errors.push(err(
                            &e.place,
                            format!(
                                "{level_name} `{code}` ({}) names the {} `{p}`, which is not defined before it: add the {} or correct the code",
                                e.name,
                                levels[e.level - 1].name,
                                levels[e.level - 1].name
                            ),
                        ));
                        continue;
                    }
                }
            }
        };
        if let Some(&seen) = by_code.get(&code) {
            let other = &tree.areas[seen];
            if other.level != e.level {
                errors.push(err(
                    &e.place,
                    format!(
                        "code `{code}` ({level_name} {}) is also the code of {} `{}` ({}): codes must be unique across all levels",
                        e.name, levels[other.level].name, other.name, other.place
                    ),
                ));
                continue;
            }
            if other.parent != parent {
                // The same code under two parents: either one area listed twice (remove the
                // wrong row) or two areas sharing a code (give one its own).
                let parent_level = &levels[e.level - 1].name;
                let describe = |p: Option<usize>| {
                    p.map(|p| format!("`{}` ({})", tree.areas[p].code, tree.areas[p].name))
                        .unwrap_or_default()
                };
                errors.push(err(
                    &e.place,
                    format!(
                        "{level_name} `{code}` is under two {parent_level}s: {parent_level} {} at {} (`{}`) and {parent_level} {} here (`{}`): an area has one parent; remove the row under the wrong {parent_level}, or if these are two areas give one of them its own code",
                        describe(other.parent),
                        other.place,
                        other.name,
                        describe(parent),
                        e.name
                    ),
                ));
                continue;
            }
            if !e.repeats_allowed {
                errors.push(err(
                    &e.place,
                    format!(
                        "duplicate {level_name} code `{code}` ({}), first defined at {} ({}): give each area its own code",
                        e.name, other.place, other.name
                    ),
                ));
                continue;
            }
            if other.name != e.name {
                errors.push(err(
                    &e.place,
                    format!(
                        "{level_name} code `{code}` has two names: `{}` here and `{}` at {}: make them the same",
                        e.name, other.name, other.place
                    ),
                ));
                continue;
            }
            continue;
        }
        let index = tree.areas.len();
        by_code.insert(code.clone(), index);
        if let Some(p) = parent {
            tree.areas[p].children.push(index);
        }
        tree.areas.push(Area {
            code,
            name: e.name,
            level: e.level,
            parent,
            children: Vec::new(),
            place: e.place,
        });
    }
    if !errors.is_empty() {
        return Err(combine(errors));
    }
    if tree.areas.is_empty() {
        return Err(err("file", "holds no areas".into()));
    }
    let last = levels.len() - 1;
    for a in tree
        .areas
        .iter()
        .filter(|a| a.level < last && a.children.is_empty())
    {
        errors.push(err(
            &a.place,
            format!(
                "{} `{}` ({}) has no {}: every area above the last level needs at least one (add e.g. an `unknown` {} as CanReg5 dictionaries do)",
                levels[a.level].name,
                a.code,
                a.name,
                levels[a.level + 1].name,
                levels[a.level + 1].name
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(combine(errors));
    }
    Ok(tree)
}

const MAX_DEPTH_GUARD: usize = 64;

/// At most this many problems are listed in one error.
const MAX_LISTED: usize = 20;

/// The first error, with the others (up to [`MAX_LISTED`]) on the following lines.
fn combine(mut errors: Vec<AreaError>) -> AreaError {
    let total = errors.len();
    let mut first = errors.remove(0);
    for e in errors.iter().take(MAX_LISTED - 1) {
        first.message.push_str(&format!("\n  {e}"));
    }
    if total > MAX_LISTED {
        first
            .message
            .push_str(&format!("\n  ... and {} more problems", total - MAX_LISTED));
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::address::Columns;

    fn config(levels: &[&str], source: AreaSource) -> AddressConfig {
        AddressConfig {
            target: None,
            code_length: 5,
            levels: levels
                .iter()
                .map(|l| Level {
                    name: l.to_string(),
                    pad: None,
                })
                .collect(),
            areas: source,
            fixes: vec![],
        }
    }

    fn node(code: &str, name: &str, children: Vec<TreeArea>) -> TreeArea {
        TreeArea {
            code: code.into(),
            name: name.into(),
            children,
        }
    }

    #[test]
    fn tree_builds_levels_and_paths() {
        let c = config(
            &["Region", "District"],
            AreaSource::Tree(vec![
                node(
                    "01",
                    "North",
                    vec![node("011", "A", vec![]), node("012", "B", vec![])],
                ),
                node("02", "South", vec![node("021", "C", vec![])]),
            ]),
        );
        let t = load(&c, Path::new("x/country.yaml")).unwrap();
        assert_eq!(t.areas.len(), 5);
        assert_eq!(t.level(0).count(), 2);
        assert_eq!(t.level(1).count(), 3);
        let i = t.areas.iter().position(|a| a.code == "021").unwrap();
        assert_eq!(t.code_paths()[i], "02/021");
        assert_eq!(t.areas[t.areas[i].parent.unwrap()].code, "02");
    }

    #[test]
    fn tree_rejects_code_reused_across_levels_and_deep_data() {
        let c = config(
            &["Region", "District"],
            AreaSource::Tree(vec![node("01", "North", vec![node("01", "A", vec![])])]),
        );
        let e = load(&c, Path::new("c.yaml")).unwrap_err();
        assert!(e.message.contains("unique across all levels"), "{e}");
        assert_eq!(e.place, "address.areas.tree[0].children[0]");
        let c = config(
            &["Region"],
            AreaSource::Tree(vec![node("01", "North", vec![node("011", "A", vec![])])]),
        );
        let e = load(&c, Path::new("c.yaml")).unwrap_err();
        assert!(e.message.contains("declares 1 level"), "{e}");
    }

    #[test]
    fn names_and_codes_are_checked() {
        assert!(
            name_problem("Baringo  North")
                .unwrap()
                .contains("two spaces")
        );
        assert!(name_problem(" x").is_some());
        assert!(name_problem("").is_some());
        assert!(name_problem("Ziwa La Ng'ombe").is_none());
        assert!(name_problem("Région « Nord »").is_none());
        assert_eq!(bad_code_char("10'1"), Some('\''));
        assert_eq!(bad_code_char("A-1_b.2"), None);
        assert_eq!(pad("7", Some(3)), "007");
        assert_eq!(pad("A7", Some(3)), "A7");
        assert_eq!(cell_name((4, 27)), "AB5");
    }

    #[test]
    fn wide_columns_must_exist() {
        let dir = std::env::temp_dir().join(format!("crtk-areas-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("a.csv"),
            "r_code,r_name,d_code,d_name\n1,A,11,AA\n",
        )
        .unwrap();
        let mut columns = std::collections::BTreeMap::new();
        columns.insert(
            "Region".to_string(),
            Columns {
                code: "r_code".into(),
                name: "r_name".into(),
            },
        );
        columns.insert(
            "District".to_string(),
            Columns {
                code: "district_code".into(),
                name: "d_name".into(),
            },
        );
        let c = config(
            &["Region", "District"],
            AreaSource::Csv(TableSource {
                file: "a.csv".into(),
                sheet: None,
                columns,
                code: None,
                name: None,
                parent: None,
            }),
        );
        let e = load(&c, &dir.join("c.yaml")).unwrap_err();
        assert!(e.message.contains("no column `district_code`"), "{e}");
        assert!(e.message.contains("`d_code`"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
