//! Checks that a country build, its export-app mapping and the registry's CanReg5 setup agree.
//!
//! Always (a country build): every UID of the mapping is in the package where the export app
//! reads it (CR903), every variable is a CanReg5 variable (CR904), no variable is mapped twice
//! (CR905). With `canreg5.system`: address and source codes are in the registry's dictionaries
//! with the same label and length (CR906-CR910), the Patient ID is as long as RegNo (CR911),
//! every mapped variable is one of the registry's (CR912), and the dictionaries the checks need
//! exist (CR913). A package without the NCD_CR program gets one warning (CR914) instead.

use super::mapping::{Entry, FieldMapping, Stage, Target};
use super::registry::Registry;
use super::system::{DictionaryType, SystemDictionary};
use crate::config::LoadedConfig;
use crate::config::areas::{self, AreaTree};
use crate::package::Package;
use crate::package::text_pattern;
use crate::validate::registry::check;
use crate::validate::{Finding, ObjectRef};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// CanReg5's variables: the short and standard names of its default system definition
/// (IARC-CSU/CanReg5 `conf/database/TRN.xml`, 45 variables), and the variables the export app's
/// default mapping adds for NCD_CR (SOUD, SOUT, GRDE, DATEDEATH). Compared ignoring case: the
/// export app writes them upper case.
pub const STANDARD_VARIABLES: &[&str] = &[
    // TRN.xml short names
    "RegNo",
    "RecS",
    "Chec",
    "PerS",
    "FamN",
    "FirstN",
    "MaidN",
    "Sex",
    "Age",
    "BirthD",
    "Trib",
    "Addr",
    "Occu",
    "InciD",
    "Top",
    "Mor",
    "Beh",
    "Bas",
    "I10",
    "MPcode",
    "MPSeq",
    "MPTot",
    "Hosp",
    "Unit",
    "LabNo",
    "CasNo",
    "DLC",
    "Stat",
    "UpDate",
    "ICCC",
    "MidN",
    "ObsoleteFlagTumourTable",
    "ObsoleteFlagPatientTable",
    "TumourID",
    "PatientRecordID",
    "PatientIDTumourTable",
    "PatientRecordIDTumourTable",
    "PatientUpdatedBy",
    "TumourUpdatedBy",
    "PatientUpdateDate",
    "PatientRecordStatus",
    "PatientCheckStatus",
    "TumourUnduplicationStatus",
    "TumourIDSourceTable",
    "SourceRecordID",
    // TRN.xml standard variable names
    "PatientID",
    "TumourRecordStatus",
    "CheckStatus",
    "PersonSearch",
    "Surname",
    "FirstName",
    "BirthDate",
    "AddressCode",
    "IncidenceDate",
    "Topography",
    "Morphology",
    "Behaviour",
    "BasisDiagnosis",
    "ICD10",
    "MultPrimCode",
    "MultPrimSeq",
    "MultPrimTot",
    "Source1",
    "Lastcontact",
    "TumourUpdateDate",
    // the export app's default mapping
    "SOUD",
    "SOUT",
    "GRDE",
    "DATEDEATH",
];

fn finding(
    code: &'static str,
    object: Option<ObjectRef>,
    path: String,
    message: String,
) -> Finding {
    Finding {
        code,
        severity: check(code).severity,
        object,
        path,
        message,
    }
}

