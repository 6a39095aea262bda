//! Drives the real DHIS2 expression parser (`@dhis2/expression-parser` 1.1.0 on npm) from Rust
//! tests, through `tests/expression-parser/driver.mjs` (one JSON request on stdin, one verdict
//! per expression on stdout). The npm dependencies are installed on first use, as for the rule
//! engine (same lock, same Node.js requirement).

use super::rule_engine::{check_node, ensure_installed};
use serde::Deserialize;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The library's verdict on one expression.
#[derive(Debug, Clone, Deserialize)]
pub struct Verdict {
    pub valid: bool,
    pub message: String,
}

/// Validates every expression in `mode` (an `ExpressionMode` name such as
/// `PROGRAM_INDICATOR_EXPRESSION`), in one Node process.
pub fn validate(mode: &str, expressions: &[String]) -> Vec<Verdict> {
    let verdicts: Vec<Verdict> = run(&json!({"mode": mode, "expressions": expressions}));
    assert_eq!(
        verdicts.len(),
        expressions.len(),
        "one verdict per expression"
    );
    verdicts
}

/// Evaluates every expression on every event (`{"items": {"stage.element" | "attribute":
/// value}, "variables": {...}}`): one value (or null) per event, per expression.
pub fn evaluate(mode: &str, expressions: &[String], events: &[Value]) -> Vec<Vec<Value>> {
    run(&json!({"op": "evaluate", "mode": mode, "expressions": expressions, "events": events}))
}

fn run<T: for<'de> Deserialize<'de>>(request: &Value) -> T {
    check_node();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expression-parser");
    ensure_installed(&dir);
    let input = serde_json::to_vec(request).expect("request serialises");
    let mut child = Command::new("node")
        .arg("driver.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `node`: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("wait for node");
    writer
        .join()
        .expect("stdin writer thread")
        .expect("write the request");
    assert!(
        output.status.success(),
        "expression-parser driver failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("driver output is JSON")
}
