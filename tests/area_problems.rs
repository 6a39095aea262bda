//! Every data problem of an area file is reported at once (up to 20), for every input kind, and
//! a code under two parents is named as such with both parents and rows. Real binary, real files.

mod common;

use common::crtk::{build, temp_dir};

const HEAD: &str = "country: { code: XX, name: Testland }\npackage: { version: 1.0.1-xx.1 }\n";

/// Builds `config` with `files` in a fresh folder; expects exit 2, nothing written, and every
/// `expect` in stderr; returns stderr.
fn problems(name: &str, config: &str, files: &[(&str, &[u8])], expect: &[&str]) -> String {
    let dir = temp_dir(&format!("problems-{name}"));
    for (file, content) in files {
        std::fs::write(dir.join(file), content).unwrap();
    }
    let config_path = dir.join("country.yaml");
    std::fs::write(&config_path, format!("{HEAD}{config}")).unwrap();
    let out = dir.join("out");
    let output = build(&config_path, &out);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(2), "exit 2 expected:\n{stderr}");
    for e in expect {
        assert!(stderr.contains(e), "`{e}` missing from:\n{stderr}");
    }
    assert!(!out.exists(), "nothing may be written");
    stderr
}

const LONG: &str = "address:\n  levels: [Region, District]\n  areas:\n    csv: { file: areas.csv, code: code, name: name, parent: parent }\n";
const WIDE: &str = "address:\n  levels: [Region, District]\n  areas:\n    csv:\n      file: areas.csv\n      columns:\n        Region: { code: r_code, name: r_name }\n        District: { code: d_code, name: d_name }\n";

#[test]
fn long_csv_lists_every_missing_parent_and_other_problems() {
    let stderr = problems(
        "long",
        LONG,
        &[(
            "areas.csv",
            b"code,name,parent\n01,North,\n011,A,01\n021,B,02\n031,C,03\n041,D,04\n051,E,05\n012,Bad  Name,01\n013,F,01\n013,G,01\n",
        )],
        &[
            "areas.csv: row 4: area `021` (B) names parent `02`",
            "areas.csv: row 5: area `031` (C) names parent `03`",
            "areas.csv: row 6: area `041` (D) names parent `04`",
            "areas.csv: row 7: area `051` (E) names parent `05`",
            "areas.csv: row 8: District `012` name `Bad  Name` has two spaces",
            "areas.csv: row 10: duplicate District code `013`",
        ],
    );
    assert_eq!(stderr.matches("areas.csv: row").count(), 6, "{stderr}");
}

#[test]
fn a_code_under_two_parents_names_both_parents_and_rows() {
    // Wide layout: district 011 listed under North (row 2) and South (row 4); and a row with a
    // district but no region, in the same report.
    problems(
        "two-parents-wide",
        WIDE,
        &[(
            "areas.csv",
            b"r_code,r_name,d_code,d_name\n01,North,011,Town\n01,North,012,Village\n02,South,011,Town\n,,021,Hamlet\n02,South,022,Farm\n",
        )],
        &[
            "areas.csv: row 4: District `011` is under two Regions: Region `01` (North) at row 2 (`Town`) and Region `02` (South) here (`Town`)",
            "remove the row under the wrong Region, or if these are two areas give one of them its own code",
            "areas.csv: row 5: has a District (`021`) but no Region",
        ],
    );
    // Long layout: the same, with the parent column.
    let stderr = problems(
        "two-parents-long",
        LONG,
        &[(
            "areas.csv",
            b"code,name,parent\n01,North,\n02,South,\n011,Town,01\n011,Town,02\n021,Farm,02\n",
        )],
        &[
            "areas.csv: row 5: District `011` is under two Regions: Region `01` (North) at row 4 (`Town`) and Region `02` (South) here (`Town`)",
        ],
    );
    assert!(!stderr.contains("duplicate District code"), "{stderr}");
}

#[test]
fn at_most_twenty_problems_are_listed() {
    let mut csv = String::from("code,name,parent\n01,North,\n011,A,01\n");
    for i in 0..25 {
        csv.push_str(&format!("9{i:02},Orphan {i},8{i:02}\n"));
    }
    let stderr = problems(
        "limit",
        LONG,
        &[("areas.csv", csv.as_bytes())],
        &["... and 5 more problems"],
    );
    assert_eq!(stderr.matches("names parent").count(), 20, "{stderr}");
}

#[test]
fn xlsx_lists_every_problem() {
    let dir = temp_dir("problems-xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Areas").unwrap();
    let rows: &[&[&str]] = &[
        &["r_code", "r_name", "d_code", "d_name"],
        &["01", "North", "011", "A"],
        &["", "", "012", "B"],
        &["01", "North", "01'3", "C"],
        &["02", "South", "011", "A"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(dir.join("areas.xlsx")).unwrap();
    let config = format!(
        "{HEAD}address:\n  levels: [Region, District]\n  areas:\n    xlsx:\n      file: areas.xlsx\n      columns:\n        Region: {{ code: r_code, name: r_name }}\n        District: {{ code: d_code, name: d_name }}\n"
    );
    std::fs::write(dir.join("country.yaml"), config).unwrap();
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for e in [
        "row 3: has a District (`012`) but no Region",
        "row 4: District code `01'3` holds `'`",
        "row 5: District `011` is under two Regions",
    ] {
        assert!(stderr.contains(e), "`{e}` missing from:\n{stderr}");
    }
}

#[test]
fn tree_lists_every_problem() {
    problems(
        "tree",
        "address:\n  levels: [Region, District]\n  areas:\n    tree:\n      - code: '1'\n        name: North\n        children:\n          - { code: '1 1', name: A }\n          - { code: '12', name: ' B' }\n          - { code: '13', name: C }\n",
        &[],
        &[
            "address.areas.tree[0].children[0]: District code `1 1` holds ` `",
            "address.areas.tree[0].children[1]: District `12` name ` B` starts or ends with a space",
        ],
    );
}

#[test]
fn canreg5_dictionary_lists_every_problem() {
    let dictionary = "#1\t----Address\n01\tNorth\n0101\tTown\n1\tShort\n02\tSouth\n2\tAlso short\n0201\tFarm  Road\n";
    problems(
        "canreg5",
        "address:\n  levels: [Province, District]\n  areas:\n    canreg5: { file: dict.txt, dictionary: 1, category_length: 2 }\n",
        &[("dict.txt", dictionary.as_bytes())],
        &[
            "dict.txt: line 4: code `1` is shorter than the 2-character category codes",
            "dict.txt: line 6: code `2` is shorter",
            "dict.txt: line 7: District `0201` name `Farm  Road` has two spaces",
        ],
    );
}
