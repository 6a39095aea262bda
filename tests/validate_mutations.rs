//! Mutation tests: a valid package (the shipped base plus rules, variables, actions, an option
//! group and French names) gets exactly one defect; exactly the check for it must report it.
//! The fixture's rule variables are prefixed `t_` so they never collide with the base's own.

use crtk::package::Package;
use crtk::translations::texts;
use crtk::validate::registry::CHECKS;
use crtk::validate::{AddressRule, Options, validate};
use serde_json::{Value, json};
use std::path::Path;

const PROGRAM: &str = "AbPGPdlFWqc";
const SEX_TEA: &str = "m7GEZG8cyCO";
const TOPOGRAPHY_DE: &str = "zw6Vwqnhvmh";
const TOPOGRAPHY_SET: &str = "rUO167aacLS";
const ADDRESS_DE: &str = "xcUBzN5QFXu";
const ADDRESS_SET: &str = "Lk47XE45J7Y";
const GRADE_DE: &str = "ZMD8dwB3zOZ";
const BEHAVIOUR_DE: &str = "MMIuwJdjx8B";
const SEX_SET: &str = "R3pi3sIwiXG";
const PATIENT_ID: &str = "hDEhIMZe07x";
const GIVEN_NAME: &str = "sB1IHYu2xQT";

fn base() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("base-package/NCD_CR/NCD_CR.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn first_option_of(v: &Value, set: &str) -> String {
    let set = find(v, "optionSets", set);
    set["options"][0]["id"].as_str().unwrap().to_string()
}

fn find<'a>(v: &'a Value, kind: &str, id: &str) -> &'a Value {
    v[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("{kind} {id}"))
}

fn find_mut<'a>(v: &'a mut Value, kind: &str, id: &str) -> &'a mut Value {
    v[kind]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("{kind} {id}"))
}

fn push(v: &mut Value, kind: &str, object: Value) {
    if v.get(kind).is_none() {
        v[kind] = json!([]);
    }
    v[kind].as_array_mut().unwrap().push(object);
}

/// Translations of a name into the base's locales, so translation completeness holds.
fn fr(name: &str) -> Value {
    json!(["fr", "es"].map(
        |locale| json!({"locale": locale, "property": "NAME", "value": format!("{locale} {name}")})
    ))
}

fn variable(id: &str, name: &str, source: &str, field: (&str, &str)) -> Value {
    let mut v = json!({"id": id, "name": name, "program": {"id": PROGRAM},
        "programRuleVariableSourceType": source, "useCodeForOptionSet": true, "translations": fr(name)});
    v[field.0] = json!({"id": field.1});
    v
}

fn rule(id: &str, name: &str, condition: &str, actions: &[&str]) -> Value {
    let actions: Vec<Value> = actions.iter().map(|a| json!({"id": a})).collect();
    json!({"id": id, "name": name, "condition": condition, "program": {"id": PROGRAM},
        "programRuleActions": actions, "translations": fr(name)})
}

/// Adds action `action` to rule `rule`.
fn add_action(v: &mut Value, rule: &str, mut action: Value) {
    let id = action["id"].as_str().unwrap().to_string();
    action["programRule"] = json!({"id": rule});
    push(v, "programRuleActions", action);
    find_mut(v, "programRules", rule)["programRuleActions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": id}));
}

/// A data element in no program stage.
fn stray_data_element(v: &mut Value) -> &'static str {
    push(
        v,
        "dataElements",
        json!({"id": "StrayDe0001", "name": "Stray", "shortName": "Stray", "valueType": "TEXT",
            "domainType": "TRACKER", "aggregationType": "NONE", "translations": fr("Stray")}),
    );
    translate_short_name(v, "dataElements", "StrayDe0001");
    "StrayDe0001"
}

