//! The CanReg5 dictionaries of a country config, in the text format CanReg5 imports, so a
//! registry sets up CanReg5 from the same config as DHIS2.
//!
//! - Address: one level is a simple dictionary; two levels whose codes nest (each child code
//!   starts with its parent's, parents of one length) are a compound dictionary (categories
//!   first, then the full codes), as CanReg5's Address; anything else is a simple dictionary of
//!   the last level, the only code CanReg5's address variable stores.
//! - Source types: a simple dictionary.
//! - Added fields with options: [`Extra`] dictionaries (config `fields`, issue 18).
//!
//! Dictionary numbers and names come from the registry's system definition when the config
//! names one (`canreg5.system`), else from CanReg5's default TRN system (Address #9, the source
//! variable Hosp's dictionary Hospital #11).

use super::dictionary_text;
use super::registry::Registry;
use crate::config::LoadedConfig;
use crate::config::areas::{self, AreaError, AreaTree};

/// One dictionary file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dictionary {
    /// The file name inside the output folder.
    pub file: String,
    pub id: String,
    pub name: String,
    /// `compound` or `simple`.
    pub kind: &'static str,
    pub rows: Vec<(String, String)>,
    /// For a compound dictionary: the category code length.
    pub category_length: Option<usize>,
    /// Things the user must know (labels CanReg5 will cut, ...).
    pub notes: Vec<String>,
}

impl Dictionary {
    /// The file's bytes: CRLF, tab-separated.
    pub fn text(&self) -> String {
        dictionary_text::render(&self.id, &self.name, &self.rows)
    }
}

/// A dictionary for a field a country adds (its option codes and names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    pub variable: String,
    pub rows: Vec<(String, String)>,
}

/// The dictionaries of `config`, plus `extra`.
pub fn dictionaries(
    config: &LoadedConfig,
    registry: Option<&Registry>,
    extra: &[Extra],
) -> Result<Vec<Dictionary>, AreaError> {
    let mut out = Vec::new();
    let system = registry.map(|r| &r.system);
    if let Some(address) = &config.config.address {
        let tree = areas::load(address, &config.path)?;
        let declared = system.and_then(|s| {
            let v = s.standard("AddressCode").or_else(|| s.variable("Addr"))?;
            s.dictionary_named(v.dictionary.as_deref()?)
        });
        let (id, name) = declared
            .map(|d| (d.id.to_string(), d.name.clone()))
            .unwrap_or_else(|| ("9".into(), "Address".into()));
        let mut d = address_dictionary(&tree, id, name);
        if let Some(declared) = declared {
            d.notes
                .extend(long_labels(&d.rows, declared.description_length));
        }
        out.push(d);
    }
    if let Some(types) = &config.config.source_types {
        let declared = registry.and_then(|r| r.source_dictionary.as_ref());
        let (id, name) = declared
            .map(|d| (d.id.to_string(), d.name.clone()))
            .unwrap_or_else(|| ("11".into(), "Hospital".into()));
        let rows: Vec<(String, String)> = types
            .iter()
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect();
        // A tab or line break would split the row in CanReg5's format.
        if let Some(i) = rows
            .iter()
            .position(|(c, n)| c.contains(['\t', '\r', '\n']) || n.contains(['\t', '\r', '\n']))
        {
            return Err(AreaError {
                file: config.path.clone(),
                place: format!("source_types[{i}]"),
                message: format!(
                    "`{}` holds a tab or line break, which CanReg5's dictionary format cannot hold: remove it",
                    rows[i].1.escape_debug()
                ),
            });
        }
        let notes = declared
            .map(|d| long_labels(&rows, d.description_length))
            .unwrap_or_default();
        out.push(Dictionary {
            file: "source-types.txt".into(),
            id,
            name,
            kind: "simple",
            rows,
            category_length: None,
            notes,
        });
    }
    for e in extra {
        let declared = system
            .and_then(|s| s.variable(&e.variable))
            .and_then(|v| system?.dictionary_named(v.dictionary.as_deref()?));
        let (id, name) = declared
            .map(|d| (d.id.to_string(), d.name.clone()))
            .unwrap_or_else(|| (String::new(), e.variable.clone()));
        out.push(Dictionary {
            file: format!("{}.txt", e.variable.to_ascii_lowercase()),
            id,
            name,
            kind: "simple",
            rows: e.rows.clone(),
            category_length: None,
            notes: Vec::new(),
        });
    }
    Ok(out)
}

/// The Address dictionary of an area tree (see the module comment for its shape).
pub fn address_dictionary(tree: &AreaTree, id: String, name: String) -> Dictionary {
    let last = tree.levels.len() - 1;
    let parent_lengths: Vec<usize> = tree.level(0).map(|(_, a)| a.code.chars().count()).collect();
    let nests = tree.levels.len() == 2
        && parent_lengths.windows(2).all(|w| w[0] == w[1])
        && tree.level(1).all(|(_, a)| {
            let parent = &tree.areas[a.parent.expect("level 1 has parents")].code;
            a.code.len() > parent.len() && a.code.starts_with(parent.as_str())
        });
    let row = |a: &areas::Area| (a.code.clone(), a.name.clone());
    if nests {
        let rows = tree
            .level(0)
            .map(|(_, a)| row(a))
            .chain(tree.level(1).map(|(_, a)| row(a)))
            .collect();
        return Dictionary {
            file: "address.txt".into(),
            id,
            name,
            kind: "compound",
            rows,
            category_length: parent_lengths.first().copied(),
            notes: Vec::new(),
        };
    }
    let mut notes = Vec::new();
    if last > 0 {
        notes.push(format!(
            "{} levels do not make a CanReg5 compound dictionary (that needs 2 levels whose codes start with their parent's): written as a simple dictionary of the {} codes, the codes CanReg5's address variable stores",
            tree.levels.len(),
            tree.levels[last]
        ));
    }
    Dictionary {
        file: "address.txt".into(),
        id,
        name,
        kind: "simple",
        rows: tree.level(last).map(|(_, a)| row(a)).collect(),
        category_length: None,
        notes,
    }
}

fn long_labels(rows: &[(String, String)], max: usize) -> Vec<String> {
    if max == 0 {
        return Vec::new();
    }
    rows.iter()
        .filter(|(_, label)| label.chars().count() > max)
        .map(|(code, label)| {
            format!(
                "`{code}` {label}: the label has {} characters, CanReg5 stores {max} (the system's full_dictionary_description_length)",
                label.chars().count()
            )
        })
        .collect()
}
