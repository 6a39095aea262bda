//! `crtk diff` for reviewers, end to end through the binary on real packages:
//! - official NCD_CR 1.0.0 -> 1.0.1: 0 behaviour changes, every cosmetic change classified, the 22
//!   regrouped rules exactly those the release note lists;
//! - `--fail-on any` ignores cosmetic changes unless `--cosmetic`;
//! - a cascade adaptation (Kenya built on the official base): added rules readable in words, groups
//!   by member names, the cascades recognised, breaking entries without duplicates;
//! - one entry per real problem when a field moves to another option set; renumbering one entry per set.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn official(version: &str) -> PathBuf {
    root().join(format!(
        "../shared/reference-packages/ncd-cr-official/NCD_CR_{version}_DHIS2.42.4-en.json"
    ))
}

fn crtk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env(
            "CRTK_ALLOW_PATH",
            std::env::join_paths([
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
                std::env::temp_dir(),
            ])
            .unwrap(),
        )
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run crtk")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-review-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn diff(format: &str, old: &Path, new: &Path) -> String {
    let out = crtk(&[
        "diff",
        "--format",
        format,
        old.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn official_patch_release_has_no_behaviour_change_and_every_cosmetic_change_classified() {
    let (old, new) = (official("1.0.0"), official("1.0.1"));
    let json: Value = serde_json::from_str(&diff("json", &old, &new)).unwrap();
    let summary = &json["summary"];
    assert_eq!(summary["behaviour_changes"], 0, "{summary}");
    assert_eq!(
        summary["reformatted"],
        json!([{"kind": "programRules", "whitespace": 121, "regrouped": 22}])
    );
    // 18 option groups, 2 rules' action lists, 1 data element group (measured with a plain
    // Python comparison of the two files: same members, other order).
    assert_eq!(summary["lists_reordered"], 21);
    // The one object that really changed: the program's front-page list, incident date and version.
    assert_eq!(summary["other_changes"], 1);
    let objects = json["objects"].as_array().unwrap();
    let mut regrouped = BTreeSet::new();
    for object in objects {
        if object["kind"] == "programs" {
            continue;
        }
        for field in object["fields"].as_array().unwrap() {
            assert!(
                field["cosmetic"].is_string(),
                "unclassified change: {object}"
            );
            assert!(field.get("words").is_none(), "word diff: {object}");
            if field["cosmetic"] == "regrouped" {
                regrouped.insert(object["id"].as_str().unwrap().to_string());
            }
        }
    }
    // The release note's table of the 22 re-parenthesised rules.
    let note = std::fs::read_to_string(
        root().join("../shared/reference-packages/ncd-cr-official/release_note.md"),
    )
    .unwrap();
    let listed: BTreeSet<String> = note
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(String::from)
        .collect();
    assert_eq!(listed.len(), 22);
    assert_eq!(regrouped, listed);

    let markdown = diff("markdown", &old, &new);
    assert!(
        markdown.contains(
            "**0 behaviour changes; 143 rules reformatted (121 whitespace, 22 regrouped), 21 lists reordered; 1 other object differs.**"
        ),
        "{markdown}"
    );
    assert!(!markdown.contains("<del>"), "word diffs in the markdown");
    assert!(markdown.contains("Cosmetic changes, same behaviour (164)"));
    assert!(markdown.contains("regrouped (same behaviour)"));
}

#[test]
fn fail_on_any_ignores_cosmetic_changes_unless_asked() {
    let (old, new) = (official("1.0.0"), official("1.0.1"));
    let args = |extra: &[&str], new: &Path| {
        let mut a = vec!["diff", "--format", "json", "--fail-on", "any"];
        a.extend_from_slice(extra);
        a.push(old.to_str().unwrap());
        let new = new.to_str().unwrap().to_string();
        crtk(&[a.as_slice(), &[new.as_str()]].concat())
            .status
            .code()
    };
    // The program's settings really changed: that counts.
    assert_eq!(args(&[], &new), Some(1));
    // 1.0.1 with 1.0.0's program: only cosmetic changes left.
    let mut cosmetic = load(&new);
    cosmetic["programs"] = load(&old)["programs"].clone();
    let dir = scratch("cosmetic");
    let path = dir.join("cosmetic.json");
    std::fs::write(&path, serde_json::to_string(&cosmetic).unwrap()).unwrap();
    assert_eq!(args(&[], &path), Some(0));
    assert_eq!(args(&["--cosmetic"], &path), Some(1));
}

/// Kenya (county / constituency / ward) built on the official 1.0.1, once for all tests.
fn kenya() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = scratch("kenya");
        let run = crtk(&[
            "build",
            root()
                .join("country-configs/kenya/country.yaml")
                .to_str()
                .unwrap(),
            "--base",
            official("1.0.1").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
            })
            .expect("a package")
    })
}

