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

/// Repeated findings counted once, the others grouped by object (in order of first appearance),
/// then the summary line.
pub fn human(report: &Report, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    // The same message on many objects (e.g. one missing user group named by every object's
    // sharing) is printed once with its count, instead of once per object.
    let mut repeats: Vec<(RepeatKey, Vec<&Finding>)> = Vec::new();
    {
        let mut index: std::collections::HashMap<RepeatKey, usize> =
            std::collections::HashMap::new();
        for f in &report.findings {
            let key = (f.code, f.severity, f.message.as_str());
            let i = *index.entry(key).or_insert_with(|| {
                repeats.push((key, Vec::new()));
                repeats.len() - 1
            });
            repeats[i].1.push(f);
        }
    }
    repeats.retain(|(_, list)| list.len() >= GROUP_AT);
    let grouped: std::collections::HashSet<RepeatKey> =
        repeats.iter().map(|(key, _)| *key).collect();
    let mut out = String::new();
    for ((code, severity, message), list) in &repeats {
        let severity = match severity {
            Severity::Error => paint("31", "error"),
            Severity::Warning => paint("33", "warning"),
        };
        let objects: std::collections::BTreeSet<String> = list
            .iter()
            .map(|f| {
                f.object
                    .as_ref()
                    .map(|o| o.label())
                    .unwrap_or_else(|| "package".into())
            })
            .collect();
        out.push_str(&format!(
            "{severity}[{code}] \u{d7}{} on {} object{}: {message}\n",
            thousands(list.len()),
            thousands(objects.len()),
            if objects.len() == 1 { "" } else { "s" }
        ));
        for f in list.iter().take(SHOWN) {
            let label = f
                .object
                .as_ref()
                .map(|o| o.label())
                .unwrap_or_else(|| "package".into());
            out.push_str(&format!("    e.g. {label} at {}\n", f.path));
        }
        if list.len() > SHOWN {
            out.push_str(&format!(
                "    ... and {} more (--format json lists each)\n",
                thousands(list.len() - SHOWN)
            ));
        }
    }
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in report
        .findings
        .iter()
        .filter(|f| !grouped.contains(&(f.code, f.severity, f.message.as_str())))
    {
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

/// What makes findings the same: code, severity and message.
type RepeatKey<'a> = (&'a str, Severity, &'a str);

/// A finding repeated this often (same code, severity and message) is printed once, counted.
const GROUP_AT: usize = 5;
/// Examples shown under a repeated finding.
const SHOWN: usize = 3;

/// `7181` -> `7,181`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
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
