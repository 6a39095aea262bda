//! Source types, patient ID, identifiers and access, end to end through the binary.

mod common;

use common::crtk::{build, build_package, get, objects, root, temp_dir};
use common::rule_engine::{ExprKind, RuleEngine};
use serde_json::{Value, json};

// Partial configs: the placeholders these tests do not replace are allowed.
const HEAD: &str = "country: { code: XX, name: Testland }\npackage: { version: 1.0.1-xx.1 }\nvalidate: { allow_placeholders: true }\n";

fn write_config(name: &str, body: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("country.yaml"), format!("{HEAD}{body}")).unwrap();
    dir
}

#[test]
fn source_types_replace_the_placeholders() {
    let package = build_package(
        &root().join("country-configs/rwanda/country.yaml"),
        &temp_dir("src-types"),
    );
    let set = get(&package, "optionSets", "oLd4FAXHFvB");
    assert_eq!(set["name"], "CR - Source type");
    let codes: Vec<&str> = set["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            get(&package, "options", r["id"].as_str().unwrap())["code"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        codes,
        ["11", "12", "13", "14", "15", "20", "31", "32", "40", "99"]
    );
    assert!(
        objects(&package, "options")
            .iter()
            .all(|o| !o["code"].as_str().unwrap().starts_with("PLACEHOLDER")),
        "placeholders are gone"
    );
    let kfh = objects(&package, "options")
        .into_iter()
        .find(|o| o["code"] == "13" && o["optionSet"]["id"] == "oLd4FAXHFvB")
        .unwrap();
    assert_eq!(kfh["name"], "King Faisal Hospital");
    assert_eq!(kfh["sortOrder"], 3);
}

#[test]
fn patient_id_pattern_that_breaks_canreg5_warns_with_the_consequence() {
    let dir = write_config(
        "pid-warn",
        "patient_id: { pattern: 'CURRENT_DATE(yyyy) + SEQUENTIAL(#####)' }\n",
    );
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("warning: "), "{stderr}");
    assert!(
        stderr.contains("9-character Patient IDs but CanReg5's RegNo holds 8"),
        "{stderr}"
    );
    assert!(stderr.contains("TUMOURID"), "{stderr}");
    let package = build_package(&dir.join("country.yaml"), &temp_dir("pid-warn-2"));
    assert_eq!(
        get(&package, "trackedEntityAttributes", "hDEhIMZe07x")["pattern"],
        "CURRENT_DATE(yyyy) + SEQUENTIAL(#####)"
    );
    // A fitting pattern (or a matching RegNo length) gives no warning.
    let dir = write_config(
        "pid-fit",
        "patient_id: { pattern: 'CURRENT_DATE(yyyy) + SEQUENTIAL(#####)', canreg5_regno_length: 9 }\n",
    );
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    assert!(output.status.success());
    assert!(!String::from_utf8_lossy(&output.stderr).contains("RegNo"));
}

#[test]
fn patient_id_pattern_dhis2_rejects_is_an_error() {
    let dir = write_config("pid-bad", "patient_id: { pattern: 'CURRENT_DATE(yyyy)' }\n");
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("country.yaml: `patient_id.pattern`"),
        "{stderr}"
    );
    assert!(stderr.contains("E4021"), "{stderr}");
    assert!(!dir.join("out").exists());
}

