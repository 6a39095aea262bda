//! Option renumbering: inserting or removing one option shifts the `sortOrder` of every later
//! option of its set. That is one entry per option set ("12 options renumbered after inserting
//! X"), not one change per option.

use super::model::{ObjectChange, Renumbering, Status};
use crate::package::{Indexed, object_id, object_name};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

type Object = Map<String, Value>;

/// Takes the `sortOrder` changes out of `objects` (dropping options left with no other change)
/// and returns one [`Renumbering`] per option set they belong to.
pub fn collapse(old: &Indexed, new: &Indexed, objects: &mut Vec<ObjectChange>) -> Vec<Renumbering> {
    let mut per_set: BTreeMap<String, usize> = BTreeMap::new();
    for change in objects.iter_mut().filter(|c| c.kind == "options") {
        let before = change.fields.len();
        change.fields.retain(|f| f.path != "sortOrder");
        if change.fields.len() == before {
            continue;
        }
        let option = new
            .get("options", &change.id)
            .or_else(|| old.get("options", change.old_id.as_deref().unwrap_or(&change.id)));
        let set = option
            .and_then(|o| o.get("optionSet")?.get("id")?.as_str())
            .unwrap_or("?");
        *per_set.entry(set.to_string()).or_default() += 1;
    }
    objects
        .retain(|c| !(c.kind == "options" && c.status == Status::Changed && c.fields.is_empty()));
    per_set
        .into_iter()
        .map(|(set, options)| {
            let members = |p: &Indexed| -> Vec<String> {
                p.get("optionSets", &set)
                    .and_then(|s| s.get("options"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o.get("id").and_then(Value::as_str).map(String::from))
                    .collect()
            };
            let (was, is) = (members(old), members(new));
            let (was_set, is_set): (HashSet<&String>, HashSet<&String>) =
                (was.iter().collect(), is.iter().collect());
            let label = |p: &Indexed, id: &str| {
                p.get("options", id)
                    .and_then(|o| object_name(o).or_else(|| o.get("code")?.as_str()))
                    .unwrap_or(id)
                    .to_string()
            };
            let inserted = is
                .iter()
                .filter(|id| !was_set.contains(id))
                .map(|id| label(new, id))
                .collect();
            let removed = was
                .iter()
                .filter(|id| !is_set.contains(id))
                .map(|id| label(old, id))
                .collect();
            Renumbering {
                name: new
                    .get("optionSets", &set)
                    .or_else(|| old.get("optionSets", &set))
                    .and_then(object_name)
                    .map(String::from),
                options,
                inserted,
                removed,
                order_kept: same_relative_order(old, new, &set),
                option_set: set,
            }
        })
        .collect()
}

/// True when the options in both versions of the set keep their relative order by `sortOrder`.
fn same_relative_order(old: &Indexed, new: &Indexed, set: &str) -> bool {
    let order = |p: &Indexed| -> Vec<(i64, String)> {
        let mut list: Vec<(i64, String)> = p
            .objects("options")
            .iter()
            .filter_map(Value::as_object)
            .filter(|o| in_set(o, set))
            .filter_map(|o| {
                Some((
                    o.get("sortOrder").and_then(Value::as_i64).unwrap_or(0),
                    object_id(o)?.to_string(),
                ))
            })
            .collect();
        list.sort();
        list
    };
    let (was, is) = (order(old), order(new));
    let in_new: HashSet<&str> = is.iter().map(|(_, id)| id.as_str()).collect();
    let common: HashSet<&str> = was
        .iter()
        .map(|(_, id)| id.as_str())
        .filter(|id| in_new.contains(id))
        .collect();
    let keep = |list: &[(i64, String)]| -> Vec<String> {
        list.iter()
            .filter(|(_, id)| common.contains(id.as_str()))
            .map(|(_, id)| id.clone())
            .collect()
    };
    keep(&was) == keep(&is)
}

fn in_set(option: &Object, set: &str) -> bool {
    option
        .get("optionSet")
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str)
        == Some(set)
}
