//! Reading a package from JSON text, in any header form.

use super::{Header, Package};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Why a package could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read the package: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: malformed JSON: {message}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: a DHIS2 metadata package is one JSON object, found {found}", path.display())]
    NotAnObject { path: PathBuf, found: &'static str },
}

impl Package {
    /// Reads a package file.
    pub fn load(path: &Path) -> Result<Package, LoadError> {
        let text = crate::input::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Package::from_json(&text, path)
    }

    /// Parses package text; `path` only names the source in errors.
    pub fn from_json(text: &str, path: &Path) -> Result<Package, LoadError> {
        let value: Value = crate::input::parse_json(text).map_err(|e| LoadError::Json {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        Package::from_value(value).map_err(|found| LoadError::NotAnObject {
            path: path.to_path_buf(),
            found,
        })
    }

    /// Builds a package from a parsed JSON value; `Err` names the JSON kind found instead of an object.
    pub fn from_value(value: Value) -> Result<Package, &'static str> {
        let Value::Object(mut top) = value else {
            return Err(json_kind(&value));
        };
        let header = match top.remove("package") {
            Some(Value::Object(map)) => Header::Package(map),
            Some(Value::String(name)) => Header::Legacy(name),
            Some(other) => {
                // Not a header DHIS2 knows: keep it verbatim rather than lose it.
                top.insert("package".into(), other);
                Header::Absent
            }
            None => match top.remove("system") {
                Some(Value::Object(map)) => Header::System(map),
                Some(other) => {
                    top.insert("system".into(), other);
                    Header::Absent
                }
                None => Header::Absent,
            },
        };
        Ok(Package {
            header,
            sections: top.into_iter().collect(),
        })
    }

    /// The whole package as one JSON value (header under its own key).
    pub fn to_value(&self) -> Value {
        let mut top: serde_json::Map<String, Value> = self
            .sections
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let (Some(key), Some(value)) = (self.header.key(), self.header.to_value()) {
            top.insert(key.into(), value);
        }
        Value::Object(top)
    }
}

/// serde_json appends " at line L column C" to its messages; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_header_form() {
        let p = |s: &str| Package::from_json(s, Path::new("t.json")).unwrap();
        assert!(matches!(
            p(r#"{"package":{"name":"X"}}"#).header,
            Header::Package(_)
        ));
        assert!(matches!(
            p(r#"{"package":"AEFI_1"}"#).header,
            Header::Legacy(_)
        ));
        let raw = p(r#"{"system":{"version":"2.40"},"options":[]}"#);
        assert!(matches!(raw.header, Header::System(_)));
        assert!(raw.sections.contains_key("options"));
    }

    #[test]
    fn malformed_json_names_file_line_and_column() {
        let err = Package::from_json("{\n  \"a\": [1,\n}", Path::new("bad.json")).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("bad.json:3:1: malformed JSON"), "{text}");
    }
}