/// The findings about `mapping` (written as `mapping_file`) for `package`.
pub fn check_mapping(
    package: &Package,
    mapping: &FieldMapping,
    mapping_file: &str,
    registry: Option<&Registry>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = |path: &str| format!("{mapping_file}: {path}");
    let Some(program) = package.get("programs", &mapping.program) else {
        // Not an NCD_CR package (another base): nothing of the mapping can be there.
        out.push(finding(
            "CR914",
            None,
            at("program"),
            format!(
                "the export app reads program `{}` (NCD_CR), which the package does not have: the CanReg5 export does not apply to this package",
                mapping.program
            ),
        ));
        return out;
    };
    let stage_ids: Vec<&str> = package
        .objects("programStages")
        .iter()
        .filter_map(Value::as_object)
        .filter(|s| ref_id(s, "program") == Some(&mapping.program))
        .filter_map(|s| s.get("id").and_then(Value::as_str))
        .chain(program.get("programStages").into_iter().flat_map(ref_list))
        .collect();
    for stage in Stage::ALL {
        let uid = mapping.program_stages.get(stage);
        if !stage_ids.contains(&uid.as_str()) {
            out.push(finding(
                "CR903",
                None,
                at(&format!("programStages.{}", stage.key())),
                format!(
                    "the {} stage `{uid}` is not a stage of program `{}` in the package",
                    stage.key(),
                    mapping.program
                ),
            ));
        }
    }
    let attributes: Vec<&str> = program
        .get("programTrackedEntityAttributes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.get("trackedEntityAttribute")?.get("id")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    let known: Vec<String> = STANDARD_VARIABLES
        .iter()
        .map(|v| v.to_string())
        .chain(registry.into_iter().flat_map(|r| {
            r.system
                .variables
                .iter()
                .flat_map(|v| std::iter::once(v.short_name.clone()).chain(v.standard_name.clone()))
        }))
        .collect();
    // The export app's own variables come first: an addition that repeats one is the duplicate.
    let official: Vec<String> = super::mapping::official()
        .entries()
        .into_iter()
        .map(|e| e.path)
        .collect();
    let mut seen: BTreeMap<String, String> = mapping
        .entries()
        .into_iter()
        .filter(|e| official.contains(&e.path))
        .map(|e| (e.variable.to_ascii_uppercase(), e.path))
        .collect();
    for entry in mapping.entries() {
        let object = object_of(package, &entry);
        match entry.target {
            Target::Attribute => {
                if !attributes.contains(&entry.uid) {
                    out.push(finding(
                        "CR903",
                        object.clone(),
                        at(&entry.path),
                        format!(
                            "{} reads attribute `{}`, which is not an attribute of program `{}` in the package",
                            entry.variable, entry.uid, mapping.program
                        ),
                    ));
                }
            }
            Target::Stage(stage) => {
                let stage_uid = mapping.program_stages.get(stage);
                let in_stage = package
                    .get("programStages", stage_uid)
                    .and_then(|s| s.get("programStageDataElements"))
                    .and_then(Value::as_array)
                    .is_some_and(|l| {
                        l.iter().any(|x| {
                            x.get("dataElement")
                                .and_then(|d| d.get("id"))
                                .and_then(Value::as_str)
                                == Some(entry.uid)
                        })
                    });
                if !in_stage {
                    let elsewhere = stage_of(package, entry.uid);
                    out.push(finding(
                        "CR903",
                        object.clone(),
                        at(&entry.path),
                        format!(
                            "{} reads data element `{}` in the {} stage `{stage_uid}`, but {}",
                            entry.variable,
                            entry.uid,
                            stage.key(),
                            match elsewhere {
                                Some(s) => format!(
                                    "the package has it in stage `{s}`: map it under that stage"
                                ),
                                None if package.get("dataElements", entry.uid).is_some() =>
                                    "no stage of the package uses it".to_string(),
                                None => "the package has no such data element".to_string(),
                            }
                        ),
                    ));
                }
            }
        }
        if !known.iter().any(|k| k.eq_ignore_ascii_case(entry.variable)) {
            out.push(finding(
                "CR904",
                object.clone(),
                at(&entry.path),
                format!(
                    "`{}` is neither a CanReg5 standard variable nor one of the registry's{}: use the CanReg5 variable's short name (e.g. `ADDR`, `HOSP`){}",
                    entry.variable,
                    registry
                        .map(|r| format!(" ({})", r.system.file.display()))
                        .unwrap_or_default(),
                    if registry.is_none() {
                        ", or name the registry's system definition in `canreg5.system`"
                    } else {
                        ""
                    }
                ),
            ));
        }
        let key = entry.variable.to_ascii_uppercase();
        if official.contains(&entry.path) {
            continue;
        }
        if let Some(first) = seen.get(&key) {
            out.push(finding(
                "CR905",
                object,
                at(&entry.path),
                format!(
                    "`{}` is mapped twice (also at {first}): the export would write two columns of that name; map each CanReg5 variable once",
                    entry.variable
                ),
            ));
        } else {
            seen.insert(key, entry.path.clone());
        }
    }
    for e in &mapping.dropped {
        let place = match e.target {
            Target::Attribute => "attributes".to_string(),
            Target::Stage(s) => format!("dataElements.{}", s.key()),
        };
        out.push(finding(
            "CR905",
            None,
            at(&format!("{place}.{}", e.variable)),
            format!(
                "`{}` is already mapped there; the added field `{}` was left out of the mapping: map each CanReg5 variable once",
                e.variable, e.uid
            ),
        ));
    }
    out
}

/// The findings of `canreg5.system`: the build against the registry's CanReg5 setup.
pub fn check_registry(
    package: &Package,
    config: &LoadedConfig,
    mapping: &FieldMapping,
    registry: &Registry,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let system = &registry.system;
    let sys_file = system.file.display().to_string();
    // Every mapped variable is one of the registry's.
    for entry in mapping.entries() {
        let found = system.variable(entry.variable).is_some()
            || system.variables.iter().any(|v| {
                v.standard_name
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(entry.variable))
            });
        if !found {
            out.push(finding(
                "CR912",
                object_of(package, &entry),
                format!("{}: {}", super::mapping::file_name(package), entry.path),
                format!(
                    "the export writes column {} but registry {} ({sys_file}) has no such variable: CanReg5's import will not match the column; add the variable to the system definition or map the field to one it has",
                    entry.variable, system.registry_code
                ),
            ));
        }
    }
    // The Patient ID is as long as RegNo.
    let regno = system
        .standard("PatientID")
        .or_else(|| system.variable("RegNo"));
    let attr = mapping
        .attributes
        .get("REGNO")
        .and_then(|uid| locate(package, "trackedEntityAttributes", uid));
    if let (Some(regno), Some((i, attr))) = (regno, attr)
        && let Some(want) = regno.length
    {
        let pattern = attr.get("pattern").and_then(Value::as_str).unwrap_or("");
        let length = text_pattern::parse(pattern)
            .ok()
            .and_then(|s| s.iter().map(|x| x.length()).sum::<Option<usize>>());
        if length != Some(want) {
            out.push(finding(
                "CR911",
                Some(ObjectRef::of("trackedEntityAttributes", attr)),
                format!("trackedEntityAttributes[{i}].pattern"),
                format!(
                    "the Patient ID pattern `{pattern}` generates {} but {} ({sys_file}) has variable_length {want}: make `patient_id.pattern` {want} characters long, or change RegNo in CanReg5 first",
                    match length {
                        Some(n) => format!("{n}-character IDs"),
                        None => "IDs of varying length".into(),
                    },
                    regno.short_name
                ),
            ));
        }
    }
    // Address codes.
    if let Some(address) = &config.config.address {
        let variable = system
            .standard("AddressCode")
            .or_else(|| system.variable("Addr"));
        let dictionary = variable
            .and_then(|v| v.dictionary.as_deref())
            .and_then(|d| system.dictionary_named(d));
        match (variable, dictionary) {
            (Some(_), Some(dictionary)) => {
                if let Ok(tree) = areas::load(address, &config.path) {
                    check_address(package, &tree, dictionary, registry, &mut out);
                }
            }
            _ => out.push(finding(
                "CR913",
                None,
                "address".into(),
                format!(
                    "{sys_file} has no address variable (standard name AddressCode) with a dictionary: the address codes cannot be checked; give the registry's system definition"
                ),
            )),
        }
    }
    // Source types.
    if let Some(dictionary) = &registry.source_dictionary {
        let set = mapping
            .data_elements
            .source
            .get("SOUT")
            .and_then(|uid| package.get("dataElements", uid))
            .and_then(|d| ref_id(d, "optionSet"));
        if let Some(set) = set {
            let codes: Vec<(usize, &Map<String, Value>)> = options_of(package, set);
            let entries = registry.entries(dictionary);
            if registry.dictionaries.is_some() && entries.is_none() {
                out.push(missing_entries(registry, dictionary));
            }
            for (i, option) in codes {
                let code = option.get("code").and_then(Value::as_str).unwrap_or("");
                let name = option.get("name").and_then(Value::as_str).unwrap_or("");
                let place = (
                    Some(ObjectRef::of("options", option)),
                    format!("options[{i}].code"),
                );
                code_checks(
                    ("source type", code, name),
                    place,
                    dictionary.full_length,
                    dictionary,
                    registry,
                    entries,
                    &mut out,
                );
            }
        }
    }
    out
}

