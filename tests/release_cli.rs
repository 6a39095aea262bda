//! `crtk build --all`: release builds as CI runs them, through the real binary.

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crtk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crtk"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        // The fixtures' configs name bases beside the configs folder (`../../bases`).
        .env("CRTK_ALLOW_PATH", std::env::temp_dir())
        .output()
        .expect("crtk runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("crtk-release-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }
    fn write(&self, relative: &str, content: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    fn arg(&self, relative: &str) -> String {
        self.path(relative).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A config on the shipped base. It keeps the base's placeholder areas and source types, which
/// validation then reports as warnings (CR806) instead of errors.
fn config(code: &str, name: &str, version: &str) -> String {
    format!(
        "country:\n  code: {code}\n  name: {name}\nvalidate:\n  allow_placeholders: true\npackage:\n  version: {version}\n"
    )
}

/// The real HIV_CS reference package (program rules, rule variables, user groups) with its two
/// rule-expression defects fixed, so that it passes validation.
fn hiv_base() -> String {
    let path = shared("reference-packages/HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json");
    let mut package: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut fixed = 0;
    for rule in package["programRules"].as_array_mut().unwrap() {
        if rule["id"] == "gZy3eQsP9Lx" {
            rule["condition"] = Value::String(
                "d2:hasValue('HIV_TEST_DATE') && d2:daysBetween(A{AGE}, #{HIV_TEST_DATE}) < 0"
                    .into(),
            );
            fixed += 1;
        }
    }
    for action in package["programRuleActions"].as_array_mut().unwrap() {
        if action["id"] == "yjrWAf6eArB" {
            action["data"] = Value::String("#{TPT Date previously Completed}".into());
            fixed += 1;
        }
    }
    assert_eq!(fixed, 2, "the HIV_CS defects are where they were");
    serde_json::to_string_pretty(&package).unwrap()
}

/// Several configs as a real configs folder holds them: flat files, a sub-folder config, one
/// built on the real HIV_CS reference package (program rules and user groups), and a file marked
/// as not a config.
fn configs(scratch: &Scratch) {
    scratch.write("configs/aa.yaml", &config("AA", "Aland", "1.0.1-aa.1"));
    scratch.write(
        "configs/bb/country.yaml",
        &config("BB", "Bbland | <b>", "1.0.1-bb.2"),
    );
    scratch.write("configs/bb/notes.txt", "not read");
    scratch.write("bases/hiv.json", &hiv_base());
    scratch.write(
        "configs/hv/country.yaml",
        &format!(
            "{}  base: ../../bases/hiv.json\n",
            config("HV", "Hivland", "9.9.9-hv.1")
        ),
    );
    scratch.write("configs/_shared.yaml", "this: is not a country config\n");
}

/// Every file under `dir` with its sha256.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let digest = Sha256::digest(std::fs::read(&p).unwrap());
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                let relative = p.strip_prefix(dir).unwrap().display().to_string();
                files.insert(relative, hex);
            }
        }
    }
    files
}

#[test]
fn two_builds_give_byte_identical_trees_whatever_the_jobs() {
    let scratch = Scratch::new("repro");
    configs(&scratch);
    let one = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &scratch.arg("one"),
        "--jobs",
        "1",
    ]);
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    let two = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &scratch.arg("two"),
        "--jobs",
        "3",
    ]);
    assert_eq!(two.status.code(), Some(0), "{}", text(&two.stderr));
    let first = tree(&scratch.path("one"));
    assert_eq!(first, tree(&scratch.path("two")));
    // 3 countries x (package, workbook, notes) + the manifest.
    assert_eq!(first.len(), 10, "{first:#?}");
    for folder in ["NCD_CR_AA", "NCD_CR_BB", "HIV_CS_HV"] {
        assert!(
            first.keys().any(|k| k.starts_with(&format!("{folder}/"))),
            "{folder} in {first:#?}"
        );
    }
    // Not a TTY: no progress on stderr.
    assert!(text(&one.stderr).is_empty(), "{}", text(&one.stderr));

    // The manifest's sha256 and size are those of the files written, and it names every input.
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(scratch.path("one/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["crtkVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest["dhis2Versions"],
        serde_json::json!(["2.36.4", "2.42"])
    );
    let countries = manifest["countries"].as_array().unwrap();
    let configs: Vec<&str> = countries
        .iter()
        .map(|c| c["config"].as_str().unwrap())
        .collect();
    assert_eq!(configs, ["aa.yaml", "bb/country.yaml", "hv/country.yaml"]);
    for country in countries {
        for output in country["outputs"].as_array().unwrap() {
            let path = output["path"].as_str().unwrap();
            let bytes = std::fs::read(scratch.path("one").join(path)).unwrap();
            assert_eq!(output["size"].as_u64().unwrap(), bytes.len() as u64);
            assert_eq!(output["sha256"].as_str().unwrap(), first[path]);
        }
        let roles: Vec<&str> = country["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["config", "base"]);
    }
    let hv_base = &countries[2]["inputs"][1];
    let hiv_bytes = hiv_base().into_bytes();
    let hiv_sha: String = Sha256::digest(&hiv_bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hv_base["sha256"].as_str().unwrap(), hiv_sha);
    assert_eq!(hv_base["path"], "../bases/hiv.json");
    assert_eq!(
        countries[0]["inputs"][1]["path"],
        "crtk:base-package/NCD_CR/NCD_CR.json"
    );

    // Building again into the same folder changes nothing.
    let again = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &scratch.arg("one"),
    ]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        text(&again.stdout).contains("0 written, 10 unchanged"),
        "{}",
        text(&again.stdout)
    );
}

