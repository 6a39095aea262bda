//! Bad address input: each case is a clear error naming the file and the row, line or key,
//! exit code 2, and nothing written. Runs the real binary on files.

mod common;

use common::crtk::{build, root, temp_dir};
use std::path::{Path, PathBuf};

const HEAD: &str = "country: { code: XX, name: Testland }\npackage: { version: 1.0.1-xx.1 }\n";

/// Writes the config (after HEAD) and data files into a fresh folder, builds, and checks the
/// failure; returns stderr.
fn fails(name: &str, config: &str, files: &[(&str, &[u8])], expect: &[&str]) -> String {
    let dir = temp_dir(&format!("bad-{name}"));
    for (file, content) in files {
        std::fs::write(dir.join(file), content).unwrap();
    }
    let config_path = dir.join("country.yaml");
    std::fs::write(&config_path, format!("{HEAD}{config}")).unwrap();
    fails_at(&config_path, &dir.join("out"), expect)
}

fn fails_at(config_path: &Path, out: &PathBuf, expect: &[&str]) -> String {
    let output = build(config_path, out);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        output.status.code(),
        Some(2),
        "exit 2 expected; stderr:\n{stderr}"
    );
    for e in expect {
        assert!(stderr.contains(e), "`{e}` missing from:\n{stderr}");
    }
    assert!(
        !out.exists() || std::fs::read_dir(out).unwrap().next().is_none(),
        "nothing may be written"
    );
    stderr
}

const LONG: &str = "address:\n  levels: [Region, District]\n  areas:\n    csv: { file: areas.csv, code: code, name: name, parent: parent }\n";
const WIDE: &str = "address:\n  levels: [Region, District]\n  areas:\n    csv:\n      file: areas.csv\n      columns:\n        Region: { code: r_code, name: r_name }\n        District: { code: d_code, name: d_name }\n";

#[test]
fn duplicate_code_in_a_level() {
    fails(
        "dup",
        LONG,
        &[(
            "areas.csv",
            b"code,name,parent\n01,North,\n011,A,01\n011,B,01\n",
        )],
        &[
            "areas.csv: row 4:",
            "duplicate District code `011`",
            "row 3",
        ],
    );
}

#[test]
fn code_reused_across_levels() {
    fails(
        "reuse",
        "address:\n  levels: [Region, District]\n  areas:\n    tree:\n      - code: '01'\n        name: North\n        children: [{ code: '01', name: Town }]\n",
        &[],
        &[
            "country.yaml: address.areas.tree[0].children[0]:",
            "unique across all levels",
        ],
    );
}

#[test]
fn child_whose_parent_is_missing() {
    fails(
        "orphan",
        LONG,
        &[(
            "areas.csv",
            b"code,name,parent\n01,North,\n011,A,01\n021,B,02\n",
        )],
        &[
            "areas.csv: row 4:",
            "names parent `02`, which is not in the file",
        ],
    );
}

#[test]
fn empty_names_or_codes() {
    fails(
        "empty-name",
        WIDE,
        &[("areas.csv", b"r_code,r_name,d_code,d_name\n01,North,011,\n")],
        &["areas.csv: row 2:", "District `011` has an empty name"],
    );
    fails(
        "empty-code",
        WIDE,
        &[(
            "areas.csv",
            b"r_code,r_name,d_code,d_name\n01,North,,Town\n",
        )],
        &["areas.csv: row 2:", "empty District code (name `Town`)"],
    );
}

#[test]
fn codes_unsafe_in_a_condition_or_too_long() {
    fails(
        "quote",
        LONG,
        &[("areas.csv", b"code,name,parent\n01,North,\n01'1,A,01\n")],
        &["areas.csv: row 3:", "holds `'`"],
    );
    fails(
        "space",
        LONG,
        &[("areas.csv", b"code,name,parent\n01,North,\n01 1,A,01\n")],
        &["areas.csv: row 3:", "holds ` `"],
    );
    fails(
        "long",
        LONG,
        &[("areas.csv", b"code,name,parent\n01,North,\n011234,A,01\n")],
        &[
            "areas.csv: row 3:",
            "longer than the CanReg5 address length (5)",
        ],
    );
}