#[test]
fn cascade_adaptation_is_readable() {
    let markdown = diff("markdown", &official("1.0.1"), kenya());
    for want in [
        "- County → Constituency (added): 47 parents, 47 rules, every Constituency option reachable (290)",
        "- Constituency → Ward (added): 290 parents, 290 rules, every Ward option reachable (1450)",
        // An added rule: its condition as code, in words, and its action in words.
        "  - condition: <code>d2:hasValue(#{address\\_county}) &amp;&amp; #{address\\_county} == '21'</code>",
        "  - in words: “CR - Address - County” has a value and “CR - Address - County” is '21'",
        "  - action: Show only the options of group “CR - Address - Constituency of County 21 (Murang'A)” in “CR - Address - Constituency”",
        // An added group: its members by name and code.
        "Kiharu (106)",
        // Plain additions of many options to one set: one line per set, by code.
        "- + 47 options added to CR - Address - County: Mombasa (01), Kwale (02), ",
    ] {
        assert!(markdown.contains(want), "missing {want:?}");
    }
    assert!(
        !markdown.contains("variable <code>address"),
        "added rules flagged as affected"
    );
    // The breaking list: one line per removed placeholder option, each naming its set.
    let json: Value = serde_json::from_str(&diff("json", &official("1.0.1"), kenya())).unwrap();
    let breaking: Vec<String> = json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["breaking"].as_array().into_iter().flatten())
        .map(|b| b["reason"].as_str().unwrap().to_string())
        .collect();
    let distinct: BTreeSet<&String> = breaking.iter().collect();
    assert_eq!(distinct.len(), breaking.len(), "{breaking:#?}");
    assert_eq!(breaking.len(), 6, "{breaking:#?}");
}

#[test]
fn a_field_moved_to_another_option_set_is_one_entry_and_users_are_not_breaking() {
    let old = load(&official("1.0.1"));
    let mut new = old.clone();
    // Type of source `Mqz5dPrwWho` moves from `oLd4FAXHFvB` to a new set holding PLACEHOLDER_1
    // and PLACEHOLDER_2 under new UIDs; PLACEHOLDER_X is gone.
    let options: Vec<Value> = new["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["optionSet"]["id"] == "oLd4FAXHFvB")
        .cloned()
        .collect();
    assert_eq!(options.len(), 3);
    let mut moved = Vec::new();
    for (i, o) in options.iter().enumerate() {
        if o["code"] == "PLACEHOLDER_X" {
            continue;
        }
        let mut o = o.clone();
        o["id"] = json!(format!("Nw0000000{i:02}"));
        o["optionSet"] = json!({"id": "NwSet000001"});
        moved.push(o);
    }
    let mut set = new["optionSets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "oLd4FAXHFvB")
        .unwrap()
        .clone();
    set["id"] = json!("NwSet000001");
    set["name"] = json!("CR - Type of source (new)");
    set["code"] = json!("CR_SOURCE_NEW");
    set["options"] = json!(
        moved
            .iter()
            .map(|o| json!({"id": o["id"]}))
            .collect::<Vec<_>>()
    );
    let options = new["options"].as_array_mut().unwrap();
    options.retain(|o| o["optionSet"]["id"] != "oLd4FAXHFvB");
    options.extend(moved);
    let sets = new["optionSets"].as_array_mut().unwrap();
    sets.retain(|s| s["id"] != "oLd4FAXHFvB");
    sets.push(set);
    for de in new["dataElements"].as_array_mut().unwrap() {
        if de["id"] == "Mqz5dPrwWho" {
            de["optionSet"] = json!({"id": "NwSet000001"});
        }
    }
    // A user of the exporting instance, gone: not a problem for an import.
    let mut old = old;
    old["users"] = json!([{"id": "UsEr0000001", "name": "admin", "username": "admin"}]);
    let dir = scratch("moved");
    let (a, b) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&a, serde_json::to_string(&old).unwrap()).unwrap();
    std::fs::write(&b, serde_json::to_string(&new).unwrap()).unwrap();
    let json: Value = serde_json::from_str(&diff("json", &a, &b)).unwrap();
    let objects = json["objects"].as_array().unwrap();
    let breaking: Vec<(&str, &str)> = objects
        .iter()
        .flat_map(|o| {
            o["breaking"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |b| (o["kind"].as_str().unwrap(), b["rule"].as_str().unwrap()))
        })
        .collect();
    assert_eq!(
        breaking,
        vec![("dataElements", "option-set-changed")],
        "{json:#}"
    );
    let reason =
        objects.iter().find(|o| o["id"] == "Mqz5dPrwWho").unwrap()["breaking"][0]["reason"]
            .as_str()
            .unwrap()
            .to_string();
    assert!(
        reason.contains("1 stored code(s) are not in the new set (`PLACEHOLDER_X`)"),
        "{reason}"
    );
    let moved: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "options" && o["status"] == "uid_changed")
        .collect();
    assert_eq!(moved.len(), 2, "{json:#}");
    assert!(
        !objects
            .iter()
            .any(|o| o["kind"] == "options" && o["status"] == "added")
    );
    assert!(
        objects
            .iter()
            .any(|o| o["kind"] == "users" && o["status"] == "removed")
    );
}