#[test]
fn check_fails_naming_every_stale_file() {
    let scratch = Scratch::new("check");
    configs(&scratch);
    let configs = scratch.arg("configs");
    let dist = scratch.arg("dist");
    let built = crtk(&["build", "--all", "--configs", &configs, "--out", &dist]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let fresh = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &dist,
        "--check",
    ]);
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));
    assert!(text(&fresh.stdout).contains("is up to date (10 files)"));
    let files_before = tree(&scratch.path("dist"));

    // Corrupt one byte of one workbook.
    let workbook = "NCD_CR_AA/NCD_CR_AA_TRK_1.0.1-aa.1_DHIS2.42-en.xlsx";
    let mut bytes = std::fs::read(scratch.path("dist").join(workbook)).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(scratch.path("dist").join(workbook), &bytes).unwrap();
    let stale = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &dist,
        "--check",
    ]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = text(&stale.stderr);
    assert!(
        stderr.contains(&format!("{workbook}: differs from a fresh build")),
        "{stderr}"
    );
    assert!(stderr.contains("1 file(s) disagree"), "{stderr}");

    // Missing and extra files are named too; --check writes nothing.
    let notes = "NCD_CR_BB/NCD_CR_BB_TRK_1.0.1-bb.2_DHIS2.42-en.release-notes.md";
    std::fs::remove_file(scratch.path("dist").join(notes)).unwrap();
    scratch.write("dist/NCD_CR_BB/old.json", "{}");
    let stale = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &dist,
        "--check",
    ]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = text(&stale.stderr);
    assert!(stderr.contains(&format!("{notes}: is missing")), "{stderr}");
    assert!(
        stderr.contains("NCD_CR_BB/old.json: is not part of the release"),
        "{stderr}"
    );
    assert!(stderr.contains("3 file(s) disagree"), "{stderr}");
    assert!(!scratch.path("dist").join(notes).exists());

    // Rebuilding repairs the tree (the unlisted file is not crtk's to delete).
    std::fs::remove_file(scratch.path("dist/NCD_CR_BB/old.json")).unwrap();
    let rebuilt = crtk(&["build", "--all", "--configs", &configs, "--out", &dist]);
    assert_eq!(rebuilt.status.code(), Some(0));
    assert_eq!(tree(&scratch.path("dist")), files_before);
}

