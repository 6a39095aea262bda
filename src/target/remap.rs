//! Fixes as config: `access.uid_remap` (reuse the target's object, or give ours a new UID),
//! `access.user_groups` (use the target's group) and `names:` (rename ours), printed as YAML.
//!
//! The `names:` entries follow the shape of the config's `names:` section:
//! `{type: optionSet, code: X (or name: "..."), name: "...", short_name: "..."}`.

use super::index::TargetIndex;
use crate::package::uid;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Every fix found, keyed so that the same fix is listed once.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fixes {
    /// Package UID -> (target UID, why). Applied by `access.uid_remap`.
    pub uid_remap: BTreeMap<String, (String, String)>,
    /// CR user group name -> the target's group UID. Applied by `access.user_groups`.
    pub user_groups: BTreeMap<String, String>,
    /// The default category objects and Person type among `uid_remap`
    /// (what `--target-remap-defaults` applies).
    pub defaults: BTreeMap<String, String>,
    /// The rename alternative to the `uid_remap` lines that reuse a target object (E5003).
    pub names: Vec<NameFix>,
}

impl Fixes {
    /// Records `from -> to`; the first reason given for a UID wins.
    pub fn remap(&mut self, from: &str, to: &str, why: String, default: bool) {
        self.uid_remap
            .entry(from.to_string())
            .or_insert_with(|| (to.to_string(), why));
        if default {
            self.defaults.insert(from.to_string(), to.to_string());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.uid_remap.is_empty() && self.user_groups.is_empty() && self.names.is_empty()
    }

    /// The `access:` block that applies every remap and user-group fix, as YAML to merge into
    /// the config.
    pub fn access_yaml(&self) -> String {
        let mut out = String::new();
        if self.uid_remap.is_empty() && self.user_groups.is_empty() {
            return out;
        }
        out.push_str("access:\n");
        if !self.user_groups.is_empty() {
            out.push_str("  user_groups:\n");
            for (name, id) in &self.user_groups {
                out.push_str(&format!("    {}: {id}\n", quote(name)));
            }
        }
        if !self.uid_remap.is_empty() {
            out.push_str("  uid_remap:\n");
            for (from, (to, why)) in &self.uid_remap {
                out.push_str(&format!("    {from}: {to}  # {}\n", why.replace('\n', " ")));
            }
        }
        out
    }

    /// The `names:` block (the rename alternative), as YAML.
    pub fn names_yaml(&self) -> String {
        if self.names.is_empty() {
            return String::new();
        }
        let mut out = String::from("names:\n");
        for fix in &self.names {
            out.push_str(&format!("  - {}\n", fix.inline()));
        }
        out
    }

    /// The fixes as JSON, shaped like the config sections they belong in.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "access": {
                "user_groups": self.user_groups,
                "uid_remap": self.uid_remap.iter().map(|(k, (v, _))| (k.clone(), Value::String(v.clone()))).collect::<Map<String, Value>>(),
            },
            "defaults": self.defaults,
            "names": self.names,
        })
    }
}

/// One `names:` entry: rename one of the package's objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameFix {
    /// Singular type: `optionSet`, `dataElement`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The object's code, when it has one (else it is found by `current_name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The object's current name, when it has no code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_name: Option<String>,
    /// For an option: the code of its option set (`names:` finds options within their set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option_set: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
}

impl NameFix {
    /// `{type: optionSet, code: CR_SEX, name: "CR - Sex (CR)"}`
    pub fn inline(&self) -> String {
        let mut parts = vec![format!("type: {}", self.kind)];
        // Found by code; an object without one by its current name.
        match (&self.code, &self.current_name) {
            (Some(code), _) => parts.push(format!("code: {}", quote(code))),
            (None, Some(name)) => parts.push(format!("current_name: {}", quote(name))),
            _ => {}
        }
        if let Some(set) = &self.option_set {
            parts.push(format!("option_set: {}", quote(set)));
        }
        if let Some(name) = &self.name {
            parts.push(format!("name: {}", quote(name)));
        }
        if let Some(short) = &self.short_name {
            parts.push(format!("short_name: {}", quote(short)));
        }
        format!("{{{}}}", parts.join(", "))
    }
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML). Plain words stay plain.
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !s.as_bytes()[0].is_ascii_digit()
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
            .contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string")
    }
}

/// `optionSets` -> `optionSet`, `categories` -> `category`.
pub fn singular(kind: &str) -> String {
    if let Some(stem) = kind.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        kind.strip_suffix('s').unwrap_or(kind).to_string()
    }
}

