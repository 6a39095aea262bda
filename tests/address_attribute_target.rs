//! `address.target` on a tracked entity attribute (another tracker package's Address attribute):
//! the upper levels become attributes placed before it in the program, the rules read them with
//! `A{...}`, and the real rule engine shows the right group on the enrollment.

mod common;

use common::crtk::{build_package, get, objects, root, temp_dir};
use common::rule_engine::RuleEngine;
use serde_json::{Value, json};

const PROGRAM: &str = "AbPGPdlFWqc";
const TARGET: &str = "AddrTea0001";
const TARGET_SET: &str = "AddrSet0001";

#[test]
fn cascade_on_an_attribute() {
    let dir = temp_dir("tea-target");
    let mut base: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("base-package/NCD_CR/NCD_CR.json")).unwrap(),
    )
    .unwrap();
    base["trackedEntityAttributes"].as_array_mut().unwrap().push(json!({
        "id": TARGET, "name": "Residence", "shortName": "Residence", "valueType": "TEXT",
        "aggregationType": "NONE", "optionSet": {"id": TARGET_SET}, "unique": false, "generated": false
    }));
    base["optionSets"].as_array_mut().unwrap().push(json!({
        "id": TARGET_SET, "name": "Residence", "valueType": "TEXT", "options": [{"id": "AddrOpt0001"}]
    }));
    base["options"].as_array_mut().unwrap().push(json!({
        "id": "AddrOpt0001", "code": "X", "name": "Placeholder", "optionSet": {"id": TARGET_SET}, "sortOrder": 1
    }));
    let program = base["programs"][0]["programTrackedEntityAttributes"]
        .as_array_mut()
        .unwrap();
    program.push(json!({
        "id": "AddrPtea001", "trackedEntityAttribute": {"id": TARGET}, "sortOrder": 6,
        "mandatory": false, "searchable": false, "displayInList": false, "valueType": "TEXT"
    }));
    std::fs::write(dir.join("base.json"), base.to_string()).unwrap();
    std::fs::write(
        dir.join("country.yaml"),
        format!(
            "country: {{ code: XX, name: Testland }}\npackage: {{ version: 1.0.1-xx.1, base: base.json }}\n# The base Address field keeps its placeholders: this build targets an attribute.\nvalidate: {{ allow_placeholders: true }}\naddress:\n  target: {TARGET}\n  levels: [Region, Town]\n  areas:\n    tree:\n      - {{ code: N, name: \"North's\", children: [{{ code: N1, name: A }}, {{ code: N2, name: B }}] }}\n      - {{ code: S, name: South, children: [{{ code: S1, name: C }}] }}\n"
        ),
    )
    .unwrap();
    let package = build_package(&dir.join("country.yaml"), &dir.join("out"));
    let program = get(&package, "programs", PROGRAM);
    let ptea: Vec<&str> = program["programTrackedEntityAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["trackedEntityAttribute"]["id"].as_str().unwrap())
        .collect();
    let at = ptea.iter().position(|&t| t == TARGET).unwrap();
    let region = ptea[at - 1];
    assert_eq!(
        get(&package, "trackedEntityAttributes", region)["formName"],
        "Region"
    );
    assert!(
        objects(&package, "options")
            .iter()
            .all(|o| o["id"] != "AddrOpt0001")
    );
    let variable = objects(&package, "programRuleVariables")
        .into_iter()
        .find(|v| v["trackedEntityAttribute"]["id"] == region)
        .unwrap();
    assert_eq!(variable["programRuleVariableSourceType"], "TEI_ATTRIBUTE");
    assert!(
        objects(&package, "programRules")
            .iter()
            .any(|r| r["condition"] == "d2:hasValue(A{address_region}) && A{address_region} == 'N'")
    );
    let case = |region_code: Option<&str>| {
        let attributes = match region_code {
            Some(c) => json!({region: c}),
            None => json!({}),
        };
        json!({
            "enrollment": {"attributes": attributes, "enrollmentDate": "2024-01-10"},
            "event": {"programStage": "S12EbFtuFoI", "eventDate": "2024-01-15", "dataValues": {}},
        })
    };
    let results =
        RuleEngine::get().evaluate_cases(&package, PROGRAM, &[case(Some("N")), case(None)]);
    let groups: Vec<&str> = results[0]
        .enrollment_effects
        .iter()
        .filter(|e| e.action_type == "SHOWOPTIONGROUP")
        .map(|e| {
            assert_eq!(e.field.as_deref(), Some(TARGET));
            e.option_group.as_deref().unwrap()
        })
        .collect();
    assert_eq!(groups.len(), 1, "{:?}", results[0]);
    let group = get(&package, "optionGroups", groups[0]);
    let codes: Vec<&str> = group["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            get(&package, "options", r["id"].as_str().unwrap())["code"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(codes, ["N1", "N2"]);
    let hidden: Vec<&str> = results[1]
        .enrollment_effects
        .iter()
        .filter(|e| e.action_type == "HIDEFIELD")
        .map(|e| e.field.as_deref().unwrap())
        .collect();
    assert_eq!(hidden, [TARGET]);
}
