//! `crtk completions` and `crtk man` come from the clap definitions: every command is in them.

mod common;

use std::process::Command;

#[test]
fn completions_and_man_pages_cover_every_command() {
    let bash = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(bash.status.success());
    let script = String::from_utf8(bash.stdout).unwrap();
    for word in [
        "build",
        "validate",
        "diff",
        "init",
        "--check-version",
        "--levels",
    ] {
        assert!(
            script.contains(word),
            "`{word}` missing from the bash completions"
        );
    }
    let dir = common::crtk::temp_dir("man");
    let man = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(["man", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        man.status.success(),
        "{}",
        String::from_utf8_lossy(&man.stderr)
    );
    for page in [
        "crtk.1",
        "crtk-build.1",
        "crtk-validate.1",
        "crtk-diff.1",
        "crtk-init.1",
    ] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap();
        assert!(text.contains(".TH "), "{page} is a man page");
    }
    assert!(!dir.join("crtk-help.1").exists());
}