#[test]
fn more_levels_in_the_data_than_declared() {
    fails(
        "deep-long",
        LONG,
        &[(
            "areas.csv",
            b"code,name,parent\n01,North,\n011,A,01\n0111,Village,011\n",
        )],
        &[
            "areas.csv: row 4:",
            "is at level 3 but `address.levels` declares 2 levels",
        ],
    );
    fails(
        "deep-dict",
        "address:\n  levels: [District]\n  areas:\n    canreg5: { file: dict.txt, dictionary: 9, category_length: 2 }\n",
        &[("dict.txt", b"#9\t----Address\n01\tAPAC\n010\tKole\n")],
        &[
            "country.yaml: `address.levels` declares 1 level",
            "compound",
            "more levels than declared",
        ],
    );
    fails(
        "deep-columns",
        "address:\n  levels: [Region]\n  areas:\n    csv:\n      file: areas.csv\n      columns:\n        Region: { code: r_code, name: r_name }\n        District: { code: d_code, name: d_name }\n",
        &[(
            "areas.csv",
            b"r_code,r_name,d_code,d_name\n01,North,011,A\n",
        )],
        &[
            "country.yaml",
            "address.areas.csv.columns.District",
            "more levels than declared",
        ],
    );
}

#[test]
fn blank_rows() {
    fails(
        "blank-line",
        LONG,
        &[("areas.csv", b"code,name,parent\n01,North,\n\n011,A,01\n")],
        &["areas.csv: row 3:", "is blank"],
    );
    fails(
        "blank-cells",
        WIDE,
        &[(
            "areas.csv",
            b"r_code,r_name,d_code,d_name\n01,North,011,A\n,,,\n",
        )],
        &["areas.csv: row 3:", "is blank"],
    );
    // A spreadsheet exported with merged cells leaves the upper level blank below its first row.
    fails(
        "merged-in-csv",
        WIDE,
        &[(
            "areas.csv",
            b"r_code,r_name,d_code,d_name\n01,North,011,A\n,,012,B\n",
        )],
        &[
            "areas.csv: row 3:",
            "has a District (`012`) but no Region",
            "merged or blank cells",
        ],
    );
}

#[test]
fn one_code_with_two_names() {
    fails(
        "two-names",
        WIDE,
        &[(
            "areas.csv",
            b"r_code,r_name,d_code,d_name\n01,North,011,A\n01,Nord,012,B\n",
        )],
        &[
            "areas.csv: row 3:",
            "Region code `01` has two names: `Nord` here and `North` at row 2",
        ],
    );
}

#[test]
fn kenya_raw_file_is_rejected_at_the_baringo_north_row() {
    // The Kenya sample without its documented fixes: the defect is reported, never built.
    let dir = temp_dir("bad-kenya-raw");
    let sample =
        std::fs::read_to_string(root().join("country-configs/kenya/country.yaml")).unwrap();
    let without_fixes: String = {
        let start = sample.find("  fixes:").unwrap();
        let end = sample.find("source_types:").unwrap();
        format!("{}{}", &sample[..start], &sample[end..])
    };
    std::fs::write(dir.join("country.yaml"), without_fixes).unwrap();
    std::fs::copy(
        root().join("country-configs/kenya/kenya_county_constituency_ward.csv"),
        dir.join("kenya_county_constituency_ward.csv"),
    )
    .unwrap();
    let stderr = fails_at(
        &dir.join("country.yaml"),
        &dir.join("out"),
        &[
            "kenya_county_constituency_ward.csv: row ",
            "`Baringo  North`",
            "two spaces",
        ],
    );
    // Both real defects are reported, each once, at their first row: ward 319 "Central  Ward"
    // (file row 320) and constituency 0 "Baringo  North" (file row 789), and nothing else.
    assert!(
        stderr.contains("row 320: Ward `0319` name `Central  Ward`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("row 789: Constituency `000` name `Baringo  North`"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("two spaces").count(), 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn kenya_fix_that_matches_nothing_is_an_error() {
    let dir = temp_dir("bad-kenya-stale-fix");
    let sample =
        std::fs::read_to_string(root().join("country-configs/kenya/country.yaml")).unwrap();
    std::fs::write(
        dir.join("country.yaml"),
        sample.replace("\"Baringo  North\"", "\"Baringo   North\""),
    )
    .unwrap();
    std::fs::copy(
        root().join("country-configs/kenya/kenya_county_constituency_ward.csv"),
        dir.join("kenya_county_constituency_ward.csv"),
    )
    .unwrap();
    fails_at(
        &dir.join("country.yaml"),
        &dir.join("out"),
        &[
            "country.yaml: address.fixes[0]:",
            "matches no Constituency with code `0`",
        ],
    );
}

fn workbook(path: &Path, sheets: &[(&str, &[&[&str]])], merge: Option<(u32, u16, u32, u16)>) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        if let Some((r1, c1, r2, c2)) = merge {
            let value = rows[r1 as usize][c1 as usize];
            ws.merge_range(r1, c1, r2, c2, value, &rust_xlsxwriter::Format::new())
                .unwrap();
        }
    }
    wb.save(path).unwrap();
}

const XLSX: &str = "address:\n  levels: [Region, District]\n  areas:\n    xlsx:\n      file: areas.xlsx\n      sheet: Areas\n      columns:\n        Region: { code: r_code, name: r_name }\n        District: { code: d_code, name: d_name }\n";

