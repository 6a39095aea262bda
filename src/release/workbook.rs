//! The metadata reference workbook (`.xlsx`) shipped beside each package, as DHIS2 package downloads
//! ship one: a sheet per type a person reviews (program, stages and sections, data elements,
//! attributes, option sets with their options, program rules in words, rule variables, user
//! groups), with readable columns: names first, UIDs for search-and-replace, references resolved
//! to names.
//!
//! The sheets are computed as plain data ([`reference_sheets`]) and then written with
//! rust_xlsxwriter ([`write_workbook`]). The bytes are deterministic: the document's creation time
//! is the package header's `lastUpdated` (itself from the base or `SOURCE_DATE_EPOCH`), never the
//! clock, and rust_xlsxwriter stamps the zip entries with a fixed date.

use super::rule_words::{RuleNames, ref_id};
use crate::package::{Package, object_id, object_name};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Excel's limit for the text of one cell.
const CELL_LIMIT: usize = 32_767;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
}

/// One sheet: its name, column headers with widths, and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub columns: Vec<(&'static str, f64)>,
    pub rows: Vec<Vec<Cell>>,
}

type Object = Map<String, Value>;

fn objects<'a>(package: &'a Package, kind: &str) -> Vec<&'a Object> {
    package
        .objects(kind)
        .iter()
        .filter_map(Value::as_object)
        .collect()
}

fn text<'a>(object: &'a Object, key: &str) -> &'a str {
    object.get(key).and_then(Value::as_str).unwrap_or("")
}

fn flag(object: &Object, key: &str) -> &'static str {
    match object.get(key).and_then(Value::as_bool) {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn number(object: &Object, key: &str) -> Cell {
    match object.get(key).and_then(Value::as_f64) {
        Some(n) => Cell::Number(n),
        None => Cell::text(""),
    }
}

fn id(object: &Object) -> &str {
    object_id(object).unwrap_or("")
}

fn ref_ids<'a>(object: &'a Object, key: &str) -> Vec<&'a str> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| match item {
                    Value::Object(r) => r.get("id").and_then(Value::as_str),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Sorts objects by name, then id: the order a person scans a list in.
fn by_name(mut list: Vec<&Object>) -> Vec<&Object> {
    list.sort_by(|a, b| {
        (object_name(a).unwrap_or(""), id(a)).cmp(&(object_name(b).unwrap_or(""), id(b)))
    });
    list
}

/// `rw------` style access strings in words (metadata, then data).
pub fn access_in_words(access: &str) -> String {
    let bytes: Vec<char> = access.chars().collect();
    let part = |r: usize, w: usize| match (
        bytes.get(r).is_some_and(|c| *c == 'r'),
        bytes.get(w).is_some_and(|c| *c == 'w'),
    ) {
        (true, true) => "read and write",
        (true, false) => "read",
        (false, true) => "write",
        (false, false) => "none",
    };
    format!("metadata {}; data {}", part(0, 1), part(2, 3))
}

/// The sheets of the reference workbook for `package`.
pub fn reference_sheets(package: &Package) -> Vec<Sheet> {
    let names = RuleNames::new(package);
    let mut sheets = vec![
        package_sheet(package),
        program_sheet(package, &names),
        stages_sheet(package, &names),
        data_elements_sheet(package, &names),
        attributes_sheet(package, &names),
        option_sets_sheet(package),
        rules_sheet(package, &names),
        variables_sheet(package, &names),
        user_groups_sheet(package),
        indicators_sheet(package, &names),
    ];
    // The country's working lists, when it declares any.
    sheets.extend(super::workbook_lists::sheet(package));
    sheets
}

fn package_sheet(package: &Package) -> Sheet {
    let header = &package.header;
    let mut rows = vec![
        vec![Cell::text("Name"), Cell::text(header.name().unwrap_or(""))],
        vec![Cell::text("Code"), Cell::text(header.code().unwrap_or(""))],
        vec![
            Cell::text("Version"),
            Cell::text(header.version().unwrap_or("")),
        ],
        vec![
            Cell::text("DHIS2 version"),
            Cell::text(header.dhis2_version().unwrap_or_default()),
        ],
        vec![
            Cell::text("Locale"),
            Cell::text(header.locale().unwrap_or("")),
        ],
        vec![
            Cell::text("Last updated"),
            Cell::text(header.last_updated().unwrap_or("")),
        ],
    ];
    for kind in package.kinds() {
        rows.push(vec![
            Cell::text(format!("Objects: {kind}")),
            Cell::Number(package.objects(kind).len() as f64),
        ]);
    }
    Sheet {
        name: "Package",
        columns: vec![("Property", 28.0), ("Value", 60.0)],
        rows,
    }
}

