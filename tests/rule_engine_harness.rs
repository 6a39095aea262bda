//! Tests of the rule-engine harness itself: the real DHIS2 rule engine must accept
//! and reject expressions, and fire rules, the way DHIS2 does.

mod common;

use common::rule_engine::{Effect, ExprKind, RuleEngine};
use serde_json::{Value, json};

const PROGRAM: &str = "prgCancer01";
const STAGE: &str = "stgTumor001";

// Data elements
const AGE: &str = "deAge000001";
const AGE_X2: &str = "deAgeX20001";
const TOPOGRAPHY: &str = "deTopo00001";
const DISTRICT: &str = "deDistr0001";
const NOTE: &str = "deNote00001";
const DOB: &str = "deDob000001";
// Attributes
const REGION: &str = "teaRegion01";
const SEX: &str = "teaSex00001";
// Constant
const LIMIT: &str = "cnstLimit01";

/// A tiny tracker program: one stage, rule variables of several kinds, and one
/// rule per action type under test.
fn package() -> Value {
    let prv = |id: &str, name: &str, source: &str, field: Value, use_code: bool| {
        let mut v = json!({
            "id": id, "name": name, "program": {"id": PROGRAM},
            "programRuleVariableSourceType": source, "useCodeForOptionSet": use_code,
        });
        let obj = v.as_object_mut().unwrap();
        for (k, val) in field.as_object().unwrap() {
            obj.insert(k.clone(), val.clone());
        }
        v
    };
    let de = |id: &str| json!({"dataElement": {"id": id}});
    let tea = |id: &str| json!({"trackedEntityAttribute": {"id": id}});
    let rule = |id: &str, condition: &str, action: &str| {
        json!({"id": id, "name": id, "program": {"id": PROGRAM}, "condition": condition,
               "programRuleActions": [{"id": action}]})
    };
    json!({
        "programs": [{"id": PROGRAM, "name": "Cancer registry"}],
        "programStages": [{"id": STAGE, "name": "Tumor", "program": {"id": PROGRAM}}],
        "dataElements": [
            {"id": AGE, "name": "Age", "formName": "Age at incidence", "valueType": "INTEGER_ZERO_OR_POSITIVE"},
            {"id": AGE_X2, "name": "Age doubled", "valueType": "INTEGER"},
            {"id": TOPOGRAPHY, "name": "Topography", "valueType": "NUMBER", "optionSet": {"id": "osTopo00001"}},
            {"id": DISTRICT, "name": "District", "valueType": "TEXT", "optionSet": {"id": "osDistr0001"}},
            {"id": NOTE, "name": "Note", "valueType": "TEXT"},
            {"id": DOB, "name": "Date of birth", "valueType": "DATE"}
        ],
        "trackedEntityAttributes": [
            {"id": REGION, "name": "Region", "valueType": "TEXT", "optionSet": {"id": "osRegion001"}},
            {"id": SEX, "name": "Sex", "valueType": "TEXT", "optionSet": {"id": "osSex000001"}}
        ],
        "constants": [{"id": LIMIT, "name": "Age limit", "value": 5}],
        "optionSets": [
            {"id": "osTopo00001", "valueType": "NUMBER", "options": [{"id": "opTopo00509"}]},
            {"id": "osRegion001", "valueType": "TEXT", "options": [{"id": "opRegion001"}, {"id": "opRegion002"}]},
            {"id": "osDistr0001", "valueType": "TEXT", "options": [{"id": "opDistr0011"}, {"id": "opDistr0021"}]},
            {"id": "osSex000001", "valueType": "TEXT", "options": [{"id": "opSex000001"}, {"id": "opSex000002"}]}
        ],
        "options": [
            {"id": "opTopo00509", "code": "509", "name": "C50.9 Breast, NOS", "optionSet": {"id": "osTopo00001"}},
            {"id": "opRegion001", "code": "01", "name": "North", "optionSet": {"id": "osRegion001"}},
            {"id": "opRegion002", "code": "02", "name": "South", "optionSet": {"id": "osRegion001"}},
            {"id": "opDistr0011", "code": "011", "name": "North One", "optionSet": {"id": "osDistr0001"}},
            {"id": "opDistr0021", "code": "021", "name": "South One", "optionSet": {"id": "osDistr0001"}},
            {"id": "opSex000001", "code": "1", "name": "Male", "optionSet": {"id": "osSex000001"}},
            {"id": "opSex000002", "code": "2", "name": "Female", "optionSet": {"id": "osSex000001"}}
        ],
        "optionGroups": [
            {"id": "ogNorth0001", "optionSet": {"id": "osDistr0001"}, "options": [{"id": "opDistr0011"}]}
        ],
        "programRuleVariables": [
            prv("prvAge00001", "age", "DATAELEMENT_CURRENT_EVENT", de(AGE), true),
            prv("prvTopo0001", "topography", "DATAELEMENT_CURRENT_EVENT", de(TOPOGRAPHY), true),
            prv("prvNote0001", "note", "DATAELEMENT_CURRENT_EVENT", de(NOTE), true),
            prv("prvDob00001", "dob", "DATAELEMENT_CURRENT_EVENT", de(DOB), true),
            prv("prvRegion01", "region", "TEI_ATTRIBUTE", tea(REGION), true),
            prv("prvSexCode1", "sexCode", "TEI_ATTRIBUTE", tea(SEX), true),
            prv("prvSexName1", "sexName", "TEI_ATTRIBUTE", tea(SEX), false)
        ],
        "programRules": [
            rule("prAssign001", "d2:hasValue(#{age})", "praAssign01"),
            rule("prError0001", "#{topography} >= 500 && #{topography} <= 509 && A{sexCode} == '1'", "praError001"),
            rule("prGroup0001", "d2:hasValue(A{region}) && A{region} == '01'", "praGroup001"),
            rule("prByName001", "#{sexName} == 'Female'", "praByName01"),
            rule("prByCode001", "#{sexName} == '2'", "praByCode01")
        ],
        "programRuleActions": [
            {"id": "praAssign01", "programRule": {"id": "prAssign001"}, "programRuleActionType": "ASSIGN",
             "dataElement": {"id": AGE_X2}, "data": "#{age} * 2"},
            {"id": "praError001", "programRule": {"id": "prError0001"}, "programRuleActionType": "SHOWERROR",
             "dataElement": {"id": TOPOGRAPHY}, "content": "Breast cancer in a male: check sex and topography"},
            {"id": "praGroup001", "programRule": {"id": "prGroup0001"}, "programRuleActionType": "SHOWOPTIONGROUP",
             "dataElement": {"id": DISTRICT}, "optionGroup": {"id": "ogNorth0001"}},
            {"id": "praByName01", "programRule": {"id": "prByName001"}, "programRuleActionType": "SHOWWARNING",
             "dataElement": {"id": NOTE}, "content": "matched by option name"},
            {"id": "praByCode01", "programRule": {"id": "prByCode001"}, "programRuleActionType": "SHOWWARNING",
             "dataElement": {"id": NOTE}, "content": "matched by option code"}
        ]
    })
}

