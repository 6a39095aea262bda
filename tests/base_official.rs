//! The shipped base is the official NCD_CR 1.0.1, byte-exact; every sample builds on it keeping
//! every official UID and adding nothing that collides with it (E5003, E4057); the official files
//! validate as base-package/README.md says; an upgrade 1.0.0 -> 1.0.1 shows only the upstream
//! change; a base crtk cannot identify still builds, with a warning.

mod common;

use common::crtk::{build, objects, root, temp_dir};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SHA_1_0_1: &str = "b51f63fb0af969ab71cff897b809f5da85662bd28b8cea7f19e6c258dd225fe4";
const SHA_1_0_0: &str = "fcffb17b61b13ef8420530936dd704d92912ee4499cc6192863953182b2989d6";
const PROGRAM: &str = "AbPGPdlFWqc";

/// Every sample config, the example included.
const SAMPLES: &[&str] = &[
    "rwanda/country.yaml",
    "kenya/country.yaml",
    "chile/country.yaml",
    "zimbabwe/country.yaml",
    "maldives/country.yaml",
    "jamaica/country.yaml",
    "example.yaml",
];

fn official(version: &str) -> PathBuf {
    root().join(format!(
        "../shared/reference-packages/ncd-cr-official/NCD_CR_{version}_DHIS2.42.4-en.json"
    ))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

use common::crtk::run as crtk;

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The one package `crtk build` wrote into `out`.
fn written(out: &Path) -> Value {
    let files: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.to_string_lossy().ends_with(".canreg5-mapping.json"))
        .collect();
    assert_eq!(files.len(), 1, "{}", out.display());
    load(&files[0])
}

fn id(o: &Value) -> &str {
    o["id"].as_str().unwrap()
}

/// kind -> ids, for every object list of a package.
fn ids(package: &Value) -> BTreeMap<String, BTreeSet<String>> {
    package
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(kind, list)| {
            let list = list.as_array()?;
            Some((
                kind.clone(),
                list.iter().map(|o| id(o).to_string()).collect(),
            ))
        })
        .collect()
}

