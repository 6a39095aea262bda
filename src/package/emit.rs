//! Canonical emission: the one byte layout crtk writes.
//!
//! - every object's keys sorted (byte order), at every depth, whatever order they were read in;
//! - the top-level keys sorted likewise, which is how DHIS2 exports them (`package` among the types);
//! - the objects of each top-level metadata array ordered by `id` (objects without an id keep their
//!   relative order, after those with one); nested arrays keep their order, which DHIS2 gives meaning
//!   (option lists, stage data elements, translations);
//! - 2-space indentation, UTF-8 without `\u` escapes, one trailing newline: serde_json's pretty
//!   layout, byte for byte (a test holds the two together), written directly because this is the
//!   hot loop of every build (100 MB packages).
//!
//! Emitting an already canonical file gives the same bytes.

use super::Package;
use serde_json::{Map, Value};
use std::io::Write;

/// The package as canonical JSON text.
pub fn to_canonical_string(package: &Package) -> String {
    let mut text = Vec::new();
    write_canonical(package, &mut text).expect("writing to memory cannot fail");
    String::from_utf8(text).expect("only UTF-8 text and ASCII are written")
}

/// Writes the package as canonical JSON, in pieces of about a megabyte: a 100 MB package is
/// never held as text in memory.
pub fn write_canonical(package: &Package, sink: &mut impl Write) -> std::io::Result<()> {
    let mut entries: Vec<(&str, bool, &Value)> = package
        .sections
        .iter()
        .map(|(k, v)| (k.as_str(), true, v))
        .collect();
    let header = package.header.to_value();
    if let (Some(key), Some(value)) = (package.header.key(), header.as_ref()) {
        entries.push((key, false, value));
    }
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::with_capacity(2 * PIECE);
    if entries.is_empty() {
        out.extend_from_slice(b"{}");
    } else {
        out.push(b'{');
        for (i, (key, section, value)) in entries.iter().enumerate() {
            line(&mut out, i > 0, 1);
            string(&mut out, key);
            out.extend_from_slice(b": ");
            match value {
                Value::Array(items) if *section && !items.is_empty() => {
                    section_array(&mut out, items, sink)?
                }
                other => value_at(&mut out, other, 1),
            }
        }
        line(&mut out, false, 0);
        out.push(b'}');
    }
    out.push(b'\n');
    sink.write_all(&out)
}

/// How much text is gathered before it is handed to the writer.
const PIECE: usize = 1 << 20;

/// A top-level metadata array (not empty): its objects ordered by id.
fn section_array(out: &mut Vec<u8>, items: &[Value], sink: &mut impl Write) -> std::io::Result<()> {
    // Each id read once (not once per comparison); stable, so objects without an id keep their
    // relative order, after the others.
    let mut ordered: Vec<(Option<&str>, &Value)> =
        items.iter().map(|item| (id_of(item), item)).collect();
    ordered.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out.push(b'[');
    for (i, (_, item)) in ordered.into_iter().enumerate() {
        line(out, i > 0, 2);
        value_at(out, item, 2);
        if out.len() >= PIECE {
            sink.write_all(out)?;
            out.clear();
        }
    }
    line(out, false, 1);
    out.push(b']');
    Ok(())
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

/// `value`, its first line already placed, nested `depth` levels deep.
fn value_at(out: &mut Vec<u8>, value: &Value, depth: usize) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            serde_json::to_writer(&mut *out, n).expect("writing a number to memory cannot fail")
        }
        Value::String(s) => string(out, s),
        Value::Array(items) => sequence(out, items, depth),
        Value::Object(map) => object(out, map, depth),
    }
}

fn sequence(out: &mut Vec<u8>, items: &[Value], depth: usize) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        line(out, i > 0, depth + 1);
        value_at(out, item, depth + 1);
    }
    line(out, false, depth);
    out.push(b']');
}

fn object(out: &mut Vec<u8>, map: &Map<String, Value>, depth: usize) {
    if map.is_empty() {
        out.extend_from_slice(b"{}");
        return;
    }
    let entry = |out: &mut Vec<u8>, i: usize, key: &str, value: &Value| {
        line(out, i > 0, depth + 1);
        string(out, key);
        out.extend_from_slice(b": ");
        value_at(out, value, depth + 1);
    };
    out.push(b'{');
    if maps_are_sorted() || map.keys().is_sorted() {
        for (i, (key, value)) in map.iter().enumerate() {
            entry(out, i, key, value);
        }
    } else {
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (i, (key, value)) in entries.into_iter().enumerate() {
            entry(out, i, key, value);
        }
    }
    line(out, false, depth);
    out.push(b'}');
}

/// A new line (after a comma when `comma`) indented `depth` levels: one copy from a constant in
/// all but absurdly deep values, instead of a push per piece.
fn line(out: &mut Vec<u8>, comma: bool, depth: usize) {
    const LINE: [u8; 66] = {
        let mut line = [b' '; 66];
        line[0] = b',';
        line[1] = b'\n';
        line
    };
    let from = usize::from(!comma);
    let end = 2 + depth * 2;
    if end <= LINE.len() {
        out.extend_from_slice(&LINE[from..end]);
    } else {
        out.extend_from_slice(&LINE[from..2]);
        indent(out, depth);
    }
}

fn indent(out: &mut Vec<u8>, depth: usize) {
    const SPACES: &[u8] = &[b' '; 64];
    let mut left = depth * 2;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.extend_from_slice(&SPACES[..n]);
        left -= n;
    }
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, the short escapes for
/// backspace, form feed, line feed, carriage return and tab, `\u00xx` for other control
/// characters, everything else (all of Unicode) as it is.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none needs escaping (most strings have none).
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if !may_need_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether one of the eight bytes of `word` may be `"`, `\` or a control character. Never false
/// when one is (the classic has-zero-byte test: a borrow can only add false alarms, above a
/// byte that really matches); bytes of 0x80 and above (UTF-8 sequences) never match.
fn may_need_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    control | has_zero(word ^ (ONES * u64::from(b'"'))) | has_zero(word ^ (ONES * u64::from(b'\\')))
        != 0
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
    fn strings_are_escaped_as_serde_json_escapes_them() {
        // Every byte that needs an escape, at every offset of strings around the 8-byte steps,
        // among ASCII and multi-byte UTF-8.
        let specials = [
            '"', '\\', '\u{0}', '\u{8}', '\t', '\n', '\u{c}', '\r', '\u{1f}', 'é', '€',
        ];
        for len in 0..20 {
            for at in 0..len {
                for special in specials {
                    let text: String = (0..len)
                        .map(|i| {
                            if i == at {
                                special
                            } else {
                                (b'a' + i as u8) as char
                            }
                        })
                        .collect();
                    let mut out = Vec::new();
                    string(&mut out, &text);
                    let expected = serde_json::to_string(&text).unwrap();
                    assert_eq!(String::from_utf8(out).unwrap(), expected, "{text:?}");
                }
            }
        }
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
