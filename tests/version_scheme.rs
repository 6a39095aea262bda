//! Country package versions `<base version>-<cc>.<major>.<minor>`: `crtk diff --check-version`
//! asks a country's breaking change for a higher country major, never another base version.

mod common;

use common::crtk::{root, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

fn config(dir: &Path, name: &str, version: &str, districts: &[(&str, &str)]) -> PathBuf {
    let base =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let children: Vec<String> = districts
        .iter()
        .map(|(code, name)| format!("{{ code: '{code}', name: {name} }}"))
        .collect();
    let text = format!(
        "country: {{ code: GH, name: Ghana }}\npackage: {{ version: {version}, base: {} }}\nvalidate: {{ allow_placeholders: true }}\naddress:\n  levels: [Region, District]\n  areas:\n    tree:\n      - code: '1'\n        name: Greater Accra\n        children: [{}]\n",
        serde_json::to_string(base.to_str().unwrap()).unwrap(),
        children.join(", ")
    );
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// `crtk diff OLD NEW --check-version`: (exit code, stderr).
fn check(old: &Path, new: &Path) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("--check-version")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const THREE: &[(&str, &str)] = &[("11", "Accra"), ("12", "Tema"), ("13", "Ga East")];
const TWO: &[(&str, &str)] = &[("11", "Accra"), ("12", "Tema")];
const FOUR: &[(&str, &str)] = &[
    ("11", "Accra"),
    ("12", "Tema"),
    ("13", "Ga East"),
    ("14", "Ga West"),
];

#[test]
fn a_breaking_change_needs_the_country_major() {
    let dir = temp_dir("version-scheme");
    let v1 = config(&dir, "v1", "1.0.1-gh.1.0", THREE);
    // A district removed is breaking: a minor bump is refused, naming the country major.
    let minor = config(&dir, "minor", "1.0.1-gh.1.1", TWO);
    let (code, stderr) = check(&v1, &minor);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("need the country's major version raised")
            && stderr.contains("use 1.0.1-gh.2.0 (the base version 1.0.1 stays true)"),
        "{stderr}"
    );
    let major = config(&dir, "major", "1.0.1-gh.2.0", TWO);
    let (code, stderr) = check(&v1, &major);
    assert_eq!(code, Some(0), "{stderr}");
    // A district added is not breaking: the minor bump fits.
    let added = config(&dir, "added", "1.0.1-gh.1.1", FOUR);
    let (code, stderr) = check(&v1, &added);
    assert_eq!(code, Some(0), "{stderr}");
    // No bump at all is refused.
    let same = config(&dir, "same", "1.0.1-gh.1.0", FOUR);
    assert_eq!(check(&v1, &same).0, Some(1));
    // The short form `<base>-<cc>.<n>` reads as major n.
    let short_old = config(&dir, "short-old", "1.0.1-gh.1", THREE);
    let short_new = config(&dir, "short-new", "1.0.1-gh.2", TWO);
    let (code, stderr) = check(&short_old, &short_new);
    assert_eq!(code, Some(0), "{stderr}");
    let short_minor = config(&dir, "short-minor", "1.0.1-gh.1.1", TWO);
    assert_eq!(check(&short_old, &short_minor).0, Some(1));
}
