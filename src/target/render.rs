//! `crtk target report`: the conflicts, their fixes and what the import would do, as text,
//! markdown or JSON (schema `crtk-target/1`).

use super::conflicts::{TargetCheck, TypePlan};
use crate::validate::{Finding, Severity};
use serde_json::json;

/// Version of the JSON output schema; bumped on any incompatible change.
pub const JSON_SCHEMA: &str = "crtk-target/1";

/// Renamed objects listed per type at most (the count is always given).
const MAX_RENAMED: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format `{other}`: use text, markdown or json"
            )),
        }
    }
}

/// What the report is about.
pub struct Subject<'a> {
    /// The config (or package) built.
    pub source: &'a str,
    /// The target export read.
    pub target: &'a str,
    /// Objects in the target export.
    pub target_objects: usize,
}

pub fn render(check: &TargetCheck, subject: &Subject, format: Format) -> String {
    match format {
        Format::Text => text(check, subject),
        Format::Markdown => markdown(check, subject),
        Format::Json => to_json(check, subject),
    }
}

fn counts(check: &TargetCheck) -> (usize, usize) {
    let errors = check.errors();
    (errors, check.findings.len() - errors)
}

fn severity(f: &Finding) -> &'static str {
    match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn object(f: &Finding) -> String {
    f.object
        .as_ref()
        .map(|o| o.label())
        .unwrap_or_else(|| "config".into())
}

/// The fixes as YAML, with a line saying where each block goes; empty when there are none.
pub fn fixes_text(check: &TargetCheck) -> String {
    let mut out = String::new();
    let access = check.fixes.access_yaml();
    if !access.is_empty() {
        out.push_str(
            "# Fix: merge into the country config (the access: section); the E5003 lines reuse the target's object\n",
        );
        out.push_str(&access);
    }
    let names = check.fixes.names_yaml();
    if !names.is_empty() {
        out.push_str(
            "# Or, for the E5003 lines, rename ours instead (the names: section; drop the matching uid_remap line)\n",
        );
        out.push_str(&names);
    }
    out
}

fn text(check: &TargetCheck, s: &Subject) -> String {
    let (errors, warnings) = counts(check);
    let mut out = format!(
        "Installing {} into {} ({} objects)\n\n",
        s.source, s.target, s.target_objects
    );
    if check.findings.is_empty() {
        out.push_str("No conflicts: the import would go through.\n");
    } else {
        out.push_str(&format!(
            "Conflicts: {errors} error(s), {warnings} warning(s)\n"
        ));
        for f in &check.findings {
            out.push_str(&format!(
                "  {}[{}] {}: {}\n    at {}\n",
                severity(f),
                f.code,
                object(f),
                f.message,
                f.path
            ));
        }
    }
    let fixes = fixes_text(check);
    if !fixes.is_empty() {
        out.push('\n');
        out.push_str(&fixes);
    }
    out.push_str("\nWhat the import does, per type:\n");
    out.push_str(&format!(
        "  {:<32} {:>7} {:>7} {:>8} {:>8} {:>12}\n",
        "type", "create", "update", "renamed", "sharing", "option lists"
    ));
    for (kind, plan) in &check.plan {
        out.push_str(&format!(
            "  {:<32} {:>7} {:>7} {:>8} {:>8} {:>12}\n",
            kind,
            plan.create,
            plan.update,
            plan.renamed.len(),
            plan.sharing_changed,
            plan.option_lists.len()
        ));
    }
    for (kind, plan) in &check.plan {
        if plan.renamed.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\nRenamed in the target by the import ({kind}):\n"
        ));
        for (id, old, new) in plan.renamed.iter().take(MAX_RENAMED) {
            out.push_str(&format!("  {id}: \"{old}\" -> \"{new}\"\n"));
        }
        more(&mut out, plan);
    }
    out
}

fn more(out: &mut String, plan: &TypePlan) {
    if plan.renamed.len() > MAX_RENAMED {
        out.push_str(&format!(
            "  ... and {} more\n",
            plan.renamed.len() - MAX_RENAMED
        ));
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(check: &TargetCheck, s: &Subject) -> String {
    let (errors, warnings) = counts(check);
    let mut out = format!(
        "# Installing `{}` into `{}`\n\nThe target export holds {} objects. ",
        s.source, s.target, s.target_objects
    );
    if check.findings.is_empty() {
        out.push_str("No conflicts: the import would go through.\n");
    } else {
        out.push_str(&format!(
            "**{errors} error(s), {warnings} warning(s).**\n\n## Conflicts\n\n| severity | code | object | what, and the fix | at |\n| --- | --- | --- | --- | --- |\n"
        ));
        for f in &check.findings {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | `{}` |\n",
                severity(f),
                f.code,
                cell(&object(f)),
                cell(&f.message),
                cell(&f.path)
            ));
        }
    }
    let fixes = fixes_text(check);
    if !fixes.is_empty() {
        out.push_str(&format!("\n## Fixes\n\n```yaml\n{fixes}```\n"));
    }
    out.push_str("\n## What the import does\n\n| type | create | update | renamed | sharing changed | option lists changed |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (kind, plan) in &check.plan {
        out.push_str(&format!(
            "| `{kind}` | {} | {} | {} | {} | {} |\n",
            plan.create,
            plan.update,
            plan.renamed.len(),
            plan.sharing_changed,
            plan.option_lists.len()
        ));
    }
    for (kind, plan) in &check.plan {
        if plan.renamed.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### Renamed in the target: `{kind}`\n\n"));
        for (id, old, new) in plan.renamed.iter().take(MAX_RENAMED) {
            out.push_str(&format!("- `{id}`: {} → {}\n", cell(old), cell(new)));
        }
        more(&mut out, plan);
    }
    out
}

fn to_json(check: &TargetCheck, s: &Subject) -> String {
    let (errors, warnings) = counts(check);
    let plan: serde_json::Map<String, serde_json::Value> = check
        .plan
        .iter()
        .map(|(kind, p)| {
            (
                kind.clone(),
                json!({
                    "create": p.create,
                    "update": p.update,
                    "updated": p.updated,
                    "renamed": p.renamed.iter().map(|(id, old, new)| json!({"id": id, "from": old, "to": new})).collect::<Vec<_>>(),
                    "sharing_changed": p.sharing_changed,
                    "option_lists": p.option_lists.iter().map(|(id, added, removed)| json!({"id": id, "added": added, "removed": removed})).collect::<Vec<_>>(),
                }),
            )
        })
        .collect();
    let value = json!({
        "schema": JSON_SCHEMA,
        "source": s.source,
        "target": s.target,
        "target_objects": s.target_objects,
        "summary": {"errors": errors, "warnings": warnings},
        "conflicts": check.findings,
        "fixes": check.fixes.to_json(),
        "plan": plan,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a report serialises");
    text.push('\n');
    text
}
