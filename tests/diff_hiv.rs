//! The real pair HIV_CS 0.1.0 (DHIS2 2.34.6) -> 9.9.9 (DHIS2 2.36.4): every object the diff reports
//! is checked against an independent computation written here, per type; translation changes and
//! changes inside nested lists (stage data elements, program attributes) are checked item by item.
//!
//! The independent computation normalises each object (drops the documented noise, drops blank
//! values, turns lists of identifiable items into maps keyed by identity) and compares for equality.

use crtk::diff::{DiffOptions, ObjectChange, Status, diff};
use crtk::package::Package;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn load(name: &str) -> Package {
    Package::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference-packages")
            .join(name),
    )
    .unwrap()
}

fn pair() -> (Package, Package) {
    (
        load("HIV_CS_TRK_0.1.0_DHIS2.34.6-en.json"),
        load("HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json"),
    )
}

fn noise(key: &str, depth: usize, parent: &str) -> bool {
    const ANYWHERE: &[&str] = &[
        "lastUpdated",
        "created",
        "createdBy",
        "lastUpdatedBy",
        "href",
        "favorites",
        "favorite",
    ];
    const DISPLAY: &[&str] = &[
        "displayName",
        "displayShortName",
        "displayFormName",
        "displayDescription",
        "displayContent",
        "displayTitle",
        "displaySubtitle",
    ];
    ANYWHERE.contains(&key)
        || DISPLAY.contains(&key)
        || (key.starts_with("display") && key.ends_with("Label"))
        || (depth == 0 && (key == "user" || key == "access"))
        || (depth == 1
            && key == "access"
            && matches!(
                parent,
                "programStageDataElements" | "programTrackedEntityAttributes"
            ))
        || (parent == "sharing" && key == "owner")
}

fn identity(property: &str, item: &Value) -> Option<String> {
    let s = |k: &str| item.get(k).and_then(Value::as_str).map(String::from);
    let r = |k: &str| {
        item.get(k)
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .map(String::from)
    };
    match property {
        "translations" => Some(format!("{}|{}", s("locale")?, s("property")?)),
        "programStageDataElements" | "dataSetElements" => r("dataElement"),
        "programTrackedEntityAttributes" | "trackedEntityTypeAttributes" => {
            r("trackedEntityAttribute")
        }
        "attributeValues" => r("attribute"),
        "userGroupAccesses" => s("id").or_else(|| s("userGroupUid")),
        "userAccesses" => s("id").or_else(|| s("userUid")),
        "columns" | "rows" | "filters" if item.get("dimension").is_some() => s("dimension"),
        _ => s("id"),
    }
}

fn ordered(kind: &str, property: &str) -> bool {
    [
        ("optionSets", "options"),
        ("programStageSections", "dataElements"),
        ("sections", "dataElements"),
        ("programSections", "trackedEntityAttributes"),
        ("programStages", "programStageDataElements"),
        ("programStages", "programStageSections"),
        ("programs", "programTrackedEntityAttributes"),
        ("programs", "programSections"),
        ("dashboards", "dashboardItems"),
    ]
    .contains(&(kind, property))
}

/// The object with noise and blanks dropped and identifiable lists turned into maps.
fn normalize(kind: &str, value: &Value, depth: usize, parent: &str) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if noise(k, depth, parent) {
                    continue;
                }
                let n = normalize(kind, v, depth + 1, k);
                let blank = n.is_null()
                    || n.as_array().is_some_and(Vec::is_empty)
                    || n.as_object().is_some_and(Map::is_empty);
                if !blank {
                    out.insert(k.clone(), n);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let keys: Option<Vec<String>> = items.iter().map(|i| identity(parent, i)).collect();
            match keys {
                Some(keys)
                    if keys.iter().collect::<BTreeSet<_>>().len() == keys.len()
                        && !keys.is_empty() =>
                {
                    let mut out = Map::new();
                    for (k, item) in keys.iter().zip(items) {
                        // Items of a list are one level deeper than the list's owner.
                        out.insert(k.clone(), normalize(kind, item, depth, parent));
                    }
                    if depth == 1 && ordered(kind, parent) {
                        out.insert("__order".into(), Value::from(keys.clone()));
                    }
                    Value::Object(out)
                }
                _ => Value::Array(
                    items
                        .iter()
                        .map(|i| normalize(kind, i, depth, parent))
                        .collect(),
                ),
            }
        }
        other => other.clone(),
    }
}