fn xlsx_case(
    name: &str,
    config: &str,
    sheets: &[(&str, &[&[&str]])],
    merge: Option<(u32, u16, u32, u16)>,
    expect: &[&str],
) {
    let dir = temp_dir(&format!("bad-{name}"));
    workbook(&dir.join("areas.xlsx"), sheets, merge);
    std::fs::write(dir.join("country.yaml"), format!("{HEAD}{config}")).unwrap();
    fails_at(&dir.join("country.yaml"), &dir.join("out"), expect);
}

const GOOD_ROWS: &[&[&str]] = &[
    &["r_code", "r_name", "d_code", "d_name"],
    &["01", "North", "011", "A"],
    &["01", "North", "012", "B"],
    &["02", "South", "021", "C"],
];

#[test]
fn xlsx_sheet_that_does_not_exist() {
    xlsx_case(
        "xlsx-sheet",
        XLSX,
        &[("Regions", GOOD_ROWS), ("Notes", &[&["x"]])],
        None,
        &[
            "areas.xlsx: sheet `Areas`:",
            "no such sheet; the workbook has: `Regions`, `Notes`",
        ],
    );
}

#[test]
fn xlsx_column_that_does_not_exist() {
    xlsx_case(
        "xlsx-column",
        &XLSX.replace("d_code", "district_code"),
        &[("Areas", GOOD_ROWS)],
        None,
        &[
            "areas.xlsx: the first row of sheet `Areas`:",
            "no column `district_code`",
            "`r_code`, `r_name`, `d_code`, `d_name`",
        ],
    );
}

#[test]
fn xlsx_merged_rows() {
    xlsx_case(
        "xlsx-merged",
        XLSX,
        &[("Areas", GOOD_ROWS)],
        Some((1, 0, 2, 0)),
        &[
            "areas.xlsx: sheet `Areas`, rows 2-3:",
            "cells A2:A3 are merged",
        ],
    );
}

#[test]
fn xlsx_builds_when_well_formed() {
    // The same workbook without defects builds (so the cases above fail for their reason).
    let dir = temp_dir("xlsx-good");
    workbook(
        &dir.join("areas.xlsx"),
        &[("Notes", &[&["x"]]), ("Areas", GOOD_ROWS)],
        None,
    );
    // Only the address is configured: the source-type placeholders stay, allowed.
    let config = format!("{HEAD}validate: {{ allow_placeholders: true }}\n{XLSX}");
    std::fs::write(dir.join("country.yaml"), config).unwrap();
    let package = common::crtk::build_package(&dir.join("country.yaml"), &dir.join("out"));
    let codes: Vec<&str> = package["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["optionSet"]["id"] == "Lk47XE45J7Y")
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 3);
    assert!(codes.contains(&"011") && codes.contains(&"021"));
}

#[test]
fn unknown_keys_and_wrong_types() {
    fails(
        "unknown-key",
        "address:\n  levels: [Region]\n  lvels: [x]\n  areas:\n    tree: [{ code: '1', name: A }]\n",
        &[],
        &[
            "country.yaml:5:3:",
            "unknown key `lvels` in `address`",
            "did you mean `levels`?",
        ],
    );
    fails(
        "wrong-type",
        "address:\n  levels: [Region]\n  code_length: five\n  areas:\n    tree: [{ code: '1', name: A }]\n",
        &[],
        &[
            "country.yaml:5:16:",
            "`address.code_length`",
            "invalid type",
        ],
    );
    fails(
        "two-sources",
        "address:\n  levels: [Region]\n  areas:\n    tree: [{ code: '1', name: A }]\n    csv: { file: a.csv, code: c, name: n }\n",
        &[],
        &["country.yaml:4:3:", "exactly one area source"],
    );
}

#[test]
fn schema_violations_name_file_key_and_line() {
    fails(
        "schema",
        "address:\n  levels: [Region]\n  code_length: 0\n  areas:\n    tree: [{ code: '1', name: A }]\n",
        &[],
        &["country.yaml:5:1: `address.code_length`", "schema"],
    );
    fails(
        "schema-levels",
        "address:\n  levels: [A, B, C, D, E, F, G]\n  areas:\n    tree: [{ code: '1', name: A }]\n",
        &[],
        &["country.yaml: `address.levels` has 7 levels: declare 1 to 6"],
    );
}

#[test]
fn dictionary_that_is_not_in_the_file() {
    fails(
        "dict-missing",
        "address:\n  levels: [District]\n  areas:\n    canreg5: { file: dict.txt, dictionary: Address }\n",
        &[("dict.txt", b"#3\t----Topography\n00\tLIP\n")],
        &[
            "dict.txt: file:",
            "has no dictionary `Address`",
            "#3 Topography",
        ],
    );
}