fn program_sheet(package: &Package, names: &RuleNames) -> Sheet {
    let rows = by_name(objects(package, "programs"))
        .into_iter()
        .map(|p| {
            let stages: Vec<String> = ref_ids(p, "programStages")
                .into_iter()
                .map(|s| names.name_of(s))
                .collect();
            // The program's attributes by name, in form order.
            let attributes: Vec<String> = p
                .get("programTrackedEntityAttributes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|a| {
                    let id = a.get("trackedEntityAttribute")?.get("id")?.as_str()?;
                    Some(names.name_of(id))
                })
                .collect();
            vec![
                Cell::text(object_name(p).unwrap_or("")),
                Cell::text(text(p, "shortName")),
                Cell::text(text(p, "code")),
                Cell::text(id(p)),
                Cell::text(text(p, "programType")),
                Cell::text(
                    ref_id(p, "trackedEntityType")
                        .map(|t| names.name_of(t))
                        .unwrap_or_default(),
                ),
                Cell::text(text(p, "enrollmentDateLabel")),
                Cell::text(text(p, "incidentDateLabel")),
                Cell::text(stages.join("\n")),
                Cell::text(attributes.join("\n")),
                Cell::text(text(p, "description")),
            ]
        })
        .collect();
    Sheet {
        name: "Program",
        columns: vec![
            ("Name", 30.0),
            ("Short name", 24.0),
            ("Code", 16.0),
            ("UID", 14.0),
            ("Program type", 22.0),
            ("Tracked entity type", 18.0),
            ("Enrollment date label", 22.0),
            ("Incident date label", 22.0),
            ("Stages", 24.0),
            ("Attributes", 36.0),
            ("Description", 60.0),
        ],
        rows,
    }
}

/// Stages in the order their program lists them, then stages no program lists (by name).
fn ordered_stages(package: &Package) -> Vec<&Object> {
    let stages = objects(package, "programStages");
    let mut ordered: Vec<&Object> = Vec::new();
    let mut seen = BTreeSet::new();
    for program in by_name(objects(package, "programs")) {
        for stage_id in ref_ids(program, "programStages") {
            if let Some(stage) = stages.iter().find(|s| id(s) == stage_id)
                && seen.insert(stage_id)
            {
                ordered.push(stage);
            }
        }
    }
    let rest: Vec<&Object> = stages
        .iter()
        .copied()
        .filter(|s| !seen.contains(id(s)))
        .collect();
    ordered.extend(by_name(rest));
    ordered
}

fn stages_sheet(package: &Package, names: &RuleNames) -> Sheet {
    let sections = objects(package, "programStageSections");
    let mut rows = Vec::new();
    for stage in ordered_stages(package) {
        let stage_id = id(stage);
        let mut own: Vec<&Object> = sections
            .iter()
            .copied()
            .filter(|s| ref_id(s, "programStage") == Some(stage_id))
            .collect();
        // Sections may also be listed by the stage instead of pointing back to it.
        for listed in ref_ids(stage, "programStageSections") {
            if !own.iter().any(|s| id(s) == listed)
                && let Some(section) = sections.iter().find(|s| id(s) == listed)
            {
                own.push(section);
            }
        }
        own.sort_by(|a, b| {
            let order = |o: &Object| {
                o.get("sortOrder")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MAX)
            };
            (order(a), id(a)).cmp(&(order(b), id(b)))
        });
        let stage_cells = || {
            vec![
                Cell::text(
                    ref_id(stage, "program")
                        .map(|p| names.name_of(p))
                        .unwrap_or_default(),
                ),
                Cell::text(object_name(stage).unwrap_or("")),
                Cell::text(stage_id),
                Cell::text(flag(stage, "repeatable")),
            ]
        };
        if own.is_empty() {
            let elements: Vec<String> = stage_data_elements(stage)
                .into_iter()
                .map(|d| names.name_of(d))
                .collect();
            let mut row = stage_cells();
            row.extend([
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
                Cell::text(elements.join("\n")),
            ]);
            rows.push(row);
        }
        for section in own {
            let elements: Vec<String> = ref_ids(section, "dataElements")
                .into_iter()
                .map(|d| names.name_of(d))
                .collect();
            let mut row = stage_cells();
            row.extend([
                Cell::text(object_name(section).unwrap_or("")),
                Cell::text(id(section)),
                number(section, "sortOrder"),
                Cell::text(elements.join("\n")),
            ]);
            rows.push(row);
        }
    }
    Sheet {
        name: "Stages and sections",
        columns: vec![
            ("Program", 22.0),
            ("Stage", 18.0),
            ("Stage UID", 14.0),
            ("Repeatable", 11.0),
            ("Section", 30.0),
            ("Section UID", 14.0),
            ("Section order", 8.0),
            ("Data elements", 50.0),
        ],
        rows,
    }
}