/// Independent per-type statuses: kind -> id -> status.
fn independent(old: &Package, new: &Package) -> BTreeMap<(String, String), Status> {
    let mut out = BTreeMap::new();
    let kinds: BTreeSet<&str> = old.kinds().chain(new.kinds()).collect();
    for kind in kinds {
        let index = |p: &Package| -> BTreeMap<String, Value> {
            p.objects(kind)
                .iter()
                .filter_map(|o| {
                    Some((
                        o.get("id")?.as_str()?.to_string(),
                        normalize(kind, o, 0, kind),
                    ))
                })
                .collect()
        };
        let (a, b) = (index(old), index(new));
        for (id, o) in &a {
            match b.get(id) {
                None => {
                    out.insert((kind.to_string(), id.clone()), Status::Removed);
                }
                Some(n) if n != o => {
                    out.insert((kind.to_string(), id.clone()), Status::Changed);
                }
                _ => {}
            }
        }
        for id in b.keys().filter(|id| !a.contains_key(*id)) {
            out.insert((kind.to_string(), id.clone()), Status::Added);
        }
    }
    out
}

#[test]
fn every_reported_object_matches_the_independent_computation() {
    let (old, new) = pair();
    let d = diff(&old, &new, &DiffOptions::default());
    let reported: BTreeMap<(String, String), Status> = d
        .objects
        .iter()
        .map(|o| ((o.kind.clone(), o.id.clone()), o.status))
        .collect();
    let expected = independent(&old, &new);
    assert!(
        expected.len() > 500,
        "the pair differs in many objects: {}",
        expected.len()
    );
    // Per type, so a failure says which type disagrees.
    let kinds: BTreeSet<&String> = expected
        .keys()
        .chain(reported.keys())
        .map(|(k, _)| k)
        .collect();
    for kind in kinds {
        let pick = |m: &BTreeMap<(String, String), Status>| -> BTreeMap<String, Status> {
            m.iter()
                .filter(|((k, _), _)| k == kind)
                .map(|((_, id), s)| (id.clone(), *s))
                .collect()
        };
        assert_eq!(pick(&reported), pick(&expected), "type {kind}");
    }
}

fn object<'a>(p: &'a Package, kind: &str, id: &str) -> &'a Map<String, Value> {
    p.get(kind, id).unwrap()
}

/// (locale|property) -> the values under it, sorted (real packages sometimes repeat a key).
fn translations(o: &Map<String, Value>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in o
        .get("translations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.entry(identity("translations", t).unwrap())
            .or_default()
            .push(t["value"].to_string());
    }
    out.values_mut().for_each(|v| v.sort());
    out
}

fn reported_keys(change: &ObjectChange, list: &str) -> BTreeSet<String> {
    change
        .fields
        .iter()
        .filter_map(|f| f.path.strip_prefix(&format!("{list}[")))
        .map(|rest| rest[..rest.find(']').unwrap()].to_string())
        .collect()
}

#[test]
fn translation_changes_are_reported_item_by_item() {
    let (old, new) = pair();
    let d = diff(&old, &new, &DiffOptions::default());
    let mut checked = 0;
    for change in d.objects.iter().filter(|c| c.status == Status::Changed) {
        let (a, b) = (
            translations(object(&old, &change.kind, &change.id)),
            translations(object(&new, &change.kind, &change.id)),
        );
        let expected: BTreeSet<String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .map(|k| {
                let (locale, property) = k.split_once('|').unwrap();
                format!("locale={locale},property={property}")
            })
            .collect();
        assert_eq!(
            reported_keys(change, "translations"),
            expected,
            "{} {}",
            change.kind,
            change.id
        );
        checked += expected.len();
    }
    assert!(
        checked > 100,
        "the pair changes many translations: {checked}"
    );
}

#[test]
fn stage_and_program_fields_are_reported_item_by_item() {
    let (old, new) = pair();
    let d = diff(&old, &new, &DiffOptions::default());
    let mut checked = 0;
    for (kind, list, key) in [
        ("programStages", "programStageDataElements", "dataElement"),
        (
            "programs",
            "programTrackedEntityAttributes",
            "trackedEntityAttribute",
        ),
    ] {
        for change in d.objects.iter().filter(|c| c.kind == kind) {
            let items = |p: &Package| -> BTreeMap<String, Value> {
                object(p, kind, &change.id)[list]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| {
                        (
                            i[key]["id"].as_str().unwrap().to_string(),
                            normalize(kind, i, 1, list),
                        )
                    })
                    .collect()
            };
            let (a, b) = (items(&old), items(&new));
            let expected: BTreeSet<String> = a
                .keys()
                .chain(b.keys())
                .filter(|k| a.get(*k) != b.get(*k))
                .map(|k| format!("{key}={k}"))
                .collect();
            assert_eq!(
                reported_keys(change, list),
                expected,
                "{kind} {}",
                change.id
            );
            checked += expected.len();
        }
    }
    assert!(checked >= 40, "{checked}");
}
