//! The CanReg5 export app's field mapping (`fieldMapping` in the data-store namespace
//! `cancerRegistryApp`) for a built package.
//!
//! The export app (`dhis2/cancer-registry-app`; public source JohanGHole/CancerRegistry_Dhis2App,
//! `src/mapping/defaultMapping.js`) reads `{program, programStages{source,tumour,followUp},
//! attributes{VAR: uid}, dataElements{source|tumour|followUp: {VAR: uid}}}` and writes one column
//! per variable, named by the variable, passing option codes through unchanged. Its default is
//! [`official`] (NCD_CR UIDs). A country's mapping is that default after `access.uid_remap`, plus
//! every added field that names a CanReg5 variable ([`Extra`]).

use crate::package::Package;
use serde::Serialize;
use std::collections::BTreeMap;

/// The NCD_CR program.
pub const PROGRAM: &str = "AbPGPdlFWqc";

/// A stage of the export app's mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Source,
    Tumour,
    FollowUp,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Source, Stage::Tumour, Stage::FollowUp];

    /// The key in the mapping (`followUp`).
    pub fn key(self) -> &'static str {
        match self {
            Stage::Source => "source",
            Stage::Tumour => "tumour",
            Stage::FollowUp => "followUp",
        }
    }

    /// The NCD_CR 1.0.1 stage.
    pub fn official_uid(self) -> &'static str {
        match self {
            Stage::Source => "jPXHxYeFooQ",
            Stage::Tumour => "S12EbFtuFoI",
            Stage::FollowUp => "eBsqDQj341X",
        }
    }
}

/// Where a mapped variable is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A tracked entity attribute of the program.
    Attribute,
    /// A data element of this stage.
    Stage(Stage),
}

/// One more variable to export: a field a country adds that names a CanReg5 variable (config
/// `fields`, issue 18), or any other addition. `uid` is the field's UID in the package before
/// `uid_remap`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    pub variable: String,
    pub target: Target,
    pub uid: String,
}

impl Extra {
    /// A built field (issue 18's `fields` with `canreg5:`): its stage's UID in the package, or
    /// `None` for a person attribute. `stages` are the mapping's stages (after `uid_remap`).
    /// `None` when the stage is not one the export app reads.
    pub fn in_package(
        variable: &str,
        stage_uid: Option<&str>,
        uid: &str,
        stages: &Stages<String>,
    ) -> Option<Extra> {
        let target = match stage_uid {
            None => Target::Attribute,
            Some(s) => Target::Stage(Stage::ALL.into_iter().find(|&st| stages.get(st) == s)?),
        };
        Some(Extra {
            variable: variable.to_string(),
            target,
            uid: uid.to_string(),
        })
    }
}

/// The export app's `programStages`, keys in canonical (byte) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stages<T> {
    #[serde(rename = "followUp")]
    pub follow_up: T,
    pub source: T,
    pub tumour: T,
}

impl<T> Stages<T> {
    pub fn get(&self, stage: Stage) -> &T {
        match stage {
            Stage::Source => &self.source,
            Stage::Tumour => &self.tumour,
            Stage::FollowUp => &self.follow_up,
        }
    }

    fn get_mut(&mut self, stage: Stage) -> &mut T {
        match stage {
            Stage::Source => &mut self.source,
            Stage::Tumour => &mut self.tumour,
            Stage::FollowUp => &mut self.follow_up,
        }
    }
}

/// The `fieldMapping` document; fields in canonical (byte) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldMapping {
    pub attributes: BTreeMap<String, String>,
    #[serde(rename = "dataElements")]
    pub data_elements: Stages<BTreeMap<String, String>>,
    pub program: String,
    #[serde(rename = "programStages")]
    pub program_stages: Stages<String>,
    /// Additions whose variable the same table already maps (not written; CR905 names them).
    #[serde(skip)]
    pub dropped: Vec<Extra>,
}

/// The export app's default mapping (defaultMapping.js at JohanGHole/CancerRegistry_Dhis2App
/// 6c04d89): the official NCD_CR 1.0.1 UIDs.
pub fn official() -> FieldMapping {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>()
    };
    FieldMapping {
        attributes: map(&[
            ("SEX", "m7GEZG8cyCO"),
            ("FAMN", "nJsmdQXRoze"),
            ("REGNO", "hDEhIMZe07x"),
            ("BIRTHD", "NI0QRzJvQ0k"),
        ]),
        data_elements: Stages {
            source: map(&[
                ("SOUD", "TgjO873BZTu"),
                ("SOUT", "Mqz5dPrwWho"),
                ("TUMOURIDSOURCETABLE", "HxMFZcIIZpL"),
            ]),
            tumour: map(&[
                ("AGE", "tasm9QG8HaF"),
                ("BAS", "uoyoNWrexbY"),
                ("BEH", "MMIuwJdjx8B"),
                ("MOR", "UkyyY1xukJg"),
                ("TOP", "zw6Vwqnhvmh"),
                ("ADDR", "xcUBzN5QFXu"),
                ("GRDE", "ZMD8dwB3zOZ"),
                ("INCID", "c6EnHSAMUat"),
                ("TUMOURID", "KwMs1DNVA0R"),
            ]),
            follow_up: map(&[
                ("DLC", "Ks2WWWWCuzq"),
                ("STAT", "nMpcjKFF5zt"),
                ("DATEDEATH", "hCJqPZcw2n6"),
            ]),
        },
        program: PROGRAM.into(),
        program_stages: Stages {
            source: Stage::Source.official_uid().into(),
            tumour: Stage::Tumour.official_uid().into(),
            follow_up: Stage::FollowUp.official_uid().into(),
        },
        dropped: Vec::new(),
    }
}