fn stage_data_elements(stage: &Object) -> Vec<&str> {
    stage
        .get("programStageDataElements")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_object)
                .filter_map(|psde| ref_id(psde, "dataElement"))
                .collect()
        })
        .unwrap_or_default()
}

fn data_elements_sheet(package: &Package, names: &RuleNames) -> Sheet {
    // Where each data element is used: stage names, and the stages where it is compulsory.
    let mut used: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut compulsory: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for stage in ordered_stages(package) {
        let stage_name = object_name(stage).unwrap_or("").to_string();
        for psde in stage
            .get("programStageDataElements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            if let Some(de) = ref_id(psde, "dataElement") {
                used.entry(de).or_default().push(stage_name.clone());
                if psde.get("compulsory").and_then(Value::as_bool) == Some(true) {
                    compulsory.entry(de).or_default().push(stage_name.clone());
                }
            }
        }
    }
    let rows = by_name(objects(package, "dataElements"))
        .into_iter()
        .map(|de| {
            let de_id = id(de);
            vec![
                Cell::text(object_name(de).unwrap_or("")),
                Cell::text(text(de, "shortName")),
                Cell::text(text(de, "formName")),
                Cell::text(text(de, "code")),
                Cell::text(de_id),
                Cell::text(text(de, "valueType")),
                Cell::text(
                    ref_id(de, "optionSet")
                        .map(|o| names.name_of(o))
                        .unwrap_or_default(),
                ),
                Cell::text(used.get(de_id).map(|s| s.join(", ")).unwrap_or_default()),
                Cell::text(
                    compulsory
                        .get(de_id)
                        .map(|s| s.join(", "))
                        .unwrap_or_default(),
                ),
                Cell::text(text(de, "aggregationType")),
                Cell::text(text(de, "description")),
            ]
        })
        .collect();
    Sheet {
        name: "Data elements",
        columns: vec![
            ("Name", 40.0),
            ("Short name", 30.0),
            ("Form name", 30.0),
            ("Code", 16.0),
            ("UID", 14.0),
            ("Value type", 14.0),
            ("Option set", 24.0),
            ("Stages", 18.0),
            ("Compulsory in", 16.0),
            ("Aggregation type", 14.0),
            ("Description", 60.0),
        ],
        rows,
    }
}

/// Programs using an attribute: all of them, those where it is mandatory, those where it is
/// searchable.
type Usage = (Vec<String>, Vec<String>, Vec<String>);

