//! CanReg5 R45 lookup tables (`xtask/data/canreg5/`), read as CanReg5's `LookUpLoader` reads them:
//! everything from the first `/` of a line is a comment, the key is the first N characters and the
//! value the rest.

use super::tables::{Row, col, read};
use std::collections::BTreeMap;
use std::path::Path;

/// The Topography-Morphology key of a morphology family (MorphFam.txt's key character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// `*`: any topography is fine.
    Any,
    /// `+`: the topography must be in the family's MUST list.
    Must,
    /// `-`: the topography must not be in the family's MUST-NOT list.
    MustNot,
}

impl Key {
    /// The option code of CR - Topography Morphology key.
    pub fn code(self) -> &'static str {
        match self {
            Key::Any => "NA",
            Key::Must => "PLUS",
            Key::MustNot => "MINUS",
        }
    }
    /// The symbol CanReg5 and the release note use.
    pub fn symbol(self) -> &'static str {
        match self {
            Key::Any => "*",
            Key::Must => "+",
            Key::MustNot => "-",
        }
    }
}

/// One MorphFam.txt entry.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    pub key: Key,
    /// CanReg5's two-digit family (1-70), or None for `**`.
    pub number: Option<u32>,
}

impl Family {
    /// The code of CR - Morphology Family: the family number for `+` families, number + 63 for
    /// `-` families (CanReg5's MorphFamDict names them at line N + 63), 99 for `**`.
    pub fn code(self) -> i64 {
        match (self.key, self.number) {
            (_, None) => 99,
            (Key::MustNot, Some(n)) => i64::from(n) + 63,
            (_, Some(n)) => i64::from(n),
        }
    }
}

/// A MUST / MUST-NOT entry: family number and a 3-digit topography, or a 2-digit site (`*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    pub family: u32,
    /// Inclusive range of CanReg5 topography numbers (`C18*` = 180-189).
    pub topography: (i64, i64),
}

pub struct Lookups {
    /// MorphFam.txt by 4-digit morphology.
    pub families: BTreeMap<i64, Family>,
    pub must: Vec<Pair>,
    pub must_not: Vec<Pair>,
}

fn lines(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| l.split('/').next().unwrap_or("").trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}

impl Lookups {
    pub fn read(dir: &Path) -> Result<Lookups, String> {
        let mut families = BTreeMap::new();
        for line in lines(&dir.join("MorphFam.txt"))? {
            let bad = || format!("MorphFam.txt: bad line {line:?}");
            let morphology: i64 = line.get(..4).ok_or_else(bad)?.parse().map_err(|_| bad())?;
            let key = match line.get(4..5).ok_or_else(bad)? {
                "*" => Key::Any,
                "+" => Key::Must,
                "-" => Key::MustNot,
                _ => return Err(bad()),
            };
            let number = line.get(5..7).ok_or_else(bad)?.parse().ok();
            families.insert(morphology, Family { key, number });
        }
        Ok(Lookups {
            families,
            must: pairs(&dir.join("Must.txt"))?,
            must_not: pairs(&dir.join("MustNot.txt"))?,
        })
    }
}

fn pairs(path: &Path) -> Result<Vec<Pair>, String> {
    lines(path)?
        .iter()
        .map(|line| {
            let bad = || format!("{}: bad line {line:?}", path.display());
            let key = line.get(..6).ok_or_else(bad)?;
            let family = key[..2].parse().map_err(|_| bad())?;
            if &key[2..3] != "C" {
                return Err(bad());
            }
            let topography = if &key[5..6] == "*" {
                let site: i64 = key[3..5].parse().map_err(|_| bad())?;
                (site * 10, site * 10 + 9)
            } else {
                let code: i64 = key[3..6].parse().map_err(|_| bad())?;
                (code, code)
            };
            Ok(Pair { family, topography })
        })
        .collect()
}

/// Topography codes (CanReg5 numbers, C50.9 = 509) with their 2-digit site, from topography.tsv.
pub fn topographies(dir: &Path) -> Result<Vec<(i64, i64)>, String> {
    let path = dir.join("topography.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split('\t').next().unwrap_or("").trim();
        if code.len() == 3 {
            let number: i64 = code
                .parse()
                .map_err(|_| format!("topography.tsv: bad code {code:?}"))?;
            out.push((number, number / 10));
        }
    }
    Ok(out)
}

/// Parses `"530-539 610 612-613"` into inclusive ranges.
pub fn parse_ranges(text: &str) -> Result<Vec<(i64, i64)>, String> {
    text.split_whitespace()
        .map(|part| {
            let bad = || format!("bad range {part:?}");
            match part.split_once('-') {
                Some((lo, hi)) => Ok((
                    lo.parse().map_err(|_| bad())?,
                    hi.parse().map_err(|_| bad())?,
                )),
                None => {
                    let v = part.parse().map_err(|_| bad())?;
                    Ok((v, v))
                }
            }
        })
        .collect()
}

/// A check table of `checks/`: rows are alternatives (OR), filled columns of a row all hold (AND).
pub struct ConditionTable {
    pub file: String,
    pub rows: Vec<Row>,
}

impl ConditionTable {
    pub fn read(dir: &Path, file: &str) -> Result<ConditionTable, String> {
        Ok(ConditionTable {
            file: file.to_string(),
            rows: read(&dir.join("checks"), file)?,
        })
    }

    /// The table as a rule condition over the named rule variables.
    pub fn condition(&self, vars: &Vars) -> Result<String, String> {
        let mut alternatives = Vec::new();
        for row in &self.rows {
            let mut terms = Vec::new();
            let cell = |name: &str| col(row, name).trim();
            if !cell("age_min").is_empty() {
                terms.push(format!("{} >= {}", vars.age, cell("age_min")));
            }
            if !cell("age_max").is_empty() {
                terms.push(format!("{} <= {}", vars.age, cell("age_max")));
            }
            for (column, var) in [
                ("sex", vars.sex),
                ("behaviour", vars.behaviour),
                ("topography", vars.topography),
                ("morphology", vars.morphology),
                ("family", vars.family),
            ] {
                if !cell(column).is_empty() {
                    let ranges =
                        parse_ranges(cell(column)).map_err(|e| format!("{}: {e}", self.file))?;
                    terms.push(super::expr::in_ranges(var, &ranges));
                }
            }
            if !cell("morphology_except").is_empty() {
                let ranges = parse_ranges(cell("morphology_except"))
                    .map_err(|e| format!("{}: {e}", self.file))?;
                terms.push(super::expr::not(&super::expr::in_ranges(
                    vars.morphology,
                    &ranges,
                )));
            }
            if terms.is_empty() {
                return Err(format!("{}: a row without conditions", self.file));
            }
            alternatives.push(format!("({})", super::expr::all(&terms)));
        }
        Ok(super::expr::any(&alternatives))
    }
}

/// The rule-variable references check tables use.
pub struct Vars {
    pub age: &'static str,
    pub sex: &'static str,
    pub behaviour: &'static str,
    pub topography: &'static str,
    pub morphology: &'static str,
    pub family: &'static str,
}
