//! Walking every `{"id": ...}` reference of a package, with its JSON path.
//!
//! DHIS2 writes a reference to another object as a JSON object with an `id` (sometimes with a few
//! extra keys, such as the `access` of a sharing entry). Some children are written inline in their
//! parent instead of being top-level objects of their own (see [`EMBEDDED_CHILDREN`]): those carry an
//! `id` too, but are objects, not references, and the walk descends into them.

use super::Package;
use serde_json::Value;

/// Arrays whose elements are objects written inline in their parent, not references.
pub const EMBEDDED_CHILDREN: &[&str] = &[
    "programTrackedEntityAttributes",
    "programStageDataElements",
    "trackedEntityTypeAttributes",
    "dataSetElements",
    "dataInputPeriods",
    "analyticsPeriodBoundaries",
    "programStageWorkingListQueryCriteria",
];

/// One `{"id": ...}` reference found in a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    /// Type of the top-level object holding the reference (`"programs"`).
    pub owner_kind: &'a str,
    /// Id of that object.
    pub owner_id: &'a str,
    /// JSON path from the package root, e.g. `programs[0].programTrackedEntityAttributes[2].trackedEntityAttribute`.
    pub path: String,
    /// The property the reference sits under (`"trackedEntityAttribute"`, `"options"`, `"userGroups"`).
    pub property: &'a str,
    /// The referenced id.
    pub id: &'a str,
}

impl Reference<'_> {
    /// The metadata type the reference most likely points to, from its property name
    /// (`optionSet` -> `optionSets`, `options` -> `options`, `category` -> `categories`).
    pub fn target_kind(&self) -> String {
        target_kind(self.property)
    }
}

/// The metadata type a property name refers to.
pub fn target_kind(property: &str) -> String {
    match property {
        "user" | "createdBy" | "lastUpdatedBy" => "users".into(),
        p if p.ends_with("ies") || (p.ends_with('s') && !p.ends_with("ss")) => p.into(),
        p if p.ends_with('y') => format!("{}ies", &p[..p.len() - 1]),
        p => format!("{p}s"),
    }
}

/// Every reference in the package, in package order.
pub fn references(package: &Package) -> Vec<Reference<'_>> {
    let mut found = Vec::new();
    for (kind, value) in &package.sections {
        let Value::Array(items) = value else { continue };
        for (index, item) in items.iter().enumerate() {
            let Some(owner_id) = item.get("id").and_then(Value::as_str) else {
                continue;
            };
            let Value::Object(map) = item else { continue };
            let mut walk = Walk {
                owner_kind: kind,
                owner_id,
                found: &mut found,
            };
            for (key, child) in map {
                walk.value(child, key, &format!("{kind}[{index}].{key}"), false);
            }
        }
    }
    found
}

struct Walk<'a, 'f> {
    owner_kind: &'a str,
    owner_id: &'a str,
    found: &'f mut Vec<Reference<'a>>,
}

impl<'a> Walk<'a, '_> {
    /// Visits `value`, found under `property` at `path`; `embedded` when it is an inline child.
    fn value(&mut self, value: &'a Value, property: &'a str, path: &str, embedded: bool) {
        match value {
            Value::Object(map) => {
                if let (false, Some(id)) = (embedded, map.get("id").and_then(Value::as_str)) {
                    self.found.push(Reference {
                        owner_kind: self.owner_kind,
                        owner_id: self.owner_id,
                        path: path.to_string(),
                        property,
                        id,
                    });
                    return;
                }
                for (key, child) in map {
                    // Sharing maps are keyed by uid: the property is the map's name, not the key.
                    let child_property = if is_uid_keyed(property) {
                        property
                    } else {
                        key
                    };
                    self.value(child, child_property, &format!("{path}.{key}"), false);
                }
            }
            Value::Array(items) => {
                let inline = EMBEDDED_CHILDREN.contains(&property);
                for (i, item) in items.iter().enumerate() {
                    self.value(item, property, &format!("{path}[{i}]"), inline);
                }
            }
            _ => {}
        }
    }
}

/// Sharing (`sharing.userGroups`, `sharing.users`) maps a uid to `{"id": uid, "access": ...}`.
fn is_uid_keyed(property: &str) -> bool {
    matches!(property, "userGroups" | "users")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn walks_inline_children_and_sharing() {
        let text = r#"{"programs":[{"id":"P1","categoryCombo":{"id":"CC"},
            "programTrackedEntityAttributes":[{"id":"PTEA","trackedEntityAttribute":{"id":"TEA"}}],
            "sharing":{"owner":"U","userGroups":{"G1":{"id":"G1","access":"rw------"}}}}]}"#;
        let package = Package::from_json(text, Path::new("t")).unwrap();
        let refs = references(&package);
        let got: Vec<(&str, &str, String)> = refs
            .iter()
            .map(|r| (r.id, r.property, r.path.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "CC",
                    "categoryCombo",
                    "programs[0].categoryCombo".to_string()
                ),
                (
                    "TEA",
                    "trackedEntityAttribute",
                    "programs[0].programTrackedEntityAttributes[0].trackedEntityAttribute"
                        .to_string()
                ),
                (
                    "G1",
                    "userGroups",
                    "programs[0].sharing.userGroups.G1".to_string()
                ),
            ]
        );
        assert_eq!(refs[0].target_kind(), "categoryCombos");
        assert_eq!(refs[2].target_kind(), "userGroups");
    }

    #[test]
    fn target_kinds() {
        assert_eq!(target_kind("optionSet"), "optionSets");
        assert_eq!(target_kind("options"), "options");
        assert_eq!(target_kind("category"), "categories");
        assert_eq!(target_kind("categories"), "categories");
        assert_eq!(target_kind("createdBy"), "users");
    }
}
