//! The Uganda sample's custom rules (`rules:` in the config) behave as declared in the real DHIS2
//! rule engine (`@dhis2/rule-engine`): each fires on a record that should trigger it and stays
//! silent on one that should not, and each condition passes the engine's validation.

mod common;

use common::crtk::{objects, root, temp_dir};
use common::rule_engine::{ExprKind, RuleEngine};
use serde_json::{Value, json};
use std::process::Command;

const PROGRAM: &str = "AbPGPdlFWqc";
const TUMOR: &str = "S12EbFtuFoI";
const FOLLOW_UP: &str = "eBsqDQj341X";
const AGE: &str = "tasm9QG8HaF";
const MORPHOLOGY: &str = "UkyyY1xukJg";
const STATUS: &str = "nMpcjKFF5zt";

fn package() -> Value {
    let out = temp_dir("custom-rules-engine");
    let base =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let output = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .arg("build")
        .arg(root().join("country-configs/uganda/country.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--base")
        .arg(&base)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
        })
        .unwrap();
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

fn id_of<'a>(package: &'a Value, kind: &str, key: &str, value: &str) -> &'a str {
    objects(package, kind)
        .into_iter()
        .find(|o| o[key] == value)
        .unwrap_or_else(|| panic!("no {kind} with {key} {value}"))["id"]
        .as_str()
        .unwrap()
}

fn case(stage: &str, values: &[(&str, &str)]) -> Value {
    let data: serde_json::Map<String, Value> = values
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    json!({
        "enrollment": {"attributes": {}, "enrollmentDate": "2024-01-10"},
        "event": {"programStage": stage, "eventDate": "2024-01-15", "dataValues": data},
    })
}

#[test]
fn custom_rules_fire_when_they_should_and_only_then() {
    let package = package();
    let hiv = id_of(&package, "dataElements", "code", "UG_HIV_STATUS").to_string();
    let ecog = id_of(&package, "dataElements", "code", "UG_ECOG").to_string();
    let age_rule = id_of(&package, "programRules", "name", "UG - Age over 100").to_string();
    let kaposi_rule = id_of(
        &package,
        "programRules",
        "name",
        "UG - HIV status unknown for Kaposi sarcoma",
    )
    .to_string();
    let ecog_rule = id_of(
        &package,
        "programRules",
        "name",
        "UG - ECOG only for living patients",
    )
    .to_string();
    let engine = RuleEngine::get();

    // The engine accepts every custom condition (as crtk's checker did at build time).
    let conditions: Vec<(String, ExprKind)> = objects(&package, "programRules")
        .into_iter()
        .filter(|r| r["name"].as_str().unwrap().starts_with("UG - "))
        .map(|r| {
            (
                r["condition"].as_str().unwrap().to_string(),
                ExprKind::Condition,
            )
        })
        .collect();
    assert_eq!(conditions.len(), 3);
    for (verdict, (expr, _)) in engine
        .validate(&package, &conditions)
        .iter()
        .zip(&conditions)
    {
        assert!(verdict.valid, "{expr}: {:?}", verdict.issues);
    }

    // (case, rule, action type, field, fires?)
    let cases: Vec<(Value, &str, &str, &str, bool)> = vec![
        (
            case(TUMOR, &[(AGE, "101")]),
            &age_rule,
            "SHOWWARNING",
            AGE,
            true,
        ),
        (
            case(TUMOR, &[(AGE, "100")]),
            &age_rule,
            "SHOWWARNING",
            AGE,
            false,
        ),
        (case(TUMOR, &[]), &age_rule, "SHOWWARNING", AGE, false),
        (
            case(TUMOR, &[(MORPHOLOGY, "9140")]),
            &kaposi_rule,
            "SHOWERROR",
            &hiv,
            true,
        ),
        (
            case(TUMOR, &[(MORPHOLOGY, "9140"), (&hiv, "9")]),
            &kaposi_rule,
            "SHOWERROR",
            &hiv,
            true,
        ),
        (
            case(TUMOR, &[(MORPHOLOGY, "9140"), (&hiv, "1")]),
            &kaposi_rule,
            "SHOWERROR",
            &hiv,
            false,
        ),
        (
            case(TUMOR, &[(MORPHOLOGY, "8140")]),
            &kaposi_rule,
            "SHOWERROR",
            &hiv,
            false,
        ),
        (
            case(FOLLOW_UP, &[(STATUS, "2")]),
            &ecog_rule,
            "HIDEFIELD",
            &ecog,
            true,
        ),
        (
            case(FOLLOW_UP, &[(STATUS, "1")]),
            &ecog_rule,
            "HIDEFIELD",
            &ecog,
            false,
        ),
    ];
    let inputs: Vec<Value> = cases.iter().map(|c| c.0.clone()).collect();
    let results = engine.evaluate(&package, PROGRAM, &inputs);
    for ((input, rule, action_type, field, fires), effects) in cases.iter().zip(&results) {
        let mine: Vec<_> = effects.iter().filter(|e| e.rule == *rule).collect();
        if *fires {
            assert_eq!(mine.len(), 1, "{input}: {effects:#?}");
            assert_eq!(mine[0].action_type, *action_type);
            assert_eq!(mine[0].field.as_deref(), Some(*field));
        } else {
            assert!(mine.is_empty(), "{input} should not fire: {mine:#?}");
        }
    }
}

