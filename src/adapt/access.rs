//! Access: moves the CR user groups onto groups that already exist in the target instance,
//! remaps well-known UIDs the target has under other ids, and assigns the program to org units.
//!
//! Both the group mapping and `uid_remap` are one id-for-id substitution applied to the whole
//! package: references (`{"id": ...}`), object ids, sharing keys (`sharing.userGroups.<uid>`) and
//! UIDs written inside expressions (`C{uid}`, `#{uid}`, `I{uid}`, ...). A mapped user group's own
//! object is dropped: the target instance has it already.

use super::AdaptError;
use crate::config::LoadedConfig;
use crate::package::{Package, object_id, object_name, reference};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Fields holding DHIS2 expressions in which UIDs appear between braces.
const EXPRESSION_KEYS: &[&str] = &[
    "condition",
    "data",
    "expression",
    "filter",
    "numerator",
    "denominator",
];

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let Some(access) = &config.config.access else {
        return Ok(());
    };
    let err = |key: String, message: String| AdaptError::Config {
        path: config.path.clone(),
        key,
        message,
    };
    let mut remap: BTreeMap<String, String> = access.uid_remap.clone();
    let mut drop = Vec::new();
    for (name, target) in &access.user_groups {
        let found: Vec<&str> = package
            .objects("userGroups")
            .iter()
            .filter_map(Value::as_object)
            .filter(|g| object_name(g) == Some(name.as_str()))
            .filter_map(object_id)
            .collect();
        let present: Vec<String> = package
            .objects("userGroups")
            .iter()
            .filter_map(Value::as_object)
            .filter_map(object_name)
            .map(|n| format!("`{n}`"))
            .collect();
        match found.as_slice() {
            [id] => {
                if let Some(other) = remap.get(*id)
                    && other != target
                {
                    return Err(err(
                        format!("access.user_groups.{name}"),
                        format!(
                            "maps `{id}` to `{target}` but `access.uid_remap` maps it to `{other}`"
                        ),
                    ));
                }
                remap.insert(id.to_string(), target.clone());
                drop.push(id.to_string());
            }
            [] => {
                return Err(err(
                    format!("access.user_groups.{name}"),
                    format!(
                        "the package has no user group named `{name}`; it has: {}",
                        if present.is_empty() {
                            "none".into()
                        } else {
                            present.join(", ")
                        }
                    ),
                ));
            }
            _ => {
                return Err(err(
                    format!("access.user_groups.{name}"),
                    format!("the package has {} user groups named `{name}`", found.len()),
                ));
            }
        }
    }
    // A remapped id must not land on another object of the package.
    let index = package.id_index();
    for (from, to) in &remap {
        if from == to {
            continue;
        }
        if index.contains_key(to.as_str()) && !drop.contains(from) {
            return Err(err(
                "access.uid_remap".into(),
                format!(
                    "maps `{from}` to `{to}`, which is already the id of a {} in the package",
                    index[to.as_str()]
                ),
            ));
        }
    }
    package.objects_mut("userGroups").retain(|g| {
        !g.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| drop.iter().any(|d| d == id))
    });
    if !remap.is_empty() {
        for value in package.sections.values_mut() {
            rewrite(value, &remap, None);
        }
    }
    if !access.org_units.is_empty() {
        for program in package.objects_mut("programs").iter_mut() {
            if let Value::Object(p) = program {
                p.insert(
                    "organisationUnits".into(),
                    Value::Array(access.org_units.iter().map(|id| reference(id)).collect()),
                );
            }
        }
    }
    Ok(())
}

/// Replaces every remapped UID in `value`: whole strings, map keys, and `{uid}` / `{uid.`
/// occurrences inside expression fields.
fn rewrite(value: &mut Value, remap: &BTreeMap<String, String>, key: Option<&str>) {
    match value {
        Value::String(s) => {
            if let Some(new) = remap.get(s.as_str()) {
                *s = new.clone();
            } else if key.is_some_and(|k| EXPRESSION_KEYS.contains(&k)) {
                for (from, to) in remap {
                    if s.contains(from.as_str()) {
                        *s = replace_token(s, from, to);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite(item, remap, key);
            }
        }
        Value::Object(map) => {
            let renamed: Vec<String> = map
                .keys()
                .filter(|k| remap.contains_key(*k))
                .cloned()
                .collect();
            for old in renamed {
                let v = map.remove(&old).expect("listed above");
                map.insert(remap[&old].clone(), v);
            }
            let keys: Vec<String> = map.keys().cloned().collect();
            let mut sorted = Map::new();
            for k in keys {
                let mut v = map.remove(&k).expect("listed above");
                rewrite(&mut v, remap, Some(&k));
                sorted.insert(k, v);
            }
            *map = sorted;
        }
        _ => {}
    }
}

/// Replaces `from` where it stands as a whole token (not inside a longer run of letters/digits).
fn replace_token(s: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().last();
        let after = rest[at + from.len()..].chars().next();
        let bounded = !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..at]);
        out.push_str(if bounded { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rewrites_ids_keys_and_expressions() {
        let mut remap = BTreeMap::new();
        remap.insert("bjDvmb4bfuf".to_string(), "AAAAAAAAAAA".to_string());
        let mut v = json!({
            "categoryCombo": {"id": "bjDvmb4bfuf"},
            "sharing": {"userGroups": {"bjDvmb4bfuf": {"id": "bjDvmb4bfuf", "access": "r-------"}}},
            "condition": "C{bjDvmb4bfuf} > 1 && #{xbjDvmb4bfuf}",
            "name": "bjDvmb4bfuf stays in names"
        });
        rewrite(&mut v, &remap, None);
        assert_eq!(v["categoryCombo"]["id"], "AAAAAAAAAAA");
        assert_eq!(
            v["sharing"]["userGroups"]["AAAAAAAAAAA"]["id"],
            "AAAAAAAAAAA"
        );
        assert_eq!(v["condition"], "C{AAAAAAAAAAA} > 1 && #{xbjDvmb4bfuf}");
        assert_eq!(v["name"], "bjDvmb4bfuf stays in names");
    }
}