/// Adds the short name's translations to an object made with [`fr`].
fn translate_short_name(v: &mut Value, kind: &str, id: &str) {
    let object = find_mut(v, kind, id);
    let short_name = object["shortName"].as_str().unwrap().to_string();
    let entries = ["fr", "es"].map(|locale| {
        json!({"locale": locale, "property": "SHORT_NAME", "value": format!("{locale} {short_name}")})
    });
    object["translations"]
        .as_array_mut()
        .unwrap()
        .extend(entries);
}

/// An attribute of no program.
fn stray_attribute(v: &mut Value) -> &'static str {
    push(
        v,
        "trackedEntityAttributes",
        json!({"id": "StrayTea001", "name": "Stray", "shortName": "Stray", "valueType": "TEXT",
            "translations": fr("Stray")}),
    );
    translate_short_name(v, "trackedEntityAttributes", "StrayTea001");
    "StrayTea001"
}

/// The valid package every mutation starts from.
fn valid() -> Value {
    let mut v = base();
    // The official base's own findings are not the fixture's: its unused rule variable
    // CR_SITE_NUMBER (CR604) and its stray partial locales (CR703).
    v["programRuleVariables"]
        .as_array_mut()
        .unwrap()
        .retain(|x| x["name"] != "CR_SITE_NUMBER");
    for list in v.as_object_mut().unwrap().values_mut() {
        for object in list.as_array_mut().into_iter().flatten() {
            if let Some(t) = object.get_mut("translations").and_then(Value::as_array_mut) {
                t.retain(|e| e["locale"] == "fr" || e["locale"] == "es");
            }
        }
    }
    // A country would replace the placeholders; do it so that country checks start clean.
    for option in v["options"].as_array_mut().unwrap() {
        let code = option["code"].as_str().unwrap().to_string();
        if code.starts_with("PLACEHOLDER")
            || option["name"]
                .as_str()
                .unwrap()
                .starts_with("Placeholder - ")
        {
            option["name"] = json!(format!("Area or source {code}"));
            if code.starts_with("PLACEHOLDER") {
                option["code"] = json!(code.replace("PLACEHOLDER", "SRC"));
            }
        }
    }
    let address_option = first_option_of(&v, ADDRESS_SET);
    let topography_option = first_option_of(&v, TOPOGRAPHY_SET);
    push(
        &mut v,
        "optionGroups",
        json!({"id": "OptGroup001", "name": "Region 01", "shortName": "Region 01",
        "optionSet": {"id": ADDRESS_SET}, "options": [{"id": address_option}], "translations": fr("Region 01")}),
    );
    push(
        &mut v,
        "programRuleVariables",
        variable(
            "VarSex00001",
            "t_sex",
            "TEI_ATTRIBUTE",
            ("trackedEntityAttribute", SEX_TEA),
        ),
    );
    push(
        &mut v,
        "programRuleVariables",
        variable(
            "VarTopo0001",
            "t_topography",
            "DATAELEMENT_CURRENT_EVENT",
            ("dataElement", TOPOGRAPHY_DE),
        ),
    );
    push(
        &mut v,
        "programRuleVariables",
        variable(
            "VarAddr0001",
            "t_address",
            "DATAELEMENT_CURRENT_EVENT",
            ("dataElement", ADDRESS_DE),
        ),
    );
    push(
        &mut v,
        "programRules",
        rule("RuleHide001", "Hide grade", "d2:hasValue(#{t_sex})", &[]),
    );
    push(
        &mut v,
        "programRules",
        rule(
            "RuleOpt0001",
            "Hide an option",
            "d2:hasValue(#{t_topography})",
            &[],
        ),
    );
    push(
        &mut v,
        "programRules",
        rule(
            "RuleGrp0001",
            "Show districts",
            "d2:hasValue(#{t_address})",
            &[],
        ),
    );
    add_action(
        &mut v,
        "RuleHide001",
        json!({"id": "ActHide0001", "programRuleActionType": "HIDEFIELD", "dataElement": {"id": GRADE_DE}}),
    );
    add_action(
        &mut v,
        "RuleOpt0001",
        json!({"id": "ActOpt00001", "programRuleActionType": "HIDEOPTION",
        "dataElement": {"id": TOPOGRAPHY_DE}, "option": {"id": topography_option}}),
    );
    add_action(
        &mut v,
        "RuleGrp0001",
        json!({"id": "ActGrp00001", "programRuleActionType": "SHOWOPTIONGROUP",
        "dataElement": {"id": ADDRESS_DE}, "optionGroup": {"id": "OptGroup001"}}),
    );
    // Every text translated into the base's locales, so translation completeness holds.
    let package = Package::from_value(v.clone()).unwrap();
    let missing: Vec<(String, String, Value)> = texts(&package)
        .iter()
        .filter(|t| !t.code_list)
        .flat_map(|t| {
            ["fr", "es"]
                .into_iter()
                .filter(|locale| t.translation(locale).is_none())
                .map(|locale| {
                    let value = format!("{locale} {}", t.source);
                    let entry =
                        json!({"locale": locale, "property": t.property.key, "value": value});
                    (t.ty.kind.to_string(), t.uid.to_string(), entry)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (kind, uid, entry) in missing {
        let object = find_mut(&mut v, &kind, &uid);
        if object.get("translations").is_none() {
            object["translations"] = json!([]);
        }
        object["translations"].as_array_mut().unwrap().push(entry);
    }
    v
}

fn report(v: Value, options: &Options) -> Vec<&'static str> {
    let package = Package::from_value(v).unwrap();
    let report = validate(&package, options, "test");
    let mut codes: Vec<&'static str> = report.findings.iter().map(|f| f.code).collect();
    codes.dedup();
    if codes.len() > 1 {
        for f in &report.findings {
            eprintln!("{} {} {}", f.code, f.path, f.message);
        }
    }
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn country_options() -> Options {
    let mut options = Options {
        country_build: true,
        ..Options::default()
    };
    options.canreg_from_base(&Package::from_value(base()).unwrap());
    options
}

/// Applies `mutate` to the valid package and asserts that exactly `code` is reported.
fn assert_only(code: &str, options: &Options, mutate: impl FnOnce(&mut Value)) {
    let mut v = valid();
    mutate(&mut v);
    assert_eq!(report(v, options), vec![code], "mutation for {code}");
}

fn only(code: &str, mutate: impl FnOnce(&mut Value)) {
    assert_only(code, &Options::default(), mutate)
}

#[test]
fn the_fixture_is_valid() {
    assert_eq!(report(valid(), &Options::default()), Vec::<&str>::new());
    assert_eq!(report(valid(), &country_options()), Vec::<&str>::new());
}

#[test]
fn structure() {
    only("CR101", |v| {
        find_mut(v, "dataElements", GRADE_DE)["zeroIsSignificant"] = json!("maybe")
    });
    only("E4014", |v| {
        find_mut(v, "programs", PROGRAM)["programTrackedEntityAttributes"][0]["id"] =
            json!("1badUid0000")
    });
    only("E5004", |v| {
        let copy = v["options"][0].clone();
        push(v, "options", copy);
    });
    only("E4001", |v| {
        find_mut(v, "dataElements", GRADE_DE)["shortName"] = json!("x".repeat(51))
    });
    only("E4000", |v| {
        find_mut(v, "dataElements", GRADE_DE)
            .as_object_mut()
            .unwrap()
            .remove("shortName");
    });
    only("E5003", |v| {
        let name = find(v, "dataElements", GRADE_DE)["name"].clone();
        find_mut(v, "dataElements", BEHAVIOUR_DE)["name"] = name;
    });
}

#[test]
fn references() {
    only("E5002", |v| {
        find_mut(v, "dataElements", GRADE_DE)["categoryCombo"] = json!({"id": "NoSuchCmb01"})
    });
    only("CR201", |v| {
        find_mut(v, "dataElements", GRADE_DE)["legendSets"] = json!([{"id": BEHAVIOUR_DE}])
    });
    only("CR202", |v| {
        // A translated option (not an English-by-design code list), so only CR202 changes.
        let behaviour = find(v, "dataElements", BEHAVIOUR_DE)["optionSet"]["id"].clone();
        let option = first_option_of(v, behaviour.as_str().unwrap());
        find_mut(v, "options", &option)["optionSet"] = json!({"id": SEX_SET});
    });
    only("CR203", |v| {
        find_mut(v, "dataElements", GRADE_DE)["sharing"]["userGroups"]["NoSuchGrp01"] =
            json!({"id": "NoSuchGrp01", "access": "r-------"});
    });
    only("E4061", |v| {
        push(
            v,
            "dashboards",
            json!({"id": "Dashboard01", "name": "CR", "translations": fr("CR"),
            "dashboardItems": [{"id": "DashItem001", "visualization": {"id": "NoSuchVis01"}}]}),
        );
    });
    only("CR204", |v| {
        find_mut(v, "programs", PROGRAM)["programIndicators"] = json!([{"id": "NoSuchPi001"}])
    });
}

#[test]
fn option_sets() {
    only("CR301", |v| {
        let option = first_option_of(v, SEX_SET);
        find_mut(v, "options", &option)["sortOrder"] = json!(99);
    });
    only("CR302", |v| {
        let set = find(v, "optionSets", SEX_SET).clone();
        let code = find(v, "options", set["options"][0]["id"].as_str().unwrap())["code"].clone();
        find_mut(v, "options", set["options"][1]["id"].as_str().unwrap())["code"] = code;
    });
    only("CR303", |v| {
        let option = first_option_of(v, "fhLbYGj5iW4");
        find_mut(v, "options", &option)["code"] = json!("IN'VALID");
    });
    only("CR304", |v| {
        let option = first_option_of(v, SEX_SET);
        find_mut(v, "options", &option)["code"] = json!("M");
    });
    only("CR305", |v| {
        find_mut(v, "dataElements", BEHAVIOUR_DE)["valueType"] = json!("TEXT")
    });
    only("CR306", |v| {
        let option = first_option_of(v, SEX_SET);
        find_mut(v, "optionGroups", "OptGroup001")["options"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": option}));
    });
}

#[test]
fn text_patterns() {
    let set = |field: &'static str, value: Value| {
        move |v: &mut Value| find_mut(v, "trackedEntityAttributes", PATIENT_ID)[field] = value
    };
    only(
        "E4019",
        set("pattern", json!("CURRENT_DATE(yyyy)+SEQUENTIAL(###")),
    );
    only("E4021", set("pattern", json!("CURRENT_DATE(yyyy)")));
    // Given name made generated: no rule reads it, so a type change affects nothing else.
    let generated_given_name = |value_type: &'static str, pattern: &'static str| {
        move |v: &mut Value| {
            let a = find_mut(v, "trackedEntityAttributes", GIVEN_NAME);
            a["valueType"] = json!(value_type);
            a["generated"] = json!(true);
            a["unique"] = json!(true);
            a["pattern"] = json!(pattern);
        }
    };
    only(
        "E4022",
        generated_given_name("NUMBER", "\"A\"+SEQUENTIAL(####)"),
    );
    only(
        "E4010",
        generated_given_name("DATE", "CURRENT_DATE(yyyy)+SEQUENTIAL(####)"),
    );
    only("CR401", set("unique", json!(false)));
}

#[test]
fn program_rules() {
    only("E4057", |v| {
        push(
            v,
            "programRules",
            rule("RuleDup0001", "Hide grade", "true", &[]),
        )
    });
    only("E4051", |v| {
        push(
            v,
            "programRuleVariables",
            variable(
                "VarDup00001",
                "t_sex",
                "TEI_ATTRIBUTE",
                ("trackedEntityAttribute", SEX_TEA),
            ),
        )
    });
    only("E4052", |v| {
        push(
            v,
            "programRuleVariables",
            variable(
                "VarOr000001",
                "sex or age",
                "TEI_ATTRIBUTE",
                ("trackedEntityAttribute", SEX_TEA),
            ),
        );
        push(
            v,
            "programRules",
            rule(
                "RuleOr00001",
                "Uses sex or age",
                "d2:hasValue(#{sex or age})",
                &[],
            ),
        );
    });
    only("E4059", |v| {
        find_mut(v, "programRuleVariables", "VarTopo0001")["programRuleVariableSourceType"] =
            json!("DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE")
    });
    only("E4089", |v| {
        find_mut(v, "programRuleVariables", "VarTopo0001")
            .as_object_mut()
            .unwrap()
            .remove("dataElement");
    });
    only("E4090", |v| {
        let var = find_mut(v, "programRuleVariables", "VarSex00001");
        var.as_object_mut()
            .unwrap()
            .remove("trackedEntityAttribute");
        var["valueType"] = json!("NUMBER");
    });
    only("E4091", |v| {
        let de = stray_data_element(v);
        find_mut(v, "programRuleVariables", "VarAddr0001")["dataElement"] = json!({"id": de});
    });
    only("E4092", |v| {
        let tea = stray_attribute(v);
        let var = find_mut(v, "programRuleVariables", "VarSex00001");
        var["trackedEntityAttribute"] = json!({"id": tea});
        var["valueType"] = json!("NUMBER");
    });
}

fn action(v: &mut Value, body: Value) {
    add_action(v, "RuleHide001", body);
}

#[test]
fn program_rule_actions() {
    only("E4033", |v| {
        find_mut(v, "programRuleActions", "ActHide0001")["programRuleActionType"] =
            json!("SHOWOPTION")
    });
    only("E4035", |v| {
        action(
            v,
            json!({"id": "ActMsg00001", "programRuleActionType": "SENDMESSAGE"}),
        )
    });
    only("E4034", |v| {
        action(
            v,
            json!({"id": "ActMsg00001", "programRuleActionType": "SENDMESSAGE", "templateUid": "NoSuchTpl01"}),
        )
    });
    only("E4036", |v| {
        action(
            v,
            json!({"id": "ActSec00001", "programRuleActionType": "HIDESECTION"}),
        )
    });
    only("E4037", |v| {
        action(
            v,
            json!({"id": "ActSec00001", "programRuleActionType": "HIDESECTION", "programStageSection": {"id": "NoSuchSec01"}}),
        )
    });
    only("E4038", |v| {
        action(
            v,
            json!({"id": "ActStg00001", "programRuleActionType": "HIDEPROGRAMSTAGE"}),
        )
    });
    only("E4039", |v| {
        action(
            v,
            json!({"id": "ActStg00001", "programRuleActionType": "HIDEPROGRAMSTAGE", "programStage": {"id": "NoSuchStg01"}}),
        )
    });
    only("E4040", |v| {
        find_mut(v, "programRuleActions", "ActOpt00001")
            .as_object_mut()
            .unwrap()
            .remove("option");
    });
    only("E4041", |v| {
        find_mut(v, "programRuleActions", "ActOpt00001")["option"] = json!({"id": "NoSuchOpt01"})
    });
    only("E4042", |v| {
        find_mut(v, "programRuleActions", "ActGrp00001")
            .as_object_mut()
            .unwrap()
            .remove("optionGroup");
    });
    only("E4043", |v| {
        find_mut(v, "programRuleActions", "ActGrp00001")["optionGroup"] =
            json!({"id": "NoSuchGrp01"})
    });
    only("E4044", |v| {
        find_mut(v, "programRuleActions", "ActHide0001")
            .as_object_mut()
            .unwrap()
            .remove("dataElement");
    });
    only("E4045", |v| {
        find_mut(v, "programRuleActions", "ActHide0001")["dataElement"] =
            json!({"id": "NoSuchDe001"})
    });
    only("E4046", |v| {
        action(
            v,
            json!({"id": "ActTea00001", "programRuleActionType": "HIDEFIELD", "trackedEntityAttribute": {"id": "NoSuchTea01"}}),
        )
    });
    only("E4047", |v| {
        let de = stray_data_element(v);
        find_mut(v, "programRuleActions", "ActHide0001")["dataElement"] = json!({"id": de});
    });
    only("E4048", |v| {
        let tea = stray_attribute(v);
        action(
            v,
            json!({"id": "ActTea00001", "programRuleActionType": "HIDEFIELD", "trackedEntityAttribute": {"id": tea}}),
        );
    });
    only("E4050", |v| {
        action(
            v,
            json!({"id": "ActAsg00001", "programRuleActionType": "ASSIGN"}),
        )
    });
    only("E4058", |v| {
        let option = first_option_of(v, SEX_SET);
        find_mut(v, "programRuleActions", "ActOpt00001")["option"] = json!({"id": option});
    });
}

#[test]
fn expressions() {
    only("CR601", |v| {
        find_mut(v, "programRules", "RuleHide001")["condition"] = json!("#{t_sex} >")
    });
    only("CR602", |v| {
        action(
            v,
            json!({"id": "ActAsg00001", "programRuleActionType": "ASSIGN",
            "dataElement": {"id": GRADE_DE}, "data": "d2:left(#{t_sex})"}),
        );
    });
    only("CR603", |v| {
        let flat = vec!["#{t_sex} == 1"; 65].join(" || ");
        find_mut(v, "programRules", "RuleHide001")["condition"] = json!(flat);
    });
    only("CR604", |v| {
        push(
            v,
            "programRuleVariables",
            variable(
                "VarUnused01",
                "unused",
                "TEI_ATTRIBUTE",
                ("trackedEntityAttribute", SEX_TEA),
            ),
        )
    });
}

#[test]
fn translations() {
    let add = |t: Value| {
        move |v: &mut Value| {
            find_mut(v, "programRules", "RuleHide001")["translations"]
                .as_array_mut()
                .unwrap()
                .push(t)
        }
    };
    only(
        "CR701",
        add(json!({"locale": "French", "property": "NAME", "value": "x"})),
    );
    only(
        "E1106",
        add(json!({"locale": "fr", "property": "NAME", "value": "x"})),
    );
    only(
        "CR702",
        add(json!({"locale": "fr", "property": "SHORT_NAME", "value": "x"})),
    );
    only("CR703", |v| {
        find_mut(v, "dataElements", GRADE_DE)["translations"] = json!([])
    });
}

#[test]
fn hygiene() {
    only("CR801", |v| {
        find_mut(v, "dataElements", GRADE_DE)["lastUpdated"] = json!("2026-01-01T00:00:00.000")
    });
    only("CR802", |v| {
        find_mut(v, "dataElements", GRADE_DE)["sharing"]["public"] = json!("rw------")
    });
    only("CR803", |v| {
        find_mut(v, "dataElements", GRADE_DE)["sharing"]["users"] =
            json!({"xE7jOejl9FI": {"id": "xE7jOejl9FI", "access": "rw------"}});
    });
    only("CR805", |v| {
        find_mut(v, "programs", PROGRAM)["sharing"]["userGroups"] = json!({})
    });
    let placeholder = |v: &mut Value| {
        let option = first_option_of(v, "oLd4FAXHFvB");
        find_mut(v, "options", &option)["code"] = json!("PLACEHOLDER_1");
    };
    assert_only("CR804", &country_options(), placeholder);
    let allowing = Options {
        allow_placeholders: true,
        ..country_options()
    };
    assert_only("CR806", &allowing, placeholder);
}

#[test]
fn canreg() {
    assert_only("CR901", &country_options(), |v| {
        let set = find(v, "optionSets", SEX_SET).clone();
        let last = set["options"].as_array().unwrap().last().unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        find_mut(v, "options", &last)["code"] = json!("8");
    });
    let address = Options {
        address: Some(AddressRule {
            option_set_ids: vec![ADDRESS_SET.into()],
            max_len: 5,
        }),
        ..country_options()
    };
    assert_only("CR902", &address, |v| {
        let option = first_option_of(v, ADDRESS_SET);
        find_mut(v, "options", &option)["code"] = json!("010203");
    });
}

/// A program indicator of the fixture's program reading its topography field.
fn indicator(v: &Value, expression: &str, filter: &str, boundary: &str) -> Value {
    let program = v["programs"][0]["id"].as_str().unwrap().to_string();
    let stage = v["programStages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["programStageDataElements"]
                .to_string()
                .contains(TOPOGRAPHY_DE)
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let fill = |t: &str| t.replace("STAGE", &stage);
    let mut translations = fr("Mutation indicator").as_array().unwrap().clone();
    translations
        .extend(["fr", "es"].map(|l| json!({"locale": l, "property": "SHORT_NAME", "value": l})));
    json!({"id": "PiMutation1", "name": "Mutation indicator", "shortName": "Mutation indicator",
        "code": "PI_MUTATION", "program": {"id": program}, "analyticsType": "EVENT",
        "expression": fill(expression), "filter": fill(filter),
        "translations": translations,
        "analyticsPeriodBoundaries": [{"id": "PiBoundary1",
            "analyticsPeriodBoundaryType": "AFTER_START_OF_REPORTING_PERIOD",
            "boundaryTarget": fill(boundary)}]})
}

#[test]
fn indicators() {
    let good = format!("#{{STAGE.{TOPOGRAPHY_DE}}} == 809");
    let add = |expression: String, filter: String, boundary: &'static str| {
        move |v: &mut Value| {
            let pi = indicator(v, &expression, &filter, boundary);
            push(v, "programIndicators", pi);
        }
    };
    // The valid indicator itself adds no finding.
    assert_eq!(
        report(
            {
                let mut v = valid();
                add("V{event_count}".into(), good.clone(), "EVENT_DATE")(&mut v);
                v
            },
            &Options::default()
        ),
        Vec::<&str>::new()
    );
    only(
        "CR1301",
        add("d2:count(".into(), good.clone(), "EVENT_DATE"),
    );
    only(
        "CR1302",
        add(
            "V{event_count}".into(),
            "V{enrollment_date} >".into(),
            "EVENT_DATE",
        ),
    );
    only(
        "CR1303",
        add(
            "V{event_count}".into(),
            format!("#{{STAGE.{SEX_TEA}}} == 1"),
            "EVENT_DATE",
        ),
    );
    only(
        "CR1304",
        add("V{event_count}".into(), good.clone(), "#{STAGE.x})"),
    );
}

/// Every registered check has a mutation test above.
#[test]
fn every_check_is_mutation_tested() {
    let source: String = include_str!("validate_mutations.rs")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // The CanReg5 alignment (CR903-CR914) and target-instance (CR11xx) checks need a registry
    // definition or an instance export: their defects are injected in those end-to-end tests
    // and in the alignment unit tests.
    let alignment = include_str!("../src/canreg5/alignment.rs");
    let alignment_tests = &alignment[alignment.find("#[cfg(test)]").unwrap_or(alignment.len())..];
    let end_to_end: String = [
        include_str!("canreg5_cli.rs"),
        include_str!("target_cli.rs"),
        alignment_tests,
    ]
    .concat();
    for check in CHECKS {
        let tested = source.contains(&format!("only(\"{}\"", check.code))
            || (matches!(check.family, "canreg" | "target")
                && end_to_end.contains(&format!("\"{}\"", check.code)));
        assert!(tested, "no mutation test for {}", check.code);
    }
}

/// Working lists (issue 18): a valid stage list (on the stage holding Topography) and a valid
/// person list are added, then one defect each.
fn with_working_lists(v: &mut Value) {
    let stage = v["programStages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["programStageDataElements"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["dataElement"]["id"] == TOPOGRAPHY_DE)
        })
        .unwrap()["id"]
        .clone();
    let topography = find(v, "options", &first_option_of(v, TOPOGRAPHY_SET))["code"].clone();
    let sex = find(v, "options", &first_option_of(v, SEX_SET))["code"].clone();
    let sharing = find(v, "programs", PROGRAM)["sharing"].clone();
    push(
        v,
        "programStageWorkingLists",
        json!({
            "id": "WlStage0001", "name": "Tumours to check", "program": {"id": PROGRAM},
            "programStage": {"id": stage}, "sharing": sharing, "translations": fr("Tumours to check"),
            "programStageQueryCriteria": {
                "eventStatus": "ACTIVE",
                "eventOccurredAt": {"type": "RELATIVE", "period": "LAST_30_DAYS"},
                "dataFilters": [{"dataItem": TOPOGRAPHY_DE, "eq": topography}],
                "attributeValueFilters": [{"attribute": SEX_TEA, "in": [sex]}],
                "displayColumnOrder": [TOPOGRAPHY_DE, SEX_TEA]
            }
        }),
    );
    push(
        v,
        "trackedEntityInstanceFilters",
        json!({
            "id": "WlPerson001", "name": "Women", "program": {"id": PROGRAM}, "sortOrder": 1,
            "enrollmentStatus": "ACTIVE", "sharing": sharing, "translations": fr("Women"),
            "entityQueryCriteria": {
                "enrollmentStatus": "ACTIVE",
                "attributeValueFilters": [{"attribute": SEX_TEA, "eq": sex}],
                "displayColumnOrder": [SEX_TEA]
            }
        }),
    );
}

fn stage_criteria(v: &mut Value) -> &mut Value {
    &mut v["programStageWorkingLists"][0]["programStageQueryCriteria"]
}

#[test]
fn working_lists() {
    let mut fixture = valid();
    with_working_lists(&mut fixture);
    assert_eq!(report(fixture, &Options::default()), Vec::<&str>::new());
    only("E4062", |v| {
        with_working_lists(v);
        stage_criteria(v)["eventOccurredAt"] = json!({"type": "ABSOLUTE"});
    });
    only("E4063", |v| {
        with_working_lists(v);
        stage_criteria(v)["assignedUserMode"] = json!("PROVIDED");
    });
    only("E4064", |v| {
        with_working_lists(v);
        stage_criteria(v)["ouMode"] = json!("DESCENDANTS");
    });
    only("E4065", |v| {
        with_working_lists(v);
        stage_criteria(v)["dataFilters"][0]
            .as_object_mut()
            .unwrap()
            .remove("dataItem");
    });
    only("E4066", |v| {
        with_working_lists(v);
        stage_criteria(v)["dataFilters"][0]["dataItem"] = json!(SEX_TEA);
    });
    only("E4067", |v| {
        with_working_lists(v);
        stage_criteria(v)["attributeValueFilters"][0]
            .as_object_mut()
            .unwrap()
            .remove("attribute");
    });
    only("E4068", |v| {
        with_working_lists(v);
        stage_criteria(v)["attributeValueFilters"][0]["attribute"] = json!(GRADE_DE);
    });
    only("CR1201", |v| {
        with_working_lists(v);
        // A data element of the program that is not in the list's stage.
        let stage = v["programStageWorkingLists"][0]["programStage"]["id"].clone();
        let outside = v["programStages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["id"] != stage)
            .flat_map(|s| s["programStageDataElements"].as_array().unwrap().iter())
            .map(|p| p["dataElement"]["id"].clone())
            .next()
            .unwrap();
        stage_criteria(v)["displayColumnOrder"] = json!([outside]);
    });
    only("CR1202", |v| {
        with_working_lists(v);
        stage_criteria(v)["dataFilters"][0]["eq"] = json!("not-a-code");
    });
    only("CR1203", |v| {
        with_working_lists(v);
        v["trackedEntityInstanceFilters"][0]["entityQueryCriteria"]["attributeValueFilters"][0]["attribute"] =
            json!(GRADE_DE);
    });
}