#[test]
fn a_failing_country_is_named_and_the_others_still_build() {
    let scratch = Scratch::new("failing");
    configs(&scratch);
    // A first release where Brokenland still built.
    scratch.write(
        "configs/broken.yaml",
        &config("BR", "Brokenland", "1.0.1-br.1"),
    );
    let good = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &scratch.arg("dist"),
    ]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stderr));
    let br_files: BTreeMap<String, String> = tree(&scratch.path("dist"))
        .into_iter()
        .filter(|(k, _)| k.starts_with("NCD_CR_BR/"))
        .collect();
    assert_eq!(br_files.len(), 3);
    scratch.write(
        "configs/broken.yaml",
        "country:\n  code: BR\n  name: Brokenland\npackge:\n  version: 1.0.1-br.1\n",
    );
    scratch.write("configs/lower.yaml", &config("lo", "Lowerland", "1.0.0"));
    // Loads and builds, but the package keeps placeholder options: validation errors.
    scratch.write(
        "configs/invalid.yaml",
        "country:\n  code: IV\n  name: Invalidland\npackage:\n  version: 1.0.0\n",
    );
    let dist = scratch.arg("dist");
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &dist,
        "--jobs",
        "2",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("error: broken.yaml did not build:"),
        "{stderr}"
    );
    assert!(stderr.contains("packge"), "{stderr}");
    assert!(
        stderr.contains("error: lower.yaml did not build:"),
        "{stderr}"
    );
    assert!(stderr.contains("country.code"), "{stderr}");
    assert!(
        stderr.contains("error: invalid.yaml did not build:") && stderr.contains("CR804"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: 3 of 6 countries failed: broken.yaml, invalid.yaml, lower.yaml"),
        "{stderr}"
    );
    let files = tree(&scratch.path("dist"));
    for folder in ["NCD_CR_AA", "NCD_CR_BB", "HIV_CS_HV"] {
        assert!(files.keys().any(|k| k.starts_with(&format!("{folder}/"))));
    }
    // Brokenland keeps its last good outputs, and the manifest still describes them.
    for (path, sha) in &br_files {
        assert_eq!(&files[path], sha, "{path} kept");
    }
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(scratch.path("dist/manifest.json")).unwrap())
            .unwrap();
    let listed: Vec<&str> = manifest["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["config"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            "aa.yaml",
            "bb/country.yaml",
            "broken.yaml",
            "hv/country.yaml"
        ]
    );

    // --check reports the failure too.
    let check = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &dist,
        "--check",
    ]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stderr).contains("broken.yaml did not build"));
}

#[test]
fn two_configs_for_one_country_fail_the_second() {
    let scratch = Scratch::new("duplicate");
    scratch.write("configs/a.yaml", &config("AA", "Aland", "1.0.0"));
    scratch.write("configs/b.yaml", &config("AA", "Aland again", "2.0.0"));
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &scratch.arg("dist"),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(stderr.contains("b.yaml did not build"), "{stderr}");
    assert!(stderr.contains("as a.yaml does"), "{stderr}");
}

#[test]
fn an_empty_or_missing_configs_folder_cannot_run() {
    let scratch = Scratch::new("empty");
    std::fs::create_dir_all(scratch.path("configs")).unwrap();
    scratch.write("configs/_draft.yaml", "x");
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &scratch.arg("dist"),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("holds no country config"));
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("nowhere"),
        "--out",
        &scratch.arg("dist"),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("cannot read the configs folder"));
}

/// The shipped base with one option renamed and one extra option in its set.
fn edited_base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("base-package/NCD_CR/NCD_CR.json");
    let mut base: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let options = base["options"].as_array_mut().unwrap();
    options[0]["name"] = Value::String("An older name".into());
    let set_id = options[0]["optionSet"]["id"].as_str().unwrap().to_string();
    let mut extra = options[0].clone();
    extra["id"] = Value::String("zzzzzzzzzz1".into());
    extra["code"] = Value::String("99999".into());
    extra["name"] = Value::String("Withdrawn option".into());
    options.push(extra);
    for set in base["optionSets"].as_array_mut().unwrap() {
        if set["id"] == set_id.as_str() {
            set["options"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({"id": "zzzzzzzzzz1"}));
        }
    }
    serde_json::to_string_pretty(&base).unwrap()
}

