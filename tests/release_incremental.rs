//! `crtk build --all` is incremental: countries whose inputs and outputs match dist/manifest.json
//! are kept, the others rebuilt; `--force` rebuilds all. Through the real binary, on the official
//! NCD_CR 1.0.1 package.

mod common;

use common::crtk::{root, temp_dir};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

const OFFICIAL: &str =
    "../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";

fn release(dir: &Path, extra: &[&str], epoch: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crtk"));
    command
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(["build", "--all", "--configs"])
        .arg(dir.join("configs"))
        .arg("--out")
        .arg(dir.join("dist"))
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(seconds) = epoch {
        command.env("SOURCE_DATE_EPOCH", seconds);
    }
    let output = command.output().expect("crtk runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Per config: `built` or `unchanged`, as the run printed it, plus the summary line.
fn outcome(output: &Output) -> (BTreeMap<String, &'static str>, String) {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut countries = BTreeMap::new();
    for line in stdout.lines() {
        let verb = if line.starts_with("built ") {
            "built"
        } else if line.starts_with("unchanged, not rebuilt: ") {
            "unchanged"
        } else {
            continue;
        };
        let config = line.split(" (").nth(1).unwrap().split(')').next().unwrap();
        countries.insert(config.to_string(), verb);
    }
    let summary = stdout
        .lines()
        .find(|l| l.contains("countries rebuilt"))
        .unwrap_or_else(|| panic!("a summary line in {stdout}"))
        .to_string();
    (countries, summary)
}

fn expect(output: &Output, aa: &str, bb: &str, summary: &str) {
    let (countries, line) = outcome(output);
    assert_eq!(countries["aa.yaml"], aa, "{line}");
    assert_eq!(countries["bb/country.yaml"], bb, "{line}");
    assert!(line.starts_with(summary), "{line}");
}

/// Two countries on the official base; `bb` has an area CSV (a data file).
fn setup(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let base = root().join(OFFICIAL);
    let config = |code: &str, extra: &str| {
        format!(
            "country:\n  code: {code}\n  name: Land {code}\nvalidate:\n  allow_placeholders: true\npackage:\n  version: 1.0.1-{}.1\n  base: {}\n{extra}",
            code.to_lowercase(),
            base.display()
        )
    };
    std::fs::create_dir_all(dir.join("configs/bb")).unwrap();
    std::fs::write(dir.join("configs/aa.yaml"), config("AA", "")).unwrap();
    std::fs::write(
        dir.join("configs/bb/areas.csv"),
        "code,name,parent\n1,North,\n2,South,\n11,Alpha,1\n12,Beta,1\n21,Gamma,2\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("configs/bb/country.yaml"),
        config(
            "BB",
            "address:\n  levels: [Province, District]\n  areas:\n    csv: { file: areas.csv, code: code, name: name, parent: parent }\n",
        ),
    )
    .unwrap();
    dir
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let relative = p.strip_prefix(dir).unwrap().display().to_string();
                files.insert(relative, std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

#[test]
fn unchanged_countries_are_kept_and_changed_ones_rebuilt() {
    let dir = setup("incremental");
    let cold = release(&dir, &[], None);
    expect(
        &cold,
        "built",
        "built",
        "2 of 2 countries rebuilt, 0 unchanged",
    );
    let first = tree(&dir.join("dist"));

    // Nothing changed: nothing is rebuilt, nothing written, and the output says so.
    let again = release(&dir, &[], None);
    expect(
        &again,
        "unchanged",
        "unchanged",
        "0 of 2 countries rebuilt, 2 unchanged",
    );
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("0 written, 9 unchanged, 0 removed"),
        "{stdout}"
    );
    assert_eq!(tree(&dir.join("dist")), first);

    // A data file of one country changed: exactly that country is rebuilt.
    std::fs::write(
        dir.join("configs/bb/areas.csv"),
        "code,name,parent\n1,North,\n2,South,\n11,Alpha,1\n12,Beta,1\n21,Gamma,2\n22,Delta,2\n",
    )
    .unwrap();
    let edited = release(&dir, &[], None);
    expect(
        &edited,
        "unchanged",
        "built",
        "1 of 2 countries rebuilt, 1 unchanged",
    );
    let after_edit = tree(&dir.join("dist"));
    let package = |files: &BTreeMap<String, Vec<u8>>, folder: &str| {
        files
            .iter()
            .find(|(k, _)| k.starts_with(folder) && k.ends_with("-en.json"))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_ne!(
        package(&after_edit, "NCD_CR_BB"),
        package(&first, "NCD_CR_BB")
    );
    assert!(String::from_utf8_lossy(&package(&after_edit, "NCD_CR_BB")).contains("Delta"));
    assert_eq!(
        package(&after_edit, "NCD_CR_AA"),
        package(&first, "NCD_CR_AA")
    );

    // Editing a config (even a comment) rebuilds that country only.
    let aa = dir.join("configs/aa.yaml");
    let mut text = std::fs::read_to_string(&aa).unwrap();
    text.push_str("# reviewed\n");
    std::fs::write(&aa, text).unwrap();
    let touched = release(&dir, &[], None);
    expect(
        &touched,
        "built",
        "unchanged",
        "1 of 2 countries rebuilt, 1 unchanged",
    );

    // --force rebuilds every country; the tree is the same as the incremental one.
    let before_force = tree(&dir.join("dist"));
    let forced = release(&dir, &["--force"], None);
    expect(
        &forced,
        "built",
        "built",
        "2 of 2 countries rebuilt, 0 unchanged",
    );
    assert_eq!(tree(&dir.join("dist")), before_force);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn damaged_or_missing_outputs_are_rebuilt() {
    let dir = setup("incremental-damage");
    release(&dir, &[], None);
    let first = tree(&dir.join("dist"));
    let workbook = first
        .keys()
        .find(|k| k.starts_with("NCD_CR_AA") && k.ends_with(".xlsx"))
        .unwrap()
        .clone();
    let mut bytes = first[&workbook].clone();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(dir.join("dist").join(&workbook), &bytes).unwrap();
    let repaired = release(&dir, &[], None);
    expect(
        &repaired,
        "built",
        "unchanged",
        "1 of 2 countries rebuilt, 1 unchanged",
    );
    assert_eq!(tree(&dir.join("dist")), first);

    let notes = first
        .keys()
        .find(|k| k.starts_with("NCD_CR_BB") && k.ends_with(".release-notes.md"))
        .unwrap()
        .clone();
    std::fs::remove_file(dir.join("dist").join(&notes)).unwrap();
    let restored = release(&dir, &[], None);
    expect(
        &restored,
        "unchanged",
        "built",
        "1 of 2 countries rebuilt, 1 unchanged",
    );
    assert_eq!(tree(&dir.join("dist")), first);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_new_build_stamp_or_previous_release_rebuilds() {
    let dir = setup("incremental-stamp");
    release(&dir, &[], Some("1700000000"));
    let same = release(&dir, &[], Some("1700000000"));
    expect(&same, "unchanged", "unchanged", "0 of 2 countries rebuilt");
    // Another SOURCE_DATE_EPOCH stamps another lastUpdated: every package changes.
    let later = release(&dir, &[], Some("1800000000"));
    expect(&later, "built", "built", "2 of 2 countries rebuilt");
    let stamped = tree(&dir.join("dist"));
    assert!(
        stamped.iter().any(|(k, v)| k.ends_with("-en.json")
            && String::from_utf8_lossy(v).contains("20270115T080000"))
    );

    // A previous release given now (it was not before) rebuilds: the diff is new.
    let previous = dir.join("previous");
    std::fs::rename(dir.join("dist"), &previous).unwrap();
    release(&dir, &[], Some("1800000000"));
    let prev = previous.display().to_string();
    let with_previous = release(&dir, &["--previous-dir", &prev], Some("1800000000"));
    expect(&with_previous, "built", "built", "2 of 2 countries rebuilt");
    let again = release(&dir, &["--previous-dir", &prev], Some("1800000000"));
    expect(&again, "unchanged", "unchanged", "0 of 2 countries rebuilt");
    std::fs::remove_dir_all(&dir).unwrap();
}
