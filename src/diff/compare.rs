//! Comparing two versions of one object, property by property, down into nested lists.
//!
//! Semantics (documented in docs/diff-json.md):
//! - an absent property, `null`, `[]` and `{}` are the same (exports differ in which they write);
//! - nested lists are matched by identity ([`identity::item_key`]); items repeating an identity
//!   pair equal items first, then in order; when some item has no identity a list of scalars is
//!   compared as one value and other lists by position (`[#0]`);
//! - a change is dropped when its property path is noise ([`Noise`]).

use super::expressions::{self, Verdict};
use super::identity::{is_member_list, is_ordered, item_key};
use super::model::{Cosmetic, FieldChange, FieldKind};
use super::noise::Noise;
use super::words::{wants_words, word_diff};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// The changes from `old` to `new`, two versions of an object of type `kind`.
pub fn compare_objects(
    kind: &str,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    noise: &Noise,
) -> Vec<FieldChange> {
    let mut walk = Walk {
        kind,
        noise,
        props: vec![kind],
        out: Vec::new(),
    };
    walk.maps(String::new(), old, new);
    walk.out
}

/// True when two values mean the same once absent, null and empty are treated alike.
pub fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(m)) => m.is_empty(),
        _ => false,
    }
}

struct Walk<'a> {
    kind: &'a str,
    noise: &'a Noise,
    /// The property path (type, then property names) of the value being compared.
    props: Vec<&'a str>,
    out: Vec<FieldChange>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'a> Walk<'a> {
    fn maps(&mut self, path: String, old: &'a Map<String, Value>, new: &'a Map<String, Value>) {
        let keys: BTreeSet<&'a String> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let (o, n) = (old.get(key.as_str()), new.get(key.as_str()));
            if o == n || (is_blank(o) && is_blank(n)) {
                continue;
            }
            self.props.push(key);
            if !self.noise.ignores(&self.props) {
                self.value(join(&path, key), key, o, n);
            }
            self.props.pop();
        }
    }

    /// Compares the values found under `property` at `path` (already known to differ).
    fn value(
        &mut self,
        path: String,
        property: &'a str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    ) {
        match (old, new) {
            // A list of identifiable items that appears or vanishes: report its items one by one.
            (o, Some(Value::Array(n))) if is_blank(o) && keys(property, n).is_some() => {
                self.arrays(path, property, &[], n)
            }
            (Some(Value::Array(o)), n) if is_blank(n) && keys(property, o).is_some() => {
                self.arrays(path, property, o, &[])
            }
            (o, Some(n)) if is_blank(o) => self.push(path, FieldKind::Added, None, Some(n)),
            (Some(o), n) if is_blank(n) => self.push(path, FieldKind::Removed, Some(o), None),
            (Some(Value::Object(o)), Some(Value::Object(n))) => self.maps(path, o, n),
            (Some(Value::Array(o)), Some(Value::Array(n))) => self.arrays(path, property, o, n),
            (Some(Value::String(o)), Some(Value::String(n)))
                if self.props.len() == 2 && expressions::is_expression(self.kind, property) =>
            {
                let mut change =
                    FieldChange::plain(path, FieldKind::Changed, old.cloned(), new.cloned());
                match expressions::compare(o, n) {
                    Verdict::Whitespace => change.cosmetic = Some(Cosmetic::Whitespace),
                    Verdict::Regrouped => change.cosmetic = Some(Cosmetic::Regrouped),
                    Verdict::Changed(edits) => change.expression = Some(edits),
                    Verdict::Unparsed => change.words = Some(word_diff(o, n)),
                }
                self.out.push(change);
            }
            (Some(Value::String(o)), Some(Value::String(n))) if wants_words(property, o, n) => {
                let mut change =
                    FieldChange::plain(path, FieldKind::Changed, old.cloned(), new.cloned());
                change.words = Some(word_diff(o, n));
                self.out.push(change);
            }
            (o, n) => self.push(path, FieldKind::Changed, o, n),
        }
    }

    fn push(&mut self, path: String, change: FieldKind, old: Option<&Value>, new: Option<&Value>) {
        self.out
            .push(FieldChange::plain(path, change, old.cloned(), new.cloned()));
    }

    fn arrays(&mut self, path: String, property: &'a str, old: &'a [Value], new: &'a [Value]) {
        if let (Some(old_keys), Some(new_keys)) = (keys(property, old), keys(property, new)) {
            return self.by_identity(path, property, old, new, old_keys, new_keys);
        }
        let scalar = |v: &Value| !v.is_object() && !v.is_array();
        if old.iter().all(scalar) && new.iter().all(scalar) {
            let (o, n) = (Value::Array(old.to_vec()), Value::Array(new.to_vec()));
            return self.push(path, FieldKind::Changed, Some(&o), Some(&n));
        }
        for i in 0..old.len().max(new.len()) {
            let (o, n) = (old.get(i), new.get(i));
            if o != n {
                self.value(format!("{path}[#{i}]"), property, o, n);
            }
        }
    }

    fn by_identity(
        &mut self,
        path: String,
        property: &'a str,
        old: &'a [Value],
        new: &'a [Value],
        old_keys: Vec<String>,
        new_keys: Vec<String>,
    ) {
        fn group(keys: &[String]) -> (HashMap<&str, Vec<usize>>, Vec<&str>) {
            let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
            let mut order: Vec<&str> = Vec::new();
            for (i, k) in keys.iter().enumerate() {
                let entry = groups.entry(k.as_str()).or_default();
                if entry.is_empty() {
                    order.push(k.as_str());
                }
                entry.push(i);
            }
            (groups, order)
        }
        let ((old_groups, old_order), (new_groups, new_order)) =
            (group(&old_keys), group(&new_keys));
        let none: Vec<usize> = Vec::new();
        // Keys in old order, then keys only in the new list in new order.
        let keys = old_order
            .iter()
            .chain(new_order.iter().filter(|k| !old_groups.contains_key(*k)));
        for key in keys {
            let os = old_groups.get(key).unwrap_or(&none);
            let ns = new_groups.get(key).unwrap_or(&none);
            let item_path = format!("{path}[{key}]");
            // A key normally names one item. Where real data repeats one (two French NAME
            // translations), equal items pair first, then the rest in order.
            let mut used = vec![false; ns.len()];
            let mut unpaired_old = Vec::new();
            for &i in os {
                match (0..ns.len()).find(|&p| !used[p] && old[i] == new[ns[p]]) {
                    Some(p) => used[p] = true,
                    None => unpaired_old.push(i),
                }
            }
            let unpaired_new: Vec<usize> =
                (0..ns.len()).filter(|&p| !used[p]).map(|p| ns[p]).collect();
            for (k, &i) in unpaired_old.iter().enumerate() {
                match unpaired_new.get(k) {
                    Some(&j) => {
                        self.value(item_path.clone(), property, Some(&old[i]), Some(&new[j]))
                    }
                    None => self.push(item_path.clone(), FieldKind::Removed, Some(&old[i]), None),
                }
            }
            for &j in unpaired_new.iter().skip(unpaired_old.len()) {
                self.push(item_path.clone(), FieldKind::Added, None, Some(&new[j]));
            }
        }
        // Only lists of the object itself: a reorder deeper down is part of its item's change.
        if self.props.len() == 2
            && (is_ordered(self.kind, property) || is_member_list(self.kind, property))
        {
            let common_old: Vec<&str> = old_order
                .iter()
                .copied()
                .filter(|k| new_groups.contains_key(k))
                .collect();
            let common_new: Vec<&str> = new_order
                .iter()
                .copied()
                .filter(|k| old_groups.contains_key(k))
                .collect();
            if common_old != common_new {
                let list =
                    |keys: Vec<&str>| Value::Array(keys.into_iter().map(Value::from).collect());
                let (o, n) = (list(common_old), list(common_new));
                let mut change = FieldChange::plain(path, FieldKind::Reordered, Some(o), Some(n));
                // DHIS2 keeps no order for group members or a rule's actions.
                if !is_ordered(self.kind, property) {
                    change.cosmetic = Some(Cosmetic::Reordered);
                }
                self.out.push(change);
            }
        }
    }
}

