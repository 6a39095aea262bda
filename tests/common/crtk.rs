//! Running the `crtk` binary on files, for the end-to-end tests.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The roots fixture configs may name paths in (`CRTK_ALLOW_PATH`): the real data under
/// ../shared, and the temporary folder where release fixtures put bases beside their configs.
pub fn allowed_roots() -> std::ffi::OsString {
    std::env::join_paths([root().join("../shared"), std::env::temp_dir()]).expect("plain paths")
}

/// Runs `crtk <args>` (without `SOURCE_DATE_EPOCH`, so builds are dated as by default).
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crtk"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("CRTK_ALLOW_PATH", allowed_roots())
        .output()
        .expect("run crtk")
}

/// Runs `crtk build <config> --out <out>`.
pub fn build(config: &Path, out: &Path) -> Output {
    run(&[
        std::ffi::OsStr::new("build"),
        config.as_os_str(),
        std::ffi::OsStr::new("--out"),
        out.as_os_str(),
    ])
}

/// Builds `config` and returns the package written, panicking with crtk's stderr on failure.
pub fn build_package(config: &Path, out: &Path) -> Value {
    let output = build(config, out);
    assert!(
        output.status.success(),
        "crtk build {} failed:\n{}",
        config.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let written: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        // Beside the package: the CanReg5 export app's field mapping.
        .filter(|p| !p.to_string_lossy().ends_with(".canreg5-mapping.json"))
        .collect();
    assert_eq!(written.len(), 1, "one package in {}", out.display());
    serde_json::from_str(&std::fs::read_to_string(&written[0]).unwrap()).unwrap()
}

/// The objects of one type.
pub fn objects<'a>(package: &'a Value, kind: &str) -> Vec<&'a Value> {
    package[kind]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// The object of `kind` with id `id`.
pub fn get<'a>(package: &'a Value, kind: &str, id: &str) -> &'a Value {
    objects(package, kind)
        .into_iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no {kind} {id}"))
}