fn attributes_sheet(package: &Package, names: &RuleNames) -> Sheet {
    // How each attribute is used by the programs.
    let mut in_program: BTreeMap<&str, Usage> = BTreeMap::new();
    for program in by_name(objects(package, "programs")) {
        let program_name = object_name(program).unwrap_or("").to_string();
        for pta in program
            .get("programTrackedEntityAttributes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            if let Some(tea) = ref_id(pta, "trackedEntityAttribute") {
                let entry = in_program.entry(tea).or_default();
                entry.0.push(program_name.clone());
                if pta.get("mandatory").and_then(Value::as_bool) == Some(true) {
                    entry.1.push(program_name.clone());
                }
                if pta.get("searchable").and_then(Value::as_bool) == Some(true) {
                    entry.2.push(program_name.clone());
                }
            }
        }
    }
    let rows = by_name(objects(package, "trackedEntityAttributes"))
        .into_iter()
        .map(|tea| {
            let tea_id = id(tea);
            let usage = in_program.get(tea_id);
            let list = |pick: fn(&Usage) -> &Vec<String>| {
                usage.map(|u| pick(u).join(", ")).unwrap_or_default()
            };
            vec![
                Cell::text(object_name(tea).unwrap_or("")),
                Cell::text(text(tea, "shortName")),
                Cell::text(text(tea, "code")),
                Cell::text(tea_id),
                Cell::text(text(tea, "valueType")),
                Cell::text(
                    ref_id(tea, "optionSet")
                        .map(|o| names.name_of(o))
                        .unwrap_or_default(),
                ),
                Cell::text(flag(tea, "unique")),
                Cell::text(flag(tea, "generated")),
                Cell::text(text(tea, "pattern")),
                Cell::text(list(|u| &u.0)),
                Cell::text(list(|u| &u.1)),
                Cell::text(list(|u| &u.2)),
                Cell::text(text(tea, "description")),
            ]
        })
        .collect();
    Sheet {
        name: "Attributes",
        columns: vec![
            ("Name", 30.0),
            ("Short name", 24.0),
            ("Code", 16.0),
            ("UID", 14.0),
            ("Value type", 14.0),
            ("Option set", 20.0),
            ("Unique", 8.0),
            ("Generated", 10.0),
            ("Pattern", 30.0),
            ("Programs", 20.0),
            ("Mandatory in", 20.0),
            ("Searchable in", 20.0),
            ("Description", 60.0),
        ],
        rows,
    }
}

fn option_sets_sheet(package: &Package) -> Sheet {
    let options = objects(package, "options");
    let by_id: BTreeMap<&str, &Object> = options.iter().map(|o| (id(o), *o)).collect();
    let mut rows = Vec::new();
    for set in by_name(objects(package, "optionSets")) {
        let set_id = id(set);
        // The set's own list gives the order; options pointing back to the set but not listed
        // follow by sortOrder.
        let mut members: Vec<&Object> = ref_ids(set, "options")
            .into_iter()
            .filter_map(|o| by_id.get(o).copied())
            .collect();
        let listed: BTreeSet<&str> = members.iter().map(|o| id(o)).collect();
        let mut extra: Vec<&Object> = options
            .iter()
            .copied()
            .filter(|o| ref_id(o, "optionSet") == Some(set_id) && !listed.contains(id(o)))
            .collect();
        extra.sort_by_key(|o| {
            (
                o.get("sortOrder").and_then(Value::as_i64),
                id(o).to_string(),
            )
        });
        members.extend(extra);
        let set_cells = || {
            vec![
                Cell::text(object_name(set).unwrap_or("")),
                Cell::text(set_id),
                Cell::text(text(set, "code")),
                Cell::text(text(set, "valueType")),
            ]
        };
        if members.is_empty() {
            let mut row = set_cells();
            row.extend([
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
            ]);
            rows.push(row);
        }
        for (position, option) in members.into_iter().enumerate() {
            let mut row = set_cells();
            row.extend([
                Cell::Number((position + 1) as f64),
                Cell::text(text(option, "code")),
                Cell::text(object_name(option).unwrap_or("")),
                Cell::text(id(option)),
            ]);
            rows.push(row);
        }
    }
    Sheet {
        name: "Option sets",
        columns: vec![
            ("Option set", 30.0),
            ("Option set UID", 14.0),
            ("Option set code", 20.0),
            ("Value type", 12.0),
            ("Order", 7.0),
            ("Option code", 14.0),
            ("Option name", 50.0),
            ("Option UID", 14.0),
        ],
        rows,
    }
}

