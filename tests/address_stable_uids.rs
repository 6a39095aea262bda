//! Stable UIDs: adding one area to a config changes only that area's objects and its parent's
//! group (plus the list of options of the option set it joins); every other object is
//! byte-identical. Rebuilding the same inputs gives the same bytes.

mod common;

use common::crtk::{build, build_package, root, temp_dir};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// `(kind, id) -> object` for every object in a package.
fn index(package: &Value) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for (kind, items) in package.as_object().unwrap() {
        if let Some(items) = items.as_array() {
            for o in items {
                out.insert(
                    (kind.clone(), o["id"].as_str().unwrap().to_string()),
                    o.clone(),
                );
            }
        }
    }
    out
}

struct Diff {
    added: Vec<(String, String)>,
    removed: Vec<(String, String)>,
    changed: Vec<(String, String)>,
}

fn diff(before: &Value, after: &Value) -> Diff {
    let (a, b) = (index(before), index(after));
    Diff {
        added: b.keys().filter(|k| !a.contains_key(*k)).cloned().collect(),
        removed: a.keys().filter(|k| !b.contains_key(*k)).cloned().collect(),
        changed: a
            .iter()
            .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
            .map(|(k, _)| k.clone())
            .collect(),
    }
}

/// A copy of the whole Rwanda config folder (config, areas, translation files).
fn rwanda_copy(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    copy_dir(&root().join("country-configs/rwanda"), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn append(path: &Path, rows: &str) {
    let mut text = std::fs::read_to_string(path).unwrap();
    text.push_str(rows);
    std::fs::write(path, text).unwrap();
}

fn option_with_code<'a>(package: &'a Value, code: &str) -> &'a Value {
    package["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == code && o["optionSet"]["id"] == "Lk47XE45J7Y")
        .unwrap()
}

#[test]
fn adding_a_district_changes_only_it_and_its_province_group() {
    let dir = rwanda_copy("stable-district");
    let before = build_package(&dir.join("country.yaml"), &dir.join("out1"));
    append(
        &dir.join("rwanda_cr_province_district_optionsets.csv"),
        "2,104,104-New Kigali District,10,KIGALI,CR_District,\n",
    );
    let after = build_package(&dir.join("country.yaml"), &dir.join("out2"));
    let d = diff(&before, &after);
    let new_option = option_with_code(&after, "104")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(d.added, vec![("options".to_string(), new_option)]);
    assert!(d.removed.is_empty(), "{:?}", d.removed);
    let kigali_group = after["optionGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"].as_str().unwrap().contains("Province 10 (KIGALI)"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        d.changed,
        vec![
            ("optionGroups".to_string(), kigali_group),
            ("optionSets".to_string(), "Lk47XE45J7Y".to_string()),
        ]
    );
    // Every object both builds share is identical apart from those two.
    let (a, b) = (index(&before), index(&after));
    let set_before = &a[&("optionSets".to_string(), "Lk47XE45J7Y".to_string())]["options"];
    let set_after = &b[&("optionSets".to_string(), "Lk47XE45J7Y".to_string())]["options"];
    assert_eq!(
        set_after.as_array().unwrap().len(),
        set_before.as_array().unwrap().len() + 1
    );
}

#[test]
fn adding_a_province_with_a_district_adds_only_their_objects() {
    let dir = rwanda_copy("stable-province");
    let before = build_package(&dir.join("country.yaml"), &dir.join("out1"));
    append(
        &dir.join("rwanda_cr_province_district_optionsets.csv"),
        "1,70,DIASPORA,,,CR_Province,\n2,701,701-Diaspora,70,DIASPORA,CR_District,\n",
    );
    let after = build_package(&dir.join("country.yaml"), &dir.join("out2"));
    let d = diff(&before, &after);
    let kinds: Vec<&str> = d.added.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "optionGroups",
            "options",
            "options",
            "programRuleActions",
            "programRules"
        ],
        "the province's option, group, rule and action and the district's option"
    );
    assert!(d.removed.is_empty());
    let province_set = after["dataElements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|de| de["name"] == "CR - Address - Province")
        .unwrap()["optionSet"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(d.changed, {
        let mut v = vec![
            ("optionSets".to_string(), "Lk47XE45J7Y".to_string()),
            ("optionSets".to_string(), province_set),
        ];
        v.sort();
        v
    });
}

#[test]
fn same_inputs_same_bytes() {
    let config = root().join("country-configs/kenya/country.yaml");
    let (one, two) = (temp_dir("bytes-1"), temp_dir("bytes-2"));
    assert!(build(&config, &one).status.success());
    assert!(build(&config, &two).status.success());
    // Every file written (the package and its CanReg5 field mapping), in name order.
    let read = |d: &Path| {
        let mut files: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read(f).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(read(&one), read(&two));
}