/// The identities of a list's items, when every item has one.
fn keys(property: &str, items: &[Value]) -> Option<Vec<String>> {
    items.iter().map(|item| item_key(property, item)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(kind: &str, old: Value, new: Value) -> Vec<(String, FieldKind)> {
        let (Value::Object(o), Value::Object(n)) = (old, new) else {
            panic!()
        };
        compare_objects(kind, &o, &n, &Noise::default())
            .into_iter()
            .map(|c| (c.path, c.change))
            .collect()
    }

    #[test]
    fn translations_by_locale_and_property_not_position() {
        let old = json!({"id": "X", "translations": [
            {"locale": "fr", "property": "NAME", "value": "Un"},
            {"locale": "pt", "property": "NAME", "value": "Um"}]});
        let new = json!({"id": "X", "translations": [
            {"locale": "pt", "property": "NAME", "value": "Um"},
            {"locale": "fr", "property": "NAME", "value": "Une"},
            {"locale": "cs", "property": "NAME", "value": "Jeden"}]});
        assert_eq!(
            changes("dataElements", old, new),
            vec![
                (
                    "translations[locale=fr,property=NAME].value".into(),
                    FieldKind::Changed
                ),
                (
                    "translations[locale=cs,property=NAME]".into(),
                    FieldKind::Added
                ),
            ]
        );
    }

    #[test]
    fn ordered_lists_report_reorder_and_noise_is_dropped() {
        let old = json!({"id": "S", "lastUpdated": "a", "options": [{"id": "A"}, {"id": "B"}, {"id": "C"}]});
        let new = json!({"id": "S", "lastUpdated": "b", "options": [{"id": "B"}, {"id": "A"}], "translations": []});
        assert_eq!(
            changes("optionSets", old, new),
            vec![
                ("options[id=C]".into(), FieldKind::Removed),
                ("options".into(), FieldKind::Reordered),
            ]
        );
    }

    #[test]
    fn stage_fields_by_data_element() {
        let old = json!({"id": "PS", "programStageDataElements": [
            {"id": "a", "dataElement": {"id": "DE1"}, "compulsory": false},
            {"id": "b", "dataElement": {"id": "DE2"}, "compulsory": false}]});
        let new = json!({"id": "PS", "programStageDataElements": [
            {"id": "b", "dataElement": {"id": "DE2"}, "compulsory": true}]});
        assert_eq!(
            changes("programStages", old, new),
            vec![
                (
                    "programStageDataElements[dataElement=DE1]".into(),
                    FieldKind::Removed
                ),
                (
                    "programStageDataElements[dataElement=DE2].compulsory".into(),
                    FieldKind::Changed
                ),
            ]
        );
    }
}
