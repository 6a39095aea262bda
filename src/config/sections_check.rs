//! Checks of the adaptation sections that neither serde's types nor the JSON Schema express
//! (cross-references between keys).

use super::address::{AreaSource, MAX_LEVELS};
use super::{ConfigError, CountryConfig};
use crate::package::uid::is_valid;
use std::collections::BTreeSet;
use std::path::Path;

impl CountryConfig {
    pub(crate) fn check_sections(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |key: String, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            message,
        };
        if let Some(address) = &self.address {
            let n = address.levels.len();
            if n == 0 || n > MAX_LEVELS {
                return Err(invalid(
                    "address.levels".into(),
                    format!("has {n} levels: declare 1 to {MAX_LEVELS}"),
                ));
            }
            let mut names = BTreeSet::new();
            for (i, level) in address.levels.iter().enumerate() {
                if level.name.trim().is_empty() || level.name.trim() != level.name {
                    return Err(invalid(
                        format!("address.levels[{i}]"),
                        format!(
                            "`{}` is not a level name: write e.g. `District`",
                            level.name
                        ),
                    ));
                }
                if !names.insert(level.name.as_str()) {
                    return Err(invalid(
                        format!("address.levels[{i}]"),
                        format!(
                            "`{}` is declared twice: give each level its own name",
                            level.name
                        ),
                    ));
                }
                if let Some(w) = level.pad
                    && (w == 0 || w > address.code_length)
                {
                    return Err(invalid(
                        format!("address.levels[{i}].pad"),
                        format!(
                            "is {w}: pad to 1 up to `address.code_length` ({}) characters",
                            address.code_length
                        ),
                    ));
                }
            }
            if let Some(t) = &address.target
                && !is_valid(t)
            {
                return Err(invalid(
                    "address.target".into(),
                    format!(
                        "`{t}` is not a DHIS2 UID (11 letters or digits, starting with a letter)"
                    ),
                ));
            }
            match &address.areas {
                AreaSource::Csv(table) | AreaSource::Xlsx(table) => {
                    let is_csv = matches!(address.areas, AreaSource::Csv(_));
                    let key = if is_csv {
                        "address.areas.csv"
                    } else {
                        "address.areas.xlsx"
                    };
                    if is_csv && table.sheet.is_some() {
                        return Err(invalid(
                            format!("{key}.sheet"),
                            "applies to XLSX only: remove it".into(),
                        ));
                    }
                    let wide = !table.columns.is_empty();
                    let long =
                        table.code.is_some() || table.name.is_some() || table.parent.is_some();
                    if wide == long {
                        return Err(invalid(
                            key.into(),
                            "needs either `columns` (a code and a name column per level) or `code`, `name` and `parent` (one row per area)".into(),
                        ));
                    }
                    if wide {
                        for level in &address.levels {
                            if !table.columns.contains_key(&level.name) {
                                return Err(invalid(
                                    format!("{key}.columns"),
                                    format!(
                                        "has no entry for level `{}`: add `{}: {{ code: <column>, name: <column> }}`",
                                        level.name, level.name
                                    ),
                                ));
                            }
                        }
                        if let Some(extra) =
                            table.columns.keys().find(|k| !names.contains(k.as_str()))
                        {
                            return Err(invalid(
                                format!("{key}.columns.{extra}"),
                                format!(
                                    "names a level that `address.levels` does not declare ({}): the data has more levels than declared; declare it or remove the columns",
                                    address
                                        .levels
                                        .iter()
                                        .map(|l| l.name.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            ));
                        }
                    } else {
                        if table.code.is_none() || table.name.is_none() {
                            return Err(invalid(
                                key.into(),
                                "one row per area needs both `code` and `name` columns".into(),
                            ));
                        }
                        if n > 1 && table.parent.is_none() {
                            return Err(invalid(
                                key.into(),
                                format!("declares {n} levels: name the `parent` code column too"),
                            ));
                        }
                    }
                }
                AreaSource::Canreg5(dict) => {
                    if dict.category_length.is_some() && n != 2 {
                        return Err(invalid(
                            "address.levels".into(),
                            format!(
                                "declares {n} level{}, but a compound CanReg5 dictionary (`category_length`) has 2: the data has more levels than declared",
                                if n == 1 { "" } else { "s" }
                            ),
                        ));
                    }
                    if dict.category_length.is_none() && n != 1 {
                        return Err(invalid(
                            "address.areas.canreg5".into(),
                            format!(
                                "is a simple dictionary (1 level) but `address.levels` declares {n}: set `category_length` for a compound dictionary"
                            ),
                        ));
                    }
                }
                AreaSource::Tree(_) => {}
            }
            for (i, fix) in address.fixes.iter().enumerate() {
                if !names.contains(fix.level.as_str()) {
                    return Err(invalid(
                        format!("address.fixes[{i}].level"),
                        format!("`{}` is not one of `address.levels`", fix.level),
                    ));
                }
                if fix.set_code.is_none() && fix.set_name.is_none() {
                    return Err(invalid(
                        format!("address.fixes[{i}]"),
                        "changes nothing: give `set_code` and/or `set_name`".into(),
                    ));
                }
            }
        }
        if let Some(types) = &self.source_types {
            let mut codes = BTreeSet::new();
            for (i, t) in types.iter().enumerate() {
                if !codes.insert(t.code.as_str()) {
                    return Err(invalid(
                        format!("source_types[{i}].code"),
                        format!(
                            "`{}` is used twice: give each source type its own code",
                            t.code
                        ),
                    ));
                }
            }
        }
        let mut codes = BTreeSet::new();
        for (i, id) in self.identifiers.iter().enumerate() {
            if !codes.insert(id.code.as_str()) {
                return Err(invalid(
                    format!("identifiers[{i}].code"),
                    format!("`{}` is used twice", id.code),
                ));
            }
            if id.pattern_message.is_some() && id.pattern.is_none() {
                return Err(invalid(
                    format!("identifiers[{i}].pattern_message"),
                    "needs a `pattern`".into(),
                ));
            }
            if let Some(pattern) = &id.pattern
                && let Err(e) = super::js_regex::check(pattern)
            {
                return Err(invalid(
                    format!("identifiers[{i}].pattern"),
                    format!(
                        "`{pattern}` is not a regular expression d2:validatePattern can compile (JavaScript RegExp, as DHIS2's rule engine runs it): at position {}: {}",
                        e.position, e.message
                    ),
                ));
            }
        }
        if let Some(access) = &self.access {
            for (from, to) in &access.uid_remap {
                for uid in [from, to] {
                    if !is_valid(uid) {
                        return Err(invalid(
                            "access.uid_remap".into(),
                            format!("`{uid}` is not a DHIS2 UID"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
