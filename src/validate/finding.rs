//! What a check reports: [`Finding`]s gathered into a [`Report`].
//!
//! A finding names the check (a stable code from [`super::registry`]), its severity, the object
//! it is about (type, id, name) and the JSON path of the offending value, so that a user can find
//! it in the package file and a machine can match it across runs.

use serde::Serialize;
use serde_json::{Map, Value};

/// How bad a finding is. Errors make `validate` exit 1 and `build` write nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    /// The package section (metadata type), e.g. `programRules`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub name: Option<String>,
}

impl ObjectRef {
    /// The object `map` of section `kind`.
    pub fn of(kind: &str, map: &Map<String, Value>) -> ObjectRef {
        ObjectRef {
            kind: kind.to_string(),
            id: map
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            name: map.get("name").and_then(Value::as_str).map(str::to_string),
        }
    }

    /// `programRules aBcDeFgHiJk "Check age"`
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} {} \"{}\"", self.kind, self.id, name),
            None => format!("{} {}", self.kind, self.id),
        }
    }
}

/// One problem found in a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check's stable code (see `docs/checks.md`).
    pub code: &'static str,
    pub severity: Severity,
    /// The object concerned; `None` for package-level findings.
    pub object: Option<ObjectRef>,
    /// JSON path from the package root, e.g. `programRules[3].condition`.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// All findings of one validation run, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// What was validated (a file path), for output.
    pub source: String,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether the run fails: any error, or any warning when warnings are denied.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.errors() > 0 || (deny_warnings && self.warnings() > 0)
    }

    /// The findings with this code.
    pub fn with_code<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// The distinct codes reported, sorted.
    pub fn codes(&self) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = self.findings.iter().map(|f| f.code).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// `2 errors, 5 warnings in 1,312 objects` style summary.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        format!(
            "{}: {}, {}",
            self.source,
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning")
        )
    }
}
