//! `crtk validate` human output counts a repeated finding once (`CR203 ×N on N objects`), and
//! `--config` makes the validation of a built package accept the externals its config declared.

mod common;

use common::crtk::{root, temp_dir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crtk(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run crtk")
}

/// Builds a config that maps the three CR user groups onto groups of the target instance;
/// returns (config, package).
fn mapped_build(dir: &Path) -> (PathBuf, PathBuf) {
    let base =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let config = dir.join("country.yaml");
    std::fs::write(
        &config,
        format!(
            "country: {{ code: GH, name: Ghana }}\npackage: {{ version: 1.0.1-gh.1, base: {} }}\nvalidate: {{ allow_placeholders: true }}\naccess:\n  user_groups:\n    CR - Admin: Ab000000001\n    CR - Data Capture: Ab000000002\n    CR - Access: Ab000000003\n",
            serde_json::to_string(base.to_str().unwrap()).unwrap()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let built = crtk(&[
        "build".as_ref(),
        config.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let package = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    (config, package)
}

#[test]
fn repeated_findings_are_counted_once_and_config_externals_are_known() {
    let dir = temp_dir("validate-grouping");
    let (config, package) = mapped_build(&dir);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&package).unwrap()).unwrap();
    // How many objects share with the first mapped group: each is one CR203 finding.
    let sharing_admin = json
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| v.as_array())
        .flatten()
        .filter(|o| o["sharing"]["userGroups"].get("Ab000000001").is_some())
        .count();
    assert!(
        sharing_admin > 5,
        "the mapping moved sharing onto the target's group"
    );

    let human = crtk(&["validate".as_ref(), package.as_os_str()]);
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(0), "{stdout}");
    let line = format!(
        "warning[CR203] \u{d7}{sharing_admin} on {sharing_admin} objects: shared with user group `Ab000000001`"
    );
    assert!(stdout.contains(&line), "`{line}` missing from:\n{stdout}");
    assert_eq!(stdout.matches("`Ab000000001`").count(), 1, "{stdout}");
    assert!(stdout.contains("more (--format json lists each)"));
    assert!(
        stdout.lines().count() < 100,
        "{} lines",
        stdout.lines().count()
    );

    // JSON still lists every finding.
    let machine = crtk(&[
        "validate".as_ref(),
        package.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&machine.stdout).unwrap();
    let cr203 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CR203" && f["message"].as_str().unwrap().contains("Ab000000001"))
        .count();
    assert_eq!(cr203, sharing_admin);

    // With the config, the groups it maps to are known externals: no CR203 at all.
    let known = crtk(&[
        "validate".as_ref(),
        package.as_os_str(),
        "--config".as_ref(),
        config.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&known.stdout);
    assert_eq!(known.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("CR203"), "{stdout}");

    // --config with a config input is refused.
    let refused = crtk(&[
        "validate".as_ref(),
        config.as_os_str(),
        "--config".as_ref(),
        config.as_os_str(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
}