fn check_address(
    package: &Package,
    tree: &AreaTree,
    dictionary: &SystemDictionary,
    registry: &Registry,
    out: &mut Vec<Finding>,
) {
    let entries = registry.entries(dictionary);
    if registry.dictionaries.is_some() && entries.is_none() {
        out.push(missing_entries(registry, dictionary));
    }
    let last = tree.levels.len().saturating_sub(1);
    let compound = dictionary.kind == DictionaryType::Compound;
    if compound && tree.levels.len() != 2 {
        out.push(finding(
            "CR910",
            None,
            "address.levels".into(),
            format!(
                "CanReg5 dictionary #{} {} ({}) is compound (2 levels: {}-character categories, {}-character codes) but `address.levels` declares {}: declare 2 levels",
                dictionary.id,
                dictionary.name,
                registry.system.file.display(),
                dictionary.category_length,
                dictionary.full_length,
                tree.levels.len()
            ),
        ));
        return;
    }
    // Options by (code, name): the package's option for each area, to name it in findings.
    let mut by_code: BTreeMap<(&str, &str), Located> = BTreeMap::new();
    for (i, o) in package.objects("options").iter().enumerate() {
        if let Some(o) = o.as_object() {
            let code = o.get("code").and_then(Value::as_str).unwrap_or("");
            let name = o.get("name").and_then(Value::as_str).unwrap_or("");
            by_code.entry((code, name)).or_insert((i, o));
        }
    }
    for area in &tree.areas {
        // CanReg5 stores the leaf code; a compound dictionary also lists the categories.
        let length = if area.level == last {
            dictionary.full_length
        } else if compound {
            dictionary.category_length
        } else {
            continue;
        };
        let place = match by_code.get(&(area.code.as_str(), area.name.as_str())) {
            Some((i, o)) => (
                Some(ObjectRef::of("options", o)),
                format!("options[{i}].code"),
            ),
            None => (None, format!("address ({})", area.place)),
        };
        let what = if area.level == last {
            "address"
        } else {
            "address category"
        };
        code_checks(
            (what, &area.code, &area.name),
            place,
            length,
            dictionary,
            registry,
            entries,
            out,
        );
    }
}

