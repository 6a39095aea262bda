//! crtk's French and Spanish sheets for the official NCD_CR 1.0.1 base, through the binary: one
//! config line (`languages.base_translations`) makes every user-facing text of the official base
//! translated, the official JSON stays byte-exact, and what the build adds is translations only.

mod common;

use common::crtk::{build_package, get, root, temp_dir};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The official NCD_CR 1.0.1 download (../shared/reference-packages/ncd-cr-official/SOURCES.md).
fn official() -> PathBuf {
    root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json")
}

const OFFICIAL_SHA256: &str = "b51f63fb0af969ab71cff897b809f5da85662bd28b8cea7f19e6c258dd225fe4";

use common::crtk::run as crtk;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A placeholder-allowing config on the official base with the given `languages:` body.
fn config(dir: &Path, languages: &str) -> PathBuf {
    let mut yaml = format!(
        "country: {{code: XX, name: Exampleland}}\nvalidate: {{allow_placeholders: true}}\npackage:\n  version: 1.0.1-xx.1\n  base: {}\n",
        official().display()
    );
    if !languages.is_empty() {
        yaml.push_str(&format!("languages:\n{languages}"));
    }
    let path = dir.join("country.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

/// The package with every `translations` list emptied.
fn without_translations(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if k == "translations" {
                        Value::Array(Vec::new())
                    } else {
                        without_translations(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_translations).collect()),
        other => other.clone(),
    }
}

fn translation<'a>(object: &'a Value, locale: &str, property: &str) -> Option<&'a str> {
    object["translations"]
        .as_array()?
        .iter()
        .find(|t| t["locale"] == locale && t["property"] == property)?["value"]
        .as_str()
}

#[test]
fn one_line_translates_every_user_facing_text_of_the_official_base_into_fr_and_es() {
    let official_bytes = std::fs::read(official()).unwrap();
    assert_eq!(
        Sha256::digest(&official_bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        OFFICIAL_SHA256,
        "the reference file is the official 1.0.1"
    );
    let dir = temp_dir("lang-base");
    let plain = config(&dir.join("plain").tap_mkdir(), "  locales: [fr, es]\n");
    let with = config(
        &dir.join("with").tap_mkdir(),
        "  locales: [fr, es]\n  base_translations: [fr, es]\n",
    );

    // Without the line: what the official package carries (13 of 268 French texts).
    let out = crtk(&[
        "build",
        plain.to_str().unwrap(),
        "--out",
        dir.join("o1").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("translations fr: 13/268 texts (4.9%)"),
        "{stdout}"
    );

    // With it: 268 of 268 in both locales, every row of the shipped sheets applies.
    let out = crtk(&[
        "build",
        with.to_str().unwrap(),
        "--out",
        dir.join("o2").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for locale in ["fr", "es"] {
        assert!(
            stdout.contains(&format!("translations {locale}: 268/268 texts (100.0%)")),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!("base translations {locale}: "))
                && stdout.contains(" 0 not applicable"),
            "{stdout}"
        );
    }
    // Every type is complete, not just the total.
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("  ") && l.ends_with('%'))
    {
        assert!(line.ends_with("100.0%"), "{line}");
    }
    assert!(
        !text(&out.stderr).contains("CR703"),
        "{}",
        text(&out.stderr)
    );

    // The official JSON is untouched and the build differs from the plain one in translations only.
    assert_eq!(std::fs::read(official()).unwrap(), official_bytes);
    let plain_package = build_package(&plain, &dir.join("o3"));
    let package = build_package(&with, &dir.join("o4"));
    assert_eq!(
        without_translations(&plain_package),
        without_translations(&package)
    );
    assert_ne!(plain_package, package);

    // Spot checks: an old text matched by name, one by code, one written for the official wording,
    // and an official mistranslation replaced.
    let address = get(&package, "dataElements", "xcUBzN5QFXu");
    assert_eq!(translation(address, "fr", "NAME"), Some("CR - Adresse"));
    assert_eq!(translation(address, "es", "FORM_NAME"), Some("Dirección"));
    let malignant = get(&package, "options", "WF7FQHUNCFu");
    assert_eq!(translation(malignant, "fr", "NAME"), Some("Malin (3)"));
    assert_eq!(translation(malignant, "es", "NAME"), Some("Maligno (3)"));
    let message = get(&package, "programRuleActions", "ZSfZVFo9x6N");
    assert_eq!(
        translation(message, "fr", "CONTENT"),
        Some("Variables obligatoires manquantes")
    );
    let family = get(&package, "trackedEntityAttributes", "nJsmdQXRoze");
    let official_family = get(&plain_package, "trackedEntityAttributes", "nJsmdQXRoze");
    assert_eq!(
        translation(official_family, "fr", "NAME"),
        Some("Nom (parent ou tuteur)")
    );
    assert_eq!(
        translation(family, "fr", "NAME"),
        Some("GEN - Nom de famille")
    );
}

#[test]
fn shipped_sheets_are_what_export_writes_and_need_no_files() {
    let dir = temp_dir("lang-base-export");
    let with = config(&dir, "  locales: [fr, es]\n  base_translations: [fr, es]\n");
    for locale in ["fr", "es"] {
        let sheet = dir.join(format!("{locale}.csv"));
        // Run from an empty folder: the sheets are inside the binary.
        let out = Command::new(env!("CARGO_BIN_EXE_crtk"))
            .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
            .current_dir(&dir)
            .args([
                "translations",
                "export",
                with.to_str().unwrap(),
                "--locale",
                locale,
            ])
            .args(["--out", sheet.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("(268 texts, 268 already translated"),
            "{}",
            text(&out.stdout)
        );
        let shipped = root().join(format!("base-package/NCD_CR/translations/{locale}.csv"));
        assert_eq!(
            std::fs::read(&sheet).unwrap(),
            std::fs::read(&shipped).unwrap(),
            "{locale}: the shipped sheet is byte for byte a crtk export of the official base"
        );
    }
}

#[test]
fn provenance_lists_every_shipped_row_and_every_unused_old_row() {
    let dir = root().join("base-package/NCD_CR/translations");
    let read = |name: &str| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(dir.join(name)).unwrap();
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    let provenance = read("provenance.csv");
    for locale in ["fr", "es"] {
        let sheet = crtk::translations::base_sheet(locale).unwrap().unwrap();
        let rows: Vec<&Vec<String>> = provenance.iter().filter(|r| r[0] == locale).collect();
        assert_eq!(
            rows.len(),
            sheet.len(),
            "{locale}: one provenance row per sheet row"
        );
        for (p, s) in rows.iter().zip(&sheet) {
            assert_eq!(
                (p[2].as_str(), p[3].as_str()),
                (s.row.uid.as_str(), s.row.property.as_str())
            );
            assert!(
                ["code", "name", "official", "new"].contains(&p[4].as_str()),
                "{p:?}"
            );
        }
    }
    let unmatched = read("unmatched.csv");
    assert!(unmatched.iter().all(|r| !r[5].is_empty()), "each says why");
    assert_eq!(unmatched.iter().filter(|r| r[0] == "fr").count(), 42);
}

trait Mkdir {
    fn tap_mkdir(self) -> Self;
}

impl Mkdir for PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}
