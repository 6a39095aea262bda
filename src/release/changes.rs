//! The comparison with the previous release: the diff files (markdown for people, JSON for
//! machines, both from `crate::diff`) and the summary in the release notes.

use super::notes::{BreakingChange, ChangeSummary, TypeChanges};
use crate::diff::{Diff, DiffOptions, Format, RenderOptions, Status, diff, render};
use crate::package::Package;
use std::collections::BTreeMap;

/// What changed since the previous release, rendered.
pub struct Comparison {
    pub summary: ChangeSummary,
    pub markdown: String,
    pub json: String,
}

/// Compares the previous release with the new package, with the diff's default noise rules.
pub fn compare(previous: &Package, current: &Package) -> Comparison {
    let diff = diff(previous, current, &DiffOptions::default());
    let options = RenderOptions::default();
    Comparison {
        summary: summarize(&diff),
        markdown: render(&diff, Format::Markdown, &options),
        json: render(&diff, Format::Json, &options),
    }
}

/// Changes per type (added, removed, changed: a changed UID or behaviour counts as changed) and
/// every breaking change with its reason.
pub fn summarize(diff: &Diff) -> ChangeSummary {
    let mut by_type: BTreeMap<&str, TypeChanges> = BTreeMap::new();
    for change in &diff.objects {
        let row = by_type
            .entry(change.kind.as_str())
            .or_insert_with(|| TypeChanges {
                kind: change.kind.clone(),
                added: 0,
                removed: 0,
                changed: 0,
            });
        match change.status {
            Status::Added => row.added += 1,
            Status::Removed => row.removed += 1,
            Status::Changed | Status::UidChanged | Status::Affected => row.changed += 1,
        }
    }
    let breaking = diff
        .breaking()
        .map(|(change, breaking)| BreakingChange {
            kind: change.kind.clone(),
            id: change.id.clone(),
            name: change
                .name
                .clone()
                .or_else(|| change.code.clone())
                .unwrap_or_default(),
            reason: breaking.reason.clone(),
        })
        .collect();
    ChangeSummary {
        by_type: by_type.into_values().collect(),
        breaking,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Base;
    use serde_json::Value;

    #[test]
    fn counts_changes_per_type_and_lists_breaking_ones() {
        let old = Base::shipped().package;
        let mut new = old.clone();
        // Remove one option (breaking: stored data holds its code), rename another.
        let removed = new.objects_mut("options").remove(0);
        let renamed = new.objects_mut("options")[0].as_object_mut().unwrap();
        renamed.insert("name".into(), Value::String("Renamed".into()));
        let summary = compare(&old, &new).summary;
        let options = summary
            .by_type
            .iter()
            .find(|row| row.kind == "options")
            .unwrap();
        assert_eq!((options.added, options.removed, options.changed), (0, 1, 1));
        assert!(
            summary
                .breaking
                .iter()
                .any(|b| b.kind == "options" && b.id == removed["id"].as_str().unwrap()),
            "{:?}",
            summary.breaking
        );
        let same = compare(&old, &old);
        assert!(same.summary.by_type.is_empty() && same.summary.breaking.is_empty());
        assert!(same.json.contains("\"schema\": \"crtk-diff/1\""));
    }
}
