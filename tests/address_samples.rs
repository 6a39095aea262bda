//! Every sample config builds, and its address cascade has exactly the structure the areas
//! call for. The expected areas are read here straight from each sample's data, independently
//! of crtk's loaders.

mod common;

use common::crtk::{build_package, get, objects, root, temp_dir};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const ADDRESS: &str = "xcUBzN5QFXu";
const TUMOR_STAGE: &str = "S12EbFtuFoI";
const PATIENT_SECTION: &str = "lZfntL6Dhql";

/// One expected area: level (0 = top), code, name, parent code.
#[derive(Debug, Clone)]
struct Expected {
    level: usize,
    code: String,
    name: String,
    parent: Option<String>,
}

fn sample(name: &str) -> Value {
    let out = temp_dir(&format!("sample-{name}"));
    build_package(
        &root().join(format!("country-configs/{name}/country.yaml")),
        &out,
    )
}

fn csv_rows(path: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(root().join(path)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Areas from one row per leaf with a code and a name column per level (deduplicated).
fn wide(rows: &[BTreeMap<String, String>], columns: &[(&str, &str, usize)]) -> Vec<Expected> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for row in rows {
        let mut parent = None;
        for (level, (code_col, name_col, pad)) in columns.iter().enumerate() {
            let code = format!("{:0>pad$}", row[*code_col], pad = pad);
            if seen.insert(code.clone()) {
                out.push(Expected {
                    level,
                    code: code.clone(),
                    name: row[*name_col].clone(),
                    parent: parent.clone(),
                });
            }
            parent = Some(code);
        }
    }
    out
}

/// Areas from one row per area with a parent column (levels from the parent chain).
fn long(rows: &[BTreeMap<String, String>], code: &str, name: &str, parent: &str) -> Vec<Expected> {
    let parents: BTreeMap<String, String> = rows
        .iter()
        .map(|r| (r[code].clone(), r[parent].clone()))
        .collect();
    rows.iter()
        .map(|r| {
            let mut level = 0;
            let mut at = r[parent].clone();
            while !at.is_empty() {
                level += 1;
                at = parents[&at].clone();
            }
            Expected {
                level,
                code: r[code].clone(),
                name: r[name].clone(),
                parent: Some(r[parent].clone()).filter(|p| !p.is_empty()),
            }
        })
        .collect()
}

/// The cascade found in a built package, checked against the expected areas.
fn check_cascade(package: &Value, expected: &[Expected], levels: &[&str]) {
    let n = levels.len();
    // Fields: the level fields stand just before Address in the Tumor stage, in level order.
    let stage = get(package, "programStages", TUMOR_STAGE);
    let mut psdes: Vec<&Value> = stage["programStageDataElements"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    psdes.sort_by_key(|p| p["sortOrder"].as_i64().unwrap());
    let orders: Vec<i64> = psdes
        .iter()
        .map(|p| p["sortOrder"].as_i64().unwrap())
        .collect();
    assert_eq!(
        orders,
        (1..=psdes.len() as i64).collect::<Vec<_>>(),
        "sortOrder renumbered"
    );
    let at = psdes
        .iter()
        .position(|p| p["dataElement"]["id"] == ADDRESS)
        .unwrap();
    let fields: Vec<String> = psdes[at + 1 - n..=at]
        .iter()
        .map(|p| p["dataElement"]["id"].as_str().unwrap().to_string())
        .collect();
    for (l, f) in fields.iter().enumerate() {
        let de = get(package, "dataElements", f);
        assert_eq!(
            de["formName"], levels[l],
            "field {l} is labelled with its level"
        );
        if l + 1 < n {
            assert_eq!(de["name"], format!("CR - Address - {}", levels[l]));
        }
    }
    let section = get(package, "programStageSections", PATIENT_SECTION);
    let section_ids: Vec<&str> = section["dataElements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let s = section_ids.iter().position(|&d| d == ADDRESS).unwrap();
    assert_eq!(
        section_ids[s + 1 - n..=s],
        fields.iter().map(String::as_str).collect::<Vec<_>>()[..],
        "the level fields precede Address in its section"
    );
    let sets: Vec<String> = fields
        .iter()
        .map(|f| {
            get(package, "dataElements", f)["optionSet"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        sets[n - 1],
        "Lk47XE45J7Y",
        "Address keeps its option set UID"
    );

    // Options per level: exactly the expected areas, in order.
    let option_by_id: BTreeMap<&str, &Value> = objects(package, "options")
        .into_iter()
        .map(|o| (o["id"].as_str().unwrap(), o))
        .collect();
    let mut option_id_by_code = BTreeMap::new();
    for l in 0..n {
        let set = get(package, "optionSets", &sets[l]);
        let got: Vec<(String, String)> = set["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let o = option_by_id[r["id"].as_str().unwrap()];
                assert_eq!(o["optionSet"]["id"], sets[l].as_str());
                option_id_by_code.insert(o["code"].as_str().unwrap().to_string(), o["id"].clone());
                (
                    o["code"].as_str().unwrap().to_string(),
                    o["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .filter(|e| e.level == l)
            .map(|e| (e.code.clone(), e.name.clone()))
            .collect();
        assert_eq!(got, want, "options of level {}", levels[l]);
        let orders: Vec<i64> = set["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                option_by_id[r["id"].as_str().unwrap()]["sortOrder"]
                    .as_i64()
                    .unwrap()
            })
            .collect();
        assert_eq!(orders, (1..=orders.len() as i64).collect::<Vec<_>>());
    }
    // No option is left pointing at the Address set other than the areas (placeholders gone).
    let address_options = objects(package, "options")
        .into_iter()
        .filter(|o| o["optionSet"]["id"] == "Lk47XE45J7Y")
        .count();
    assert_eq!(
        address_options,
        expected.iter().filter(|e| e.level == n - 1).count()
    );

    // Rule variables: one per upper level, reading codes.
    let variables: Vec<&Value> = objects(package, "programRuleVariables")
        .into_iter()
        .filter(|v| {
            v["dataElement"]["id"]
                .as_str()
                .is_some_and(|d| fields[..n - 1].iter().any(|f| f == d))
        })
        .collect();
    assert_eq!(variables.len(), n - 1);
    let var_of = |l: usize| -> String {
        let v = variables
            .iter()
            .find(|v| v["dataElement"]["id"] == fields[l].as_str())
            .unwrap();
        assert_eq!(v["useCodeForOptionSet"], true);
        assert_eq!(
            v["programRuleVariableSourceType"],
            "DATAELEMENT_CURRENT_EVENT"
        );
        v["name"].as_str().unwrap().to_string()
    };

    // One group and one rule per parent; every non-top option in exactly one group.
    // Only the cascade's groups: the base has its own (Site -> Topography).
    let groups: Vec<&Value> = objects(package, "optionGroups")
        .into_iter()
        .filter(|g| sets.iter().any(|s| g["optionSet"]["id"] == s.as_str()))
        .collect();
    let rules = objects(package, "programRules");
    let actions: BTreeMap<&str, &Value> = objects(package, "programRuleActions")
        .into_iter()
        .map(|a| (a["id"].as_str().unwrap(), a))
        .collect();
    let mut membership: BTreeMap<String, usize> = BTreeMap::new();
    let parents: Vec<&Expected> = expected.iter().filter(|e| e.level + 1 < n).collect();
    for parent in &parents {
        let children: Vec<serde_json::Value> = expected
            .iter()
            .filter(|e| e.parent.as_deref() == Some(parent.code.as_str()))
            .map(|e| option_id_by_code[&e.code].clone())
            .collect();
        assert!(!children.is_empty(), "{} has children", parent.code);
        let var = var_of(parent.level);
        let condition = format!("d2:hasValue(#{{{var}}}) && #{{{var}}} == '{}'", parent.code);
        let matching: Vec<&&Value> = rules
            .iter()
            .filter(|r| r["condition"] == condition.as_str())
            .collect();
        assert_eq!(matching.len(), 1, "one rule for parent {}", parent.code);
        let rule = matching[0];
        assert_eq!(rule["programStage"]["id"], TUMOR_STAGE);
        let rule_actions = rule["programRuleActions"].as_array().unwrap();
        assert_eq!(rule_actions.len(), 1);
        let action = actions[rule_actions[0]["id"].as_str().unwrap()];
        assert_eq!(action["programRuleActionType"], "SHOWOPTIONGROUP");
        assert_eq!(action["programRule"]["id"], rule["id"]);
        assert_eq!(
            action["dataElement"]["id"],
            fields[parent.level + 1].as_str()
        );
        let group = groups
            .iter()
            .find(|g| g["id"] == action["optionGroup"]["id"])
            .expect("the action's group exists");
        assert_eq!(group["optionSet"]["id"], sets[parent.level + 1].as_str());
        let members: Vec<serde_json::Value> = group["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].clone())
            .collect();
        assert_eq!(
            members, children,
            "group of {} holds exactly its children",
            parent.code
        );
        assert!(group["shortName"].as_str().unwrap().chars().count() <= 50);
        for m in members {
            *membership
                .entry(m.as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    assert_eq!(groups.len(), parents.len(), "one group per parent");
    let non_top = expected.iter().filter(|e| e.level > 0).count();
    assert_eq!(membership.len(), non_top);
    assert!(
        membership.values().all(|&c| c == 1),
        "every option in exactly one group"
    );

    // Each child field is hidden until its parent has a value.
    for l in 1..n {
        let condition = format!("!d2:hasValue(#{{{}}})", var_of(l - 1));
        let hide: Vec<&&Value> = rules
            .iter()
            .filter(|r| r["condition"] == condition.as_str())
            .collect();
        assert_eq!(hide.len(), 1, "one hide rule for level {}", levels[l]);
        let action = actions[hide[0]["programRuleActions"][0]["id"].as_str().unwrap()];
        assert_eq!(action["programRuleActionType"], "HIDEFIELD");
        assert_eq!(action["dataElement"]["id"], fields[l].as_str());
    }
    let address_rules = rules
        .iter()
        .filter(|r| r["name"].as_str().unwrap().starts_with("Address: "))
        .count();
    assert_eq!(
        address_rules,
        parents.len() + n - 1,
        "no other address rules"
    );
    // Rule names are unique in the program (E4057).
    let names: BTreeSet<&str> = rules.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), rules.len());
}

#[test]
fn rwanda() {
    let mut expected = long(
        &csv_rows("country-configs/rwanda/rwanda_cr_province_district_optionsets.csv"),
        "code",
        "name",
        "parent_code",
    );
    for (code, name) in [
        ("209", "209-Unknown South District"),
        ("409", "409-Unknown North District"),
        ("509", "509-Unknown East District"),
    ] {
        expected.iter_mut().find(|e| e.code == code).unwrap().name = name.into();
    }
    assert_eq!(expected.iter().filter(|e| e.level == 0).count(), 7);
    assert_eq!(expected.iter().filter(|e| e.level == 1).count(), 37);
    let package = sample("rwanda");
    check_cascade(&package, &expected, &["Province", "District"]);
}

#[test]
fn kenya() {
    let rows = csv_rows("country-configs/kenya/kenya_county_constituency_ward.csv");
    let rows: Vec<BTreeMap<String, String>> = rows
        .into_iter()
        .map(|mut r| {
            if r["constituency_code"] == "0" {
                r.insert("constituency_code".into(), "158".into());
                r.insert("constituency_name".into(), "Baringo North".into());
            }
            if r["ward_code"] == "319" {
                r.insert("ward_name".into(), "Central Ward".into());
            }
            r
        })
        .collect();
    let expected = wide(
        &rows,
        &[
            ("county_code", "county_name", 2),
            ("constituency_code", "constituency_name", 3),
            ("ward_code", "ward_name", 4),
        ],
    );
    let count = |l| expected.iter().filter(|e| e.level == l).count();
    assert_eq!((count(0), count(1), count(2)), (47, 290, 1450));
    let package = sample("kenya");
    check_cascade(&package, &expected, &["County", "Constituency", "Ward"]);
}

#[test]
fn chile() {
    let expected = wide(
        &csv_rows("country-configs/chile/provinces.csv"),
        &[
            ("region_code", "region_name", 0),
            ("province_code", "province_name", 0),
        ],
    );
    assert_eq!(expected.iter().filter(|e| e.level == 0).count(), 17);
    assert_eq!(expected.iter().filter(|e| e.level == 1).count(), 57);
    let package = sample("chile");
    check_cascade(&package, &expected, &["Región", "Provincia"]);
}

#[test]
fn maldives() {
    let expected = long(
        &csv_rows("country-configs/maldives/islands.csv"),
        "code",
        "name",
        "parent",
    );
    assert_eq!(expected.iter().filter(|e| e.level == 0).count(), 22);
    let package = sample("maldives");
    check_cascade(&package, &expected, &["Atoll", "Island"]);
}

#[test]
fn zimbabwe() {
    let text =
        std::fs::read_to_string(root().join("country-configs/zimbabwe/address-dictionary.txt"))
            .unwrap();
    let mut expected = Vec::new();
    let mut in_address = false;
    for line in text.lines() {
        if let Some(header) = line.strip_prefix('#') {
            in_address = header.ends_with("----Address");
            continue;
        }
        if !in_address || line.is_empty() {
            continue;
        }
        let (code, name) = line.split_once('\t').unwrap();
        let parent = (code.len() > 2).then(|| code[..2].to_string());
        expected.push(Expected {
            level: usize::from(parent.is_some()),
            code: code.into(),
            name: name.into(),
            parent,
        });
    }
    assert_eq!(expected.iter().filter(|e| e.level == 0).count(), 11);
    let package = sample("zimbabwe");
    check_cascade(&package, &expected, &["Province", "District"]);
}

#[test]
fn jamaica() {
    let config: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("country-configs/jamaica/country.yaml")).unwrap(),
    )
    .unwrap();
    let mut expected = Vec::new();
    for county in config["address"]["areas"]["tree"].as_sequence().unwrap() {
        let code = county["code"].as_str().unwrap().to_string();
        expected.push(Expected {
            level: 0,
            code: code.clone(),
            name: county["name"].as_str().unwrap().into(),
            parent: None,
        });
        for parish in county["children"].as_sequence().unwrap() {
            expected.push(Expected {
                level: 1,
                code: parish["code"].as_str().unwrap().into(),
                name: parish["name"].as_str().unwrap().into(),
                parent: Some(code.clone()),
            });
        }
    }
    assert_eq!(expected.iter().filter(|e| e.level == 1).count(), 15);
    // Expected order: all level-0 areas first in the config order, then level 1 in order.
    let package = sample("jamaica");
    check_cascade(&package, &expected, &["County", "Parish"]);
}

#[test]
fn every_sample_declares_the_schema_for_editors() {
    for entry in std::fs::read_dir(root().join("country-configs")).unwrap() {
        let path = entry.unwrap().path();
        let config = if path.is_dir() {
            path.join("country.yaml")
        } else {
            path.clone()
        };
        if config.extension().is_none_or(|e| e != "yaml") || !config.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&config).unwrap();
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("# yaml-language-server: $schema=")
                && first.ends_with("schemas/country-config.schema.json"),
            "{}: first line must point editors at the schema",
            config.display()
        );
        let schema_path = config
            .parent()
            .unwrap()
            .join(first.rsplit('=').next().unwrap());
        assert!(schema_path.exists(), "{} resolves", schema_path.display());
    }
}

#[test]
fn canreg5_demo_compound_dictionary_loads_as_two_levels() {
    // The real CanReg5 demo dictionary (Uganda): #9 Address, 2-character districts and
    // 3-character counties starting with their district's code.
    let dir = temp_dir("canreg5-demo");
    let dictionary = root().join("../shared/data/canreg5/trn-dictionary.txt");
    std::fs::write(
        dir.join("country.yaml"),
        format!(
            "country: {{ code: UG, name: Uganda }}\npackage: {{ version: 1.0.1-ug.1 }}\n# Only the address is configured: the source-type placeholders stay, allowed.\nvalidate: {{ allow_placeholders: true }}\naddress:\n  code_length: 3\n  levels: [District, County]\n  areas:\n    canreg5: {{ file: '{}', dictionary: 9, category_length: 2 }}\n",
            dictionary.display()
        ),
    )
    .unwrap();
    let package = build_package(&dir.join("country.yaml"), &dir.join("out"));
    // Independent expectation: the demo's address table (code, name, level, parent_code).
    let rows =
        csv_rows("../shared/data/admin-areas/uganda-canreg5-demo/trn_address_dictionary.csv");
    let expected: Vec<Expected> = rows
        .iter()
        .map(|r| Expected {
            level: r["level"].parse::<usize>().unwrap() - 1,
            code: r["code"].clone(),
            name: r["name"].clone(),
            parent: Some(r["parent_code"].clone()).filter(|p| !p.is_empty()),
        })
        .collect();
    assert_eq!(expected.iter().filter(|e| e.level == 0).count(), 41);
    assert_eq!(expected.iter().filter(|e| e.level == 1).count(), 202);
    check_cascade(&package, &expected, &["District", "County"]);
}
