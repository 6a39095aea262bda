//! `address:` the country's geography as cascading dropdowns (1 to 6 levels).
//!
//! The areas come from exactly one source: an inline tree, a CSV file, an XLSX sheet or a CanReg5
//! dictionary export. Reading and checking them is [`crate::config::areas`]; compiling them into
//! DHIS2 metadata is `crate::adapt::address`.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The Address data element of the NCD_CR base (Tumor stage, Patient section).
pub const DEFAULT_TARGET: &str = "xcUBzN5QFXu";

/// CanReg5's address variable is short; 5 characters is the longest in common use.
pub const DEFAULT_CODE_LENGTH: usize = 5;

/// The most levels a cascade may have.
pub const MAX_LEVELS: usize = 6;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddressConfig {
    /// The field the last level fills: a data element or tracked entity attribute UID.
    /// Default: the NCD_CR Address data element `xcUBzN5QFXu`.
    #[serde(default)]
    pub target: Option<String>,
    /// The longest address code CanReg5 accepts (its Address dictionary's full code length).
    #[serde(default = "default_code_length")]
    pub code_length: usize,
    /// The levels, top first; the last one fills the target field.
    pub levels: Vec<Level>,
    /// Where the areas come from.
    pub areas: AreaSource,
    /// Documented corrections of defects in the area data, applied while reading it.
    #[serde(default)]
    pub fixes: Vec<AreaFix>,
}

fn default_code_length() -> usize {
    DEFAULT_CODE_LENGTH
}

impl AddressConfig {
    pub fn target(&self) -> &str {
        self.target.as_deref().unwrap_or(DEFAULT_TARGET)
    }

    /// The files the areas are read from (relative to the config).
    pub fn files(&self) -> Vec<&std::path::Path> {
        match &self.areas {
            AreaSource::Tree(_) => vec![],
            AreaSource::Csv(t) | AreaSource::Xlsx(t) => vec![t.file.as_path()],
            AreaSource::Canreg5(d) => vec![d.file.as_path()],
        }
    }
}

/// One level of the cascade: a name (`Province`), written as a plain string or as a map.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Level {
    /// The level's name, shown as the field's label (`District`).
    pub name: String,
    /// Left-pad numeric codes with zeros to this width (`7` -> `007` for width 3).
    pub pad: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelMap {
    name: String,
    #[serde(default)]
    pad: Option<usize>,
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LevelVisitor;
        impl<'de> Visitor<'de> for LevelVisitor {
            type Value = Level;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a level name (`District`) or a map `{ name: District, pad: 3 }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Level, E> {
                Ok(Level {
                    name: v.to_string(),
                    pad: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Level, A::Error> {
                let m = LevelMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Level {
                    name: m.name,
                    pad: m.pad,
                })
            }
        }
        deserializer.deserialize_any(LevelVisitor)
    }
}

/// Where the areas come from: exactly one of these keys.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaSource {
    /// Areas written in the config: a list of `{ code, name, children }`.
    Tree(Vec<TreeArea>),
    /// A CSV file with a code and a name column per level (one row per leaf area).
    Csv(TableSource),
    /// A sheet of an XLSX workbook, laid out like the CSV.
    Xlsx(TableSource),
    /// A CanReg5 dictionary export (`#<id>\t----<name>` headers, `code\tlabel` rows).
    Canreg5(DictionarySource),
}

/// The YAML form: a map with exactly one of the source keys (serde_yaml reads externally tagged
/// enums only from YAML tags, which users do not write).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaSourceMap {
    #[serde(default)]
    tree: Option<Vec<TreeArea>>,
    #[serde(default)]
    csv: Option<TableSource>,
    #[serde(default)]
    xlsx: Option<TableSource>,
    #[serde(default)]
    canreg5: Option<DictionarySource>,
}

impl<'de> Deserialize<'de> for AreaSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let m = AreaSourceMap::deserialize(deserializer)?;
        let mut found = Vec::new();
        if let Some(t) = m.tree {
            found.push(AreaSource::Tree(t));
        }
        if let Some(t) = m.csv {
            found.push(AreaSource::Csv(t));
        }
        if let Some(t) = m.xlsx {
            found.push(AreaSource::Xlsx(t));
        }
        if let Some(d) = m.canreg5 {
            found.push(AreaSource::Canreg5(d));
        }
        if found.len() != 1 {
            return Err(de::Error::custom(format!(
                "give exactly one area source (`tree`, `csv`, `xlsx` or `canreg5`), found {}",
                found.len()
            )));
        }
        Ok(found.remove(0))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TreeArea {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub children: Vec<TreeArea>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TableSource {
    /// The file, relative to the config.
    pub file: PathBuf,
    /// XLSX only: the sheet to read. Default: the first sheet.
    #[serde(default)]
    pub sheet: Option<String>,
    /// Wide layout (one row per leaf): for each level (by name), the header of its code column
    /// and of its name column.
    #[serde(default)]
    pub columns: BTreeMap<String, Columns>,
    /// Long layout (one row per area): the header of the code column.
    #[serde(default)]
    pub code: Option<String>,
    /// Long layout: the header of the name column.
    #[serde(default)]
    pub name: Option<String>,
    /// Long layout: the header of the parent-code column (empty for the top level).
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DictionarySource {
    /// The dictionary export, relative to the config.
    pub file: PathBuf,
    /// The dictionary to read: its number (`9`) or its name (`Address`).
    pub dictionary: DictionaryRef,
    /// For a compound dictionary: the length of the category (upper level) codes.
    /// Rows with this code length are the first level; longer codes are the second level and
    /// start with their category's code. Omit for a simple (one-level) dictionary.
    #[serde(default)]
    pub category_length: Option<usize>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum DictionaryRef {
    Id(u32),
    Name(String),
}

/// A documented correction of the area data: every row whose `level` area has this code and
/// name gets the new code and/or name. A fix that matches nothing is an error, so fixes are
/// removed once the source is corrected.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AreaFix {
    /// The level name.
    pub level: String,
    /// The code as it stands in the data.
    pub code: String,
    /// The name as it stands in the data (exactly, spaces included).
    pub name: String,
    /// The corrected code.
    #[serde(default)]
    pub set_code: Option<String>,
    /// The corrected name.
    #[serde(default)]
    pub set_name: Option<String>,
    /// Why: where the correct value comes from.
    pub reason: String,
}
