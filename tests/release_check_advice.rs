//! `crtk build --all --check` names the stray file and a fix that works, and its rebuild command
//! repeats the user's own flags: the test runs the suggested commands and checks again.

mod common;

use common::crtk::{root, temp_dir};
use std::process::{Command, Output};

fn crtk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a suggested shell command, with `crtk` standing for the binary under test.
fn run_suggested(command: &str) {
    let command = match command.strip_prefix("crtk ") {
        Some(rest) => format!("'{}' {rest}", env!("CARGO_BIN_EXE_crtk")),
        None => command.to_string(),
    };
    let status = Command::new("sh")
        .arg("-c")
        .arg(&command)
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .env_remove("SOURCE_DATE_EPOCH")
        .status()
        .unwrap();
    assert!(status.success(), "{command}");
}

/// The text between the backticks after `marker` on a `fix:` line.
fn suggested(stderr: &str, marker: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.contains("fix:") && l.contains(marker))
        .unwrap_or_else(|| panic!("no fix line with `{marker}` in:\n{stderr}"));
    let start = line.find(&format!("`{marker}")).unwrap() + 1;
    let end = start + line[start..].find('`').unwrap();
    line[start..end].to_string()
}

#[test]
fn check_names_the_stray_file_and_fixes_that_work() {
    let dir = temp_dir("check-advice");
    let configs = dir.join("my configs");
    std::fs::create_dir_all(&configs).unwrap();
    let base =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    std::fs::write(
        configs.join("gh.yaml"),
        format!(
            "country: {{ code: GH, name: Ghana }}\npackage: {{ version: 1.0.1-gh.1.0, base: {} }}\nvalidate: {{ allow_placeholders: true }}\n",
            serde_json::to_string(base.to_str().unwrap()).unwrap()
        ),
    )
    .unwrap();
    let dist = dir.join("dist");
    let (configs_arg, dist_arg) = (configs.to_str().unwrap(), dist.to_str().unwrap());
    let flags = [
        "build",
        "--all",
        "--configs",
        configs_arg,
        "--out",
        dist_arg,
        "--external",
        "Ab000000001",
    ];
    let built = crtk(&flags);
    assert!(built.status.success(), "{}", stderr(&built));
    let check = |extra: &[&str]| crtk(&[&flags[..], &["--check"], extra].concat());
    assert!(check(&[]).status.success());

    // A stray file: named, with the command that removes it.
    let folder = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let stray = folder.join("old notes.md");
    std::fs::write(&stray, "left over").unwrap();
    let failed = check(&[]);
    assert_eq!(failed.status.code(), Some(1));
    let text = stderr(&failed);
    assert!(
        text.contains("old notes.md: is not part of the release"),
        "{text}"
    );
    assert!(
        text.contains("`crtk build --all` does not remove files it did not write"),
        "{text}"
    );
    run_suggested(&suggested(&text, "rm "));
    assert!(!stray.exists());
    assert!(
        check(&[]).status.success(),
        "the suggested rm repairs dist/"
    );

    // A file that differs: the rebuild command repeats the user's flags and repairs dist/.
    let package = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    std::fs::write(&package, "{}").unwrap();
    let failed = check(&[]);
    assert_eq!(failed.status.code(), Some(1));
    let text = stderr(&failed);
    let rebuild = suggested(&text, "crtk build");
    assert!(
        rebuild.contains(&format!("--configs '{configs_arg}'"))
            && rebuild.contains("--external Ab000000001")
            && rebuild.contains(&format!("--out {dist_arg}"))
            && !rebuild.contains("--check"),
        "{rebuild}"
    );
    run_suggested(&rebuild);
    assert!(
        check(&[]).status.success(),
        "the suggested rebuild repairs dist/"
    );
}