/// The other action kinds, on a copy of the sample with four more rules: each gives the declared
/// effect in the engine, and none fires when its condition is false.
#[test]
fn assign_hide_option_set_mandatory_and_display_text_work_in_the_engine() {
    let dir = temp_dir("custom-rules-more");
    for file in ["hiv-status.csv", "UGA.xml"] {
        std::fs::copy(
            root().join("country-configs/uganda").join(file),
            dir.join(file),
        )
        .unwrap();
    }
    let extra = r##"  - name: UG - HIV status unknown on death certificates only
    stage: Tumor
    priority: 20
    when: "d2:hasValue(#{CR_BASIS_DIAGNOSIS}) && #{CR_BASIS_DIAGNOSIS} == 0"
    assign: { on: UG_HIV_STATUS, value: "9" }
  - name: UG - No death certificate only for in situ tumours
    stage: Tumor
    priority: 21
    when: "#{CR_BEHAVIOUR} == 2"
    hide_option: { on: CR_BASIS_DIAGNOSIS, option: ["0"] }
  - name: UG - Basis needed for malignant tumours
    stage: Tumor
    priority: 22
    when: "#{CR_BEHAVIOUR} == 3"
    set_mandatory: CR_BASIS_DIAGNOSIS
  - name: UG - Show the age
    stage: Tumor
    priority: 23
    when: "d2:hasValue(#{CR_AGE})"
    display_text: { message: "Age at diagnosis: ", data: "#{CR_AGE}" }
"##;
    let text = std::fs::read_to_string(root().join("country-configs/uganda/country.yaml"))
        .unwrap()
        .replace("working_lists:\n", &format!("{extra}working_lists:\n"));
    std::fs::write(dir.join("country.yaml"), text).unwrap();
    let out = dir.join("out");
    let base =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let output = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .arg("build")
        .arg(dir.join("country.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--base")
        .arg(&base)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
        })
        .unwrap();
    let package: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let rule = |name: &str| id_of(&package, "programRules", "name", name).to_string();
    let hiv = id_of(&package, "dataElements", "code", "UG_HIV_STATUS").to_string();
    let engine = RuleEngine::get();
    // The field code is read through the package's own variable for it (`CR_BASIS`).
    let assign = rule("UG - HIV status unknown on death certificates only");
    assert_eq!(
        objects(&package, "programRules")
            .into_iter()
            .find(|r| r["id"] == assign.as_str())
            .unwrap()["condition"],
        "d2:hasValue(#{CR_BASIS}) && #{CR_BASIS} == 0"
    );
    let cases = vec![
        case(TUMOR, &[(AGE, "40"), ("uoyoNWrexbY", "0")]),
        case(TUMOR, &[("uoyoNWrexbY", "7")]),
        case(TUMOR, &[]),
        case(TUMOR, &[("MMIuwJdjx8B", "2")]),
        case(TUMOR, &[("MMIuwJdjx8B", "1")]),
        case(TUMOR, &[("MMIuwJdjx8B", "3")]),
        case(TUMOR, &[("MMIuwJdjx8B", "2")]),
    ];
    let results = engine.evaluate(&package, PROGRAM, &cases);
    let of = |i: usize, r: &str| -> Vec<_> {
        results[i].iter().filter(|e| e.rule == r).cloned().collect()
    };
    let a = of(0, &assign);
    assert_eq!(a.len(), 1, "{:#?}", results[0]);
    assert_eq!(a[0].action_type, "ASSIGN", "{:?}", a[0]);
    assert_eq!(a[0].field.as_deref(), Some(hiv.as_str()));
    assert_eq!(a[0].data.as_deref(), Some("9"));
    assert!(of(1, &assign).is_empty());
    assert!(of(2, &assign).is_empty());
    let hide = rule("UG - No death certificate only for in situ tumours");
    let h = of(3, &hide);
    assert_eq!(h.len(), 1, "{:#?}", results[3]);
    assert_eq!(h[0].action_type, "HIDEOPTION");
    assert_eq!(h[0].field.as_deref(), Some("uoyoNWrexbY"));
    let dco = objects(&package, "options")
        .into_iter()
        .find(|o| o["optionSet"]["id"] == "ZU4zQdNWR6H" && o["code"] == "0")
        .unwrap();
    assert_eq!(h[0].option.as_deref(), dco["id"].as_str());
    assert!(of(4, &hide).is_empty());
    let mandatory = rule("UG - Basis needed for malignant tumours");
    let m = of(5, &mandatory);
    assert_eq!(m.len(), 1, "{:#?}", results[5]);
    assert_eq!(m[0].action_type, "SETMANDATORYFIELD");
    assert_eq!(m[0].field.as_deref(), Some("uoyoNWrexbY"));
    assert!(of(6, &mandatory).is_empty());
    let display = rule("UG - Show the age");
    let d = of(0, &display);
    assert_eq!(d.len(), 1, "{:#?}", results[0]);
    assert_eq!(d[0].action_type, "DISPLAYTEXT");
    assert_eq!(d[0].data.as_deref(), Some("40"));
    assert!(of(2, &display).is_empty());
}
