//! Issue 15, items 3, 6 and 7: nesting and size limits (rule expressions, YAML, XLSX), package
//! structure, control characters and CSV formulas, SOURCE_DATE_EPOCH, long parent chains.

mod hardening_support;
use hardening_support::*;
use serde_json::{Value, json};
use std::path::Path;

/// The official package with the first rule's condition and first action's data replaced.
fn with_expression(dir: &Path, name: &str, condition: &str, data: &str) -> std::path::PathBuf {
    edited_official(dir, name, |p| {
        p["programRules"][0]["condition"] = Value::String(condition.into());
        p["programRuleActions"][0]["data"] = Value::String(data.into());
    })
}

#[test]
fn deep_and_long_expressions_are_located_errors_not_crashes() {
    let dir = scratch("expr");
    let config = dir.join("c.yaml");
    std::fs::write(&config, minimal_config("")).unwrap();
    let nested = format!("{}1{}", "(".repeat(7000), ")".repeat(7000));
    let nots = format!("{}true", "!".repeat(100_000));
    let chain = vec!["1"; 100_000].join(" + ");
    let calls = format!("{}1{}", "d2:floor(".repeat(10_000), ")".repeat(10_000));
    for (what, text) in [
        ("nested", &nested),
        ("nots", &nots),
        ("chain", &chain),
        ("calls", &calls),
    ] {
        let package = with_expression(&dir, &format!("{what}.json"), text, "true");
        let run = crtk(&["validate", s(&package), "--format", "json"]);
        assert_eq!(run.code, Some(1), "{what}: {}", run.stderr);
        assert!(
            run.stdout.contains("nested too deeply") || run.stdout.contains("too long"),
            "{what}: {}",
            &run.stdout[..run.stdout.len().min(3000)]
        );
        let package = with_expression(&dir, &format!("{what}-data.json"), "true", text);
        let run = crtk(&["validate", s(&package), "--format", "json"]);
        assert_eq!(run.code, Some(1), "{what} in data: {}", run.stderr);
        // The same base through build --base: an error, not a crash.
        let run = crtk(&[
            "build",
            s(&config),
            "--base",
            s(&package),
            "--out",
            s(&dir.join("out")),
        ]);
        assert!(
            matches!(run.code, Some(1) | Some(2)),
            "{what} build: {}",
            run.stderr
        );
    }
}

#[test]
fn yaml_alias_bombs_and_deep_nesting_are_refused() {
    let dir = scratch("yaml");
    let mut bomb = minimal_config("");
    bomb.push_str(
        "x0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "x{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    let config = dir.join("bomb.yaml");
    std::fs::write(&config, &bomb).unwrap();
    let run = crtk(&["validate", s(&config), "--base", OFFICIAL]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("aliases"), "{}", run.stderr);
    let deep = format!(
        "{}x: {}1{}\n",
        minimal_config(""),
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let config = dir.join("deep.yaml");
    std::fs::write(&config, deep).unwrap();
    let run = crtk(&["validate", s(&config), "--base", OFFICIAL]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("nest more than 64"), "{}", run.stderr);
}

/// An XLSX areas workbook built with rust_xlsxwriter, then `patch` applied to its parts.
fn areas_workbook(path: &Path, far_cell: bool, patch: impl Fn(&str, String) -> String) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, text) in ["code", "name", "parent"].iter().enumerate() {
        sheet.write_string(0, col as u16, *text).unwrap();
    }
    sheet.write_string(1, 0, "01").unwrap();
    sheet.write_string(1, 1, "North").unwrap();
    if far_cell {
        sheet.write_string(1_048_575, 16_383, "far").unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        let text = patch(&name, text);
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, text.as_bytes()).unwrap();
    }
    out.finish().unwrap();
}

fn xlsx_config(dir: &Path) -> std::path::PathBuf {
    let config = dir.join("c.yaml");
    std::fs::write(
        &config,
        minimal_config(
            "address:\n  levels: [Region]\n  areas:\n    xlsx: { file: areas.xlsx, code: code, name: name, parent: parent }\n",
        ),
    )
    .unwrap();
    config
}

#[test]
fn xlsx_declared_sizes_are_not_trusted() {
    let dir = scratch("xlsx");
    let config = xlsx_config(&dir);
    let out = dir.join("out");
    // One cell at XFD1048576: a 17-billion-cell grid.
    areas_workbook(&dir.join("areas.xlsx"), true, |_, t| t);
    let run = crtk(&["build", s(&config), "--base", OFFICIAL, "--out", s(&out)]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("a grid of"), "{}", run.stderr);
    // sharedStrings.xml declaring 4294967295 strings.
    areas_workbook(&dir.join("areas.xlsx"), false, |name, t| {
        if name.ends_with("sharedStrings.xml") {
            let start = t.find("uniqueCount=\"").unwrap() + 13;
            let end = start + t[start..].find('"').unwrap();
            format!("{}4294967295{}", &t[..start], &t[end..])
        } else {
            t
        }
    });
    let run = crtk(&["build", s(&config), "--base", OFFICIAL, "--out", s(&out)]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr.contains("uniqueCount=\"4294967295\""),
        "{}",
        run.stderr
    );
    // A part that unpacks past the budget (a zip bomb), with the budget lowered to 2 MiB.
    areas_workbook(&dir.join("areas.xlsx"), false, |name, t| {
        if name.ends_with("sheet1.xml") {
            t.replacen(
                "<sheetData>",
                &format!("<sheetData>{}", " ".repeat(6 << 20)),
                1,
            )
        } else {
            t
        }
    });
    assert!(std::fs::metadata(dir.join("areas.xlsx")).unwrap().len() < 1 << 20);
    let run = crtk_env(
        &["build", s(&config), "--base", OFFICIAL, "--out", s(&out)],
        &[("CRTK_MAX_INPUT_MB", "2")],
    );
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("zip bomb"), "{}", run.stderr);
    // The same translation-sheet door: an XLSX translation file with a far cell.
    areas_workbook(&dir.join("fr.xlsx"), true, |_, t| t);
    let sheet_config = dir.join("sheet.yaml");
    std::fs::write(
        &sheet_config,
        minimal_config("languages:\n  default: en\n  translations:\n    fr: fr.xlsx\n"),
    )
    .unwrap();
    let run = crtk(&[
        "build",
        s(&sheet_config),
        "--base",
        OFFICIAL,
        "--out",
        s(&out),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("a grid of"), "{}", run.stderr);
}

