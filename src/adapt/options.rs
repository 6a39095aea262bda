//! Replacing the options of an existing option set (address leaves, source types).

use crate::package::{Package, object_id};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Removes every option of the set `set_id` (those it lists, and those pointing back at it) and
/// returns the first of them, as a template for the options that replace them: new options keep
/// the properties the base gave its own (sharing, attribute values, ...).
pub fn take_options(package: &mut Package, set_id: &str) -> Map<String, Value> {
    let listed: HashSet<String> = package
        .get("optionSets", set_id)
        .and_then(|set| set.get("options"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| o.get("id").and_then(Value::as_str).map(str::to_string))
        .collect();
    let template = package
        .objects("options")
        .iter()
        .filter_map(Value::as_object)
        .find(|o| object_id(o).is_some_and(|id| listed.contains(id)))
        .cloned()
        .unwrap_or_default();
    package.objects_mut("options").retain(|o| {
        let listed_here = o
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| listed.contains(id));
        let points_here = o
            .get("optionSet")
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
            == Some(set_id);
        !(listed_here || points_here)
    });
    template
}