#[test]
fn a_previous_release_gives_diffs_and_release_notes_with_its_changes() {
    let scratch = Scratch::new("previous");
    scratch.write("base-v1/NCD_CR.json", &edited_base());
    scratch.write(
        "configs/aa.yaml",
        &format!(
            "{}  base: ../base-v1/NCD_CR.json\n",
            config("AA", "Aland", "1.0.1-aa.1")
        ),
    );
    let configs = scratch.arg("configs");
    let first = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &scratch.arg("v1"),
    ]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let v1_files = tree(&scratch.path("v1"));
    assert!(
        !v1_files.keys().any(|k| k.contains(".diff.")),
        "no previous: no diff"
    );

    scratch.write("configs/aa.yaml", &config("AA", "Aland", "1.0.1-aa.2"));
    let second = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &scratch.arg("v2"),
        "--previous-dir",
        &scratch.arg("v1"),
    ]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let stem = "v2/NCD_CR_AA/NCD_CR_AA_TRK_1.0.1-aa.2_DHIS2.42-en";
    let read =
        |suffix: &str| std::fs::read_to_string(scratch.path(&format!("{stem}{suffix}"))).unwrap();
    let notes = read(".release-notes.md");
    assert!(
        notes.contains("NCD\\_CR\\_AA\\_TRK\\_1.0.1-aa.1\\_DHIS2.42-en"),
        "{notes}"
    );
    assert!(notes.contains("| options | 0 | 1 | 1 |"), "{notes}");
    assert!(notes.contains("| optionSets | 0 | 0 | 1 |"), "{notes}");
    assert!(
        notes.contains("Withdrawn option (`zzzzzzzzzz1`)"),
        "{notes}"
    );
    let diff_json: Value = serde_json::from_str(&read(".diff.json")).unwrap();
    assert_eq!(diff_json["schema"], "crtk-diff/1");
    let removed: Vec<&str> = diff_json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "removed")
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["zzzzzzzzzz1"]);
    assert!(read(".diff.md").contains("Withdrawn option"));

    let manifest: Value =
        serde_json::from_slice(&std::fs::read(scratch.path("v2/manifest.json")).unwrap()).unwrap();
    let previous = &manifest["countries"][0]["inputs"][2];
    assert_eq!(previous["role"], "previous");
    assert_eq!(
        previous["path"],
        "../v1/NCD_CR_AA/NCD_CR_AA_TRK_1.0.1-aa.1_DHIS2.42-en.json"
    );
    let roles: Vec<&str> = manifest["countries"][0]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "package",
            "diff-markdown",
            "diff-json",
            "release-notes",
            "workbook"
        ]
    );

    // The config's own `package.previous` gives the same outputs.
    scratch.write(
        "configs/aa.yaml",
        &format!(
            "{}  previous: ../v1/NCD_CR_AA/NCD_CR_AA_TRK_1.0.1-aa.1_DHIS2.42-en.json\n",
            config("AA", "Aland", "1.0.1-aa.2")
        ),
    );
    let third = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &scratch.arg("v3"),
    ]);
    assert_eq!(third.status.code(), Some(0), "{}", text(&third.stderr));
    let v3: Value =
        serde_json::from_slice(&std::fs::read(scratch.path("v3/manifest.json")).unwrap()).unwrap();
    assert_eq!(v3["countries"][0]["inputs"][2], *previous);
    assert_eq!(
        v3["countries"][0]["outputs"],
        manifest["countries"][0]["outputs"]
    );

    // A --previous-dir that is not a release is an error naming what it should be.
    let bad = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &scratch.arg("v4"),
        "--previous-dir",
        &scratch.arg("configs"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--previous-dir must be the dist/ folder"));
}

/// The rows of one sheet, as text, header row first.
fn sheet(workbook: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<String>> {
    let range = workbook.worksheet_range(name).expect(name);
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The values of column `header` in `rows`, for the rows where it is not empty.
fn column<'a>(rows: &'a [Vec<String>], header: &str) -> Vec<&'a str> {
    let index = rows[0].iter().position(|h| h == header).expect(header);
    rows[1..]
        .iter()
        .map(|r| r.get(index).map(String::as_str).unwrap_or(""))
        .filter(|v| !v.is_empty())
        .collect()
}

