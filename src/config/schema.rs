//! The JSON Schema of the country config (`schemas/country-config.schema.json`).
//!
//! The same file serves editors (a `# yaml-language-server: $schema=...` comment at the top of a
//! config gives completion and inline errors) and the loader, which enforces it after serde has
//! read the config, so both always agree. No network: the schema has no remote references and
//! the `jsonschema` crate is built without its resolver features.

use super::ConfigError;
use std::path::Path;
use std::sync::OnceLock;

/// The schema text, as shipped in `schemas/`.
pub const SCHEMA: &str = include_str!("../../schemas/country-config.schema.json");

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(SCHEMA).expect("the shipped schema is JSON (tested)");
        jsonschema::validator_for(&schema).expect("the shipped schema is valid (tested)")
    })
}

/// Checks config text against the schema; the first violation becomes an error naming the file,
/// the key path and (best effort) its line.
pub fn check(text: &str, path: &Path) -> Result<(), ConfigError> {
    let value: serde_json::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        // serde already accepted the text; a YAML feature JSON lacks (e.g. non-string keys)
        // is left to the typed checks.
        Err(_) => return Ok(()),
    };
    let validator = validator();
    let Some(error) = validator.iter_errors(&value).next() else {
        return Ok(());
    };
    let segments: Vec<String> = error
        .instance_path()
        .as_str()
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let key = key_path(&segments);
    let line = find_line(text, &segments);
    Err(ConfigError::Syntax {
        path: path.to_path_buf(),
        location: line.map(|l| (l, 1)),
        message: format!(
            "`{}`: {} (schema: schemas/country-config.schema.json)",
            if key.is_empty() { "." } else { &key },
            error
        ),
    })
}

/// `["address", "levels", "1", "pad"]` -> `address.levels[1].pad`.
pub fn key_path(segments: &[String]) -> String {
    let mut out = String::new();
    for s in segments {
        if s.parse::<usize>().is_ok() {
            out.push_str(&format!("[{s}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(s);
        }
    }
    out
}

/// The 1-based line where the innermost named key of `segments` is written, found by walking
/// the keys down the text (a heuristic good for block-style YAML; `None` when it loses track).
pub(crate) fn find_line(text: &str, segments: &[String]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut found = None;
    for segment in segments {
        if let Ok(index) = segment.parse::<usize>() {
            // The index-th block list item after the current position (flow lists stay on
            // the key's line).
            let first = lines
                .iter()
                .enumerate()
                .skip(from + 1)
                .find(|(_, l)| !l.trim().is_empty());
            let Some((start, first_line)) = first else {
                return found;
            };
            if !first_line.trim_start().starts_with("- ") {
                continue;
            }
            let indent = indent_of(first_line);
            let mut seen = 0;
            for (i, line) in lines.iter().enumerate().skip(start) {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                if indent_of(line) < indent {
                    break;
                }
                if indent_of(line) == indent && line.trim_start().starts_with("- ") {
                    if seen == index {
                        from = i;
                        found = Some(i + 1);
                        break;
                    }
                    seen += 1;
                }
            }
            continue;
        }
        let needle = format!("{segment}:");
        let position = lines.iter().enumerate().skip(from).find(|(_, l)| {
            let t = l
                .trim_start()
                .trim_start_matches("- ")
                .trim_start_matches('{')
                .trim_start();
            t.starts_with(&needle)
                || t.starts_with(&format!("\"{segment}\":"))
                || l.contains(&format!(" {needle}"))
                || l.contains(&format!("{{{needle}"))
        });
        match position {
            Some((i, _)) => {
                from = i;
                found = Some(i + 1);
            }
            None => return found,
        }
    }
    found
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_compiles() {
        let _ = validator();
    }

    #[test]
    fn violations_name_the_key_and_line() {
        let text = "country: { code: RW, name: Rwanda }\npackage:\n  version: 1.0.1-rw.1\naddress:\n  code_length: 0\n  levels: [Province]\n  areas:\n    tree: [{ code: '1', name: A }]\n";
        let e = check(text, Path::new("rw.yaml")).unwrap_err().to_string();
        assert!(e.starts_with("rw.yaml:5:1: `address.code_length`"), "{e}");
    }

    #[test]
    fn key_paths() {
        let s: Vec<String> = ["address", "levels", "1", "pad"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(key_path(&s), "address.levels[1].pad");
    }
}
