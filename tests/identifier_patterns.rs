//! Identifier patterns are checked as `d2:validatePattern` compiles them: JavaScript RegExp
//! (no `u` flag) wrapped in `^(?:...)$`. The checker agrees with Node's own RegExp on a corpus of
//! valid and broken patterns, and a config with a broken pattern is refused with the position.

mod common;

use common::crtk::{build, temp_dir};
use std::process::Command;

/// Patterns and the reason they are in the corpus.
const CORPUS: &[&str] = &[
    // valid
    "^[12][0-9]{15}$",
    "^[0-9]{7,9}$",
    "^GHA-[0-9]{9}-[0-9]$",
    "\\d{3}-\\d{4}",
    "[A-Z]{2}\\d+",
    "(?:ab|cd)+",
    "(?<year>\\d{4})-\\k<year>",
    "a{",
    "a{1",
    "a{,5}",
    "}",
    "]",
    "x{2,}",
    "x{2,3}?",
    "(?=a)*b",
    "[\\d-z]",
    "[a-]",
    "[]",
    "[^]",
    "\\c",
    "\\k",
    "\\p{L}",
    "\\u00e9+",
    "[\\x41-\\x5A]",
    "[\\0-\\7]",
    "(?<!x)y",
    "a|",
    "|",
    "",
    "\\(",
    "[(]",
    "^\\$\\d+\\.\\d{2}$",
    // broken
    "^GHA-([0-9]{9}-[0-9]$",
    "(abc",
    "abc)",
    "[a-z",
    "*a",
    "+",
    "?x",
    "a**",
    "a{2}{3}",
    "{2}",
    "a{3,1}",
    "[z-a]",
    "[\\x5A-\\x41]",
    "^*",
    "\\b+",
    "(?<=a)*",
    "(?x)",
    "(?<1a>x)",
    "(?<a>x)(?<a>y)",
    "(?<a>x)\\k<b>",
    "(?<a>x)\\k",
    "abc\\",
    "[abc\\",
    "a|*",
    "(?:)?+",
];

#[test]
fn the_checker_agrees_with_javascript_regexp() {
    let script = "const ps = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n\
                  console.log(JSON.stringify(ps.map(p => { try { new RegExp('^(?:' + p + ')$'); return true; } catch (e) { return false; } })));";
    let mut child = Command::new("node")
        .arg("-e")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node (Node.js 18+) is needed by the rule-engine tests");
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        serde_json::to_string(CORPUS).unwrap().as_bytes(),
    )
    .unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let node: Vec<bool> = serde_json::from_slice(&output.stdout).unwrap();
    let mut disagreements = Vec::new();
    for (pattern, js) in CORPUS.iter().zip(node) {
        let ours = crtk::config::js_regex::check(pattern);
        if ours.is_ok() != js {
            disagreements.push(format!("{pattern:?}: node {js}, crtk {ours:?}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // Both kinds are in the corpus.
    assert!(
        CORPUS
            .iter()
            .filter(|p| crtk::config::js_regex::check(p).is_err())
            .count()
            > 20
    );
}

#[test]
fn a_pattern_that_does_not_compile_is_refused_with_its_position() {
    let dir = temp_dir("identifier-pattern");
    let base = common::crtk::root()
        .join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let config = format!(
        "country: {{ code: GH, name: Ghana }}\n\
                  package: {{ version: 1.0.1-gh.1, base: {} }}\n\
                  validate: {{ allow_placeholders: true }}\n\
                  identifiers:\n  - name: National ID\n    code: GH_NID\n    pattern: \"^GHA-([0-9]{{9}}-[0-9]$\"\n    pattern_message: A Ghana card number\n",
        serde_json::to_string(base.to_str().unwrap()).unwrap()
    );
    std::fs::write(dir.join("country.yaml"), &config).unwrap();
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for expected in [
        "identifiers[0].pattern",
        "`^GHA-([0-9]{9}-[0-9]$` is not a regular expression d2:validatePattern can compile",
        "at position 6: this `(` is never closed",
    ] {
        assert!(
            stderr.contains(expected),
            "`{expected}` missing from:\n{stderr}"
        );
    }
    assert!(!dir.join("out").exists());

    // The corrected pattern builds.
    std::fs::write(
        dir.join("country.yaml"),
        config.replace("([0-9]{9}-", "[0-9]{9}-"),
    )
    .unwrap();
    let output = build(&dir.join("country.yaml"), &dir.join("out"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