#[test]
fn the_shipped_base_is_the_official_1_0_1_byte_exact() {
    let shipped = std::fs::read(root().join("base-package/NCD_CR/NCD_CR.json")).unwrap();
    assert_eq!(sha256(&shipped), SHA_1_0_1);
    assert_eq!(shipped, std::fs::read(official("1.0.1")).unwrap());
    assert_eq!(
        sha256(&std::fs::read(official("1.0.0")).unwrap()),
        SHA_1_0_0
    );
    // Nothing else in base-package/ claims to be NCD_CR (beside it: crtk's translation sheets).
    let jsons: Vec<PathBuf> = std::fs::read_dir(root().join("base-package/NCD_CR"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(jsons, [root().join("base-package/NCD_CR/NCD_CR.json")]);
}

/// The findings of `crtk validate --format json` on `path`: (code, severity, object id).
fn findings(path: &Path) -> (Option<i32>, Vec<(String, String, String)>) {
    let out = crtk(&["validate", "--format", "json", path.to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["object"]["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (out.status.code(), list)
}

#[test]
fn the_official_files_validate_as_documented() {
    let warnings = [
        ("CR604", "warning", "zUJgewiwU3m"),
        ("CR703", "warning", ""),
    ]
    .map(|(c, s, o)| (c.to_string(), s.to_string(), o.to_string()));
    let (code, got) = findings(&official("1.0.1"));
    assert_eq!(code, Some(0));
    assert_eq!(got, warnings, "1.0.1");

    // 1.0.0: the 7 flat chains over 64 terms that crash DHIS2 2.42 on save.
    let (code, got) = findings(&official("1.0.0"));
    assert_eq!(code, Some(1));
    let mut flat: Vec<&str> = got
        .iter()
        .filter(|f| f.0 == "CR603")
        .map(|f| f.2.as_str())
        .collect();
    flat.sort();
    assert_eq!(
        flat,
        [
            "ClGHCk8bAez",
            "FHhE9prqA5v",
            "KnAi5ItRorR",
            "PVZAiKL9CXi",
            "UzlMHkXXZ1i",
            "VwlbG6qekZ6",
            "pPErjbooDVp"
        ]
    );
    let rest: Vec<_> = got.into_iter().filter(|f| f.0 != "CR603").collect();
    assert_eq!(rest, warnings, "1.0.0 besides CR603");
}

/// The placeholder options a country replaces (Address `01`, `02`, `99`; `PLACEHOLDER_*`).
fn placeholders(base: &Value) -> BTreeSet<String> {
    objects(base, "options")
        .into_iter()
        .filter(|o| {
            let set = o["optionSet"]["id"].as_str().unwrap();
            let code = o["code"].as_str().unwrap();
            (set == "Lk47XE45J7Y" && ["01", "02", "99"].contains(&code))
                || (set == "oLd4FAXHFvB" && code.starts_with("PLACEHOLDER_"))
        })
        .map(|o| id(o).to_string())
        .collect()
}

/// Properties DHIS2 keeps unique per type (E5003, UniquenessCheck), for the types crtk adds.
const UNIQUE: &[(&str, &[&str])] = &[
    ("dataElements", &["name", "shortName", "code"]),
    ("trackedEntityAttributes", &["name", "shortName", "code"]),
    ("optionSets", &["name", "code"]),
    ("optionGroups", &["name", "shortName", "code"]),
    ("userGroups", &["name", "code"]),
];

/// The collisions of the objects `package` adds to `base`: (kind, property, value).
fn collisions(base: &Value, package: &Value) -> Vec<String> {
    let base_ids = ids(base);
    let added = |kind: &str| -> Vec<&Value> {
        objects(package, kind)
            .into_iter()
            .filter(|o| !base_ids.get(kind).is_some_and(|ids| ids.contains(id(o))))
            .collect()
    };
    let mut found = Vec::new();
    for (kind, properties) in UNIQUE {
        for property in *properties {
            let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
            // The build's own versions of official objects (renamed ones included) first.
            for o in objects(package, kind) {
                if base_ids.get(*kind).is_some_and(|ids| ids.contains(id(o)))
                    && let Some(v) = o[*property].as_str()
                {
                    seen.insert(v, id(o));
                }
            }
            for o in added(kind) {
                if let Some(v) = o[*property].as_str()
                    && let Some(other) = seen.insert(v, id(o))
                {
                    found.push(format!(
                        "E5003 {kind} {property} `{v}`: {} and {other}",
                        id(o)
                    ));
                }
            }
        }
    }
    // E4057: rule names unique within the program.
    let mut names: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for rule in objects(package, "programRules") {
        let key = (
            rule["program"]["id"].as_str().unwrap(),
            rule["name"].as_str().unwrap(),
        );
        if let Some(other) = names.insert(key, id(rule)) {
            found.push(format!("E4057 rule `{}`: {} and {other}", key.1, id(rule)));
        }
    }
    found
}

#[test]
fn every_sample_keeps_every_official_uid_and_adds_nothing_that_collides() {
    let base = load(&official("1.0.1"));
    let base_ids = ids(&base);
    let replaced = placeholders(&base);
    assert_eq!(replaced.len(), 6);
    for sample in SAMPLES {
        let out = temp_dir(&format!("official-{}", sample.replace('/', "-")));
        let config = root().join("country-configs").join(sample);
        let output = build(&config, &out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{sample}: {stderr}");
        assert!(
            !stderr.contains("base_version"),
            "{sample}: the shipped base is identified: {stderr}"
        );
        let package = written(&out);
        assert_eq!(package["programs"][0]["id"], PROGRAM);
        let built = ids(&package);
        let example = *sample == "example.yaml";
        for (kind, wanted) in &base_ids {
            let have = built.get(kind).cloned().unwrap_or_default();
            let missing: Vec<&String> = wanted
                .iter()
                .filter(|id| !have.contains(*id))
                .filter(|id| example || !replaced.contains(*id))
                .collect();
            assert!(missing.is_empty(), "{sample}: {kind} lost {missing:?}");
        }
        if !example {
            for placeholder in &replaced {
                assert!(
                    !built["options"].contains(placeholder),
                    "{sample}: placeholder {placeholder} left"
                );
            }
        }
        let found = collisions(&base, &package);
        eprintln!("{sample}: E5003/E4057 collisions: {}", found.len());
        assert!(found.is_empty(), "{sample}: {found:#?}");
        // The cascade rules follow the official Site -> Topography pattern: one SHOWOPTIONGROUP
        // per rule, on the program and the Tumor stage.
        let added: Vec<&Value> = objects(&package, "programRuleActions")
            .into_iter()
            .filter(|a| !base_ids["programRuleActions"].contains(id(a)))
            .filter(|a| a["programRuleActionType"] == "SHOWOPTIONGROUP")
            .collect();
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for action in &added {
            *per_rule
                .entry(action["programRule"]["id"].as_str().unwrap())
                .or_default() += 1;
        }
        assert!(per_rule.values().all(|n| *n == 1), "{sample}");
    }
}

#[test]
fn the_collision_check_can_fail() {
    let base = load(&official("1.0.1"));
    let mut package = base.clone();
    let mut set = package["optionSets"][0].clone();
    set["id"] = "NewSet00001".into();
    package["optionSets"].as_array_mut().unwrap().push(set);
    let mut rule = package["programRules"][0].clone();
    rule["id"] = "NewRule0001".into();
    package["programRules"].as_array_mut().unwrap().push(rule);
    let found = collisions(&base, &package);
    assert_eq!(found.len(), 3, "{found:#?}");
}

/// A copy of sample `sample` in a temp folder (the config's data files beside it), with an extra
/// config `old.yaml` that builds it on the official 1.0.0.
fn on_1_0_0(sample: &str) -> (PathBuf, PathBuf) {
    let source = root().join("country-configs").join(sample);
    let dir = temp_dir(&format!("upgrade-{}", sample.replace('/', "-")));
    let from = source.parent().unwrap();
    copy_dir(from, &dir, sample == "example.yaml");
    let name = source.file_name().unwrap();
    let config = dir.join(name);
    let text = std::fs::read_to_string(&config).unwrap();
    let old = text
        .replacen("version: 1.0.1-", "version: 1.0.0-", 1)
        .replacen(
            "\npackage:\n",
            &format!(
                "\npackage:\n  base: {}\n",
                official("1.0.0").canonicalize().unwrap().display()
            ),
            1,
        );
    assert_ne!(old, text);
    std::fs::write(dir.join("old.yaml"), old).unwrap();
    (dir.join("old.yaml"), config)
}

fn copy_dir(from: &Path, to: &Path, only_yaml: bool) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            if !only_yaml {
                std::fs::create_dir_all(&target).unwrap();
                copy_dir(&path, &target, false);
            }
        } else if !only_yaml || path.file_name().unwrap() == "example.yaml" {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn upgrading_every_sample_from_1_0_0_shows_only_the_upstream_change() {
    let v100 = ids(&load(&official("1.0.0")));
    for sample in SAMPLES {
        let (old, new) = on_1_0_0(sample);
        let out = crtk(&[
            "diff",
            "--format",
            "json",
            "--fail-on",
            "breaking",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{sample}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let diff: Value = serde_json::from_slice(&out.stdout).unwrap();
        let changed = diff["objects"].as_array().unwrap();
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for object in changed {
            let kind = object["kind"].as_str().unwrap();
            assert_eq!(object["status"], "changed", "{sample}: {object}");
            assert!(
                v100[kind].contains(object["id"].as_str().unwrap()),
                "{sample}: a change to an object that is not official: {object}"
            );
            assert_eq!(object["breaking"], Value::Array(vec![]), "{sample}");
            *kinds.entry(kind).or_default() += 1;
        }
        // 22 rebalanced conditions and 121 that differ in whitespace, 2 rules whose action
        // lists and 18 option groups and 1 data element group whose members are only reordered;
        // the program's version and two display flags.
        assert_eq!(
            kinds,
            BTreeMap::from([
                ("dataElementGroups", 1),
                ("optionGroups", 18),
                ("programRules", 145),
                ("programs", 1)
            ]),
            "{sample}"
        );
        let header: Vec<&str> = diff["header"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["path"].as_str().unwrap())
            .collect();
        assert_eq!(header, ["name", "version"], "{sample}");
    }
}

#[test]
fn a_build_on_1_0_0_is_refused_for_its_flat_chains() {
    let out = temp_dir("build-on-1.0.0");
    let config = root().join("country-configs/kenya/country.yaml");
    let run = crtk(&[
        "build",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base",
        official("1.0.0").to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("error[CR603]"), "{stderr}");
    // The version mismatch is named too.
    assert!(
        stderr.contains("does not start with the base's version `1.0.0`"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn an_unknown_base_builds_with_a_warning_and_base_version_names_it() {
    let dir = temp_dir("unknown-base");
    // The official bytes plus one trailing newline: same package, another sha256.
    let mut bytes = std::fs::read(official("1.0.1")).unwrap();
    bytes.push(b'\n');
    std::fs::write(dir.join("base.json"), &bytes).unwrap();
    let example = std::fs::read_to_string(root().join("country-configs/example.yaml")).unwrap();
    let config = example.replacen("\npackage:\n", "\npackage:\n  base: base.json\n", 1);
    std::fs::write(dir.join("plain.yaml"), &config).unwrap();
    let run = crtk(&[
        "build",
        dir.join("plain.yaml").to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("cannot tell its version") && stderr.contains("package.base_version"),
        "{stderr}"
    );
    let named = config.replacen("\npackage:\n", "\npackage:\n  base_version: 1.0.1\n", 1);
    std::fs::write(dir.join("named.yaml"), named).unwrap();
    let run = crtk(&[
        "build",
        dir.join("named.yaml").to_str().unwrap(),
        "--out",
        dir.join("out2").to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!stderr.contains("version"), "{stderr}");
    assert!(
        dir.join("out2/NCD_CR_XX_TRK_1.0.1-xx.1_DHIS2.42-en.json")
            .exists()
    );
}

#[test]
fn build_all_takes_a_base() {
    let dir = temp_dir("all-base");
    std::fs::create_dir_all(dir.join("configs")).unwrap();
    std::fs::copy(
        root().join("country-configs/example.yaml"),
        dir.join("configs/example.yaml"),
    )
    .unwrap();
    let mut bytes = std::fs::read(official("1.0.1")).unwrap();
    bytes.push(b'\n');
    std::fs::write(dir.join("other.json"), &bytes).unwrap();
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        dir.join("configs").to_str().unwrap(),
        "--out",
        dir.join("dist").to_str().unwrap(),
        "--base",
        dir.join("other.json").to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest = std::fs::read_to_string(dir.join("dist/manifest.json")).unwrap();
    assert!(manifest.contains(&sha256(&bytes)), "{manifest}");
}
