//! Properties every object of the base shares.

use serde_json::{Value, json};

/// The package owner of official DHIS2 packages.
pub const OWNER: &str = "vUeLeQMSwhN";
/// DHIS2's default category combo, which tracker data elements and programs use.
pub const DEFAULT_CATEGORY_COMBO: &str = "bjDvmb4bfuf";

/// Sharing with the package owner, public metadata read, no data access.
pub fn sharing() -> Value {
    json!({"external": false, "owner": OWNER, "public": "r-------", "userGroups": {}, "users": {}})
}

/// `{"id": uid}`
pub fn reference(uid: &str) -> Value {
    json!({ "id": uid })
}

/// Adds the properties every identifiable object of the base carries.
pub fn identifiable(mut object: Value) -> Value {
    let map = object.as_object_mut().expect("an object");
    map.entry("attributeValues").or_insert_with(|| json!([]));
    map.entry("sharing").or_insert_with(sharing);
    map.entry("translations").or_insert_with(|| json!([]));
    object
}

/// DHIS2's short name: at most 50 characters.
pub fn short_name(name: &str) -> String {
    name.chars().take(50).collect()
}
