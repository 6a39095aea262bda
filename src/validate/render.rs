//! Printing a [`Report`]: human (grouped by object, colour on a terminal), JSON (stable schema,
//! `docs/validate-json.md`) and GitHub workflow annotations.

use super::finding::{Finding, Report, Severity};
use serde_json::json;

/// The output formats of `crtk validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "github" => Ok(Format::Github),
            other => Err(format!(
                "unknown format `{other}`: use human, json or github"
            )),
        }
    }
}

/// Version of the JSON output schema; bumped on any incompatible change.
pub const JSON_SCHEMA: &str = "crtk-validate/1";

pub fn render(report: &Report, format: Format, colour: bool) -> String {
    // Messages quote names and values from the package: no control character reaches the
    // terminal or the CI log (JSON escapes its own).
    match format {
        Format::Human => crate::output::escape_controls(&human(report, colour), colour),
        Format::Json => json(report),
        Format::Github => crate::output::escape_controls(&github(report), false),
    }
}

/// Findings grouped by object (in order of first appearance), then the summary line.
pub fn human(report: &Report, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in &report.findings {
        let label = f
            .object
            .as_ref()
            .map(|o| o.label())
            .unwrap_or_else(|| "package".to_string());
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, list)) => list.push(f),
            None => groups.push((label, vec![f])),
        }
    }
    let mut out = String::new();
    for (label, findings) in groups {
        out.push_str(&paint("1", &label));
        out.push('\n');
        for f in findings {
            let severity = match f.severity {
                Severity::Error => paint("31", "error"),
                Severity::Warning => paint("33", "warning"),
            };
            out.push_str(&format!("  {severity}[{}] {}\n", f.code, f.message));
            if !f.path.is_empty() {
                out.push_str(&format!("    at {}\n", f.path));
            }
        }
    }
    let summary = report.summary();
    let summary = if report.errors() > 0 {
        paint("31;1", &summary)
    } else if report.warnings() > 0 {
        paint("33;1", &summary)
    } else {
        paint("32;1", &summary)
    };
    out.push_str(&summary);
    out.push('\n');
    out
}

/// The JSON report (schema in `docs/validate-json.md`).
pub fn json(report: &Report) -> String {
    let value = json!({
        "schema": JSON_SCHEMA,
        "source": report.source,
        "summary": {"errors": report.errors(), "warnings": report.warnings()},
        "findings": report.findings,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a report serialises");
    text.push('\n');
    text
}

/// GitHub Actions workflow commands (`::error file=...,title=...::message`).
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let object = f
            .object
            .as_ref()
            .map(|o| format!("{}: ", o.label()))
            .unwrap_or_default();
        let at = if f.path.is_empty() {
            String::new()
        } else {
            format!(" (at {})", f.path)
        };
        out.push_str(&format!(
            "::{level} file={},title={}::{}\n",
            escape_property(&report.source),
            escape_property(&format!("crtk {}", f.code)),
            escape_data(&format!("{object}{}{at}", f.message))
        ));
    }
    out.push_str(&format!("{}\n", report.summary()));
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::finding::ObjectRef;

    fn sample() -> Report {
        Report {
            source: "p.json".into(),
            findings: vec![Finding {
                code: "E5002",
                severity: Severity::Error,
                object: Some(ObjectRef {
                    kind: "options".into(),
                    id: "abcdefghijk".into(),
                    name: Some("A, b: 100%".into()),
                }),
                path: "options[0].optionSet".into(),
                message: "broken\nreference".into(),
            }],
        }
    }

    #[test]
    fn formats() {
        let r = sample();
        let h = human(&r, false);
        assert!(h.starts_with("options abcdefghijk \"A, b: 100%\"\n  error[E5002] broken"));
        assert!(h.ends_with("p.json: 1 error, 0 warnings\n"));
        assert!(!h.contains('\x1b'));
        assert!(human(&r, true).contains("\x1b[31m"));
        let g = github(&r);
        assert!(g.starts_with("::error file=p.json,title=crtk E5002::options abcdefghijk \"A, b: 100%25\": broken%0Areference (at options[0].optionSet)\n"));
        let j: serde_json::Value = serde_json::from_str(&json(&r)).unwrap();
        assert_eq!(j["schema"], JSON_SCHEMA);
        assert_eq!(j["summary"]["errors"], 1);
        assert_eq!(j["findings"][0]["object"]["type"], "options");
        assert_eq!(j["findings"][0]["severity"], "error");
    }
}
