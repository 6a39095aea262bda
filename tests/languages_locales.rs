//! A country chooses its locales (`languages.locales`), through the binary: other locales are not
//! reported (build completeness, CR703) and, with `drop_other_locales`, not in the build; and
//! percentages are rounded, never 100.0% unless complete.

mod common;

use common::crtk::{build_package, root, temp_dir};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn official() -> PathBuf {
    root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json")
}

use common::crtk::run as crtk;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn config(dir: &Path, name: &str, languages: &str) -> PathBuf {
    let mut yaml = format!(
        "country: {{code: XX, name: Exampleland}}\nvalidate: {{allow_placeholders: true}}\npackage:\n  version: 1.0.1-xx.1\n  base: {}\n",
        official().display()
    );
    if !languages.is_empty() {
        yaml.push_str(&format!("languages:\n{languages}"));
    }
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, yaml).unwrap();
    path
}

/// The CR703 findings of `crtk validate --format json INPUT`, as their messages.
fn cr703(input: &Path) -> Vec<String> {
    let out = crtk(&["validate", s(input), "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CR703")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// Every locale of every `translations` entry, nested ones included.
fn locales_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(list)) = map.get("translations") {
                for t in list {
                    out.insert(t["locale"].as_str().unwrap_or("").to_string());
                }
            }
            map.values().for_each(|v| locales_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| locales_in(v, out)),
        _ => {}
    }
}

#[test]
fn only_the_chosen_locales_are_reported() {
    let dir = temp_dir("lang-locales");
    // Without a choice and without translations of its own, the base's stray partial locales
    // are not the country's concern: validation reports none (the build report lists them).
    let all = config(&dir, "all", "");
    let found = cr703(&all);
    assert!(found.is_empty(), "{found:?}");
    let out = crtk(&["build", s(&all), "--out", s(&dir.join("o-all"))]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("translations es: "));

    // `locales: [fr]`: French only, in the build report and in validation.
    let fr = config(&dir, "fr", "  locales: [fr]\n");
    let found = cr703(&fr);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("locale `fr` translates 13 of 268 texts (4.9%)"),
        "{found:?}"
    );
    let out = crtk(&["build", s(&fr), "--out", s(&dir.join("o-fr"))]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let reported: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("translations "))
        .collect();
    assert_eq!(
        reported,
        ["translations fr: 13/268 texts (4.9%)"],
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("CR703").count(), 1, "{stderr}");
    assert!(stderr.contains("locale `fr` translates"), "{stderr}");
    // Not dropped unless asked: the official base's other locales stay in the package.
    let mut locales = BTreeSet::new();
    locales_in(&build_package(&fr, &dir.join("o-fr2")), &mut locales);
    assert!(
        locales.contains("es") && locales.contains("ar"),
        "{locales:?}"
    );

    // A chosen locale with the base sheets: complete, so no CR703 at all.
    let complete = config(
        &dir,
        "complete",
        "  locales: [fr]\n  base_translations: [fr]\n",
    );
    assert_eq!(cr703(&complete), Vec::<String>::new());
}

#[test]
fn drop_other_locales_removes_them_from_the_build() {
    let dir = temp_dir("lang-drop");
    let fr = config(
        &dir,
        "fr",
        "  locales: [fr]\n  drop_other_locales: true\n  base_translations: [fr]\n",
    );
    let out_dir = dir.join("out");
    let out = crtk(&["build", s(&fr), "--out", s(&out_dir)]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains(" other locale(s): ar 19, ar_EG 16, ")
            && stdout.contains(" (languages.drop_other_locales)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("translations fr: 268/268 texts (100.0%)"),
        "{stdout}"
    );
    let package = build_package(&fr, &dir.join("out2"));
    let mut locales = BTreeSet::new();
    locales_in(&package, &mut locales);
    assert_eq!(locales, BTreeSet::from(["fr".to_string()]));
    // The built package, validated on its own, knows nothing of the config: fr is all it has.
    let written = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
        })
        .unwrap();
    assert_eq!(cr703(&written), Vec::<String>::new());

    // A locale kept that is not listed is a config error naming the key.
    let bad = config(&dir, "bad", "  locales: [fr]\n  base_translations: [es]\n");
    let out = crtk(&["build", s(&bad), "--out", s(&dir.join("bad"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("languages.base_translations[0]"),
        "{}",
        text(&out.stderr)
    );
}

/// A package of `total` data elements, `translated` of them with a French name.
fn package(dir: &Path, total: usize, translated: usize) -> PathBuf {
    let elements: Vec<Value> = (0..total)
        .map(|i| {
            let translations = if i < translated {
                json!([{"locale": "fr", "property": "NAME", "value": format!("Élément {i}")}])
            } else {
                json!([])
            };
            json!({"id": format!("a{i:010}"), "name": format!("Element {i}"), "translations": translations})
        })
        .collect();
    let path = dir.join(format!("p{translated}-{total}.json"));
    let value = json!({"package": {"name": "t", "DHIS2Version": "2.42", "locale": "en"}, "dataElements": elements});
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

#[test]
fn percentages_are_rounded_and_never_claim_completeness() {
    let dir = temp_dir("lang-percent");
    for (translated, total, shown) in [
        (13, 15, "13 of 15 texts (86.7%)"),
        (1999, 2000, "1999 of 2000 texts (99.9%)"),
        (1, 3, "1 of 3 texts (33.3%)"),
        (2, 3, "2 of 3 texts (66.7%)"),
    ] {
        let found = cr703(&package(&dir, total, translated));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains(shown), "{found:?}");
    }
    assert_eq!(cr703(&package(&dir, 20, 20)), Vec::<String>::new());
}
