//! The shipped NCD_CR base holds the published specification (`../shared/data/ncd-cr/*.csv`):
//! every published UID and option code, the value types, sections (hidden ones included), the
//! published program-rule UIDs, CanReg5 R45's topography and morphology codes, the Site →
//! Topography option groups, the user groups and the package conventions.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn base_text() -> String {
    std::fs::read_to_string(root().join("base-package/NCD_CR/NCD_CR.json")).unwrap()
}

fn base() -> Value {
    serde_json::from_str(&base_text()).unwrap()
}

/// One CSV line's fields (double-quoted fields may hold commas and doubled quotes).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                out.last_mut().unwrap().push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out
}

fn spec(file: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(root().join("../shared/data/ncd-cr").join(file)).unwrap();
    let mut lines = text.lines().filter(|l| !l.is_empty());
    let headers = fields(lines.next().unwrap());
    lines
        .map(|l| headers.iter().cloned().zip(fields(l)).collect())
        .collect()
}

fn by_id(base: &Value, kind: &str) -> HashMap<String, Value> {
    base[kind]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind}"))
        .iter()
        .map(|o| (o["id"].as_str().unwrap().to_string(), o.clone()))
        .collect()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

#[test]
fn every_published_attribute_and_data_element_is_in_the_base() {
    let base = base();
    let teas = by_id(&base, "trackedEntityAttributes");
    for row in spec("tracked_entity_attributes.csv") {
        let tea = teas
            .get(&row["uid"])
            .unwrap_or_else(|| panic!("attribute {} missing", row["uid"]));
        assert_eq!(tea["name"], row["name"].as_str());
        assert_eq!(tea["valueType"], row["value_type"].as_str());
    }
    let program = &base["programs"][0];
    let program_teas: BTreeSet<&str> = program["programTrackedEntityAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| id(&p["trackedEntityAttribute"]))
        .collect();
    assert_eq!(program_teas.len(), 5);

    let des = by_id(&base, "dataElements");
    let stages: HashMap<String, Value> = base["programStages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s.clone()))
        .collect();
    let sections = by_id(&base, "programStageSections");
    let sets = by_id(&base, "optionSets");
    let set_titles: HashMap<String, String> = spec("option_set_value_types.csv")
        .into_iter()
        .map(|r| (r["option_set_name"].clone(), r["option_set_title"].clone()))
        .collect();
    let rows = spec("data_elements.csv");
    assert_eq!(rows.len(), 48);
    for row in &rows {
        let uid = &row["uid"];
        let de = des
            .get(uid)
            .unwrap_or_else(|| panic!("data element {uid} missing"));
        assert_eq!(de["name"], row["name"].as_str(), "{uid}");
        assert_eq!(de["valueType"], row["value_type"].as_str(), "{uid}");
        let stage = &stages[&row["stage"]];
        assert!(
            stage["programStageDataElements"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| id(&p["dataElement"]) == uid),
            "{uid} is not in stage {}",
            row["stage"]
        );
        if !row["section"].is_empty() {
            let section = stage["programStageSections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| &sections[id(r)])
                .find(|s| s["name"] == row["section"].as_str())
                .unwrap_or_else(|| panic!("no section {} in {}", row["section"], row["stage"]));
            assert!(
                section["dataElements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| id(d) == uid),
                "{uid} not in section {}",
                row["section"]
            );
        }
        if !row["option_set"].is_empty() {
            let set = &sets[id(&de["optionSet"])];
            // DHIS2 2.42 needs the option set's value type to equal the field's.
            assert_eq!(set["valueType"], de["valueType"], "{uid}");
            let title = &set_titles[&row["option_set"]];
            assert!(
                set["name"].as_str().unwrap().starts_with(title.as_str()),
                "{uid}: option set {} is not {title}",
                set["name"]
            );
        }
    }
    // Hidden sections are hidden by a HIDESECTION action that always fires.
    let hidden: BTreeSet<(String, String)> = rows
        .iter()
        .filter(|r| r["section_hidden"] == "true")
        .map(|r| (r["stage"].clone(), r["section"].clone()))
        .collect();
    assert_eq!(hidden.len(), 5);
    let rules = by_id(&base, "programRules");
    let always_hidden: BTreeSet<String> = base["programRuleActions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["programRuleActionType"] == "HIDESECTION")
        .filter(|a| rules[id(&a["programRule"])]["condition"] == "true")
        .map(|a| {
            sections[id(&a["programStageSection"])]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for (_, section) in hidden {
        assert!(
            always_hidden.contains(&section),
            "section {section} is not hidden"
        );
    }
}

#[test]
fn every_published_option_code_is_in_the_base() {
    let base = base();
    let sets = by_id(&base, "optionSets");
    let options = by_id(&base, "options");
    let mut codes_by_title: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut type_by_title: HashMap<String, String> = HashMap::new();
    for set in sets.values() {
        let title = set["name"].as_str().unwrap().to_string();
        type_by_title.insert(
            title.clone(),
            set["valueType"].as_str().unwrap().to_string(),
        );
        let codes = set["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| options[id(o)]["code"].as_str().unwrap().to_string())
            .collect();
        codes_by_title.insert(title, codes);
    }
    let titles: HashMap<String, String> = spec("option_set_value_types.csv")
        .into_iter()
        .map(|r| {
            assert_eq!(
                type_by_title[&r["option_set_title"]], r["value_type"],
                "{}",
                r["option_set_title"]
            );
            (r["option_set_name"].clone(), r["option_set_title"].clone())
        })
        .collect();
    let rows = spec("option_sets.csv");
    assert_eq!(rows.len(), 1244);
    for row in rows {
        let title = &titles[&row["option_set_name"]];
        assert!(
            codes_by_title[title].contains(&row["code"]),
            "option {} of {title} missing",
            row["code"]
        );
    }
    // CanReg5 R45: the 331 topographies (C50.9 = 509) and every 4-digit morphology of
    // morphology4.tsv (the base also keeps 8721, in morphology5.tsv and MorphFam.txt).
    let canreg5 = root().join("../shared/data/icdo3/canreg5");
    let tsv_codes = |file: &str, len: usize| -> BTreeSet<String> {
        std::fs::read_to_string(canreg5.join(file))
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap().trim().to_string())
            .filter(|c| c.len() == len)
            .map(|c| c.parse::<u32>().unwrap().to_string())
            .collect()
    };
    let topographies = tsv_codes("topography.tsv", 3);
    assert_eq!(topographies.len(), 331);
    assert_eq!(codes_by_title["CR - Topography"], topographies);
    let morphologies = tsv_codes("morphology4.tsv", 4);
    let base_morphologies = &codes_by_title["CR - Morphology4"];
    assert!(morphologies.is_subset(base_morphologies));
    let extra: Vec<&String> = base_morphologies.difference(&morphologies).collect();
    assert_eq!(extra, vec!["8721"]);
    assert_eq!(type_by_title["CR - Topography"], "NUMBER");
    assert_eq!(type_by_title["CR - Morphology4"], "NUMBER");
}

#[test]
fn site_option_groups_cover_every_topography_once() {
    let base = base();
    let groups = base["optionGroups"].as_array().unwrap();
    assert_eq!(groups.len(), 70);
    let options = by_id(&base, "options");
    let mut seen = BTreeMap::new();
    for group in groups {
        for option in group["options"].as_array().unwrap() {
            let code: u32 = options[id(option)]["code"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            let site = group["code"]
                .as_str()
                .unwrap()
                .trim_start_matches("CR_TOPOGRAPHY_SITE_");
            assert_eq!(
                code / 10,
                site.parse::<u32>().unwrap(),
                "{code} in site {site}"
            );
            assert!(
                seen.insert(code, site.to_string()).is_none(),
                "{code} in two groups"
            );
        }
    }
    assert_eq!(seen.len(), 331);
    let shown: BTreeSet<&str> = base["programRuleActions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["programRuleActionType"] == "SHOWOPTIONGROUP")
        .map(|a| id(&a["optionGroup"]))
        .collect();
    assert_eq!(shown.len(), 70);
}

#[test]
fn published_rule_uids_user_groups_and_package_conventions() {
    let base = base();
    let rules = by_id(&base, "programRules");
    for row in spec("program_rules.csv")
        .iter()
        .filter(|r| !r["uid"].is_empty())
    {
        let rule = rules
            .get(&row["uid"])
            .unwrap_or_else(|| panic!("rule {} ({}) missing", row["uid"], row["name"]));
        assert_eq!(rule["name"], row["name"].as_str());
    }
    let names: BTreeSet<&str> = rules
        .values()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        rules.len(),
        "rule names must be unique per program"
    );

    let groups: BTreeMap<&str, &str> = base["userGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap(), g["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        groups.keys().copied().collect::<Vec<_>>(),
        vec!["CR - Access", "CR - Admin", "CR - Data Capture"]
    );
    let program = &base["programs"][0];
    let access = |group: &str| {
        program["sharing"]["userGroups"][groups[group]]["access"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(access("CR - Admin"), "rw------");
    assert_eq!(access("CR - Access"), "r-r-----");
    assert_eq!(access("CR - Data Capture"), "r-rw----");

    fn walk(path: &str, value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let stripped = [
                        "created",
                        "lastUpdated",
                        "createdBy",
                        "lastUpdatedBy",
                        "user",
                        "href",
                        "access",
                        "favorites",
                    ];
                    let in_sharing = path.contains("/sharing");
                    if (stripped.contains(&key.as_str())
                        && !(in_sharing && key == "access")
                        && path != "/package")
                        || key.starts_with("display")
                            && ![
                                "displayInList",
                                "displayInListNoProgram",
                                "displayFrontPageList",
                                "displayIncidentDate",
                                "displayInReports",
                                "displayGenerateEventBox",
                            ]
                            .contains(&key.as_str())
                    {
                        found.push(format!("{path}/{key}"));
                    }
                    if key == "owner" && v != "vUeLeQMSwhN" {
                        found.push(format!("{path}/owner = {v}"));
                    }
                    walk(&format!("{path}/{key}"), v, found);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(path, v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk("", &base, &mut found);
    assert!(
        found.is_empty(),
        "fields official packages strip, or a foreign owner: {:?}",
        &found[..found.len().min(10)]
    );
    assert!(
        base_text().len() < 4 * 1024 * 1024,
        "the base is over 4 MiB"
    );
}
