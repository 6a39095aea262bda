//! Limits for YAML text, checked before serde_yaml builds anything.
//!
//! serde_yaml (libyaml) has no budget for what aliases expand to (a 1 MB "billion laughs" file
//! becomes gigabytes) and scans deeply nested flow collections in quadratic time. [`check_yaml`]
//! first scans the text for flow nesting (linear), then walks the document once counting nodes
//! and scalar bytes as aliases expand them, stopping at the budget.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// Nested `[`/`{` in one YAML text (serde_yaml itself stops block nesting at 128).
pub const MAX_FLOW_DEPTH: usize = 64;
/// Nodes in the document once aliases are expanded.
pub const MAX_NODES: u64 = 2_000_000;
/// Bytes of scalar text in the document once aliases are expanded.
pub const MAX_SCALAR_BYTES: u64 = 64 * 1024 * 1024;

/// `Err((line, message))` when the YAML nests or expands past the limits. Malformed YAML passes
/// (the real parse reports it with its own message).
pub fn check_yaml(text: &str) -> Result<(), (usize, String)> {
    flow_depth(text)?;
    let budget = Budget {
        nodes: Cell::new(0),
        bytes: Cell::new(0),
    };
    let deserializer = serde_yaml::Deserializer::from_str(text);
    match (&budget).deserialize(deserializer) {
        // serde_yaml's own alias limit ("repetition limit exceeded") counts as the same thing.
        Err(e) if e.to_string().contains(OVER) || e.to_string().contains("repetition limit") => {
            let line = e.location().map(|l| l.line()).unwrap_or(1);
            Err((
                line,
                format!(
                    "the document expands (through its aliases `*name`) to more than {MAX_NODES} values or {} MiB of text: remove the aliases or write the values out",
                    MAX_SCALAR_BYTES / (1024 * 1024)
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Flow collections nest at most [`MAX_FLOW_DEPTH`] deep (quotes and comments skipped).
fn flow_depth(text: &str) -> Result<(), (usize, String)> {
    let mut depth = 0usize;
    let mut line = 1;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    // The last non-blank character of the line ('\n' at its start): a quote opens a quoted
    // scalar only where a scalar can start, not inside plain text such as `it's`.
    let mut last = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
            comment = false;
            if quote.is_none() {
                last = '\n';
            }
        } else if comment {
        } else if let Some(q) = quote {
            if c == q {
                // '' inside a single-quoted scalar is an escaped quote.
                if q == '\'' && chars.peek() == Some(&'\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            } else if q == '"' && c == '\\' {
                chars.next();
            }
        } else {
            match c {
                '#' if previous.is_whitespace() => comment = true,
                '"' | '\'' if "\n:-[{,?".contains(last) => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err((
                            line,
                            format!(
                                "`[`/`{{` nest more than {MAX_FLOW_DEPTH} deep: a country config needs far less; flatten the structure"
                            ),
                        ));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if !c.is_whitespace() && quote.is_none() && !comment {
            last = c;
        }
        previous = c;
    }
    Ok(())
}

const OVER: &str = "crtk: YAML expansion budget exceeded";

struct Budget {
    nodes: Cell<u64>,
    bytes: Cell<u64>,
}

impl Budget {
    fn count<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        self.nodes.set(self.nodes.get() + 1);
        self.bytes.set(self.bytes.get() + bytes as u64);
        if self.nodes.get() > MAX_NODES || self.bytes.get() > MAX_SCALAR_BYTES {
            return Err(E::custom(OVER));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for &Budget {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &Budget {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.count(1)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.count(8)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.count(8)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.count(16)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.count(16)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.count(8)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.count(v.len())
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        self.count(v.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.count(0)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.count(0)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.count::<A::Error>(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.count::<A::Error>(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_deep_flow_and_alias_bombs() {
        let deep = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(check_yaml(&deep).is_err());
        assert!(
            check_yaml("a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['")
                .is_ok()
        );
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..12 {
            let prev = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        assert!(check_yaml(&bomb).is_err());
        assert!(check_yaml("x: &x [1, 2]\ny: *x\n").is_ok());
    }
}
