//! `crtk init`: the scaffolded config builds at once, names the base's user groups, points at the
//! schema, maps a given CSV's header, and never overwrites.

mod common;

use common::crtk::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const OFFICIAL: &str =
    "../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";

fn official() -> PathBuf {
    root().join(OFFICIAL)
}

fn crtk(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run crtk")
}

/// A fresh folder inside the checkout (target/tmp), so the schema is found above it.
fn fresh(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("init-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn init(dir: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["init".as_ref(), dir.as_os_str()];
    for a in ["--country", "GH", "--name", "Ghana", "--base", OFFICIAL] {
        args.push(a.as_ref());
    }
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let mut command = Command::new(env!("CARGO_BIN_EXE_crtk"));
    command.env("CRTK_ALLOW_PATH", common::crtk::allowed_roots());
    command.current_dir(root()).args(&args);
    command.output().expect("run crtk")
}

fn build(config: &Path, out: &Path) -> Output {
    crtk(&[
        "build".as_ref(),
        config.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--base".as_ref(),
        official().as_os_str(),
    ])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn init_then_build_succeeds_and_refuses_to_overwrite() {
    let dir = fresh("two-levels");
    let out = init(&dir, &["--levels", "Region,District"]);
    assert!(out.status.success(), "init failed: {}", stderr(&out));
    let config = dir.join("country.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    // The schema line's relative path resolves from the config's folder.
    let first = text.lines().next().unwrap();
    let schema = first
        .strip_prefix("# yaml-language-server: $schema=")
        .expect("schema line first");
    assert!(schema.starts_with("../"), "relative: {schema}");
    assert_eq!(
        std::fs::canonicalize(dir.join(schema)).unwrap(),
        std::fs::canonicalize(root().join("schemas/country-config.schema.json")).unwrap()
    );
    // User-group names come from the base package.
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(official()).unwrap()).unwrap();
    for group in base["userGroups"].as_array().unwrap() {
        let name = group["name"].as_str().unwrap();
        assert!(
            text.contains(&format!("\"{name}\":")),
            "group {name} in:\n{text}"
        );
    }
    assert!(text.contains("allow_placeholders: true"));
    assert!(dir.join("translations/README.md").is_file());
    let csv = std::fs::read_to_string(dir.join("areas.csv")).unwrap();
    assert!(csv.starts_with("region_code,region_name,district_code,district_name\n"));

    let dist = dir.join("dist");
    let built = build(&config, &dist);
    assert!(built.status.success(), "build failed: {}", stderr(&built));
    let package = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a package");
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(package).unwrap()).unwrap();
    let codes: Vec<&str> = package["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["code"].as_str())
        .collect();
    for code in ["11", "12", "21", "22"] {
        assert!(codes.contains(&code), "district {code} built");
    }

    // A second init into the same folder refuses and changes nothing.
    let again = init(&dir, &["--levels", "Province"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
}

#[test]
fn init_from_csv_maps_the_header_and_builds() {
    let dir = fresh("from-csv");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("ghana.csv");
    std::fs::write(
        &source,
        "Region Code,Region Name,District Code,District Name\n\
         01,Greater Accra,0101,Accra Metropolitan\n\
         01,Greater Accra,0102,Tema Metropolitan\n\
         02,Ashanti,0201,Kumasi Metropolitan\n",
    )
    .unwrap();
    let target = dir.join("config");
    let out = init(
        &target,
        &[
            "--levels",
            "Region,District",
            "--from",
            source.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "init failed: {}", stderr(&out));
    let text = std::fs::read_to_string(target.join("country.yaml")).unwrap();
    assert!(
        text.contains("\"District\": { code: \"District Code\", name: \"District Name\" }"),
        "{text}"
    );
    assert!(
        target.join("ghana.csv").is_file(),
        "the CSV is copied next to the config"
    );
    let built = build(&target.join("country.yaml"), &target.join("dist"));
    assert!(built.status.success(), "build failed: {}", stderr(&built));

    // A header without columns for a level is refused, naming the header and the fix.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "id,label\n1,Accra\n").unwrap();
    let refused = init(
        &dir.join("bad"),
        &["--levels", "Region", "--from", bad.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("id, label") && message.contains("region_code"),
        "{message}"
    );
    assert!(!dir.join("bad/country.yaml").exists());
}
