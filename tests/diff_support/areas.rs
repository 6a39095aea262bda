//! Edits of a built package that stand in for the country adapters still on their branches
//! (address areas on `adapt`, source types on `adapt`, translations on `languages`): they change
//! the package the way those adapters will (options of the base's Address and Source type option
//! sets, each listed by its set; translations in the object's `translations`), so diff tests and
//! the 50,000-area benchmark can run now. Replace with real builds once those branches land.
#![allow(dead_code)]

use crtk::package::uid::UidGenerator;
use crtk::package::{Package, reference};
use serde_json::{Value, json};

/// The base's Address option set (`CR - Address`, field `xcUBzN5QFXu`).
pub const ADDRESS_SET: &str = "Lk47XE45J7Y";
/// The base's Source type option set (`CR - Placeholder: Source type`).
pub const SOURCE_TYPE_SET: &str = "oLd4FAXHFvB";
/// The base's Sex option set.
pub const SEX_SET: &str = "R3pi3sIwiXG";

/// A generator of country UIDs that avoids every id in the package.
pub fn uids(package: &Package, country: &str) -> UidGenerator {
    let taken: Vec<String> = package.id_index().keys().map(|id| id.to_string()).collect();
    UidGenerator::new(country, taken)
}

/// Replaces the options of `set` with `(code, name)` options keyed by `key_prefix:code`.
pub fn replace_options(
    package: &mut Package,
    uids: &mut UidGenerator,
    set: &str,
    key_prefix: &str,
    options: &[(String, String)],
) {
    package
        .objects_mut("options")
        .retain(|o| o["optionSet"]["id"].as_str() != Some(set));
    let mut refs = Vec::with_capacity(options.len());
    let mut objects = Vec::with_capacity(options.len());
    for (i, (code, name)) in options.iter().enumerate() {
        let id = uids.uid("options", &format!("{key_prefix}:{code}"));
        refs.push(reference(&id));
        objects.push(option(&id, code, name, set, i + 1));
    }
    package.objects_mut("options").extend(objects);
    package
        .get_mut("optionSets", set)
        .expect("the base has the set")
        .insert("options".into(), Value::Array(refs));
}

/// Appends one option to `set`.
pub fn add_option(
    package: &mut Package,
    uids: &mut UidGenerator,
    set: &str,
    key_prefix: &str,
    code: &str,
    name: &str,
) -> String {
    let id = uids.uid("options", &format!("{key_prefix}:{code}"));
    let list = package
        .get_mut("optionSets", set)
        .unwrap()
        .get_mut("options")
        .unwrap()
        .as_array_mut()
        .unwrap();
    list.push(reference(&id));
    let position = list.len();
    package
        .objects_mut("options")
        .push(option(&id, code, name, set, position));
    id
}

/// Removes the option of `set` with `code` (and its entry in the set); returns its id.
pub fn remove_option(package: &mut Package, set: &str, code: &str) -> String {
    let options = package.objects_mut("options");
    let index = options
        .iter()
        .position(|o| {
            o["optionSet"]["id"].as_str() == Some(set) && o["code"].as_str() == Some(code)
        })
        .expect("the option exists");
    let id = options.remove(index)["id"].as_str().unwrap().to_string();
    let list = package
        .get_mut("optionSets", set)
        .unwrap()
        .get_mut("options")
        .unwrap()
        .as_array_mut()
        .unwrap();
    list.retain(|r| r["id"].as_str() != Some(&id));
    id
}

/// Renames the option of `set` with `code`.
pub fn rename_option(package: &mut Package, set: &str, code: &str, name: &str) {
    let option = package
        .objects_mut("options")
        .iter_mut()
        .find(|o| o["optionSet"]["id"].as_str() == Some(set) && o["code"].as_str() == Some(code))
        .expect("the option exists");
    option["name"] = json!(name);
}

/// Sets the translation of `property` in `locale` on an object.
pub fn set_translation(
    package: &mut Package,
    kind: &str,
    id: &str,
    locale: &str,
    property: &str,
    value: &str,
) {
    let object = package.get_mut(kind, id).expect("the object exists");
    let list = object
        .entry("translations")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .unwrap();
    list.retain(|t| !(t["locale"] == locale && t["property"] == property));
    list.push(json!({"locale": locale, "property": property, "value": value}));
}

fn option(id: &str, code: &str, name: &str, set: &str, sort_order: usize) -> Value {
    json!({
        "attributeValues": [],
        "code": code,
        "id": id,
        "name": name,
        "optionSet": {"id": set},
        "sharing": {"external": false, "owner": "vUeLeQMSwhN", "public": "r-------", "userGroups": {}, "users": {}},
        "sortOrder": sort_order,
        "translations": []
    })
}

/// `n` synthetic two-level areas (`RRDDDD` codes: region, then area within it), deterministic.
pub fn synthetic_areas(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let (region, area) = (i / 1000 + 1, i % 1000 + 1);
            (
                format!("{region:02}{area:04}"),
                format!("Region {region} / Area {area}"),
            )
        })
        .collect()
}
