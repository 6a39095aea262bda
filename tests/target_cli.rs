//! `--target` and `crtk target report`, through the binary, against generated instances: real
//! DHIS2 exports (the reference packages) merged with the official NCD_CR 1.0.0 "installed" and
//! edited locally. Every conflict class has a test that fails without it.

mod common;

use common::crtk::{root, temp_dir};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> PathBuf {
    root().join("../shared/reference-packages").join(rel)
}

const NCD_100: &str = "ncd-cr-official/NCD_CR_1.0.0_DHIS2.42.4-en.json";
const NCD_101: &str = "ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";
const AEFI: &str = "AEFI_TRACKER_V1.1.2_DHIS2.35.3.json";
const HIV: &str = "HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json";
const COVAC: &str = "COVAC_EIR_CVIR00_1.2.0_DHIS2.36.6-en.json";

fn load(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(shared(rel)).unwrap()).unwrap()
}

/// Types whose name/shortName/code DHIS2 keeps unique (as crtk's E5003 table).
const UNIQUE: &[&str] = &[
    "attributes",
    "categories",
    "categoryCombos",
    "categoryOptions",
    "constants",
    "dataElements",
    "indicators",
    "optionGroups",
    "optionSets",
    "programIndicators",
    "trackedEntityAttributes",
    "trackedEntityTypes",
    "userGroups",
];

/// One instance holding several packages, as if each had been imported in turn: an object whose
/// UID is already there is kept as the first import left it; one whose name, short name or code
/// is taken is left out (its import would have failed).
fn merge(packages: &[Value]) -> Value {
    let mut out = serde_json::Map::new();
    let mut ids: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unique: BTreeSet<(String, &str, String)> = BTreeSet::new();
    for package in packages {
        for (kind, items) in package.as_object().unwrap() {
            let Some(items) = items.as_array() else {
                continue;
            };
            let slot = out
                .entry(kind.clone())
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .unwrap();
            for item in items {
                let Some(id) = item["id"].as_str() else {
                    continue;
                };
                if ids.contains(&(kind.clone(), id.to_string())) {
                    continue;
                }
                let props = ["name", "shortName", "code"];
                let keys: Vec<(String, &str, String)> = if UNIQUE.contains(&kind.as_str()) {
                    props
                        .iter()
                        .filter_map(|p| Some((kind.clone(), *p, item[*p].as_str()?.to_string())))
                        .collect()
                } else {
                    Vec::new()
                };
                if keys.iter().any(|k| unique.contains(k)) {
                    continue;
                }
                unique.extend(keys);
                ids.insert((kind.clone(), id.to_string()));
                slot.push(item.clone());
            }
        }
    }
    Value::Object(out)
}

/// Replaces a UID everywhere in the instance (ids, references, map keys).
fn rewrite_uid(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(s) if s == from => *s = to.to_string(),
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_uid(v, from, to)),
        Value::Object(map) => {
            if let Some(v) = map.remove(from) {
                map.insert(to.to_string(), v);
            }
            map.values_mut().for_each(|v| rewrite_uid(v, from, to));
        }
        _ => {}
    }
}

fn find<'a>(instance: &'a mut Value, kind: &str, id: &str) -> &'a mut Value {
    instance[kind]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no {kind} {id}"))
}

fn remove(instance: &mut Value, kind: &str, id: &str) -> Value {
    let items = instance[kind].as_array_mut().unwrap();
    let at = items.iter().position(|o| o["id"] == id).unwrap();
    items.remove(at)
}

fn push(instance: &mut Value, kind: &str, object: Value) {
    instance
        .as_object_mut()
        .unwrap()
        .entry(kind)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .unwrap()
        .push(object);
}

fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path
}

/// A country config on the official 1.0.1 base, with `extra` YAML appended.
fn config(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("country.yaml");
    std::fs::write(
        &path,
        format!(
            "country: {{code: XX, name: Exampleland}}\npackage:\n  version: 1.0.1-xx.1\n  base: {}\nvalidate:\n  allow_placeholders: true\n{extra}",
            shared(NCD_101).display()
        ),
    )
    .unwrap();
    path
}

