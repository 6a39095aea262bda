//! `crtk diff` and `crtk build --previous` end to end: the real binary on real files.

mod diff_support;

mod common;

use crtk::package::{Header, Package, to_canonical_string};
use diff_support::areas::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

use common::crtk::run as crtk;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-diff-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn example() -> PathBuf {
    root().join("country-configs/example.yaml")
}

fn built() -> Package {
    crtk::build::build(&example(), &Default::default())
        .unwrap()
        .package
}

fn set_version(p: &mut Package, version: &str) {
    let Header::Package(map) = &mut p.header else {
        panic!()
    };
    map.insert("version".into(), json!(version));
}

fn write(dir: &Path, name: &str, p: &Package) -> String {
    let path = dir.join(name);
    std::fs::write(&path, to_canonical_string(p)).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_config_against_its_own_build_has_no_changes() {
    let dir = scratch("self");
    let package = write(&dir, "built.json", &built());
    let out = crtk(&[
        "diff",
        example().to_str().unwrap(),
        &package,
        "--fail-on",
        "any",
        "--check-version",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("No changes."),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn fail_on_and_check_version_set_the_exit_code() {
    let dir = scratch("codes");
    let old = built();
    let old_path = write(&dir, "old.json", &old);

    // A rename with a version bump: passes --fail-on breaking and --check-version, fails --fail-on any.
    let mut renamed = old.clone();
    rename_option(&mut renamed, SOURCE_TYPE_SET, "PLACEHOLDER_1", "Hospital");
    set_version(&mut renamed, "1.0.1-xx.2");
    let renamed_path = write(&dir, "renamed.json", &renamed);
    let out = crtk(&[
        "diff",
        &old_path,
        &renamed_path,
        "--fail-on",
        "breaking",
        "--check-version",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = crtk(&["diff", &old_path, &renamed_path, "--fail-on", "any"]);
    assert_eq!(out.status.code(), Some(1));

    // The same change without a bump fails --check-version.
    let mut unbumped = renamed.clone();
    set_version(&mut unbumped, "1.0.1-xx.1");
    let unbumped_path = write(&dir, "unbumped.json", &unbumped);
    let out = crtk(&["diff", &old_path, &unbumped_path, "--check-version"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not bumped"),
        "{}",
        text(&out.stderr)
    );

    // Removing an option is breaking: --fail-on breaking fails; a minor bump fails the version
    // check, a major bump passes it.
    let mut removed = old.clone();
    remove_option(&mut removed, ADDRESS_SET, "99");
    set_version(&mut removed, "1.0.2-xx.1");
    let removed_path = write(&dir, "removed.json", &removed);
    let out = crtk(&["diff", &old_path, &removed_path, "--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("option-removed"),
        "{}",
        text(&out.stdout)
    );
    let out = crtk(&["diff", &old_path, &removed_path, "--check-version"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("major"), "{}", text(&out.stderr));
    set_version(&mut removed, "2.0.0-xx.1");
    let major_path = write(&dir, "major.json", &removed);
    let out = crtk(&["diff", &old_path, &major_path, "--check-version"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // --ignore hides a change.
    let out = crtk(&[
        "diff",
        &old_path,
        &renamed_path,
        "--fail-on",
        "any",
        "--ignore",
        "options.name",
        "--ignore",
        "package.version",
        "--ignore",
        "package.name",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn formats_and_bad_arguments() {
    let dir = scratch("formats");
    let old = built();
    let mut new = old.clone();
    rename_option(&mut new, SOURCE_TYPE_SET, "PLACEHOLDER_1", "Hospital");
    let (a, b) = (write(&dir, "a.json", &old), write(&dir, "b.json", &new));
    let out = crtk(&["diff", &a, &b, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "crtk-diff/1");
    assert_eq!(v["objects"][0]["fields"][0]["path"], "name");
    assert_eq!(v["objects"][0]["fields"][0]["new"], "Hospital");
    let out = crtk(&["diff", &a, &b, "--format", "html"]);
    let html = text(&out.stdout);
    assert!(
        html.starts_with("<!DOCTYPE html>")
            && html.contains("Hospital")
            && !html.contains("<script src")
            && !html.contains("<link")
    );
    // Piped, the text format has no colour.
    let out = crtk(&["diff", &a, &b]);
    assert!(!text(&out.stdout).contains('\u{1b}'));

    let out = crtk(&["diff", &a, &b, "--ignore", "a..b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("empty segment"),
        "{}",
        text(&out.stderr)
    );
    let out = crtk(&["diff", &a, dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.json"));
    let out = crtk(&["diff", &a, &b, "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn build_with_previous_writes_the_diff_next_to_the_package() {
    let dir = scratch("previous");
    let mut previous = built();
    rename_option(&mut previous, SOURCE_TYPE_SET, "PLACEHOLDER_1", "Hospital");
    let previous_path = write(&dir, "previous.json", &previous);
    let out_dir = dir.join("dist");
    let out = crtk(&[
        "build",
        example().to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--previous",
        &previous_path,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stem = "NCD_CR_XX_TRK_1.0.1-xx.1_DHIS2.42-en";
    let markdown = std::fs::read_to_string(out_dir.join(format!("{stem}.diff.md"))).unwrap();
    assert!(
        markdown.contains("Hospital → Placeholder - 1"),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join(format!("{stem}.diff.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(json["objects"].as_array().unwrap().len(), 1);
    assert!(out_dir.join(format!("{stem}.json")).exists());

    // An unreadable previous package writes nothing.
    let empty = dir.join("dist2");
    let out = crtk(&[
        "build",
        example().to_str().unwrap(),
        "--out",
        empty.to_str().unwrap(),
        "--previous",
        dir.join("nope.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!empty.join(format!("{stem}.json")).exists());
}

/// Keys of the rows of the markdown table under `## <section>` in docs/diff-json.md.
fn documented_keys(section: &str) -> std::collections::BTreeSet<String> {
    let doc = std::fs::read_to_string(root().join("docs/diff-json.md")).unwrap();
    let start = doc
        .find(&format!("## {section}\n"))
        .unwrap_or_else(|| panic!("section {section}"));
    doc[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| l[..l.find('`').unwrap()].to_string())
        .collect()
}

#[test]
fn json_output_uses_only_documented_keys() {
    let dir = scratch("schema");
    let old = built();
    let mut new = old.clone();
    rename_option(
        &mut new,
        SOURCE_TYPE_SET,
        "PLACEHOLDER_1",
        "A long name for a hospital source type, long enough for words",
    );
    remove_option(&mut new, ADDRESS_SET, "99");
    set_translation(&mut new, "optionSets", SEX_SET, "fr", "NAME", "Sexe");
    let (a, b) = (write(&dir, "a.json", &old), write(&dir, "b.json", &new));
    let out = crtk(&["diff", &a, &b, "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (objects, fields) = (
        documented_keys("ObjectChange"),
        documented_keys("FieldChange"),
    );
    assert!(objects.contains("status") && fields.contains("path"));
    let mut seen_words = false;
    for o in v["objects"].as_array().unwrap() {
        for key in o.as_object().unwrap().keys() {
            assert!(objects.contains(key), "undocumented object key `{key}`");
        }
        for f in o["fields"].as_array().unwrap() {
            for key in f.as_object().unwrap().keys() {
                assert!(fields.contains(key), "undocumented field key `{key}`");
            }
            seen_words |= f.get("words").is_some();
        }
    }
    assert!(seen_words);
    let top: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        top,
        ["header", "new", "objects", "old", "schema", "summary"]
    );
}