fn rules_sheet(package: &Package, names: &RuleNames) -> Sheet {
    let actions = objects(package, "programRuleActions");
    let action_by_id: BTreeMap<&str, &Object> = actions.iter().map(|a| (id(a), *a)).collect();
    let mut rules = objects(package, "programRules");
    rules.sort_by(|a, b| {
        let key = |r: &Object| {
            (
                ref_id(r, "program").map(|p| names.name_of(p)),
                r.get("priority")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MAX),
                object_name(r).unwrap_or("").to_string(),
                id(r).to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
    let rows = rules
        .into_iter()
        .map(|rule| {
            let rule_id = id(rule);
            // The rule lists its actions; actions that only point back to the rule count too.
            let mut own: Vec<&Object> = ref_ids(rule, "programRuleActions")
                .into_iter()
                .filter_map(|a| action_by_id.get(a).copied())
                .collect();
            for action in &actions {
                if ref_id(action, "programRule") == Some(rule_id)
                    && !own.iter().any(|a| id(a) == id(action))
                {
                    own.push(action);
                }
            }
            let in_words: Vec<String> = own.iter().map(|a| names.action(a)).collect();
            let condition = text(rule, "condition");
            vec![
                Cell::text(
                    ref_id(rule, "program")
                        .map(|p| names.name_of(p))
                        .unwrap_or_default(),
                ),
                Cell::text(object_name(rule).unwrap_or("")),
                Cell::text(rule_id),
                number(rule, "priority"),
                Cell::text(names.expression(condition)),
                Cell::text(in_words.join("\n")),
                Cell::text(condition),
                Cell::text(text(rule, "description")),
            ]
        })
        .collect();
    Sheet {
        name: "Program rules",
        columns: vec![
            ("Program", 20.0),
            ("Rule", 36.0),
            ("UID", 14.0),
            ("Priority", 8.0),
            ("Condition in words", 60.0),
            ("Actions in words", 60.0),
            ("Condition", 50.0),
            ("Description", 50.0),
        ],
        rows,
    }
}

fn variables_sheet(package: &Package, names: &RuleNames) -> Sheet {
    let rows = by_name(objects(package, "programRuleVariables"))
        .into_iter()
        .map(|v| {
            let field = ref_id(v, "dataElement")
                .or_else(|| ref_id(v, "trackedEntityAttribute"))
                .map(|f| names.name_of(f))
                .unwrap_or_default();
            vec![
                Cell::text(
                    ref_id(v, "program")
                        .map(|p| names.name_of(p))
                        .unwrap_or_default(),
                ),
                Cell::text(object_name(v).unwrap_or("")),
                Cell::text(id(v)),
                Cell::text(source_in_words(text(v, "programRuleVariableSourceType"))),
                Cell::text(field),
                Cell::text(
                    ref_id(v, "programStage")
                        .map(|s| names.name_of(s))
                        .unwrap_or_default(),
                ),
                Cell::text(flag(v, "useCodeForOptionSet")),
            ]
        })
        .collect();
    Sheet {
        name: "Rule variables",
        columns: vec![
            ("Program", 20.0),
            ("Variable", 30.0),
            ("UID", 14.0),
            ("Reads", 40.0),
            ("Field", 36.0),
            ("Stage", 16.0),
            ("Compares codes", 10.0),
        ],
        rows,
    }
}

fn source_in_words(source: &str) -> String {
    match source {
        "DATAELEMENT_CURRENT_EVENT" => "data element in the current event".into(),
        "DATAELEMENT_NEWEST_EVENT_PROGRAM" => {
            "data element in the newest event of the program".into()
        }
        "DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE" => {
            "data element in the newest event of the stage".into()
        }
        "DATAELEMENT_PREVIOUS_EVENT" => "data element in the previous event".into(),
        "TEI_ATTRIBUTE" => "tracked entity attribute".into(),
        "CALCULATED_VALUE" => "calculated value".into(),
        other => other.into(),
    }
}

/// Every user group the package's sharing names: its own groups, and groups of the target
/// instance that `access.user_groups` mapped the CR groups onto (not in the package; their
/// names are filled in by [`workbook_bytes_with_groups`]). Access to the program and each stage
/// in words, and how many objects are shared with the group.
fn user_groups_sheet(package: &Package) -> Sheet {
    let shared_with = |object: &Object, group: &str| -> Option<String> {
        let access = object
            .get("sharing")?
            .get("userGroups")?
            .get(group)?
            .get("access")?
            .as_str()?;
        Some(access.to_string())
    };
    let mut groups: BTreeMap<String, Option<&Object>> = BTreeMap::new();
    for group in objects(package, "userGroups") {
        groups.insert(id(group).to_string(), Some(group));
    }
    for (_, _, object) in package.all_objects() {
        if let Some(shared) = object
            .get("sharing")
            .and_then(|s| s.get("userGroups"))
            .and_then(Value::as_object)
        {
            for uid in shared.keys() {
                groups.entry(uid.clone()).or_insert(None);
            }
        }
    }
    let programs = by_name(objects(package, "programs"));
    let stages = ordered_stages(package);
    let mut rows: Vec<Vec<Cell>> = groups
        .iter()
        .map(|(group_id, group)| {
            let mut access: Vec<String> = Vec::new();
            for (kind, list) in [("Program", &programs), ("Stage", &stages)] {
                for object in list.iter() {
                    if let Some(a) = shared_with(object, group_id) {
                        access.push(format!(
                            "{kind} {}: {} ({a})",
                            object_name(object).unwrap_or(""),
                            access_in_words(&a)
                        ));
                    }
                }
            }
            let count = package
                .all_objects()
                .filter(|(_, _, o)| shared_with(o, group_id).is_some())
                .count();
            let (name, code, description, origin) = match group {
                Some(g) => (
                    object_name(g).unwrap_or(""),
                    text(g, "code"),
                    text(g, "description"),
                    "in the package",
                ),
                None => (
                    "",
                    "",
                    "",
                    "not in the package: must exist in the target instance",
                ),
            };
            vec![
                Cell::text(name),
                Cell::text(code),
                Cell::text(group_id.as_str()),
                Cell::text(origin),
                Cell::text(access.join("\n")),
                Cell::Number(count as f64),
                Cell::text(description),
            ]
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &Vec<Cell>| match (&r[0], &r[2]) {
            (Cell::Text(n), Cell::Text(u)) => (n.clone(), u.clone()),
            _ => Default::default(),
        };
        key(a).cmp(&key(b))
    });
    Sheet {
        name: "User groups",
        columns: vec![
            ("Name", 30.0),
            ("Code", 22.0),
            ("UID", 14.0),
            ("Where", 28.0),
            ("Access to the program and its stages", 60.0),
            ("Objects shared with it", 12.0),
            ("Description", 50.0),
        ],
        rows,
    }
}

/// The header's `lastUpdated` (`20260617T000000`) as the document's creation time.
/// Program indicators, their expression and filter with every UID item read as names.
fn indicators_sheet(package: &Package, names: &RuleNames) -> Sheet {
    let readable = |expr: &str| -> String {
        let mut out = String::new();
        let mut rest = expr;
        while let Some(i) = rest.find(['#', 'A']) {
            let (head, tail) = rest.split_at(i);
            out.push_str(head);
            let body = tail.get(2..).and_then(|b| b.split_once('}'));
            match body {
                Some((ids, after)) if tail[1..].starts_with('{') => {
                    let words: Vec<String> = ids.split('.').map(|id| names.name_of(id)).collect();
                    out.push_str(&format!("{}{{{}}}", &tail[..1], words.join(" / ")));
                    rest = after;
                }
                _ => {
                    out.push_str(&tail[..1]);
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    };
    let rows = by_name(objects(package, "programIndicators"))
        .into_iter()
        .map(|pi| {
            let boundaries: Vec<String> = pi
                .get("analyticsPeriodBoundaries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|b| {
                    format!(
                        "{} {}",
                        b.get("analyticsPeriodBoundaryType")
                            .and_then(Value::as_str)
                            .unwrap_or(""),
                        readable(
                            b.get("boundaryTarget")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                        )
                    )
                })
                .collect();
            vec![
                Cell::text(object_name(pi).unwrap_or("")),
                Cell::text(text(pi, "code")),
                Cell::text(id(pi)),
                Cell::text(text(pi, "analyticsType")),
                Cell::text(text(pi, "aggregationType")),
                Cell::text(readable(text(pi, "expression"))),
                Cell::text(readable(text(pi, "filter"))),
                Cell::text(boundaries.join("; ")),
                Cell::text(text(pi, "expression")),
                Cell::text(text(pi, "filter")),
            ]
        })
        .collect();
    Sheet {
        name: "Program indicators",
        columns: vec![
            ("Indicator", 36.0),
            ("Code", 24.0),
            ("UID", 14.0),
            ("Analytics", 12.0),
            ("Aggregation", 12.0),
            ("Expression (names)", 50.0),
            ("Filter (names)", 60.0),
            ("Period boundaries", 40.0),
            ("Expression", 40.0),
            ("Filter", 50.0),
        ],
        rows,
    }
}

fn creation_time(package: &Package) -> Result<ExcelDateTime, XlsxError> {
    let stamp = package.header.last_updated().unwrap_or("");
    let digits: String = stamp.chars().filter(char::is_ascii_digit).collect();
    let field = |range: std::ops::Range<usize>| digits.get(range).and_then(|s| s.parse().ok());
    match (
        field(0..4),
        field(4..6),
        field(6..8),
        field(8..10),
        field(10..12),
        field(12..14),
    ) {
        (Some(y), Some(mo), Some(d), h, mi, s) => ExcelDateTime::from_ymd(y, mo as u8, d as u8)?
            .and_hms(h.unwrap_or(0), mi.unwrap_or(0) as u8, s.unwrap_or(0) as f64),
        // No usable stamp: a fixed date, never the clock.
        _ => ExcelDateTime::from_ymd(2000, 1, 1),
    }
}

fn clip(text: &str) -> String {
    if text.chars().count() < CELL_LIMIT {
        return text.to_string();
    }
    let note = " … (cut: longer than an Excel cell holds; see the package JSON)";
    let keep = CELL_LIMIT - note.chars().count() - 1;
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(note);
    out
}

/// Writes `sheets` as xlsx bytes, with the package's time stamp as the document's.
pub fn write_workbook(package: &Package, sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = package.header.name().unwrap_or("DHIS2 package");
    let properties = DocProperties::new()
        .set_title(format!("{title}: metadata reference"))
        .set_author("crtk")
        .set_creation_datetime(&creation_time(package)?);
    workbook.set_properties(&properties);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name)?;
        for (col, (header, width)) in sheet.columns.iter().enumerate() {
            let col = col as u16;
            worksheet.write_string_with_format(0, col, *header, &bold)?;
            worksheet.set_column_width(col, *width)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) if s.is_empty() => {}
                    Cell::Text(s) => {
                        worksheet.write_string_with_format(r, c, clip(s), &wrap)?;
                    }
                    Cell::Number(n) => {
                        worksheet.write_number_with_format(r, c, *n, &wrap)?;
                    }
                }
            }
        }
        worksheet.set_freeze_panes(1, 0)?;
        if !sheet.columns.is_empty() {
            worksheet.autofilter(
                0,
                0,
                sheet.rows.len() as u32,
                (sheet.columns.len() - 1) as u16,
            )?;
        }
    }
    workbook.save_to_buffer()
}

