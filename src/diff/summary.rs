//! The counts a report leads with: behaviour changes first, then what is only cosmetic.

use super::model::{Cosmetic, ObjectChange, Reformatted, Status, Summary};
use std::collections::BTreeMap;

/// Types whose changes change what the rules do.
pub const BEHAVIOUR_KINDS: &[&str] =
    &["programRules", "programRuleActions", "programRuleVariables"];

/// Properties of those types that do not change what a rule does (labels, sharing, texts).
const NOT_BEHAVIOUR: &[&str] = &[
    "name",
    "shortName",
    "code",
    "description",
    "sharing",
    "translations",
    "attributeValues",
    "publicAccess",
    "externalAccess",
    "userGroupAccesses",
    "userAccesses",
];

/// True when the change alters what rules do: a rule, action or variable added, removed, given
/// a new UID, affected by a variable, or changed in a property other than its labels and sharing.
pub fn is_behaviour(object: &ObjectChange) -> bool {
    if !BEHAVIOUR_KINDS.contains(&object.kind.as_str()) || object.is_cosmetic() {
        return false;
    }
    object.status != Status::Changed
        || object.fields.iter().any(|f| {
            let property = f.path.split(['.', '[']).next().unwrap_or("");
            f.cosmetic.is_none() && !NOT_BEHAVIOUR.contains(&property)
        })
}

/// Counts over the object changes of a diff.
pub fn count(objects: &[ObjectChange]) -> Summary {
    let mut summary = Summary::default();
    let mut reformatted: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for object in objects {
        if object.is_cosmetic() {
            summary.cosmetic_objects += 1;
        } else if is_behaviour(object) {
            summary.behaviour_changes += 1;
        } else {
            summary.other_changes += 1;
        }
        let mut whitespace = false;
        let mut regrouped = false;
        for field in &object.fields {
            match field.cosmetic {
                Some(Cosmetic::Whitespace) => whitespace = true,
                Some(Cosmetic::Regrouped) => regrouped = true,
                Some(Cosmetic::Reordered) => summary.lists_reordered += 1,
                None => {}
            }
        }
        // An object counts once: regrouped wins over whitespace when it has both.
        if whitespace || regrouped {
            let entry = reformatted.entry(object.kind.as_str()).or_default();
            if regrouped {
                entry.1 += 1;
            } else {
                entry.0 += 1;
            }
        }
    }
    summary.reformatted = reformatted
        .into_iter()
        .map(|(kind, (whitespace, regrouped))| Reformatted {
            kind: kind.to_string(),
            whitespace,
            regrouped,
        })
        .collect();
    summary
}

/// Plural word for a type in the summary line (`programRules` -> `rules`).
pub fn noun(kind: &str, n: usize) -> String {
    let plural = match kind {
        "programRules" => "rules",
        "programRuleActions" => "rule actions",
        "programRuleVariables" => "rule variables",
        other => other,
    };
    if n == 1 {
        plural.strip_suffix('s').unwrap_or(plural).to_string()
    } else {
        plural.to_string()
    }
}

/// "0 behaviour changes; 143 rules reformatted (121 whitespace, 22 regrouped), 21 lists
/// reordered; 1 other object changed".
pub fn headline(summary: &Summary, renumbered: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut parts = vec![plural(
        summary.behaviour_changes,
        "behaviour change",
        "behaviour changes",
    )];
    let mut cosmetic: Vec<String> = summary
        .reformatted
        .iter()
        .map(|r| {
            format!(
                "{} {} reformatted ({} whitespace, {} regrouped)",
                r.whitespace + r.regrouped,
                noun(&r.kind, r.whitespace + r.regrouped),
                r.whitespace,
                r.regrouped
            )
        })
        .collect();
    if summary.lists_reordered > 0 {
        cosmetic.push(plural(
            summary.lists_reordered,
            "list reordered",
            "lists reordered",
        ));
    }
    if renumbered > 0 {
        cosmetic.push(plural(
            renumbered,
            "option set renumbered",
            "option sets renumbered",
        ));
    }
    if !cosmetic.is_empty() {
        parts.push(cosmetic.join(", "));
    }
    if summary.other_changes > 0 {
        parts.push(plural(
            summary.other_changes,
            "other object differs",
            "other objects differ",
        ));
    }
    parts.join("; ")
}
