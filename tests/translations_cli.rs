//! Translations end to end: the real binary exports sheets, a "translator" fills them, `crtk build`
//! imports them; stale rows, bad files and the samples.

mod common;

use crtk::translations::{TranslationRow, read, to_csv, to_xlsx};
use serde_json::Value;
use std::path::{Path, PathBuf};

use common::crtk::run as crtk;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-tr-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A config in `dir` with translation file `file` for `locale` (none when `file` is empty).
fn config(dir: &Path, locale: &str, file: &str, base: Option<&Path>) -> PathBuf {
    let mut yaml = String::from(
        "country: {code: XX, name: Exampleland}\nvalidate: {allow_placeholders: true}\npackage:\n  version: 1.0.1-xx.1\n",
    );
    if let Some(base) = base {
        yaml.push_str(&format!("  base: {}\n", base.display()));
    }
    if !file.is_empty() {
        yaml.push_str(&format!(
            "languages:\n  default: en\n  translations:\n    {locale}: {file}\n"
        ));
    }
    let path = dir.join("country.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

/// What a translator types: every kind of character a sheet can mangle.
fn fill(rows: &mut [TranslationRow]) {
    for (i, row) in rows.iter_mut().enumerate() {
        row.translation = match (row.property.as_str(), i % 4) {
            ("SHORT_NAME", _) => format!("Nome curto nº{i} çã"),
            (_, 0) => format!("Tradução «{}» nº{i}", row.source),
            (_, 1) => format!("Linha 1\nlinha 2; \"aspas\", vírgula {i}"),
            (_, 2) => format!("  espaços à volta {i}  "),
            _ => format!("=não é fórmula {i} <&> ção"),
        };
    }
}

/// `(uid, property) -> value` of every `locale` translation in a built package.
fn translations_in(package: &Value, locale: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (_, list) in package.as_object().unwrap() {
        let Some(objects) = list.as_array() else {
            continue;
        };
        for object in objects {
            for t in object["translations"].as_array().into_iter().flatten() {
                if t["locale"] == locale {
                    out.push((
                        object["id"].as_str().unwrap().to_string(),
                        t["property"].as_str().unwrap().to_string(),
                        t["value"].as_str().unwrap().to_string(),
                    ));
                }
            }
        }
    }
    out.sort();
    out
}

fn built_package(dir: &Path) -> Value {
    let file = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
        })
        .expect("a package was written");
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

fn round_trip(format: &str) {
    let dir = scratch(&format!("round-{format}"));
    let plain = config(&dir, "", "", None);
    let sheet = dir.join(format!("pt_PT.{format}"));
    let out = crtk(&[
        "translations",
        "export",
        "--locale",
        "pt_PT",
        "--out",
        s(&sheet),
        s(&plain),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The translator fills every row.
    let mut rows: Vec<TranslationRow> = read(&sheet, "en", "pt_PT")
        .unwrap()
        .into_iter()
        .map(|r| r.row)
        .collect();
    assert!(rows.len() > 200, "{} rows", rows.len());
    assert!(
        rows.iter().all(|r| r.translation.is_empty()),
        "nothing in pt_PT yet"
    );
    fill(&mut rows);
    let filled = match format {
        "csv" => to_csv(&rows, "en", "pt_PT"),
        _ => to_xlsx(&rows, "en", "pt_PT").unwrap(),
    };
    std::fs::write(&sheet, filled).unwrap();

    // Build with the filled sheet: every translation lands exactly.
    let with = config(
        &dir,
        "pt_PT",
        sheet.file_name().unwrap().to_str().unwrap(),
        None,
    );
    let out_dir = dir.join("out");
    let out = crtk(&["build", s(&with), "--out", s(&out_dir)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("translations pt_PT: {} applied", rows.len())),
        "{stdout}"
    );
    let n = rows.len();
    assert!(
        stdout.contains(&format!("translations pt_PT: {n}/{n} texts (100.0%)")),
        "{stdout}"
    );
    let mut expected: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.uid.clone(), r.property.clone(), r.translation.clone()))
        .collect();
    expected.sort();
    assert_eq!(translations_in(&built_package(&out_dir), "pt_PT"), expected);

    // Exporting again shows the same translations, byte for byte.
    let again = dir.join(format!("again.{format}"));
    let out = crtk(&[
        "translations",
        "export",
        "--locale",
        "pt_PT",
        "--out",
        s(&again),
        s(&with),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let back: Vec<TranslationRow> = read(&again, "en", "pt_PT")
        .unwrap()
        .into_iter()
        .map(|r| r.row)
        .collect();
    assert_eq!(back, rows);
}

#[test]
fn xlsx_round_trip_reproduces_translations_exactly() {
    round_trip("xlsx");
}

#[test]
fn csv_round_trip_reproduces_translations_exactly() {
    round_trip("csv");
}

#[test]
fn export_is_deterministic_and_lists_base_translations() {
    let dir = scratch("determinism");
    let plain = config(&dir, "", "", None);
    let (a, b) = (dir.join("a.xlsx"), dir.join("b.xlsx"));
    for path in [&a, &b] {
        let out = crtk(&[
            "translations",
            "export",
            "--locale",
            "fr",
            "--out",
            s(path),
            s(&plain),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "same bytes"
    );
    let out = crtk(&["translations", "export", "--locale", "es", s(&plain)]);
    let csv = text(&out.stdout);
    assert!(csv.starts_with(
        "\u{feff}Object type,UID,Object name,Property,Source text (en),Translation (es)\r\n"
    ));
    assert!(csv.contains("Program,"), "grouped by type, program first");
    assert!(
        csv.contains("Tracked entity type,MCPQUTHX1Ze,Person,NAME,Person,Persona"),
        "the base ships Spanish"
    );
    assert!(
        !csv.contains("CR - Topography)"),
        "ICD-O-3 labels only on request"
    );
    let out = crtk(&[
        "translations",
        "export",
        "--locale",
        "es",
        "--include-code-lists",
        s(&plain),
    ]);
    assert!(text(&out.stdout).contains("(CR - Topography)"));
}

#[test]
fn export_rejects_bad_locales() {
    let dir = scratch("bad-locale");
    let plain = config(&dir, "", "", None);
    for (locale, expected) in [
        ("pt-BR", "did you mean `pt_BR`?"),
        ("en", "own language"),
        ("zz", "ISO 639-1"),
    ] {
        let out = crtk(&["translations", "export", "--locale", locale, s(&plain)]);
        assert_eq!(out.status.code(), Some(2), "{locale}");
        assert!(
            text(&out.stderr).contains(expected),
            "{}",
            text(&out.stderr)
        );
    }
}

/// A copy of the shipped base with the English name of data element `uid` changed.
fn base_with_renamed(dir: &Path, uid: &str, name: &str) -> PathBuf {
    let mut base: Value = serde_json::from_slice(
        &std::fs::read(root().join("base-package/NCD_CR/NCD_CR.json")).unwrap(),
    )
    .unwrap();
    for de in base["dataElements"].as_array_mut().unwrap() {
        if de["id"] == uid {
            de["formName"] = Value::String(name.into());
        }
    }
    let path = dir.join("base.json");
    std::fs::write(&path, serde_json::to_vec(&base).unwrap()).unwrap();
    path
}

#[test]
fn changed_source_text_is_stale_warned_or_fatal_with_strict() {
    let dir = scratch("stale");
    let plain = config(&dir, "", "", None);
    let sheet = dir.join("de.csv");
    let out = crtk(&[
        "translations",
        "export",
        "--locale",
        "de",
        "--out",
        s(&sheet),
        s(&plain),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut rows: Vec<TranslationRow> = read(&sheet, "en", "de")
        .unwrap()
        .into_iter()
        .map(|r| r.row)
        .collect();
    fill(&mut rows);
    std::fs::write(&sheet, to_csv(&rows, "en", "de")).unwrap();
    let row_number = rows
        .iter()
        .position(|r| r.uid == "c6EnHSAMUat" && r.property == "FORM_NAME")
        .unwrap()
        + 2;

    // The base's English text changes after the sheet was translated.
    let base = base_with_renamed(&dir, "c6EnHSAMUat", "Date of incidence");
    let cfg = config(&dir, "de", "de.csv", Some(&base));
    let out_dir = dir.join("out");
    let out = crtk(&["build", s(&cfg), "--out", s(&out_dir)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "warning: {}: row {row_number}: stale",
            sheet.display()
        )) && stderr.contains("\"Date of incidence\""),
        "{stderr}"
    );
    let applied = translations_in(&built_package(&out_dir), "de");
    assert!(
        !applied
            .iter()
            .any(|(uid, p, _)| uid == "c6EnHSAMUat" && p == "FORM_NAME"),
        "not applied"
    );
    assert_eq!(applied.len(), rows.len() - 1);
    assert!(text(&out.stdout).contains("1 stale"));

    let strict_dir = dir.join("strict");
    let out = crtk(&["build", s(&cfg), "--out", s(&strict_dir), "--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&format!(
        "error: {}: row {row_number}: stale",
        sheet.display()
    )));
    assert!(!strict_dir.exists(), "nothing written");
}

/// Builds with a translation file holding `bytes`; must fail with exit 2, write nothing and say
/// every one of `expected`.
fn rejects(name: &str, file: &str, bytes: &[u8], expected: &[&str]) {
    let dir = scratch(name);
    std::fs::write(dir.join(file), bytes).unwrap();
    let cfg = config(&dir, "fr", file, None);
    let out_dir = dir.join("out");
    let out = crtk(&["build", s(&cfg), "--out", s(&out_dir)]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    for e in expected {
        assert!(stderr.contains(e), "{name}: expected `{e}` in:\n{stderr}");
    }
    assert!(stderr.contains(file), "{name}: names the file: {stderr}");
    assert!(!out_dir.exists(), "{name}: nothing written");
}

const HEADER: &str = "Object type,UID,Object name,Property,Source text (en),Translation (fr)\n";

#[test]
fn bad_headers_are_rejected_with_the_row() {
    rejects(
        "wrong-header",
        "fr.csv",
        b"Object type,UID,Object name,Property,Source text (en),Traduction\nOption,x,y,NAME,Male,Homme\n",
        &["row 1", "unknown column `Traduction`", "Translation (fr)"],
    );
    rejects(
        "missing-header",
        "fr.csv",
        b"Object type,Object name,Property,Source text (en),Translation (fr)\n",
        &["row 1", "lacks the column(s) `UID`"],
    );
    rejects(
        "other-locale",
        "fr.csv",
        b"Object type,UID,Object name,Property,Source text (en),Translation (es)\n",
        &["row 1", "`es`", "expects `fr`"],
    );
    rejects("empty", "fr.csv", b"", &["is empty"]);
}

#[test]
fn bad_rows_are_all_reported_with_their_rows() {
    let long = "x".repeat(51);
    let base: Value = serde_json::from_slice(
        &std::fs::read(root().join("base-package/NCD_CR/NCD_CR.json")).unwrap(),
    )
    .unwrap();
    let assign = base["programRuleActions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["programRuleActionType"] == "ASSIGN" && a["content"].is_string())
        .map(|a| (a["id"].as_str().unwrap(), a["content"].as_str().unwrap()));
    let mut body = format!(
        "{HEADER}\
Data element,c6EnHSAMUat,,FORM_NAME,Incidence date,Date d'incidence\n\
Data element,c6EnHSAMUat,,form_name,Incidence date,Date de l'incidence\n\
Data element,c6EnHSAMUat,,CONTENT,Incidence date,Contenu\n\
Option set,c6EnHSAMUat,,NAME,CR - Incidence date,Mauvais type\n\
Data element,tasm9QG8HaF,,SHORT_NAME,CR - Age,{long}\n"
    );
    let mut expected = vec![
        "row 3: translates FORM_NAME of `c6EnHSAMUat` again (row 2 already does)",
        "row 4: `CONTENT` is not a translatable property of a Data element",
        "row 5: the object type says `Option set`",
        "row 6: the translated short name has 51 characters",
    ];
    // (A row for a UID the package lacks is not fatal: tests/translations_removed.rs.)
    // An ASSIGN action's content names a variable: not a text (once the base has rules).
    if let Some((id, content)) = assign {
        body.push_str(&format!("Rule message,{id},,CONTENT,\"{content}\",x\n"));
        expected.push("row 7: the CONTENT of");
    }
    let count = format!("{} problem(s)", expected.len());
    expected.push(&count);
    rejects("bad-rows", "fr.csv", body.as_bytes(), &expected);
}

#[test]
fn unreadable_files_are_rejected() {
    rejects(
        "protected",
        "fr.xlsx",
        &std::fs::read(root().join("tests/data/translations/password-protected.xlsx")).unwrap(),
        &["password-protected"],
    );
    let rows = vec![TranslationRow::default()];
    let mut truncated = to_xlsx(&rows, "en", "fr").unwrap();
    truncated.truncate(truncated.len() / 2);
    rejects(
        "truncated",
        "fr.xlsx",
        &truncated,
        &["cannot be read as an XLSX workbook"],
    );
    rejects(
        "not-zip",
        "fr.xlsx",
        HEADER.as_bytes(),
        &["is not an XLSX workbook"],
    );
    let latin1 = [
        HEADER.as_bytes(),
        b"Option,a1234567890,,NAME,Female,F\xE9minin\n",
    ]
    .concat();
    rejects(
        "latin1",
        "fr.csv",
        &latin1,
        &["line 2", "byte 0xE9 is not UTF-8", "CSV UTF-8"],
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(HEADER.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    rejects("utf16", "fr.csv", &utf16, &["UTF-16"]);
    rejects(
        "yaml-key",
        "fr.yaml",
        b"- uid: c6EnHSAMUat\n  property: NAME\n  sorce: CR - Incidence date\n",
        &["entry 1", "unknown field `sorce`"],
    );
    rejects("missing", "fr.xlsx", b"", &["is not an XLSX workbook"]);
}

#[test]
fn yaml_translation_files_work() {
    let dir = scratch("yaml");
    std::fs::write(
        dir.join("rw.yaml"),
        "- type: Data element\n  uid: c6EnHSAMUat\n  property: FORM_NAME\n  source: Incidence date\n  translation: Itariki yo kumenyekana\n",
    )
    .unwrap();
    let cfg = config(&dir, "rw", "rw.yaml", None);
    let out_dir = dir.join("out");
    let out = crtk(&["build", s(&cfg), "--out", s(&out_dir)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        translations_in(&built_package(&out_dir), "rw"),
        vec![(
            "c6EnHSAMUat".into(),
            "FORM_NAME".into(),
            "Itariki yo kumenyekana".into()
        )]
    );
    let total = crtk(&[
        "translations",
        "export",
        "--locale",
        "rw",
        s(&config(&dir, "", "", None)),
    ]);
    let total = text(&total.stdout).lines().count() - 1;
    let line = format!("translations rw: 1/{total} texts (");
    assert!(
        text(&out.stdout).contains(&line),
        "{line} in {}",
        text(&out.stdout)
    );
}

#[test]
fn samples_use_spanish_and_french_sheets_and_report_completeness() {
    for (sample, locale, uid_property, value) in [
        ("chile", "es", "NAME", "Registro Poblacional de Cáncer"),
        ("rwanda", "fr", "NAME", "Registre du cancer du Rwanda"),
    ] {
        let out_dir = scratch(&format!("sample-{sample}"));
        let cfg = root().join(format!("country-configs/{sample}/country.yaml"));
        let out = crtk(&["build", s(&cfg), "--out", s(&out_dir)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("translations {locale}: ")) && l.contains(" texts "))
            .unwrap_or_else(|| panic!("no completeness for {locale}: {stdout}"));
        let counts = line.split(' ').nth(2).unwrap();
        let (done, total) = counts.split_once('/').unwrap();
        assert!(done == total && line.ends_with("(100.0%)"), "{line}");
        assert!(stdout.contains("ICD-O-3 code-list labels"), "{stdout}");
        assert!(stdout.contains("0 stale"), "{stdout}");
        let package = built_package(&out_dir);
        let program = package["programs"][0]["id"].as_str().unwrap().to_string();
        assert!(
            translations_in(&package, locale).contains(&(
                program,
                uid_property.into(),
                value.into()
            )),
            "{sample}"
        );
    }
}
