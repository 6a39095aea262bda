//! `crtk build` end to end: the real binary on real files.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::crtk::run as crtk;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

const EXAMPLE_NAME: &str = "NCD_CR_XX_TRK_1.0.1-xx.1_DHIS2.42-en.json";

#[test]
fn example_builds_byte_identically_twice() {
    let example = root().join("country-configs/example.yaml");
    let (a, b) = (scratch("twice-a"), scratch("twice-b"));
    for dir in [&a, &b] {
        let out = crtk(&[
            "build",
            example.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let first = std::fs::read(a.join(EXAMPLE_NAME)).unwrap();
    let second = std::fs::read(b.join(EXAMPLE_NAME)).unwrap();
    assert!(first == second, "two builds differ");
    let package: serde_json::Value = serde_json::from_slice(&first).unwrap();
    let header = &package["package"];
    assert_eq!(header["code"], "NCD_CR_XX");
    assert_eq!(header["version"], "1.0.1-xx.1");
    assert_eq!(header["locale"], "en");
    assert_eq!(
        header["lastUpdated"], "20260617T120943",
        "from the base, never the clock"
    );
    assert!(first.ends_with(b"}\n"));
}

#[test]
fn source_date_epoch_stamps_the_header() {
    let dir = scratch("epoch");
    let example = root().join("country-configs/example.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args([
            "build",
            example.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "1776846264")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(EXAMPLE_NAME)).unwrap()).unwrap();
    assert_eq!(package["package"]["lastUpdated"], "20260422T082424");
}

/// Runs a build of `config_text` that must fail with exit 2, write nothing, and say `expected`.
fn assert_bad_config(name: &str, config_text: &str, expected: &[&str]) {
    let dir = scratch(name);
    let config = dir.join("country.yaml");
    std::fs::write(&config, config_text).unwrap();
    let out_dir = dir.join("out");
    let out = crtk(&[
        "build",
        config.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains(config.to_str().unwrap()),
        "{name}: names the file: {message}"
    );
    for part in expected {
        assert!(
            message.contains(part),
            "{name}: expected `{part}` in: {message}"
        );
    }
    assert!(!out_dir.exists(), "{name}: a failed build wrote something");
}

#[test]
fn malformed_yaml_names_line_and_column() {
    assert_bad_config(
        "malformed-yaml",
        "country:\n  code: XX\n  name: \"Exampleland\n",
        &["country.yaml:4:1", "end of stream"],
    );
    assert_bad_config("tab-yaml", "country:\n\tcode: XX\n", &["country.yaml:2:"]);
}

#[test]
fn unknown_key_is_named_with_a_suggestion() {
    assert_bad_config(
        "unknown-key",
        "country:\n  code: XX\n  name: X\npackge:\n  version: 1.0.0\n",
        &[
            "country.yaml:4:1",
            "unknown key `packge`",
            "did you mean `package`?",
        ],
    );
    assert_bad_config(
        "unknown-nested-key",
        "country:\n  code: XX\n  nmae: X\npackage:\n  version: 1.0.0\n",
        &["unknown key `nmae` in `country`", "did you mean `name`?"],
    );
}

#[test]
fn missing_field_is_named() {
    assert_bad_config(
        "missing-field",
        "country:\n  code: XX\npackage:\n  version: 1.0.0\n",
        &["`country`", "missing field `name`"],
    );
}

#[test]
fn wrong_values_are_explained() {
    assert_bad_config(
        "bad-code",
        "country:\n  code: xx\n  name: X\npackage:\n  version: 1.0.0\n",
        &["`country.code`", "upper-case"],
    );
}

#[test]
fn missing_config_file_is_named() {
    let dir = scratch("missing-config");
    let config = dir.join("nowhere.yaml");
    let out = crtk(&[
        "build",
        config.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nowhere.yaml"), "{}", stderr(&out));
    assert!(!dir.join("out").exists());
}

#[test]
fn malformed_base_json_names_line_and_column() {
    let dir = scratch("bad-base");
    std::fs::write(
        dir.join("base.json"),
        "{\n  \"options\": [\n    {\"id\": \"a\",}\n  ]\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("country.yaml"),
        "country: {code: XX, name: X}\npackage: {version: 1.0.0, base: base.json}\n",
    )
    .unwrap();
    let out = crtk(&[
        "build",
        dir.join("country.yaml").to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("base.json:3:16: malformed JSON"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn output_over_an_input_is_refused_and_earlier_output_survives_a_failure() {
    let dir = scratch("over-input");
    let example = root().join("country-configs/example.yaml");
    let out_dir = dir.join("out");
    let ok = crtk(&[
        "build",
        example.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let built = out_dir.join(EXAMPLE_NAME);
    let before = std::fs::read(&built).unwrap();

    // A base whose file name is the very name the build would write: refused, base untouched.
    let base_dir = dir.join("base");
    let base = base_dir.join("NCD_CR_XX_XX_TRK_1.0.1-xx.1_DHIS2.42-en.json");
    std::fs::create_dir_all(&base_dir).unwrap();
    std::fs::copy(&built, &base).unwrap();
    let refused = crtk(&[
        "build",
        example.to_str().unwrap(),
        "--out",
        base_dir.to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("refusing to write the output over an input"),
        "{}",
        stderr(&refused)
    );
    assert!(
        std::fs::read(&base).unwrap() == before,
        "the input was overwritten"
    );

    // A failing build leaves the earlier output untouched.
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "country: {code: XX, name: X}\npackage: {version: 1.0.1-xx.1, base: nowhere.json}\n",
    )
    .unwrap();
    let failed = crtk(&[
        "build",
        bad.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(
        std::fs::read(&built).unwrap() == before,
        "earlier output damaged"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
    // The package and its CanReg5 field mapping.
    assert_eq!(leftovers.len(), 2, "no temp files left behind");
}

#[test]
fn every_command_has_help() {
    for args in [vec!["--help"], vec!["build", "--help"]] {
        let out = crtk(&args);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
}