/// One enrollment + Tumor event.
fn case(attributes: Value, data_values: Value) -> Value {
    json!({
        "enrollment": {"attributes": attributes, "enrollmentDate": "2024-01-10", "incidentDate": "2024-01-05"},
        "event": {"programStage": STAGE, "eventDate": "2024-02-01", "dataValues": data_values}
    })
}

fn validate_one(expression: &str, kind: ExprKind) -> common::rule_engine::Verdict {
    let mut v = RuleEngine::get().validate(&package(), &[(expression.to_string(), kind)]);
    v.pop().unwrap()
}

fn of_rule<'a>(effects: &'a [Effect], rule: &str) -> Vec<&'a Effect> {
    effects.iter().filter(|e| e.rule == rule).collect()
}

// ---------------------------------------------------------------------------
// validate
// ---------------------------------------------------------------------------

#[test]
fn validate_accepts_a_well_typed_condition() {
    let v = validate_one("d2:hasValue(#{age}) && #{age} > 5", ExprKind::Condition);
    assert!(v.valid, "{v:?}");
    assert!(v.issues.is_empty());
    // The description uses the data element's form name, as DHIS2 does.
    assert_eq!(
        v.message,
        "d2:hasValue(Age at incidence) && Age at incidence > 5"
    );
}

#[test]
fn validate_knows_constants_attributes_and_environment_variables() {
    for ok in [
        "#{age} > C{cnstLimit01}",
        "A{region} == '01' && A{sexCode} == '1'",
        "d2:yearsBetween(#{dob}, V{current_date}) >= 18",
        "V{event_count} > 1",
    ] {
        let v = validate_one(ok, ExprKind::Condition);
        assert!(v.valid, "{ok}: {v:?}");
    }
    let v = validate_one("#{age} > C{cnstUnknown}", ExprKind::Condition);
    assert!(!v.valid, "{v:?}");
}

