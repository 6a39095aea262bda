//! A country's second version removes areas: its translation sheet still has their rows. Through
//! the binary: an empty row for a removed object is ignored with a note, a filled one is a warning
//! like a stale row (an error with --strict), never a hard stop; `translations export --update`
//! writes the new sheet keeping every still-valid translation of the old one.

mod common;

use common::crtk::{root, temp_dir};
use crtk::translations::{TranslationRow, read, to_csv};
use std::path::{Path, PathBuf};
use std::process::Output;

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

/// Two regions with two districts each; version 2 drops region 2 (and its districts) and district
/// 12. The French sheet is `fr.csv` beside the config.
fn config(dir: &Path, version: u32) -> PathBuf {
    let region_two = if version == 1 {
        "      - code: \"2\"\n        name: Southern\n        children:\n          - { code: \"21\", name: Riverside }\n          - { code: \"22\", name: Lakeshore }\n"
    } else {
        ""
    };
    let district_twelve = if version == 1 {
        "          - { code: \"12\", name: Hillcrest }\n"
    } else {
        ""
    };
    let yaml = format!(
        "country: {{code: XX, name: Exampleland}}\npackage:\n  version: 1.0.1-xx.{version}\n  base: {}\naddress:\n  levels: [Region, District]\n  areas:\n    tree:\n      - code: \"1\"\n        name: Northern\n        children:\n          - {{ code: \"11\", name: Northgate }}\n{district_twelve}{region_two}source_types:\n  - {{ code: \"01\", name: Central Hospital }}\n  - {{ code: \"02\", name: Pathology laboratory }}\nlanguages:\n  locales: [fr]\n  base_translations: [fr]\n  translations:\n    fr: fr.csv\n",
        official().display()
    );
    let path = dir.join(format!("v{version}.yaml"));
    std::fs::write(&path, yaml).unwrap();
    path
}

/// What a translator fills: every option (areas, source types) gets a French name; option groups
/// (one per parent region) stay empty.
fn fill(rows: &mut [TranslationRow]) {
    for row in rows.iter_mut() {
        if row.translation.is_empty() && row.object_type == "Option" {
            row.translation = format!("{} (fr)", row.source);
        }
    }
}

fn export(config: &Path, out: &Path, update: Option<&Path>) -> Output {
    let mut args = vec![
        "translations",
        "export",
        s(config),
        "--locale",
        "fr",
        "--out",
        s(out),
    ];
    if let Some(old) = update {
        args.extend(["--update", s(old)]);
    }
    crtk(&args)
}

#[test]
fn removed_objects_warn_or_note_and_update_keeps_the_valid_translations() {
    let dir = temp_dir("tr-removed");
    let v1 = config(&dir, 1);
    let v2 = config(&dir, 2);
    let sheet = dir.join("fr.csv");
    std::fs::write(&sheet, to_csv(&[], "en", "fr")).unwrap();

    // Version 1: export, translate the country's texts, build.
    let exported = dir.join("v1-export.csv");
    let out = export(&v1, &exported, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut rows: Vec<TranslationRow> = read(&exported, "en", "fr")
        .unwrap()
        .into_iter()
        .map(|r| r.row)
        .collect();
    fill(&mut rows);
    let filled = rows
        .iter()
        .filter(|r| r.translation.ends_with(" (fr)"))
        .count();
    assert_eq!(filled, 2 + 4 + 2, "2 regions, 4 districts, 2 source types");
    std::fs::write(&sheet, to_csv(&rows, "en", "fr")).unwrap();
    let out = crtk(&["build", s(&v1), "--out", s(&dir.join("d1"))]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains(": removed: "),
        "{}",
        text(&out.stderr)
    );

    // Version 2 with the version 1 sheet: builds (exit 0), warns for the four translated
    // options that are gone, notes the empty rows of the removed option group.
    let out = crtk(&["build", s(&v2), "--out", s(&dir.join("d2"))]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: ") && l.contains(": removed: "))
        .collect();
    assert_eq!(
        warnings.len(),
        4,
        "Southern, Riverside, Lakeshore, Hillcrest: {stderr}"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("fr.csv: row ") && w.contains("--update")),
        "{stderr}"
    );
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: ")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(
        notes[0].contains("row(s) name objects the package no longer has and have no translation"),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains(" 0 stale, "), "{stdout}");
    assert!(stdout.contains("wrote "), "{stdout}");

    // With --strict the translated rows of removed objects fail the build: exit 1, nothing written.
    let strict_out = dir.join("d2-strict");
    let out = crtk(&["build", s(&v2), "--out", s(&strict_out), "--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("error: "),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !strict_out.exists() || std::fs::read_dir(&strict_out).unwrap().next().is_none(),
        "nothing written"
    );

    // export --update: the new sheet keeps every still-valid translation, drops the removed rows
    // and says which, with their translations.
    let updated = dir.join("fr-v2.csv");
    let out = export(&v2, &updated, Some(&sheet));
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let dropped: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("note: ") && l.contains("is not kept"))
        .collect();
    assert_eq!(dropped.len(), 4, "{stderr}");
    assert!(
        dropped.iter().any(|l| l.contains("\"Southern (fr)\"")),
        "{stderr}"
    );
    let new_rows: Vec<TranslationRow> = read(&updated, "en", "fr")
        .unwrap()
        .into_iter()
        .map(|r| r.row)
        .collect();
    let mut kept: Vec<&str> = new_rows
        .iter()
        .filter(|r| r.translation.ends_with(" (fr)"))
        .map(|r| r.translation.as_str())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "Central Hospital (fr)",
            "Northern (fr)",
            "Northgate (fr)",
            "Pathology laboratory (fr)"
        ]
    );
    assert!(text(&out.stdout).contains("kept "), "{}", text(&out.stdout));
    // The old sheet is never overwritten by its own update.
    let out = export(&v2, &sheet, Some(&sheet));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // Version 2 with the updated sheet: no warning, no note.
    std::fs::copy(&updated, &sheet).unwrap();
    let out = crtk(&["build", s(&v2), "--out", s(&dir.join("d3")), "--strict"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains(": removed: ") && !stderr.contains("note: "),
        "{stderr}"
    );
}

#[test]
fn an_empty_uid_is_still_refused() {
    let dir = temp_dir("tr-removed-empty-uid");
    let v1 = config(&dir, 1);
    let row = TranslationRow {
        object_type: "Option".into(),
        uid: String::new(),
        object_name: String::new(),
        property: "NAME".into(),
        source: "Northern".into(),
        translation: "Nord".into(),
    };
    std::fs::write(dir.join("fr.csv"), to_csv(&[row], "en", "fr")).unwrap();
    let out = crtk(&["build", s(&v1), "--out", s(&dir.join("d"))]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("row 2: the UID is empty"),
        "{}",
        text(&out.stderr)
    );
}
