//! The compiled cascades behave in the real DHIS2 rule engine (`@dhis2/rule-engine`): for every
//! parent area of the Rwanda and Kenya samples, evaluating the package's rules with that parent
//! (and its ancestors) selected shows exactly the group of its children on the child field, and
//! hides no field whose parent has a value. With nothing selected, every child field is hidden.

mod common;

use common::crtk::{build_package, get, objects, root, temp_dir};
use common::rule_engine::{ExprKind, RuleEngine};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const PROGRAM: &str = "AbPGPdlFWqc";
const TUMOR_STAGE: &str = "S12EbFtuFoI";
const ADDRESS: &str = "xcUBzN5QFXu";
/// Official rule `CR - Show 'Rare status' section only if user has 'CR - Confirmation Rare' role`.
const USER_ROLE_RULE: &str = "NLNKHM5azyT";

struct Cascade {
    /// Field per level, top first (the last is Address).
    fields: Vec<String>,
    /// Per level: code -> option id.
    options: Vec<BTreeMap<String, String>>,
    /// Option id -> code, for every level.
    code_of: BTreeMap<String, String>,
}

fn cascade(package: &Value, levels: usize) -> Cascade {
    let stage = get(package, "programStages", TUMOR_STAGE);
    let mut psdes: Vec<&Value> = stage["programStageDataElements"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    psdes.sort_by_key(|p| p["sortOrder"].as_i64().unwrap());
    let at = psdes
        .iter()
        .position(|p| p["dataElement"]["id"] == ADDRESS)
        .unwrap();
    let fields: Vec<String> = psdes[at + 1 - levels..=at]
        .iter()
        .map(|p| p["dataElement"]["id"].as_str().unwrap().to_string())
        .collect();
    let mut options = Vec::new();
    let mut code_of = BTreeMap::new();
    for f in &fields {
        let set = get(package, "dataElements", f)["optionSet"]["id"]
            .as_str()
            .unwrap();
        let mut level = BTreeMap::new();
        for o in objects(package, "options")
            .into_iter()
            .filter(|o| o["optionSet"]["id"] == set)
        {
            let (id, code) = (o["id"].as_str().unwrap(), o["code"].as_str().unwrap());
            level.insert(code.to_string(), id.to_string());
            code_of.insert(id.to_string(), code.to_string());
        }
        options.push(level);
    }
    Cascade {
        fields,
        options,
        code_of,
    }
}

fn event(values: &[(&str, &str)]) -> Value {
    let data: serde_json::Map<String, Value> = values
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    json!({
        "enrollment": {"attributes": {}, "enrollmentDate": "2024-01-10"},
        "event": {"programStage": TUMOR_STAGE, "eventDate": "2024-01-15", "dataValues": data},
    })
}

/// `expected[parent code] = (level of parent, ancestors' codes top-down, children codes)`.
fn check(package: &Value, cascade: &Cascade, parents: &[(usize, Vec<String>, Vec<String>)]) {
    let engine = RuleEngine::get();
    // Every rule condition is valid for DHIS2 (the validation endpoint's item store).
    let conditions: Vec<(String, ExprKind)> = objects(package, "programRules")
        .iter()
        .map(|r| {
            (
                r["condition"].as_str().unwrap().to_string(),
                ExprKind::Condition,
            )
        })
        .collect();
    for (verdict, (expr, _)) in engine
        .validate(package, &conditions)
        .iter()
        .zip(&conditions)
    {
        assert!(verdict.valid, "{expr}: {:?}", verdict.issues);
    }
    // Only the cascade's groups: the base has its own (Site -> Topography).
    let groups: BTreeMap<&str, Vec<String>> = objects(package, "optionGroups")
        .into_iter()
        .filter(|g| {
            g["options"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| cascade.code_of.contains_key(r["id"].as_str().unwrap()))
        })
        .map(|g| {
            (
                g["id"].as_str().unwrap(),
                g["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| cascade.code_of[r["id"].as_str().unwrap()].clone())
                    .collect(),
            )
        })
        .collect();
    let mut cases = vec![event(&[])];
    for (level, path, _) in parents {
        let values: Vec<(&str, &str)> = path
            .iter()
            .enumerate()
            .map(|(l, code)| (cascade.fields[l].as_str(), code.as_str()))
            .collect();
        assert_eq!(values.len(), level + 1);
        cases.push(event(&values));
    }
    let results = engine.evaluate(package, PROGRAM, &cases);
    let n = cascade.fields.len();
    // Only effects on the cascade's fields count: the base's own rules may act on others.
    let on_cascade = |e: &&common::rule_engine::Effect| {
        e.field
            .as_deref()
            .is_some_and(|f| cascade.fields.iter().any(|c| c == f))
    };
    let results: Vec<Vec<common::rule_engine::Effect>> = results
        .into_iter()
        .map(|effects| {
            // The official rule NLNKHM5azyT asks d2:hasUserRole, which errors without user
            // data in the harness; it is no part of the cascade.
            let errors: Vec<_> = effects
                .iter()
                .filter(|e| e.action_type == "ERROR" && e.rule != USER_ROLE_RULE)
                .cloned()
                .collect();
            effects
                .iter()
                .filter(on_cascade)
                .cloned()
                .chain(errors)
                .collect()
        })
        .collect();
    // Nothing selected: every child field hidden, no group shown.
    let empty = &results[0];
    assert!(
        empty.iter().all(|e| e.action_type != "SHOWOPTIONGROUP"),
        "{empty:?}"
    );
    let mut hidden: Vec<&str> = empty
        .iter()
        .filter(|e| e.action_type == "HIDEFIELD")
        .map(|e| e.field.as_deref().unwrap())
        .collect();
    hidden.sort();
    let mut want: Vec<&str> = cascade.fields[1..].iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(hidden, want);
    for ((level, path, children), effects) in parents.iter().zip(&results[1..]) {
        assert!(
            effects.iter().all(|e| e.action_type != "ERROR"),
            "rule errors for {path:?}: {effects:?}"
        );
        let child_field = &cascade.fields[level + 1];
        let shown: Vec<&str> = effects
            .iter()
            .filter(|e| {
                e.action_type == "SHOWOPTIONGROUP" && e.field.as_deref() == Some(child_field)
            })
            .map(|e| e.option_group.as_deref().unwrap())
            .collect();
        assert_eq!(
            shown.len(),
            1,
            "exactly one group on the child field of {path:?}: {effects:?}"
        );
        assert_eq!(
            &groups[shown[0]], children,
            "the group shown for {path:?} holds its children"
        );
        // The ancestors' own groups are shown on their child fields, nothing else.
        let all_shown = effects
            .iter()
            .filter(|e| e.action_type == "SHOWOPTIONGROUP")
            .count();
        assert_eq!(all_shown, level + 1, "{path:?}");
        // Fields whose parent has a value are not hidden; deeper ones are.
        let hidden: Vec<&str> = effects
            .iter()
            .filter(|e| e.action_type == "HIDEFIELD")
            .map(|e| e.field.as_deref().unwrap())
            .collect();
        let want: Vec<&str> = cascade.fields[level + 2..n]
            .iter()
            .map(String::as_str)
            .collect();
        let mut hidden_sorted = hidden.clone();
        hidden_sorted.sort();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(hidden_sorted, want_sorted, "{path:?}");
        for code in &path[..=*level] {
            assert!(cascade.options.iter().any(|o| o.contains_key(code)));
        }
    }
}

fn csv_rows(path: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(root().join(path)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn rwanda_cascade_in_the_real_rule_engine() {
    let package = build_package(
        &root().join("country-configs/rwanda/country.yaml"),
        &temp_dir("re-rw"),
    );
    let cascade = cascade(&package, 2);
    let rows = csv_rows("country-configs/rwanda/rwanda_cr_province_district_optionsets.csv");
    let mut parents = Vec::new();
    for province in rows.iter().filter(|r| r["parent_code"].is_empty()) {
        let children: Vec<String> = rows
            .iter()
            .filter(|r| r["parent_code"] == province["code"])
            .map(|r| r["code"].clone())
            .collect();
        parents.push((0, vec![province["code"].clone()], children));
    }
    assert_eq!(parents.len(), 7);
    check(&package, &cascade, &parents);
}

#[test]
fn kenya_cascade_in_the_real_rule_engine() {
    let package = build_package(
        &root().join("country-configs/kenya/country.yaml"),
        &temp_dir("re-ke"),
    );
    let cascade = cascade(&package, 3);
    let rows = csv_rows("country-configs/kenya/kenya_county_constituency_ward.csv");
    // Expected children, with the sample's documented fix (constituency 0 -> 158).
    let fix = |c: &str| {
        if c == "0" {
            "158".to_string()
        } else {
            c.to_string()
        }
    };
    let mut counties: Vec<(String, Vec<String>)> = Vec::new();
    let mut constituencies: Vec<(String, String, Vec<String>)> = Vec::new();
    for r in &rows {
        let county = format!("{:0>2}", r["county_code"]);
        let constituency = format!("{:0>3}", fix(&r["constituency_code"]));
        let ward = format!("{:0>4}", r["ward_code"]);
        match counties.iter_mut().find(|(c, _)| *c == county) {
            Some((_, kids)) => {
                if !kids.contains(&constituency) {
                    kids.push(constituency.clone())
                }
            }
            None => counties.push((county.clone(), vec![constituency.clone()])),
        }
        match constituencies
            .iter_mut()
            .find(|(c, _, _)| *c == constituency)
        {
            Some((_, _, kids)) => kids.push(ward),
            None => constituencies.push((constituency, county, vec![ward])),
        }
    }
    assert_eq!((counties.len(), constituencies.len()), (47, 290));
    let mut parents: Vec<(usize, Vec<String>, Vec<String>)> = counties
        .into_iter()
        .map(|(c, kids)| (0, vec![c], kids))
        .collect();
    parents.extend(
        constituencies
            .into_iter()
            .map(|(c, county, kids)| (1, vec![county, c], kids)),
    );
    check(&package, &cascade, &parents);
}