#[test]
fn validate_rejects_an_unknown_variable() {
    let v = validate_one("d2:hasValue(#{agee}) && #{agee} > 5", ExprKind::Condition);
    assert!(!v.valid, "{v:?}");
    assert!(
        v.issues
            .iter()
            .any(|i| i.contains("Unknown variable") && i.contains("agee")),
        "{v:?}"
    );
}

#[test]
fn validate_rejects_a_syntax_error() {
    for bad in ["#{age} >", "(#{age} > 5", "#{age} > 5)", ""] {
        let v = validate_one(bad, ExprKind::Condition);
        assert!(!v.valid, "{bad:?} accepted: {v:?}");
    }
}

#[test]
fn validate_rejects_an_unknown_function() {
    let v = validate_one("d2:hasValues(#{age})", ExprKind::Condition);
    assert!(!v.valid, "{v:?}");
    assert!(v.message.contains("d2:hasValues"), "{v:?}");
}

#[test]
fn validate_counts_warnings_as_failures() {
    // TEXT compared with `>` to a number is only a warning in the parser, yet
    // DHIS2 rejects the condition.
    let v = validate_one("#{note} > 5", ExprKind::Condition);
    assert!(!v.valid, "{v:?}");
    assert!(v.message.contains("1 warning(s)"), "{v:?}");
    assert!(v.issues.iter().all(|i| i.starts_with("warning:")), "{v:?}");
}

#[test]
fn validate_requires_boolean_conditions_but_not_boolean_data() {
    let cond = validate_one("#{age} * 2", ExprKind::Condition);
    assert!(!cond.valid, "{cond:?}");
    let data = validate_one("#{age} * 2", ExprKind::Data);
    assert!(data.valid, "{data:?}");
}

#[test]
fn validate_keeps_results_in_request_order() {
    let exprs: Vec<(String, ExprKind)> = (0..300)
        .map(|i| {
            let e = if i % 3 == 0 {
                format!("#{{nope{i}}} > 1")
            } else {
                format!("#{{age}} > {i}")
            };
            (e, ExprKind::Condition)
        })
        .collect();
    let verdicts = RuleEngine::get().validate(&package(), &exprs);
    for (i, v) in verdicts.iter().enumerate() {
        assert_eq!(v.valid, i % 3 != 0, "expression {i}: {v:?}");
    }
}

// ---------------------------------------------------------------------------
// evaluate
// ---------------------------------------------------------------------------

#[test]
fn evaluate_assigns_the_computed_value() {
    let cases = [
        case(json!({}), json!({AGE: "21"})),
        case(json!({}), json!({})),
    ];
    let effects = RuleEngine::get().evaluate(&package(), PROGRAM, &cases);
    let assign = of_rule(&effects[0], "prAssign001");
    assert_eq!(assign.len(), 1, "{effects:?}");
    assert_eq!(assign[0].action_type, "ASSIGN");
    assert_eq!(assign[0].action.as_deref(), Some("praAssign01"));
    assert_eq!(assign[0].field.as_deref(), Some(AGE_X2));
    assert_eq!(assign[0].data.as_deref(), Some("42"));
    assert!(
        of_rule(&effects[1], "prAssign001").is_empty(),
        "{effects:?}"
    );
}

#[test]
fn evaluate_shows_an_error_only_when_the_condition_holds() {
    let cases = [
        case(json!({SEX: "1"}), json!({TOPOGRAPHY: "509"})),
        case(json!({SEX: "2"}), json!({TOPOGRAPHY: "509"})),
        case(json!({SEX: "1"}), json!({TOPOGRAPHY: "619"})),
    ];
    let effects = RuleEngine::get().evaluate(&package(), PROGRAM, &cases);
    let err = of_rule(&effects[0], "prError0001");
    assert_eq!(err.len(), 1, "{effects:?}");
    assert_eq!(err[0].action_type, "SHOWERROR");
    assert_eq!(err[0].field.as_deref(), Some(TOPOGRAPHY));
    assert_eq!(
        err[0].content.as_deref(),
        Some("Breast cancer in a male: check sex and topography")
    );
    assert!(
        of_rule(&effects[1], "prError0001").is_empty(),
        "{effects:?}"
    );
    assert!(
        of_rule(&effects[2], "prError0001").is_empty(),
        "{effects:?}"
    );
}