#[test]
fn a_top_level_property_of_the_wrong_type_is_cr101() {
    let dir = scratch("shape");
    let package = dir.join("p.json");
    std::fs::write(
        &package,
        json!({"programs": "x", "programRules": 5, "options": [1, null, "x"]}).to_string(),
    )
    .unwrap();
    let run = crtk(&["validate", s(&package), "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.all());
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CR101")
        .filter_map(|f| f["path"].as_str())
        .collect();
    for path in [
        "programs",
        "programRules",
        "options[0]",
        "options[1]",
        "options[2]",
    ] {
        assert!(paths.contains(&path), "{path} missing in {paths:?}");
    }
}

#[test]
fn source_date_epoch_out_of_range_is_refused() {
    let dir = scratch("sde");
    let config = dir.join("c.yaml");
    std::fs::write(&config, minimal_config("")).unwrap();
    for value in ["-99999999999999", "-1", "253402300800"] {
        let run = crtk_env(
            &[
                "build",
                s(&config),
                "--base",
                OFFICIAL,
                "--out",
                s(&dir.join("out")),
            ],
            &[("SOURCE_DATE_EPOCH", value)],
        );
        assert_eq!(run.code, Some(2), "{value}: {}", run.all());
        assert!(run.stderr.contains("outside"), "{}", run.stderr);
    }
    assert!(!dir.join("out").exists());
}

#[test]
fn a_parent_chain_deeper_than_64_says_so() {
    let dir = scratch("chain");
    let mut csv = String::from("code,name,parent\n");
    for i in 0..70 {
        let parent = if i == 0 {
            String::new()
        } else {
            format!("{:03}", i - 1)
        };
        csv.push_str(&format!("{i:03},Area {i},{parent}\n"));
    }
    std::fs::write(dir.join("areas.csv"), csv).unwrap();
    let config = dir.join("c.yaml");
    std::fs::write(
        &config,
        minimal_config(
            "address:\n  levels: [Region]\n  areas:\n    csv: { file: areas.csv, code: code, name: name, parent: parent }\n",
        ),
    )
    .unwrap();
    let run = crtk(&[
        "build",
        s(&config),
        "--base",
        OFFICIAL,
        "--out",
        s(&dir.join("out")),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr.contains("more than 64 levels deep"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("its own ancestor"), "{}", run.stderr);
}

#[test]
fn translation_csv_with_nul_or_an_open_quote_is_refused() {
    let dir = scratch("sheetcsv");
    let config = dir.join("c.yaml");
    std::fs::write(
        &config,
        minimal_config("languages:\n  default: en\n  translations:\n    fr: fr.csv\n"),
    )
    .unwrap();
    let header = "type,uid,object,property,en,fr\r\n";
    for (what, body) in [
        (
            "NUL",
            "dataElements,xcUBzN5QFXu,Address,name,Address,Adr\0esse\r\n",
        ),
        (
            "never closed",
            "dataElements,xcUBzN5QFXu,Address,name,Address,\"Adresse\r\n",
        ),
    ] {
        std::fs::write(dir.join("fr.csv"), format!("{header}{body}")).unwrap();
        let run = crtk(&[
            "build",
            s(&config),
            "--base",
            OFFICIAL,
            "--out",
            s(&dir.join("out")),
        ]);
        assert_eq!(run.code, Some(2), "{what}: {}", run.all());
        assert!(run.stderr.contains(what), "{what}: {}", run.stderr);
    }
}

#[test]
fn csv_exports_neutralise_formulas_and_reports_escape_control_characters() {
    let dir = scratch("inject");
    let base = edited_official(&dir, "base.json", |p| {
        let element = p["dataElements"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|d| d["id"] == "xcUBzN5QFXu")
            .unwrap();
        element["name"] = json!("=HYPERLINK(\"http://x\")");
        element["formName"] = json!("@SUM(A1)");
        element["description"] = json!("bell\u{7} esc\u{1b}]0;title");
    });
    let config = dir.join("c.yaml");
    std::fs::write(&config, minimal_config("")).unwrap();
    let run = crtk(&[
        "translations",
        "export",
        s(&config),
        "--base",
        s(&base),
        "--locale",
        "fr",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("'=HYPERLINK"),
        "{}",
        &run.stdout[..2000]
    );
    assert!(run.stdout.contains("'@SUM(A1)"));
    for line in run.stdout.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '@']), "formula cell: {line}");
        }
    }
    for format in ["text", "markdown", "html", "json"] {
        let run = crtk(&["diff", OFFICIAL, s(&base), "--format", format]);
        assert_eq!(run.code, Some(0), "{format}: {}", run.stderr);
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'),
            "{format} output holds a raw control character"
        );
    }
}