fn ids(package: &Value, kind: &str) -> BTreeSet<String> {
    package[kind]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn names_by_id(package: &Value, kind: &str) -> BTreeMap<String, String> {
    package[kind]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_workbook_opens_with_calamine_and_its_rows_match_the_package() {
    let scratch = Scratch::new("workbook");
    configs(&scratch);
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        &scratch.arg("configs"),
        "--out",
        &scratch.arg("dist"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    for name in [
        "NCD_CR_AA/NCD_CR_AA_TRK_1.0.1-aa.1_DHIS2.42-en",
        "HIV_CS_HV/HIV_CS_HV_TRK_9.9.9-hv.1_DHIS2.36.4-en",
    ] {
        let package: Value = serde_json::from_slice(
            &std::fs::read(scratch.path("dist").join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let mut workbook: Xlsx<_> =
            open_workbook(scratch.path("dist").join(format!("{name}.xlsx"))).unwrap();
        assert_eq!(
            workbook.sheet_names(),
            [
                "Package",
                "Program",
                "Stages and sections",
                "Data elements",
                "Attributes",
                "Option sets",
                "Program rules",
                "Rule variables",
                "User groups"
            ]
        );

        let about = sheet(&mut workbook, "Package");
        assert_eq!(about[1], ["Name", name.split('/').nth(1).unwrap()]);

        // One row per object, the UID column holds exactly the package's ids, names beside them.
        for (sheet_name, kind) in [
            ("Program", "programs"),
            ("Data elements", "dataElements"),
            ("Attributes", "trackedEntityAttributes"),
            ("Program rules", "programRules"),
            ("Rule variables", "programRuleVariables"),
            ("User groups", "userGroups"),
        ] {
            let rows = sheet(&mut workbook, sheet_name);
            let uids = column(&rows, "UID");
            assert_eq!(
                uids.len(),
                rows.len() - 1,
                "{name} {sheet_name}: a UID per row"
            );
            let listed: BTreeSet<String> = uids.iter().map(|s| s.to_string()).collect();
            assert_eq!(listed.len(), uids.len(), "{name} {sheet_name}: no repeats");
            assert_eq!(listed, ids(&package, kind), "{name} {sheet_name}");
            let name_header = rows[0][if sheet_name == "Program rules" { 1 } else { 0 }].clone();
            let name_column = if sheet_name == "Rule variables" || sheet_name == "Program rules" {
                rows[0]
                    .iter()
                    .position(|h| h == "Variable" || h == "Rule")
                    .unwrap()
            } else {
                rows[0].iter().position(|h| *h == name_header).unwrap()
            };
            let uid_column = rows[0].iter().position(|h| h == "UID").unwrap();
            let expected = names_by_id(&package, kind);
            for row in &rows[1..] {
                assert_eq!(
                    row[name_column], expected[&row[uid_column]],
                    "{name} {sheet_name}: name of {}",
                    row[uid_column]
                );
            }
        }

        // Stages and sections: every stage and every section appears.
        let stages = sheet(&mut workbook, "Stages and sections");
        let stage_ids: BTreeSet<String> = column(&stages, "Stage UID")
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(stage_ids, ids(&package, "programStages"));
        let section_ids: Vec<&str> = column(&stages, "Section UID");
        assert_eq!(
            section_ids
                .iter()
                .map(|s| s.to_string())
                .collect::<BTreeSet<_>>(),
            ids(&package, "programStageSections")
        );
        assert_eq!(
            section_ids.len(),
            ids(&package, "programStageSections").len()
        );

        // Option sets: one row per option, under its set, in the set's order.
        let options = sheet(&mut workbook, "Option sets");
        let option_ids: Vec<&str> = column(&options, "Option UID");
        assert_eq!(
            option_ids.len(),
            package["options"].as_array().unwrap().len()
        );
        let by_set: Vec<(String, String)> = options[1..]
            .iter()
            .filter(|r| !r[7].is_empty())
            .map(|r| (r[1].clone(), r[7].clone()))
            .collect();
        for set in package["optionSets"].as_array().unwrap() {
            let listed: Vec<String> = set["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect();
            let in_sheet: Vec<String> = by_set
                .iter()
                .filter(|(s, _)| s == set["id"].as_str().unwrap())
                .map(|(_, o)| o.clone())
                .collect();
            assert_eq!(in_sheet, listed, "options of {}", set["name"]);
        }
        let codes = names_by_id(&package, "options");
        let option_name_column = options[0].iter().position(|h| h == "Option name").unwrap();
        for row in options[1..].iter().filter(|r| !r[7].is_empty()) {
            assert_eq!(row[option_name_column], codes[&row[7]]);
        }

        // Program rules: one line of words per action, the raw condition beside its words.
        let rules = sheet(&mut workbook, "Program rules");
        let rule_objects: BTreeMap<String, &Value> = package["programRules"]
            .as_array()
            .map(|r| {
                r.iter()
                    .map(|o| (o["id"].as_str().unwrap().to_string(), o))
                    .collect()
            })
            .unwrap_or_default();
        for row in &rules[1..] {
            let rule = rule_objects[&row[2]];
            let actions = rule["programRuleActions"].as_array().unwrap().len();
            assert_eq!(row[5].lines().count(), actions, "actions of {}", row[1]);
            assert_eq!(row[6], rule["condition"].as_str().unwrap_or(""));
            assert!(
                !row[4].contains("#{") && !row[4].contains("&&"),
                "{}",
                row[4]
            );
        }
    }
}

/// A config with a Spanish translation sheet (the repository's Chile sample), one row made stale.
fn spanish_config(scratch: &Scratch) {
    let sheet =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("country-configs/chile/translations/es.csv");
    let text = std::fs::read_to_string(sheet).unwrap();
    let stale = text.replacen(
        "ENROLLMENT_DATE_LABEL,Registration date,",
        "ENROLLMENT_DATE_LABEL,Date of registration,",
        1,
    );
    assert_ne!(stale, text, "the sample sheet has the row this test edits");
    // Keep the rows of objects the shipped base has (the Chile sheet also translates Chile's
    // own address areas and source types, which this config does not declare).
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("base-package/NCD_CR/NCD_CR.json"),
    )
    .unwrap();
    let stale: String = stale
        .split_inclusive('\n')
        .enumerate()
        .filter(|(i, line)| {
            *i == 0
                || line
                    .split(',')
                    .nth(1)
                    .is_some_and(|uid| base.contains(&format!("\"id\": \"{uid}\"")))
        })
        .map(|(_, line)| line)
        .collect();
    scratch.write("configs/es/translations/es.csv", &stale);
    scratch.write(
        "configs/es/country.yaml",
        &format!(
            "{}  locale: en\nlanguages:\n  default: en\n  translations:\n    es: translations/es.csv\n",
            config("ES", "Spanishland", "1.0.1-es.1")
        ),
    );
}

#[test]
fn translations_are_inputs_and_their_completeness_is_in_the_notes() {
    let scratch = Scratch::new("translations");
    spanish_config(&scratch);
    let configs = scratch.arg("configs");
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        &configs,
        "--out",
        &scratch.arg("dist"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let notes = std::fs::read_to_string(
        scratch.path("dist/NCD_CR_ES/NCD_CR_ES_TRK_1.0.1-es.1_DHIS2.42-en.release-notes.md"),
    )
    .unwrap();
    let es_row = notes
        .lines()
        .find(|l| l.starts_with("| es | "))
        .unwrap_or_else(|| panic!("{notes}"));
    let cells: Vec<&str> = es_row.split('|').map(str::trim).collect();
    let (translated, total): (usize, usize) =
        (cells[2].parse().unwrap(), cells[3].parse().unwrap());
    assert!(translated > 0 && translated <= total, "{es_row}");
    assert!(notes.contains("| es: Data element |"), "{notes}");
    assert!(notes.contains("ICD-O-3 code-list labels"), "{notes}");
    // The stale row is listed with the sheet's path relative to the configs folder.
    assert!(notes.contains("- es/translations/es.csv: row "), "{notes}");
    assert!(!notes.contains(&configs), "no absolute path in the notes");

    let manifest: Value =
        serde_json::from_slice(&std::fs::read(scratch.path("dist/manifest.json")).unwrap())
            .unwrap();
    let sheet = manifest["countries"][0]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "es/translations/es.csv")
        .expect("the translation sheet is an input");
    assert_eq!(sheet["role"], "data");
    let bytes = std::fs::read(scratch.path("configs/es/translations/es.csv")).unwrap();
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sheet["sha256"], sha.as_str());
    assert_eq!(sheet["size"], bytes.len() as u64);

    // With --strict the stale row fails the country.
    let strict = crtk(&[
        "build",
        "--all",
        "--strict",
        "--configs",
        &configs,
        "--out",
        &scratch.arg("strict"),
    ]);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = text(&strict.stderr);
    assert!(stderr.contains("es/country.yaml did not build"), "{stderr}");
    assert!(
        stderr.contains("stale translation row(s) with --strict"),
        "{stderr}"
    );
}

#[test]
fn build_all_arguments_are_checked() {
    let scratch = Scratch::new("args");
    let out = scratch.arg("out");
    let run = crtk(&["build", "--out", &out]);
    assert_eq!(run.status.code(), Some(2));
    let run = crtk(&[
        "build",
        "country-configs/example.yaml",
        "--all",
        "--out",
        &out,
    ]);
    assert_eq!(run.status.code(), Some(2));
    for flag in [
        &["--check"][..],
        &["--jobs", "2"],
        &["--configs", "x"],
        &["--previous-dir", "x"],
    ] {
        let mut args = vec!["build", "country-configs/example.yaml", "--out", &out];
        args.extend_from_slice(flag);
        let run = crtk(&args);
        assert_eq!(run.status.code(), Some(2), "{flag:?}");
        assert!(
            text(&run.stderr).contains("works only with --all"),
            "{flag:?}"
        );
    }
    let run = crtk(&["build", "--all", "--jobs", "0", "--out", &out]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!scratch.path("out").exists(), "nothing was written");
}