/// A deterministic UID for our object that neither the package nor the target uses.
pub fn fresh_uid(kind: &str, id: &str, taken: impl Fn(&str) -> bool) -> String {
    (0..)
        .map(|attempt| uid::derive("crtk-target", kind, id, attempt))
        .find(|u| !taken(u))
        .expect("an unbounded range")
}

/// The rename that frees the clashing `properties` (name and/or shortName) of our object: the
/// value with ` (CR)` appended (then ` (CR 2)`, ...) until the target has no such value, cut to
/// DHIS2's lengths. `None` when only the code clashes (`names:` does not change codes) or
/// `names:` cannot rename objects of this type. `option_set` is an option's set code.
pub fn rename_suggestion(
    kind: &str,
    object: &Map<String, Value>,
    properties: &[&str],
    target: &TargetIndex,
    option_set: Option<&str>,
) -> Option<NameFix> {
    // The types `names:` renames (config/names.rs).
    const RENAMEABLE: &[&str] = &[
        "dataElements",
        "trackedEntityAttributes",
        "options",
        "optionSets",
        "programStages",
        "programStageSections",
        "programs",
    ];
    if !RENAMEABLE.contains(&kind) || (kind == "options" && option_set.is_none()) {
        return None;
    }
    let get = |p: &str| object.get(p).and_then(Value::as_str);
    let free = |p: &str, value: &str| {
        !target
            .objects(kind)
            .iter()
            .any(|o| o.property(p) == Some(value))
    };
    let suggest = |p: &str, max: usize| -> Option<String> {
        let current = get(p)?;
        (1..)
            .map(|n| {
                let suffix = if n == 1 {
                    " (CR)".to_string()
                } else {
                    format!(" (CR {n})")
                };
                let keep = max.saturating_sub(suffix.chars().count());
                let stem: String = current.chars().take(keep).collect();
                format!("{}{suffix}", stem.trim_end())
            })
            .find(|candidate| free(p, candidate))
    };
    let name = properties
        .contains(&"name")
        .then(|| suggest("name", 230))
        .flatten();
    let short_name = properties
        .contains(&"shortName")
        .then(|| suggest("shortName", 50))
        .flatten();
    if name.is_none() && short_name.is_none() {
        return None;
    }
    let code = get("code").map(str::to_string);
    Some(NameFix {
        kind: singular(kind),
        current_name: if code.is_none() {
            get("name").map(str::to_string)
        } else {
            None
        },
        option_set: option_set.map(str::to_string),
        code,
        name,
        short_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_yaml_parses_as_the_access_section() {
        let mut fixes = Fixes::default();
        fixes.remap("bjDvmb4bfuf", "Cc12345abcd", "default: x".into(), true);
        fixes
            .user_groups
            .insert("CR - Admin".into(), "Kk12345abcd".into());
        let yaml = fixes.access_yaml();
        #[derive(serde::Deserialize)]
        struct Doc {
            access: crate::config::access::AccessConfig,
        }
        let doc: Doc = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(doc.access.uid_remap["bjDvmb4bfuf"], "Cc12345abcd");
        assert_eq!(doc.access.user_groups["CR - Admin"], "Kk12345abcd");
    }

    #[test]
    fn names_yaml_is_the_names_section_shape() {
        let mut fixes = Fixes::default();
        fixes.names.push(NameFix {
            kind: "optionSet".into(),
            code: Some("CR_SEX".into()),
            current_name: None,
            option_set: None,
            name: Some("CR - Sex (CR)".into()),
            short_name: None,
        });
        fixes.names.push(NameFix {
            kind: "dataElement".into(),
            code: None,
            current_name: Some("Age: \"years\"".into()),
            option_set: None,
            name: None,
            short_name: Some("Age (CR)".into()),
        });
        let doc: serde_yaml::Value = serde_yaml::from_str(&fixes.names_yaml()).unwrap();
        let names = doc["names"].as_sequence().unwrap();
        assert_eq!(names[0]["type"], "optionSet");
        assert_eq!(names[0]["code"], "CR_SEX");
        assert_eq!(names[0]["name"], "CR - Sex (CR)");
        assert_eq!(names[1]["current_name"], "Age: \"years\"");
        assert_eq!(names[1]["short_name"], "Age (CR)");
        // The JSON form has the same keys.
        let json = serde_json::to_value(&fixes.names).unwrap();
        assert_eq!(json[1]["current_name"], "Age: \"years\"");
    }

    #[test]
    fn singular_types() {
        assert_eq!(singular("optionSets"), "optionSet");
        assert_eq!(singular("categories"), "category");
    }
}