use common::crtk::run as crtk;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `crtk target report --format json`, with its exit code.
fn report(config: &Path, target: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![
        "target",
        "report",
        s(config),
        "--target",
        s(target),
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = crtk(&args);
    let code = out.status.code().unwrap();
    assert!(
        code < 2,
        "crtk target report failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), code)
}

/// `(code, object id)` of every conflict.
fn conflicts(report: &Value) -> BTreeSet<(String, String)> {
    report["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["object"]["id"]
                    .as_str()
                    .or(c["path"].as_str())
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

fn codes(report: &Value) -> BTreeSet<String> {
    conflicts(report).into_iter().map(|(c, _)| c).collect()
}

// UIDs of the official package used below.
const SEX_SET: &str = "R3pi3sIwiXG";
const CR_ADMIN: &str = "uQmlkgLny7i";
const PERSON: &str = "MCPQUTHX1Ze";
const DEFAULTS: [&str; 4] = ["bjDvmb4bfuf", "GLevLNI9wkl", "xYerKDKCefk", "HllvX50cXC0"];

/// A national instance: NCD_CR 1.0.0 installed (then edited locally) beside AEFI, HIV and COVAC,
/// with its own default UIDs, Person type, "CR - Admin" group and "CR - Sex" set, and two org
/// units.
fn national_instance() -> (Value, InstanceFacts) {
    let ncd = load(NCD_100);
    let mut instance = merge(&[ncd.clone(), load(AEFI), load(HIV), load(COVAC)]);
    // The instance was set up with other default UIDs and another Person type.
    for (i, uid) in DEFAULTS.iter().enumerate() {
        rewrite_uid(&mut instance, uid, &format!("TheirDeflt{i}"));
    }
    rewrite_uid(&mut instance, PERSON, "TheirPerson");
    // The CR groups were recreated by hand (CR - Admin), the Sex set reused from an older setup.
    rewrite_uid(&mut instance, CR_ADMIN, "TheirAdmin1");
    rewrite_uid(&mut instance, SEX_SET, "TheirSex001");
    // Local edits: two options renamed, a rule removed.
    let options: Vec<String> = ncd["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["optionSet"]["id"] != SEX_SET)
        .take(2)
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    for id in &options {
        find(&mut instance, "options", id)["name"] = json!(format!("Local {id}"));
    }
    let rule = ncd["programRules"][0]["id"].as_str().unwrap().to_string();
    remove(&mut instance, "programRules", &rule);
    // A local indicator took the UID of one of the package's rule actions.
    let action = ncd["programRuleActions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    remove(&mut instance, "programRuleActions", &action);
    push(
        &mut instance,
        "indicators",
        json!({"id": action, "name": "Local indicator", "shortName": "Local indicator", "code": "LOCAL_IND"}),
    );
    // An option group was repurposed (other name and code, same UID).
    let group = ncd["optionGroups"][0]["id"].as_str().unwrap().to_string();
    let g = find(&mut instance, "optionGroups", &group);
    g["name"] = json!("Local district group");
    g["shortName"] = json!("Local district group");
    g["code"] = json!("LOCAL_DISTRICT_GROUP");
    // The instance has a National ID attribute already: AEFI's `Ewi7FUfcHAD`.
    push(
        &mut instance,
        "organisationUnits",
        json!({"id": "OrgUnitAaa1", "name": "Exampleland", "code": "XX"}),
    );
    push(
        &mut instance,
        "organisationUnits",
        json!({"id": "OrgUnitBbb2", "name": "Capital district", "code": "XX_CAP"}),
    );
    (
        instance,
        InstanceFacts {
            renamed_options: options,
            removed_rule: rule,
            retyped_action: action,
            repurposed_group: group,
        },
    )
}

struct InstanceFacts {
    renamed_options: Vec<String>,
    removed_rule: String,
    retyped_action: String,
    repurposed_group: String,
}

const IDENTIFIER: &str = "identifiers:\n  - {name: National ID, code: XX_NID}\n";
const ORG_UNITS: &str = "access:\n  org_units: [OrgUnitAaa1]\n";

/// The "done when": every conflict listed with its fix; after applying the printed fixes the
/// same build reports none, and `crtk build --target` writes the package.
#[test]
fn national_instance_every_conflict_then_none_after_the_printed_fixes() {
    let dir = temp_dir("target-national");
    let (instance, facts) = national_instance();
    let target = write_json(&dir, "instance.json", &instance);
    let cfg = config(&dir, &format!("{IDENTIFIER}{ORG_UNITS}"));
    let (first, code) = report(&cfg, &target, &[]);
    assert_eq!(code, 1);
    let found = conflicts(&first);
    let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
    for uid in DEFAULTS.iter().chain([&PERSON]) {
        expected.insert(("CR1103".into(), uid.to_string()));
    }
    expected.insert(("CR1104".into(), CR_ADMIN.into()));
    expected.insert(("E5003".into(), SEX_SET.into()));
    expected.insert(("CR1101".into(), facts.retyped_action.clone()));
    expected.insert(("CR1102".into(), facts.repurposed_group.clone()));
    let nid = first["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "E5003" && c["object"]["name"] == "National ID")
        .expect("the National ID clash")["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    expected.insert(("E5003".into(), nid.clone()));
    assert_eq!(found, expected, "{:#}", first["conflicts"]);
    // Each finding carries its fix as config.
    for c in first["conflicts"].as_array().unwrap() {
        let m = c["message"].as_str().unwrap();
        assert!(m.contains("Fix"), "{m}");
    }
    // The plan: the renamed options are renamed back, the removed rule is created.
    let plan = &first["plan"];
    let renamed: BTreeSet<&str> = plan["options"]["renamed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        renamed,
        facts
            .renamed_options
            .iter()
            .map(String::as_str)
            .collect::<BTreeSet<_>>()
    );
    assert_eq!(plan["programRules"]["create"], 1);
    assert_eq!(plan["programRules"]["update"], 238);
    assert!(!facts.removed_rule.is_empty());

    // `crtk build --target` refuses, names the conflicts and prints the fixes; nothing written.
    let out_dir = dir.join("out");
    let out = crtk(&[
        "build",
        s(&cfg),
        "--out",
        s(&out_dir),
        "--target",
        s(&target),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for code in ["CR1101", "CR1102", "CR1103", "CR1104", "E5003"] {
        assert!(stderr.contains(code), "{code} in:\n{stderr}");
    }
    assert!(stderr.contains("access:\n  user_groups:\n    \"CR - Admin\": TheirAdmin1\n"));
    assert!(!out_dir.exists() || std::fs::read_dir(&out_dir).unwrap().next().is_none());

    // Apply the printed access block (as YAML, merged with the config's org_units).
    let fixes = &first["fixes"]["access"];
    let mut access = String::from("access:\n  org_units: [OrgUnitAaa1]\n  user_groups:\n");
    for (name, id) in fixes["user_groups"].as_object().unwrap() {
        access.push_str(&format!("    {name:?}: {}\n", id.as_str().unwrap()));
    }
    access.push_str("  uid_remap:\n");
    for (from, to) in fixes["uid_remap"].as_object().unwrap() {
        access.push_str(&format!("    {from}: {}\n", to.as_str().unwrap()));
    }
    assert_eq!(fixes["uid_remap"][SEX_SET], "TheirSex001");
    assert_eq!(fixes["uid_remap"][&nid], "Ewi7FUfcHAD");
    let fixed = config(&dir, &format!("{IDENTIFIER}{access}"));
    let (second, code) = report(&fixed, &target, &[]);
    assert_eq!(second["conflicts"], json!([]), "{:#}", second["conflicts"]);
    assert_eq!(code, 0);
    let out = crtk(&[
        "build",
        s(&fixed),
        "--out",
        s(&out_dir),
        "--target",
        s(&target),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--target-remap-defaults` applies the CR1103 remaps (and only those) itself.
#[test]
fn remap_defaults_flag_fixes_the_default_uids_only() {
    let dir = temp_dir("target-defaults");
    let mut instance = load(NCD_100);
    for (i, uid) in DEFAULTS.iter().enumerate() {
        rewrite_uid(&mut instance, uid, &format!("TheirDeflt{i}"));
    }
    rewrite_uid(&mut instance, PERSON, "TheirPerson");
    rewrite_uid(&mut instance, CR_ADMIN, "TheirAdmin1");
    let target = write_json(&dir, "instance.json", &instance);
    let cfg = config(&dir, "");
    let (before, _) = report(&cfg, &target, &[]);
    assert_eq!(
        codes(&before),
        ["CR1103", "CR1104"].map(String::from).into()
    );
    assert_eq!(
        before["fixes"]["defaults"],
        json!({"GLevLNI9wkl": "TheirDeflt1", "HllvX50cXC0": "TheirDeflt3", "MCPQUTHX1Ze": "TheirPerson", "bjDvmb4bfuf": "TheirDeflt0", "xYerKDKCefk": "TheirDeflt2"})
    );
    let (after, _) = report(&cfg, &target, &["--target-remap-defaults"]);
    assert_eq!(
        conflicts(&after),
        [("CR1104".into(), CR_ADMIN.into())].into()
    );
    // The build with the flag writes a package whose defaults are the target's.
    let out_dir = dir.join("out");
    let cfg = config(
        &dir,
        "access:\n  user_groups: {\"CR - Admin\": TheirAdmin1}\n",
    );
    let out = crtk(&[
        "build",
        s(&cfg),
        "--out",
        s(&out_dir),
        "--target",
        s(&target),
        "--target-remap-defaults",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.to_string_lossy().ends_with(".canreg5-mapping.json"))
        .unwrap();
    let package: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(package["categoryCombos"][0]["id"], "TheirDeflt0");
    assert_eq!(package["trackedEntityTypes"][0]["id"], "TheirPerson");
    assert_eq!(
        package["programs"][0]["trackedEntityType"]["id"],
        "TheirPerson"
    );
}

/// A package on its own against an instance that has the official package installed as is:
/// no conflicts, every object an update.
#[test]
fn installed_official_package_is_all_updates() {
    let dir = temp_dir("target-clean");
    let cfg = config(&dir, "");
    let (r, code) = report(&cfg, &shared(NCD_100), &[]);
    assert_eq!(code, 0);
    assert_eq!(r["conflicts"], json!([]));
    assert_eq!(r["plan"]["options"]["update"], 1244);
    assert_eq!(r["plan"]["options"]["create"], 0);
}

/// One class at a time: the edit makes the code appear; the unedited instance does not have it.
fn class_case(name: &str, extra: &str, edit: impl Fn(&mut Value)) -> (Value, Value) {
    let dir = temp_dir(&format!("target-{name}"));
    let cfg = config(&dir, extra);
    let base = load(NCD_100);
    let mut edited = base.clone();
    edit(&mut edited);
    let (control, _) = report(&cfg, &write_json(&dir, "control.json", &base), &[]);
    let (found, _) = report(&cfg, &write_json(&dir, "edited.json", &edited), &[]);
    (control, found)
}

#[test]
fn class_cr1101_same_uid_other_type() {
    let (control, found) = class_case("cr1101", "", |i| {
        let de = remove(i, "dataElements", "xcUBzN5QFXu");
        push(
            i,
            "trackedEntityAttributes",
            json!({"id": "xcUBzN5QFXu", "name": de["name"], "code": "LOCAL_ADDRESS"}),
        );
    });
    assert!(!codes(&control).contains("CR1101"));
    assert_eq!(
        conflicts(&found),
        [("CR1101".into(), "xcUBzN5QFXu".into())].into()
    );
    let new = found["fixes"]["access"]["uid_remap"]["xcUBzN5QFXu"]
        .as_str()
        .unwrap();
    assert_eq!(new.len(), 11);
}

#[test]
fn class_cr1102_same_uid_other_object() {
    let (control, found) = class_case("cr1102", "", |i| {
        let o = find(i, "optionSets", "Lk47XE45J7Y");
        o["name"] = json!("Marital status");
        o["code"] = json!("MARITAL_STATUS");
    });
    assert!(!codes(&control).contains("CR1102"));
    assert!(conflicts(&found).contains(&("CR1102".into(), "Lk47XE45J7Y".into())));
    // An option that is another set's in the target is another object too.
    let (_, found) = class_case("cr1102-option", "", |i| {
        let id = i["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["optionSet"]["id"] == "Lk47XE45J7Y")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        find(i, "options", &id)["optionSet"] = json!({"id": "oLd4FAXHFvB"});
    });
    assert_eq!(codes(&found), ["CR1102".to_string()].into());
}

#[test]
fn class_e5003_name_short_name_code() {
    let extra = "identifiers:\n  - {name: National ID, short_name: NID, code: XX_NID}\n";
    for (property, value) in [
        ("name", "National ID"),
        ("shortName", "NID"),
        ("code", "XX_NID"),
    ] {
        let (control, found) = class_case(&format!("e5003-{property}"), extra, |i| {
            let mut tea = json!({"id": "TheirNatId1", "name": "Local ID", "shortName": "Local ID", "code": "LOCAL_ID"});
            tea[property] = json!(value);
            push(i, "trackedEntityAttributes", tea);
        });
        assert!(!codes(&control).contains("E5003"));
        let e: Vec<&Value> = found["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["code"] == "E5003")
            .collect();
        assert_eq!(e.len(), 1, "{property}: {:#}", found["conflicts"]);
        let message = e[0]["message"].as_str().unwrap();
        assert!(message.contains("TheirNatId1"), "{message}");
        assert!(
            message.contains(&format!("{property} `{value}`")),
            "{message}"
        );
        assert_eq!(
            found["fixes"]["access"]["uid_remap"][e[0]["object"]["id"].as_str().unwrap()],
            "TheirNatId1"
        );
        // The rename alternative: names: for name and short name; none for a code clash.
        let names = found["fixes"]["names"].as_array().unwrap();
        if property == "code" {
            assert!(names.is_empty());
        } else {
            assert_eq!(names.len(), 1);
            assert_eq!(names[0]["type"], "trackedEntityAttribute");
            assert_eq!(names[0]["code"], "XX_NID");
        }
    }
}

/// The `names:` snippet printed is the rename that frees the name: adding it to the config, as
/// printed, clears the conflict (an attribute by its code; an option set of the base by code).
#[test]
fn rename_snippet_frees_the_name() {
    let dir = temp_dir("target-rename");
    let mut instance = load(NCD_100);
    push(
        &mut instance,
        "trackedEntityAttributes",
        json!({"id": "TheirNatId1", "name": "National ID", "shortName": "National ID", "code": "NATIONAL_ID"}),
    );
    push(
        &mut instance,
        "trackedEntityAttributes",
        json!({"id": "TheirNatId2", "name": "National ID (CR)", "shortName": "Other", "code": "OTHER"}),
    );
    let target = write_json(&dir, "instance.json", &instance);
    let cfg = config(&dir, IDENTIFIER);
    let out = crtk(&["target", "report", s(&cfg), "--target", s(&target)]);
    let text = String::from_utf8_lossy(&out.stdout);
    // " (CR)" is taken in the target: the next free suffix.
    assert!(
        text.contains("names:\n  - {type: trackedEntityAttribute, code: XX_NID, name: \"National ID (CR 2)\", short_name: \"National ID (CR)\"}\n"),
        "{text}"
    );
    let renamed = config(&dir, &format!("{IDENTIFIER}{}", names_block(&text)));
    let (r, code) = report(&renamed, &target, &[]);
    assert_eq!(r["conflicts"], json!([]));
    assert_eq!(code, 0);

    // An instance without NCD_CR whose own option set is named as a set of the base.
    let instance = json!({"optionSets": [
        {"id": "TheirSexSet", "name": "CR - Sex", "code": "THEIR_SEX", "valueType": "TEXT"}
    ]});
    let target = write_json(&dir, "instance-sex.json", &instance);
    let cfg = config(&dir, "");
    let out = crtk(&["target", "report", s(&cfg), "--target", s(&target)]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("type: optionSet"), "{text}");
    let renamed = config(&dir, &names_block(&text));
    let (r, code) = report(&renamed, &target, &[]);
    assert_eq!(r["conflicts"], json!([]), "after {}", names_block(&text));
    assert_eq!(code, 0);
}

/// The `names:` block of a text report, as printed.
fn names_block(report: &str) -> String {
    let start = report.find("names:\n").expect("a names: fix");
    let block: Vec<&str> = report[start..]
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .collect();
    format!("{}\n", block.join("\n"))
}

#[test]
fn class_cr1103_defaults_and_person() {
    for uid in DEFAULTS.iter().chain([&PERSON]) {
        let (control, found) = class_case(&format!("cr1103-{uid}"), "", |i| {
            rewrite_uid(i, uid, "TheirUid001");
        });
        assert!(!codes(&control).contains("CR1103"));
        assert_eq!(
            conflicts(&found),
            [("CR1103".into(), uid.to_string())].into()
        );
        assert_eq!(found["fixes"]["defaults"][*uid], "TheirUid001");
    }
}

#[test]
fn class_cr1104_user_group_by_name() {
    let (control, found) = class_case("cr1104", "", |i| {
        rewrite_uid(i, "bsEFM7nEuQx", "TheirCapt01");
    });
    assert!(!codes(&control).contains("CR1104"));
    assert_eq!(
        conflicts(&found),
        [("CR1104".into(), "bsEFM7nEuQx".into())].into()
    );
    assert_eq!(
        found["fixes"]["access"]["user_groups"],
        json!({"CR - Data Capture": "TheirCapt01"})
    );
}

#[test]
fn class_cr1105_update_drops_options() {
    let (control, found) = class_case("cr1105", "", |i| {
        push(
            i,
            "options",
            json!({"id": "LocalOpt001", "name": "Intersex", "code": "3", "optionSet": {"id": SEX_SET}}),
        );
        find(i, "optionSets", SEX_SET)["options"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "LocalOpt001"}));
    });
    assert!(!codes(&control).contains("CR1105"));
    assert_eq!(
        conflicts(&found),
        [("CR1105".into(), SEX_SET.into())].into()
    );
    let m = found["conflicts"][0]["message"].as_str().unwrap();
    assert!(m.contains("`3` \"Intersex\""), "{m}");
    assert_eq!(found["summary"]["errors"], 0);
}

#[test]
fn class_cr1106_update_drops_fields() {
    let (control, found) = class_case("cr1106", "", |i| {
        push(
            i,
            "dataElements",
            json!({"id": "LocalDe0001", "name": "Local weight", "code": "LOCAL_WEIGHT"}),
        );
        let stage = i["programStages"][0]["id"].as_str().unwrap().to_string();
        find(i, "programStages", &stage)["programStageDataElements"]
            .as_array_mut()
            .unwrap()
            .push(json!({"dataElement": {"id": "LocalDe0001"}}));
    });
    assert!(!codes(&control).contains("CR1106"));
    assert_eq!(codes(&found), ["CR1106".to_string()].into());
    let m = found["conflicts"][0]["message"].as_str().unwrap();
    assert!(m.contains("LocalDe0001 \"Local weight\""), "{m}");
}

#[test]
fn class_cr1107_org_unit_missing() {
    let (control, found) = class_case(
        "cr1107",
        "access:\n  org_units: [OrgUnitAaa1, OrgUnitZzz9]\n",
        |i| {
            push(
                i,
                "organisationUnits",
                json!({"id": "OrgUnitAaa1", "name": "Exampleland"}),
            );
        },
    );
    // Without any org units in the export both are missing, and the message says to export them.
    assert_eq!(codes(&control), ["CR1107".to_string()].into());
    assert!(
        control["conflicts"][0]["message"]
            .as_str()
            .unwrap()
            .contains("export them too")
    );
    assert_eq!(
        conflicts(&found),
        [("CR1107".into(), "access.org_units[1]".into())].into()
    );
}

/// The same instance as gzip and as zip gives the same report; `validate.target` in the config
/// is read relative to the config; `crtk validate` shows the same findings.
#[test]
fn gzip_zip_and_config_target() {
    let dir = temp_dir("target-formats");
    let (instance, _) = national_instance();
    let bytes = serde_json::to_vec(&instance).unwrap();
    let plain = write_json(&dir, "instance.json", &instance);
    let gz = dir.join("instance.json.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&bytes).unwrap();
    enc.finish().unwrap();
    let zip_path = dir.join("metadata.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    zip.start_file(
        "metadata.json",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    zip.write_all(&bytes).unwrap();
    zip.finish().unwrap();
    let cfg = config(&dir, IDENTIFIER);
    let (a, _) = report(&cfg, &plain, &[]);
    let (b, _) = report(&cfg, &gz, &[]);
    let (c, _) = report(&cfg, &zip_path, &[]);
    assert!(!a["conflicts"].as_array().unwrap().is_empty());
    assert_eq!(a["conflicts"], b["conflicts"]);
    assert_eq!(a["conflicts"], c["conflicts"]);
    assert_eq!(a["plan"], c["plan"]);
    // validate.target, relative to the config.
    let cfg2 = config(&dir, IDENTIFIER);
    let text = std::fs::read_to_string(&cfg2)
        .unwrap()
        .replace("validate:\n", "validate:\n  target: metadata.zip\n");
    std::fs::write(&cfg2, text).unwrap();
    let out = crtk(&["validate", s(&cfg2), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let from_validate: BTreeSet<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    assert!(from_validate.is_superset(&codes(&a)), "{from_validate:?}");
}

#[test]
fn text_and_markdown_reports() {
    let dir = temp_dir("target-render");
    let (instance, _) = national_instance();
    let target = write_json(&dir, "instance.json", &instance);
    let cfg = config(&dir, IDENTIFIER);
    let text = crtk(&["target", "report", s(&cfg), "--target", s(&target)]);
    assert_eq!(text.status.code(), Some(1));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("error[CR1103]"), "{text}");
    assert!(
        text.contains("    bjDvmb4bfuf: TheirDeflt0  # the default categoryCombo (CR1103)\n"),
        "{text}"
    );
    assert!(text.contains("What the import does, per type:"));
    let md = crtk(&[
        "target",
        "report",
        s(&cfg),
        "--target",
        s(&target),
        "--format",
        "markdown",
    ]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("## Conflicts\n\n| severity |"), "{md}");
    assert!(md.contains("```yaml\n# Fix: merge"), "{md}");
    // Same inputs, same bytes.
    let again = crtk(&[
        "target",
        "report",
        s(&cfg),
        "--target",
        s(&target),
        "--format",
        "markdown",
    ]);
    assert_eq!(md, String::from_utf8_lossy(&again.stdout));
}

#[test]
fn package_file_against_target() {
    let dir = temp_dir("target-package");
    let mut instance = load(NCD_100);
    rewrite_uid(&mut instance, SEX_SET, "TheirSex001");
    let target = write_json(&dir, "instance.json", &instance);
    let out = crtk(&[
        "validate",
        s(&shared(NCD_101)),
        "--target",
        s(&target),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "E5003" && f["object"]["id"] == SEX_SET)
    );
}

#[test]
fn bad_target_exports_are_refused_with_the_place() {
    let dir = temp_dir("target-bad");
    let cfg = config(&dir, "");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"options\": [\n  {\"id\": \"AAAAAAAAAAA\",}\n]}").unwrap();
    let out = crtk(&["target", "report", s(&cfg), "--target", s(&broken)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.json: line 2, column"), "{err}");
    // A folder, a missing file, a zip with two JSON files.
    let out = crtk(&["target", "report", s(&cfg), "--target", s(&dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
    let out = crtk(&[
        "target",
        "report",
        s(&cfg),
        "--target",
        s(&dir.join("none.json")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let two = dir.join("two.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&two).unwrap());
    for name in ["a.json", "b.json"] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"{}").unwrap();
    }
    zip.finish().unwrap();
    let out = crtk(&["target", "report", s(&cfg), "--target", s(&two)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 `.json` files"));
    // A truncated gzip.
    let gz = dir.join("cut.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(b"{\"options\": [{\"id\": \"AAAAAAAAAAA\"}]}")
        .unwrap();
    let bytes = enc.finish().unwrap();
    std::fs::write(&gz, &bytes[..bytes.len() / 2]).unwrap();
    let out = crtk(&["target", "report", s(&cfg), "--target", s(&gz)]);
    assert_eq!(out.status.code(), Some(2));
    // --target-remap-defaults without a target.
    let out = crtk(&["validate", s(&cfg), "--target-remap-defaults"]);
    assert_eq!(out.status.code(), Some(2));
}
