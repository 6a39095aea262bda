//! Helpers for the hardening tests: run crtk with a time limit (a hang is a failure, not a stuck
//! test run) and write hostile fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const OFFICIAL: &str =
    "../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn official() -> PathBuf {
    root().join(OFFICIAL)
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-harden-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs crtk with `args` and extra environment; killed (and the test failed) after 120 s.
pub fn crtk_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crtk"));
    command
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CRTK_ALLOW_PATH")
        .env_remove("CRTK_MAX_INPUT_MB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("run crtk");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("crtk {args:?} hung (killed after 120 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output: Output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn crtk(args: &[&str]) -> Run {
    crtk_env(args, &[])
}

pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Makes a FIFO at `path` (with mkfifo).
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// A minimal country config (no data files).
pub fn minimal_config(extra: &str) -> String {
    format!(
        "country:\n  code: XX\n  name: Exampleland\npackage:\n  version: 1.0.1-xx.1\n  locale: en\nvalidate:\n  allow_placeholders: true\n{extra}"
    )
}

/// The official package as JSON, edited by `edit`, written to `dir/name`.
pub fn edited_official(
    dir: &Path,
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> PathBuf {
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(official()).unwrap()).unwrap();
    edit(&mut value);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    path
}
