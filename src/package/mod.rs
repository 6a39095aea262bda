//! The DHIS2 metadata package model.
//!
//! A package is one JSON object: a header (`package`, or `system` in a raw export) and one array of
//! objects per metadata type (`dataElements`, `programs`, ...). Objects stay `serde_json` maps end to
//! end so that no property is ever lost: DHIS2 has hundreds of properties per type and a typed struct
//! would drop the ones it does not know. Typed views are read-only helpers over the maps.
//!
//! Ordering choice: object keys are **sorted** (as DHIS2 exports them), so a loaded package and its
//! canonical emission hold the same keys in the same order. Objects inside each top-level array are
//! ordered by `id` on emission (see [`emit`]).

mod emit;
mod header;
mod indexed;
mod load;
mod references;
pub mod text_pattern;
pub mod uid;

pub use emit::{to_canonical_string, write_canonical};
pub use header::Header;
pub use indexed::Indexed;
pub use load::LoadError;
pub use references::{Reference, references};

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A DHIS2 metadata package: its header and its metadata arrays, keyed by type name.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub header: Header,
    /// Every top-level key except the header, verbatim. Metadata types hold arrays of objects; any
    /// other top-level value is kept as it is.
    pub sections: BTreeMap<String, Value>,
}

impl Package {
    /// An empty package with the given header.
    pub fn new(header: Header) -> Self {
        Package {
            header,
            sections: BTreeMap::new(),
        }
    }

    /// The objects of one type (`"dataElements"`, ...); empty when the package has none.
    pub fn objects(&self, kind: &str) -> &[Value] {
        match self.sections.get(kind) {
            Some(Value::Array(items)) => items,
            _ => &[],
        }
    }

    /// The objects of one type, for editing; the array is created when missing.
    pub fn objects_mut(&mut self, kind: &str) -> &mut Vec<Value> {
        let slot = self
            .sections
            .entry(kind.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if !slot.is_array() {
            *slot = Value::Array(Vec::new());
        }
        slot.as_array_mut().expect("made an array above")
    }

    /// The names of the metadata types present (top-level keys holding arrays), sorted.
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.sections
            .iter()
            .filter(|(_, v)| v.is_array())
            .map(|(k, _)| k.as_str())
    }

    /// The object of `kind` whose `id` is `id`.
    pub fn get(&self, kind: &str, id: &str) -> Option<&Map<String, Value>> {
        self.objects(kind)
            .iter()
            .filter_map(Value::as_object)
            .find(|o| object_id(o) == Some(id))
    }

    /// The object of `kind` whose `id` is `id`, for editing.
    pub fn get_mut(&mut self, kind: &str, id: &str) -> Option<&mut Map<String, Value>> {
        self.sections
            .get_mut(kind)?
            .as_array_mut()?
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .find(|o| object_id(o) == Some(id))
    }

    /// Every top-level object with an id, as `(kind, id, object)`, in package order.
    pub fn all_objects(&self) -> impl Iterator<Item = (&str, &str, &Map<String, Value>)> {
        self.kinds().flat_map(move |kind| {
            self.objects(kind)
                .iter()
                .filter_map(Value::as_object)
                .filter_map(move |o| object_id(o).map(|id| (kind, id, o)))
        })
    }

    /// Index of every top-level id to its type. Where an id occurs twice, the first type wins.
    pub fn id_index(&self) -> BTreeMap<&str, &str> {
        let mut index = BTreeMap::new();
        for (kind, id, _) in self.all_objects() {
            index.entry(id).or_insert(kind);
        }
        index
    }
}

/// The `id` of a DHIS2 object, when it has a string one.
pub fn object_id(object: &Map<String, Value>) -> Option<&str> {
    object.get("id").and_then(Value::as_str)
}

/// The `name` of a DHIS2 object, when it has a string one.
pub fn object_name(object: &Map<String, Value>) -> Option<&str> {
    object.get("name").and_then(Value::as_str)
}

/// A reference as DHIS2 writes it: `{"id": "<uid>"}`.
pub fn reference(id: &str) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), Value::String(id.to_string()));
    Value::Object(map)
}