/// Length, presence and label of one code against a registry dictionary.
fn code_checks(
    (what, code, name): (&str, &str, &str),
    (object, path): (Option<ObjectRef>, String),
    length: usize,
    dictionary: &SystemDictionary,
    registry: &Registry,
    entries: Option<&super::dictionary_text::TextDictionary>,
    out: &mut Vec<Finding>,
) {
    let dict = format!("#{} {}", dictionary.id, dictionary.name);
    let sys_file = registry.system.file.display();
    let n = code.chars().count();
    if length > 0 && n != length {
        out.push(finding(
            "CR910",
            object.clone(),
            path.clone(),
            format!(
                "{what} code `{code}` ({name}) has {n} characters but CanReg5 dictionary {dict} ({sys_file}) holds {length}-character codes: use the registry's codes"
            ),
        ));
    }
    let (Some(entries), Some((file, _))) = (entries, &registry.dictionaries) else {
        return;
    };
    let (missing, differs) = if what == "source type" {
        ("CR908", "CR909")
    } else {
        ("CR906", "CR907")
    };
    match entries.rows.iter().find(|r| r.code == code) {
        None => out.push(finding(
            missing,
            object,
            path,
            format!(
                "{what} code `{code}` ({name}) is not in CanReg5 dictionary {dict} of {}: add it to the registry's dictionary, or use one of its codes",
                file.display()
            ),
        )),
        Some(row) if row.label.trim() != name.trim() => out.push(finding(
            differs,
            object,
            path,
            format!(
                "{what} code `{code}` is `{name}` in the package but `{}` in CanReg5 dictionary {dict} of {} (line {}): use one label in both",
                row.label.trim(),
                file.display(),
                row.line
            ),
        )),
        Some(_) => {}
    }
}

fn missing_entries(registry: &Registry, dictionary: &SystemDictionary) -> Finding {
    let (file, all) = registry
        .dictionaries
        .as_ref()
        .expect("checked by the caller");
    finding(
        "CR913",
        None,
        "canreg5.dictionaries".into(),
        format!(
            "{} has no dictionary #{} {} (declared in {}); it has: {}. Export the registry's dictionaries from CanReg5 again",
            file.display(),
            dictionary.id,
            dictionary.name,
            registry.system.file.display(),
            all.iter().map(|d| d.label()).collect::<Vec<_>>().join(", ")
        ),
    )
}