/// One mapped variable, wherever it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'m> {
    pub variable: &'m str,
    pub target: Target,
    pub uid: &'m str,
    /// JSON path inside the mapping file (`dataElements.tumour.ADDR`).
    pub path: String,
}

impl FieldMapping {
    /// The mapping of a country: the official one with `uid_remap` applied, plus `extra`.
    /// An addition never replaces a mapped variable; one mapped twice is CR905
    /// (`alignment::check_mapping`).
    pub fn for_country(remap: &BTreeMap<String, String>, extra: &[Extra]) -> FieldMapping {
        let mut mapping = official();
        for e in extra {
            let table = match e.target {
                Target::Attribute => &mut mapping.attributes,
                Target::Stage(stage) => mapping.data_elements.get_mut(stage),
            };
            if table.contains_key(&e.variable) {
                mapping.dropped.push(e.clone());
            } else {
                table.insert(e.variable.clone(), e.uid.clone());
            }
        }
        let apply = |uid: &mut String| {
            if let Some(to) = remap.get(uid.as_str()) {
                *uid = to.clone();
            }
        };
        apply(&mut mapping.program);
        mapping.attributes.values_mut().for_each(apply);
        for stage in Stage::ALL {
            apply(mapping.program_stages.get_mut(stage));
            mapping
                .data_elements
                .get_mut(stage)
                .values_mut()
                .for_each(apply);
        }
        mapping
    }

    /// Every variable with where it is read from, attributes first, then stages in
    /// source/tumour/follow-up order.
    pub fn entries(&self) -> Vec<Entry<'_>> {
        let mut out: Vec<Entry> = self
            .attributes
            .iter()
            .map(|(v, uid)| Entry {
                variable: v,
                target: Target::Attribute,
                uid,
                path: format!("attributes.{v}"),
            })
            .collect();
        for stage in Stage::ALL {
            out.extend(self.data_elements.get(stage).iter().map(|(v, uid)| Entry {
                variable: v,
                target: Target::Stage(stage),
                uid,
                path: format!("dataElements.{}.{v}", stage.key()),
            }));
        }
        out
    }

    /// The mapping as written: canonical JSON (keys sorted at every depth, 2-space indent,
    /// trailing newline), the body of `PUT /api/dataStore/cancerRegistryApp/fieldMapping`.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a mapping always serialises");
        text.push('\n');
        text
    }
}

/// `<package name>.canreg5-mapping.json`, the file written beside `<package name>.json`.
pub fn file_name(package: &Package) -> String {
    format!(
        "{}.canreg5-mapping.json",
        package.header.name().unwrap_or("package")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remap_reaches_every_uid_and_extras_are_added() {
        let mut remap = BTreeMap::new();
        remap.insert("xcUBzN5QFXu".to_string(), "Aaaaaaaaaa1".to_string());
        remap.insert("S12EbFtuFoI".to_string(), "Bbbbbbbbbb1".to_string());
        let extra = [Extra {
            variable: "HIVSTATUS".into(),
            target: Target::Stage(Stage::Tumour),
            uid: "Cccccccccc1".into(),
        }];
        let m = FieldMapping::for_country(&remap, &extra);
        assert_eq!(m.data_elements.tumour["ADDR"], "Aaaaaaaaaa1");
        assert_eq!(m.program_stages.tumour, "Bbbbbbbbbb1");
        assert_eq!(m.data_elements.tumour["HIVSTATUS"], "Cccccccccc1");
        assert_eq!(m.entries().len(), 20);
        let json = m.to_json();
        assert!(
            json.starts_with("{\n  \"attributes\": {\n    \"BIRTHD\""),
            "{json}"
        );
        let stages = &official().program_stages;
        let e = Extra::in_package("HIV", Some("S12EbFtuFoI"), "Eeeeeeeeee1", stages).unwrap();
        assert_eq!(e.target, Target::Stage(Stage::Tumour));
        let e = Extra::in_package("NID", None, "Eeeeeeeeee2", stages).unwrap();
        assert_eq!(e.target, Target::Attribute);
        assert!(Extra::in_package("X", Some("Zzzzzzzzzz1"), "E", stages).is_none());
    }
}
