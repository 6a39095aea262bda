//! The release workbook's User groups sheet lists every group the package's sharing names
//! (mapped onto the target instance or shipped), with its access in words; the Program sheet
//! names the program's attributes.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::crtk::{root, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Builds one country with `build --all`; returns (workbook, package JSON).
fn release(dir: &Path, access: &str) -> (PathBuf, serde_json::Value) {
    let base =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let configs = dir.join("configs");
    std::fs::create_dir_all(&configs).unwrap();
    std::fs::write(
        configs.join("gh.yaml"),
        format!(
            "country: {{ code: GH, name: Ghana }}\npackage: {{ version: 1.0.1-gh.1.0, base: {} }}\nvalidate: {{ allow_placeholders: true }}\n{access}",
            serde_json::to_string(base.to_str().unwrap()).unwrap()
        ),
    )
    .unwrap();
    let dist = dir.join("dist");
    let output = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(["build", "--all", "--configs"])
        .arg(&configs)
        .arg("--out")
        .arg(&dist)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let folder = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let xlsx = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .unwrap()
        .clone();
    let json = files
        .iter()
        .find(|p| p.to_string_lossy().ends_with("-en.json"))
        .unwrap();
    let package = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    (xlsx, package)
}

#[test]
fn mapped_groups_are_listed_with_their_access_in_words() {
    let dir = temp_dir("workbook-mapped");
    let (xlsx, package) = release(
        &dir,
        "access:\n  user_groups:\n    CR - Admin: Ab000000001\n    CR - Data Capture: Ab000000002\n    CR - Access: Ab000000003\n",
    );
    let rows = sheet(&xlsx, "User groups");
    let admin = rows
        .iter()
        .find(|r| r[2] == "Ab000000001")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(admin[0], "CR - Admin (mapped)");
    assert_eq!(
        admin[3],
        "existing group of the target instance (access.user_groups)"
    );
    let program = &package["programs"][0];
    let access = program["sharing"]["userGroups"]["Ab000000001"]["access"]
        .as_str()
        .unwrap();
    assert_eq!(access, "rw------");
    assert!(
        admin[4].contains(&format!(
            "Program {}: metadata read and write; data none (rw------)",
            program["name"].as_str().unwrap()
        )),
        "{admin:?}"
    );
    assert!(admin[4].contains("Stage "), "stages listed: {admin:?}");
    assert_eq!(rows.len(), 4, "header and the three groups: {rows:?}");

    // The Program sheet names the attributes, in form order.
    let programs = sheet(&xlsx, "Program");
    let column = programs[0].iter().position(|h| h == "Attributes").unwrap();
    let names: Vec<String> = program["programTrackedEntityAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let id = a["trackedEntityAttribute"]["id"].as_str().unwrap();
            package["trackedEntityAttributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == id)
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(names.len() >= 5);
    assert_eq!(programs[1][column], names.join("\n"));
}

#[test]
fn unmapped_groups_are_listed_as_shipped() {
    let dir = temp_dir("workbook-unmapped");
    let (xlsx, _) = release(&dir, "");
    let rows = sheet(&xlsx, "User groups");
    let names: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["CR - Access", "CR - Admin", "CR - Data Capture"]);
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[3] == "in the package" && r[4].contains("metadata"))
    );
}