/// An object and its index in its section.
type Located<'p> = (usize, &'p Map<String, Value>);

fn ref_id<'v>(map: &'v Map<String, Value>, property: &str) -> Option<&'v str> {
    map.get(property)?.get("id")?.as_str()
}

fn ref_list(value: &Value) -> impl Iterator<Item = &str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("id").and_then(Value::as_str))
}

fn locate<'p>(
    package: &'p Package,
    kind: &str,
    id: &str,
) -> Option<(usize, &'p Map<String, Value>)> {
    package
        .objects(kind)
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_object().map(|m| (i, m)))
        .find(|(_, m)| m.get("id").and_then(Value::as_str) == Some(id))
}

/// The options of a set, in the set's order, with their index in `options`.
fn options_of<'p>(package: &'p Package, set: &str) -> Vec<(usize, &'p Map<String, Value>)> {
    let Some(set) = package.get("optionSets", set) else {
        return Vec::new();
    };
    let index: BTreeMap<&str, (usize, &Map<String, Value>)> = package
        .objects("options")
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let m = v.as_object()?;
            Some((m.get("id")?.as_str()?, (i, m)))
        })
        .collect();
    set.get("options")
        .map(|o| {
            ref_list(o)
                .filter_map(|id| index.get(id).copied())
                .collect()
        })
        .unwrap_or_default()
}

/// The stage whose data elements include `uid`.
fn stage_of<'p>(package: &'p Package, uid: &str) -> Option<&'p str> {
    package
        .objects("programStages")
        .iter()
        .filter_map(Value::as_object)
        .find(|s| {
            s.get("programStageDataElements")
                .and_then(Value::as_array)
                .is_some_and(|l| {
                    l.iter().any(|x| {
                        x.get("dataElement")
                            .and_then(|d| d.get("id"))
                            .and_then(Value::as_str)
                            == Some(uid)
                    })
                })
        })
        .and_then(|s| s.get("id").and_then(Value::as_str))
}

/// The package object a mapping entry reads, to name it in findings.
fn object_of(package: &Package, entry: &Entry) -> Option<ObjectRef> {
    let kind = match entry.target {
        Target::Attribute => "trackedEntityAttributes",
        Target::Stage(_) => "dataElements",
    };
    package.get(kind, entry.uid).map(|m| ObjectRef::of(kind, m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canreg5::mapping::Extra;

    #[test]
    fn added_variables_are_checked_on_the_official_package() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
        let package = Package::load(&path).unwrap();
        let clean = FieldMapping::for_country(&BTreeMap::new(), &[]);
        assert!(check_mapping(&package, &clean, "m.json", None).is_empty());
        let extra = [
            // Not a CanReg5 variable.
            Extra {
                variable: "HIVSTAT".into(),
                target: Target::Stage(Stage::Tumour),
                uid: "KgDQLAkC5ql".into(),
            },
            // Mapped twice (ADDR already maps the Address data element).
            Extra {
                variable: "addr".into(),
                target: Target::Attribute,
                uid: "sB1IHYu2xQT".into(),
            },
            // Exactly a variable the export app maps.
            Extra {
                variable: "TOP".into(),
                target: Target::Stage(Stage::Tumour),
                uid: "KgDQLAkC5ql".into(),
            },
            // A Tumor data element mapped under Source.
            Extra {
                variable: "Hosp".into(),
                target: Target::Stage(Stage::Source),
                uid: "LCSApBii8CI".into(),
            },
        ];
        let mapping = FieldMapping::for_country(&BTreeMap::new(), &extra);
        let found = check_mapping(&package, &mapping, "m.json", None);
        let codes: Vec<(&str, &str)> = found.iter().map(|f| (f.code, f.path.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("CR905", "m.json: attributes.addr"),
                ("CR903", "m.json: dataElements.source.Hosp"),
                ("CR904", "m.json: dataElements.tumour.HIVSTAT"),
                ("CR905", "m.json: dataElements.tumour.TOP"),
            ],
            "{found:#?}"
        );
        assert!(
            found[1].message.contains("stage `S12EbFtuFoI`"),
            "{}",
            found[1].message
        );
    }
}