#[test]
fn identifiers_are_added_and_their_pattern_is_enforced_by_the_rule_engine() {
    let package = build_package(
        &root().join("country-configs/rwanda/country.yaml"),
        &temp_dir("ident"),
    );
    let attribute = objects(&package, "trackedEntityAttributes")
        .into_iter()
        .find(|a| a["code"] == "RW_NID")
        .unwrap();
    let id = attribute["id"].as_str().unwrap();
    assert_eq!(attribute["unique"], true);
    let person = get(&package, "trackedEntityTypes", "MCPQUTHX1Ze");
    assert!(
        person["trackedEntityTypeAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["trackedEntityAttribute"]["id"] == id && a["searchable"] == true)
    );
    let program = get(&package, "programs", "AbPGPdlFWqc");
    assert!(
        program["programTrackedEntityAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["trackedEntityAttribute"]["id"] == id)
    );
    let rule = objects(&package, "programRules")
        .into_iter()
        .find(|r| r["condition"].as_str().unwrap().contains("validatePattern"))
        .unwrap();
    let engine = RuleEngine::get();
    let verdicts = engine.validate(
        &package,
        &[(
            rule["condition"].as_str().unwrap().to_string(),
            ExprKind::Condition,
        )],
    );
    assert!(verdicts[0].valid, "{:?}", verdicts[0]);
    let case = |value: &str| {
        json!({
            "enrollment": {"attributes": {id: value}, "enrollmentDate": "2024-01-10"},
            "event": {"programStage": "S12EbFtuFoI", "eventDate": "2024-01-15", "dataValues": {}},
        })
    };
    let results = engine.evaluate_cases(
        &package,
        "AbPGPdlFWqc",
        &[
            case("1198780012345678"),
            case("12345"),
            case("3198780012345678"),
        ],
    );
    let errors = |i: usize| -> Vec<String> {
        results[i]
            .enrollment_effects
            .iter()
            .chain(&results[i].effects)
            .filter(|e| e.action_type == "SHOWERROR")
            .map(|e| e.content.clone().unwrap_or_default())
            .collect()
    };
    assert!(errors(0).is_empty(), "a valid ID passes: {:?}", results[0]);
    assert_eq!(
        errors(1),
        ["The Rwandan national ID has 16 digits and starts with 1 or 2"]
    );
    assert_eq!(errors(2).len(), 1, "a wrong first digit fails");
}

/// The shipped base's user groups, by name.
fn base_user_group(name: &str) -> String {
    let base: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("base-package/NCD_CR/NCD_CR.json")).unwrap(),
    )
    .unwrap();
    objects(&base, "userGroups")
        .into_iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("the base has no user group {name}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn access_maps_user_groups_remaps_uids_and_assigns_org_units() {
    let dir = temp_dir("access");
    let old_groups = ["CR - Access", "CR - Admin", "CR - Data Capture"].map(base_user_group);
    std::fs::write(
        dir.join("country.yaml"),
        "country: { code: XX, name: Testland }\npackage: { version: 1.0.1-xx.1 }\nvalidate: { allow_placeholders: true }\naccess:\n  user_groups:\n    CR - Admin: Kk12345abcd\n    CR - Data Capture: Dd12345abcd\n    CR - Access: Aa12345abcd\n  uid_remap:\n    bjDvmb4bfuf: Cc12345abcd\n  org_units: [ImspTQPwCqd]\n",
    )
    .unwrap();
    let package = build_package(&dir.join("country.yaml"), &dir.join("out"));
    let text = package.to_string();
    for old in old_groups.iter().map(String::as_str).chain(["bjDvmb4bfuf"]) {
        assert!(!text.contains(old), "{old} is remapped everywhere");
    }
    assert!(
        objects(&package, "userGroups").is_empty(),
        "mapped groups are not imported"
    );
    let program = get(&package, "programs", "AbPGPdlFWqc");
    assert_eq!(program["categoryCombo"]["id"], "Cc12345abcd");
    assert_eq!(
        program["sharing"]["userGroups"]["Kk12345abcd"],
        json!({"id": "Kk12345abcd", "access": "rw------"})
    );
    assert_eq!(
        program["sharing"]["userGroups"]["Dd12345abcd"]["access"],
        "r-rw----"
    );
    assert_eq!(program["organisationUnits"], json!([{"id": "ImspTQPwCqd"}]));
    let de = get(&package, "dataElements", "xcUBzN5QFXu");
    assert_eq!(de["categoryCombo"]["id"], "Cc12345abcd");
}

#[test]
fn access_names_a_missing_user_group() {
    // A base (e.g. an older official release) without the CR - Admin group.
    let dir = temp_dir("access-missing");
    let mut base: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("base-package/NCD_CR/NCD_CR.json")).unwrap(),
    )
    .unwrap();
    base["userGroups"]
        .as_array_mut()
        .unwrap()
        .retain(|g| g["name"] != "CR - Admin");
    std::fs::write(dir.join("base.json"), base.to_string()).unwrap();
    std::fs::write(
        dir.join("country.yaml"),
        "country: { code: XX, name: Testland }\npackage: { version: 1.0.1-xx.1, base: base.json }\naccess:\n  user_groups:\n    CR - Admin: Kk12345abcd\n",
    )
    .unwrap();
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`access.user_groups.CR - Admin`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no user group named `CR - Admin`"),
        "{stderr}"
    );
    // A group name the schema does not know is refused with the key and line.
    let dir = write_config(
        "access-unknown",
        "access:\n  user_groups:\n    CR - Admins: Kk12345abcd\n",
    );
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("country.yaml:5:1: `access.user_groups`"),
        "{stderr}"
    );
}

#[test]
fn identifier_pattern_with_backslashes_and_quotes_survives_the_expression_language() {
    let dir = write_config(
        "ident-escape",
        "identifiers:\n  - name: Card\n    code: CARD\n    pattern: \"^A\\\\d{6}(?:'B)?$\"\n",
    );
    let package = build_package(&dir.join("country.yaml"), &dir.join("out"));
    let id = objects(&package, "trackedEntityAttributes")
        .into_iter()
        .find(|a| a["code"] == "CARD")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rule = objects(&package, "programRules")
        .into_iter()
        .find(|r| r["name"] == "Card: check the format")
        .unwrap();
    let engine = RuleEngine::get();
    let condition = rule["condition"].as_str().unwrap().to_string();
    let verdict = &engine.validate(&package, &[(condition.clone(), ExprKind::Condition)])[0];
    assert!(verdict.valid, "{condition}: {verdict:?}");
    let case = |value: &str| {
        json!({
            "enrollment": {"attributes": {id.clone(): value}, "enrollmentDate": "2024-01-10"},
            "event": {"programStage": "S12EbFtuFoI", "eventDate": "2024-01-15", "dataValues": {}},
        })
    };
    let values = ["A123456", "A123456'B", "A12345", "B123456", "A12345x"];
    let results = engine.evaluate_cases(
        &package,
        "AbPGPdlFWqc",
        &values.iter().map(|v| case(v)).collect::<Vec<_>>(),
    );
    let fails: Vec<bool> = results
        .iter()
        .map(|r| {
            r.enrollment_effects
                .iter()
                .any(|e| e.action_type == "SHOWERROR")
        })
        .collect();
    assert_eq!(fails, [false, false, true, true, true], "{condition}");
}