/// The reference workbook of `package`, as xlsx bytes.
pub fn workbook_bytes(package: &Package) -> Result<Vec<u8>, XlsxError> {
    workbook_bytes_with_groups(package, &BTreeMap::new())
}

/// [`workbook_bytes`], naming the target instance's groups the config mapped the CR groups onto
/// (`access.user_groups`: CR group name -> UID).
pub fn workbook_bytes_with_groups(
    package: &Package,
    mapped: &BTreeMap<String, String>,
) -> Result<Vec<u8>, XlsxError> {
    let mut sheets = reference_sheets(package);
    for sheet in sheets.iter_mut().filter(|s| s.name == "User groups") {
        for row in &mut sheet.rows {
            let uid = match &row[2] {
                Cell::Text(uid) => uid.clone(),
                Cell::Number(_) => continue,
            };
            if let Some((name, _)) = mapped.iter().find(|(_, to)| **to == uid)
                && row[0] == Cell::text("")
            {
                row[0] = Cell::text(format!("{name} (mapped)"));
                row[3] = Cell::text("existing group of the target instance (access.user_groups)");
            }
        }
        sheet.rows.sort_by(|a, b| match (&a[0], &b[0]) {
            (Cell::Text(x), Cell::Text(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
    }
    write_workbook(package, &sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Base;

    #[test]
    fn the_same_package_gives_the_same_bytes() {
        let base = Base::shipped().package;
        let a = workbook_bytes(&base).unwrap();
        let b = workbook_bytes(&base).unwrap();
        assert!(a.starts_with(b"PK"));
        assert_eq!(a, b);
    }

    #[test]
    fn access_strings_read_as_words() {
        assert_eq!(
            access_in_words("rw------"),
            "metadata read and write; data none"
        );
        assert_eq!(
            access_in_words("r-rw----"),
            "metadata read; data read and write"
        );
    }

    #[test]
    fn every_option_of_the_base_is_listed_once_under_its_set() {
        let base = Base::shipped().package;
        let sheets = reference_sheets(&base);
        let options = sheets.iter().find(|s| s.name == "Option sets").unwrap();
        let listed: BTreeSet<String> = options
            .rows
            .iter()
            .filter_map(|row| match &row[7] {
                Cell::Text(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
            .collect();
        let in_package: BTreeSet<String> = base
            .objects("options")
            .iter()
            .filter_map(|o| o["id"].as_str().map(String::from))
            .collect();
        assert_eq!(listed, in_package);
        assert_eq!(
            options.rows.len(),
            in_package.len(),
            "no set of the base is empty"
        );
    }
}