#[test]
fn evaluate_shows_an_option_group_only_for_its_parent() {
    let cases = [
        case(json!({REGION: "01"}), json!({})),
        case(json!({REGION: "02"}), json!({})),
        case(json!({}), json!({})),
    ];
    let effects = RuleEngine::get().evaluate(&package(), PROGRAM, &cases);
    let group = of_rule(&effects[0], "prGroup0001");
    assert_eq!(group.len(), 1, "{effects:?}");
    assert_eq!(group[0].action_type, "SHOWOPTIONGROUP");
    assert_eq!(group[0].field.as_deref(), Some(DISTRICT));
    assert_eq!(group[0].option_group.as_deref(), Some("ogNorth0001"));
    assert!(
        of_rule(&effects[1], "prGroup0001").is_empty(),
        "{effects:?}"
    );
    assert!(
        of_rule(&effects[2], "prGroup0001").is_empty(),
        "{effects:?}"
    );
}

#[test]
fn evaluate_uses_option_names_unless_use_code_for_option_set() {
    let effects =
        RuleEngine::get().evaluate(&package(), PROGRAM, &[case(json!({SEX: "2"}), json!({}))]);
    // `sexName` has useCodeForOptionSet=false: the engine gives it the option's
    // name, so comparing with the name matches and comparing with the code does not.
    assert_eq!(of_rule(&effects[0], "prByName001").len(), 1, "{effects:?}");
    assert!(
        of_rule(&effects[0], "prByCode001").is_empty(),
        "{effects:?}"
    );
    // `sexCode` (useCodeForOptionSet=true) compares codes: male breast rule
    // above fires on code '1' and not on '2'.
    assert!(of_rule(&effects[0], "prError0001").is_empty());
    let male = RuleEngine::get().evaluate(
        &package(),
        PROGRAM,
        &[case(json!({SEX: "1"}), json!({TOPOGRAPHY: "509"}))],
    );
    assert_eq!(of_rule(&male[0], "prError0001").len(), 1, "{male:?}");
}

#[test]
fn evaluate_reports_rules_that_fail_at_run_time() {
    let mut pkg = package();
    pkg["programRules"].as_array_mut().unwrap().push(json!({
        "id": "prBroken001", "name": "broken", "program": {"id": PROGRAM},
        "condition": "#{missing} > 1", "programRuleActions": [{"id": "praBroken01"}]
    }));
    pkg["programRuleActions"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "id": "praBroken01", "programRule": {"id": "prBroken001"},
            "programRuleActionType": "SHOWWARNING", "dataElement": {"id": NOTE}, "content": "never"
        }));
    let effects = RuleEngine::get().evaluate(&pkg, PROGRAM, &[case(json!({}), json!({}))]);
    let broken = of_rule(&effects[0], "prBroken001");
    assert_eq!(broken.len(), 1, "{effects:?}");
    assert_eq!(broken[0].action_type, "ERROR");
    assert!(
        broken[0].data.as_deref().unwrap_or("").contains("missing"),
        "{broken:?}"
    );
}

#[test]
fn evaluate_large_batches_in_order() {
    // Enough distinct cases to be split across worker processes.
    let cases: Vec<Value> = (0..450)
        .map(|i| case(json!({}), json!({AGE: i.to_string()})))
        .collect();
    let effects = RuleEngine::get().evaluate(&package(), PROGRAM, &cases);
    assert_eq!(effects.len(), cases.len());
    for (i, e) in effects.iter().enumerate() {
        let assign = of_rule(e, "prAssign001");
        let want = (2 * i).to_string();
        assert_eq!(assign.len(), 1, "case {i}: {e:?}");
        assert_eq!(assign[0].data.as_deref(), Some(want.as_str()), "case {i}");
    }
}
