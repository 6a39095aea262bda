//! The user groups of the package and the standard sharing (NCD_CR installation guide):
//! CR - Admin edits metadata, CR - Access views metadata and data, CR - Data Capture views metadata
//! and captures data. Sharing strings are DHIS2's `metadata(2) data(2) ----`.

use super::common::{OWNER, identifiable};
use crtk::package::Package;
use crtk::package::uid::UidGenerator;
use serde_json::{Value, json};

/// (name, code, metadata+data access on objects with data sharing, access on metadata-only objects)
const GROUPS: [(&str, &str, &str, &str); 3] = [
    ("CR - Access", "CR_ACCESS", "r-r-----", "r-------"),
    ("CR - Admin", "CR_ADMIN", "rw------", "rw------"),
    (
        "CR - Data Capture",
        "CR_DATA_CAPTURE",
        "r-rw----",
        "r-------",
    ),
];

/// Object types whose sharing also grants data access.
const DATA_SHAREABLE: [&str; 3] = ["programs", "programStages", "trackedEntityTypes"];

/// Adds the user groups and gives every shareable object of the package the standard sharing.
pub fn add(package: &mut Package, uids: &mut UidGenerator) {
    let groups: Vec<(String, &str, &str, &str, &str)> = GROUPS
        .iter()
        .map(|(name, code, data, meta)| (uids.uid("userGroups", name), *name, *code, *data, *meta))
        .collect();
    let admin = groups
        .iter()
        .find(|g| g.2 == "CR_ADMIN")
        .map(|g| g.0.clone())
        .expect("admin group");

    let kinds: Vec<String> = package.sections.keys().cloned().collect();
    for kind in kinds {
        let data = DATA_SHAREABLE.contains(&kind.as_str());
        let Some(objects) = package
            .sections
            .get_mut(&kind)
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for object in objects {
            let Some(sharing) = object.get_mut("sharing") else {
                continue;
            };
            let mut user_groups = serde_json::Map::new();
            for (id, _, _, data_access, meta_access) in &groups {
                let access = if data { data_access } else { meta_access };
                user_groups.insert(id.clone(), json!({"access": access, "id": id}));
            }
            sharing["userGroups"] = Value::Object(user_groups);
        }
    }

    for (id, name, code, _, _) in &groups {
        package.objects_mut("userGroups").push(identifiable(json!({
            "code": code,
            "id": id,
            "managedByGroups": [],
            "managedGroups": [],
            "name": name,
            "sharing": {
                "external": false,
                "owner": OWNER,
                "public": "r-------",
                "userGroups": {admin.clone(): {"access": "rw------", "id": admin}},
                "users": {}
            },
            "users": [],
        })));
    }
}
