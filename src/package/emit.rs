//! Canonical emission: the one byte layout crtk writes.
//!
//! - every object's keys sorted (byte order), at every depth, whatever order they were read in;
//! - the top-level keys sorted likewise, which is how DHIS2 exports them (`package` among the types);
//! - the objects of each top-level metadata array ordered by `id` (objects without an id keep their
//!   relative order, after those with one); nested arrays keep their order, which DHIS2 gives meaning
//!   (option lists, stage data elements, translations);
//! - 2-space indentation, UTF-8 without `\u` escapes, one trailing newline.
//!
//! Emitting an already canonical file gives the same bytes.

use super::Package;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use std::io::Write;

/// The package as canonical JSON text.
pub fn to_canonical_string(package: &Package) -> String {
    let mut out = Vec::new();
    write_canonical(package, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the package as canonical JSON.
pub fn write_canonical(package: &Package, out: &mut impl Write) -> std::io::Result<()> {
    let mut entries: Vec<(&str, TopLevel)> = package
        .sections
        .iter()
        .map(|(k, v)| (k.as_str(), TopLevel::Section(v)))
        .collect();
    let header = package.header.to_value();
    if let (Some(key), Some(value)) = (package.header.key(), header.as_ref()) {
        entries.push((key, TopLevel::Header(value)));
    }
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    let mut map = serializer.serialize_map(Some(entries.len())).map_err(io)?;
    for (key, value) in &entries {
        map.serialize_entry(key, value).map_err(io)?;
    }
    SerializeMap::end(map).map_err(io)?;
    out.write_all(b"\n")
}

fn io(e: serde_json::Error) -> std::io::Error {
    std::io::Error::other(e)
}

enum TopLevel<'a> {
    Header(&'a Value),
    Section(&'a Value),
}

impl Serialize for TopLevel<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TopLevel::Header(v) => Sorted(v).serialize(s),
            TopLevel::Section(Value::Array(items)) => {
                // Each id read once (not once per comparison); stable, so objects without an
                // id keep their relative order, after the others.
                let mut ordered: Vec<(Option<&str>, &Value)> =
                    items.iter().map(|item| (id_of(item), item)).collect();
                ordered.sort_by(|(a, _), (b, _)| match (a, b) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                });
                let mut seq = s.serialize_seq(Some(ordered.len()))?;
                for (_, item) in ordered {
                    seq.serialize_element(&Sorted(item))?;
                }
                seq.end()
            }
            TopLevel::Section(v) => Sorted(v).serialize(s),
        }
    }
}

fn id_of(value: &Value) -> Option<&str> {
    value.get("id").and_then(Value::as_str)
}

/// Whether serde_json's `Map` keeps its keys sorted (its default, a `BTreeMap`), rather than in
/// insertion order (the `preserve_order` feature, which another crate could switch on): found out
/// once, instead of checking the keys of every object.
fn maps_are_sorted() -> bool {
    static SORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SORTED.get_or_init(|| {
        let mut map = serde_json::Map::new();
        map.insert("b".into(), Value::Null);
        map.insert("a".into(), Value::Null);
        map.keys().is_sorted()
    })
}

/// A JSON value serialized with the keys of every object sorted, independent of how the map
/// stores them (serde_json's `preserve_order` feature could otherwise change the output).
struct Sorted<'a>(&'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut out = s.serialize_map(Some(map.len()))?;
                // serde_json's default map is already sorted: only sort when it is not.
                if maps_are_sorted() || map.keys().is_sorted() {
                    for (k, v) in map {
                        out.serialize_entry(k, &Sorted(v))?;
                    }
                } else {
                    let mut entries: Vec<_> = map.iter().collect();
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    for (k, v) in entries {
                        out.serialize_entry(k, &Sorted(v))?;
                    }
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Sorted(item))?;
                }
                out.end()
            }
            scalar => scalar.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn sorts_keys_and_objects_and_is_idempotent() {
        let text = r#"{"programs":[{"name":"B","id":"b"},{"id":"a","z":[3,1]}],"package":{"name":"P","code":"C"},"attributes":[]}"#;
        let package = Package::from_json(text, Path::new("t.json")).unwrap();
        let once = to_canonical_string(&package);
        assert_eq!(
            once,
            "{\n  \"attributes\": [],\n  \"package\": {\n    \"code\": \"C\",\n    \"name\": \"P\"\n  },\n  \"programs\": [\n    {\n      \"id\": \"a\",\n      \"z\": [\n        3,\n        1\n      ]\n    },\n    {\n      \"id\": \"b\",\n      \"name\": \"B\"\n    }\n  ]\n}\n"
        );
        let again = to_canonical_string(&Package::from_json(&once, Path::new("t.json")).unwrap());
        assert_eq!(once, again);
    }

    #[test]
    fn writes_unicode_unescaped() {
        let package = Package::from_json(
            r#"{"options":[{"id":"x","name":"R\u00e8gle"}]}"#,
            Path::new("t"),
        )
        .unwrap();
        assert!(to_canonical_string(&package).contains("Règle"));
    }
}
