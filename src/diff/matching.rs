//! Matching the objects of two packages: by type and UID, then pairing an object removed under one
//! UID with an object added under another when they carry the same code (a UID change).

use crate::package::{Package, object_id};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

type Object = Map<String, Value>;

/// One object of `kind` as found in the old and/or the new package.
#[derive(Debug, Clone, Copy)]
pub struct Matched<'a> {
    pub kind: &'a str,
    pub old: Option<&'a Object>,
    pub new: Option<&'a Object>,
}

impl Matched<'_> {
    /// True when both sides are present under different ids.
    pub fn uid_changed(&self) -> bool {
        match (self.old, self.new) {
            (Some(o), Some(n)) => object_id(o) != object_id(n),
            _ => false,
        }
    }
}

/// Every object of either package, matched; pairs that are identical are left out.
/// Ordered by type, then by id (new id when present).
pub fn match_objects<'a>(old: &'a Package, new: &'a Package) -> Vec<Matched<'a>> {
    let kinds: BTreeSet<&str> = old.kinds().chain(new.kinds()).collect();
    let mut out = Vec::new();
    for kind in kinds {
        let old_index = index(old, kind);
        let new_index = index(new, kind);
        let mut removed: Vec<&Object> = Vec::new();
        for (id, o) in &old_index {
            match new_index.get(id) {
                Some(n) if o != n => out.push(Matched {
                    kind,
                    old: Some(o),
                    new: Some(n),
                }),
                Some(_) => {}
                None => removed.push(o),
            }
        }
        let added: Vec<&Object> = new_index
            .iter()
            .filter(|(id, _)| !old_index.contains_key(*id))
            .map(|(_, n)| *n)
            .collect();
        out.extend(pair_by_code(kind, removed, added));
    }
    out.sort_by(|a, b| (a.kind, sort_id(a)).cmp(&(b.kind, sort_id(b))));
    out
}

fn sort_id<'a>(m: &Matched<'a>) -> &'a str {
    m.new.or(m.old).and_then(object_id).unwrap_or("")
}

/// The objects of one type by id; where an id repeats, the first wins.
fn index<'a>(package: &'a Package, kind: &str) -> BTreeMap<&'a str, &'a Object> {
    let mut index = BTreeMap::new();
    for object in package.objects(kind).iter().filter_map(Value::as_object) {
        if let Some(id) = object_id(object) {
            index.entry(id).or_insert(object);
        }
    }
    index
}

/// What makes two objects of a type "the same" when their UIDs differ: the code (for options,
/// the code within their option set, since option codes are unique per set only).
fn code_key(kind: &str, object: &Object) -> Option<String> {
    let code = object.get("code").and_then(Value::as_str)?;
    if code.is_empty() {
        return None;
    }
    if kind == "options" {
        let set = object.get("optionSet")?.get("id")?.as_str()?;
        return Some(format!("{set}\u{0}{code}"));
    }
    Some(code.to_string())
}

/// Pairs a removed and an added object sharing a code (when the code is unambiguous on both
/// sides); the rest stay removed or added.
fn pair_by_code<'a>(
    kind: &'a str,
    removed: Vec<&'a Object>,
    added: Vec<&'a Object>,
) -> Vec<Matched<'a>> {
    let group = |objects: &[&'a Object]| {
        let mut by_code: BTreeMap<String, Vec<&'a Object>> = BTreeMap::new();
        for o in objects {
            if let Some(key) = code_key(kind, o) {
                by_code.entry(key).or_default().push(o);
            }
        }
        by_code
    };
    let (removed_codes, added_codes) = (group(&removed), group(&added));
    let mut paired: BTreeSet<*const Object> = BTreeSet::new();
    let mut out = Vec::new();
    for (code, olds) in &removed_codes {
        if let (1, Some(news)) = (olds.len(), added_codes.get(code))
            && news.len() == 1
        {
            paired.insert(olds[0]);
            paired.insert(news[0]);
            out.push(Matched {
                kind,
                old: Some(olds[0]),
                new: Some(news[0]),
            });
        }
    }
    for o in removed {
        if !paired.contains(&(o as *const Object)) {
            out.push(Matched {
                kind,
                old: Some(o),
                new: None,
            });
        }
    }
    for n in added {
        if !paired.contains(&(n as *const Object)) {
            out.push(Matched {
                kind,
                old: None,
                new: Some(n),
            });
        }
    }
    out
}