#[test]
fn inserting_an_area_is_one_renumbering_entry_per_option_set() {
    let old = load(kenya());
    let mut new = old.clone();
    // A new county inserted after the first: every later county moves down one.
    let set_id = old["dataElements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "CR - Address - County")
        .unwrap()["optionSet"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let options = new["options"].as_array_mut().unwrap();
    let mut later = 0;
    for o in options.iter_mut() {
        if o["optionSet"]["id"] == set_id.as_str() && o["sortOrder"].as_i64().unwrap() >= 2 {
            o["sortOrder"] = json!(o["sortOrder"].as_i64().unwrap() + 1);
            later += 1;
        }
    }
    assert_eq!(later, 46);
    options.push(
        json!({"id": "NewCounty01", "code": "48", "name": "New County",
        "sortOrder": 2, "optionSet": {"id": set_id}}),
    );
    for s in new["optionSets"].as_array_mut().unwrap() {
        if s["id"] == set_id.as_str() {
            s["options"]
                .as_array_mut()
                .unwrap()
                .insert(1, json!({"id": "NewCounty01"}));
        }
    }
    let dir = scratch("renumber");
    let (a, b) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&a, serde_json::to_string(&old).unwrap()).unwrap();
    std::fs::write(&b, serde_json::to_string(&new).unwrap()).unwrap();
    let json: Value = serde_json::from_str(&diff("json", &a, &b)).unwrap();
    assert_eq!(
        json["renumbered"],
        json!([{"option_set": set_id, "name": "CR - Address - County", "options": 46,
            "inserted": ["New County"], "removed": [], "order_kept": true}])
    );
    let changed_options = json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "options" && o["status"] == "changed")
        .count();
    assert_eq!(changed_options, 0);
    let markdown = diff("markdown", &a, &b);
    assert!(
        markdown.contains(&format!(
            "- CR - Address - County <code>{set_id}</code>: 46 option(s) renumbered after inserting New County"
        )),
        "{markdown}"
    );
}

#[test]
fn sharing_and_labels_of_rules_are_not_behaviour() {
    // HIV_CS 0.1.0 -> 9.9.9: every rule, action and variable gained `sharing` (33 + 47 + 37), 27
    // rules and 7 actions new translations; only the 47 actions' new `evaluationEnvironments`
    // (where an action runs) change behaviour.
    let dir = root().join("../shared/reference-packages");
    let json: Value = serde_json::from_str(&diff(
        "json",
        &dir.join("HIV_CS_TRK_0.1.0_DHIS2.34.6-en.json"),
        &dir.join("HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json"),
    ))
    .unwrap();
    assert_eq!(json["summary"]["behaviour_changes"], 47);
    // 2 program indicator groups, 2 rules' actions, 1 data element group, 1 indicator group
    // (counted with a plain Python comparison of the files).
    assert_eq!(json["summary"]["lists_reordered"], 6);
}

#[test]
fn a_cascade_that_loses_a_child_says_which_is_unreachable() {
    let old = load(kenya());
    let mut new = old.clone();
    let mut dropped = String::new();
    for group in new["optionGroups"].as_array_mut().unwrap() {
        if group["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("CR - Address - Ward of Constituency 183 "))
        {
            let members = group["options"].as_array_mut().unwrap();
            dropped = members.remove(0)["id"].as_str().unwrap().to_string();
        }
    }
    let name = old["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == dropped.as_str())
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = scratch("unreachable");
    let (a, b) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&a, serde_json::to_string(&old).unwrap()).unwrap();
    std::fs::write(&b, serde_json::to_string(&new).unwrap()).unwrap();
    let markdown = diff("markdown", &a, &b);
    assert!(
        markdown.contains(&format!(
            "- Constituency → Ward (changed): 290 parents, 290 rules, **1 of 1450 Ward options in no group shown**: {name}"
        )),
        "{markdown}"
    );
    // The untouched level is not reported.
    assert!(!markdown.contains("County → Constituency"), "{markdown}");
}
