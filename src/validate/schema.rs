//! A lightweight structural check against DHIS2's JSON Schemas (bundled in
//! `schemas/dhis2/v40.2.2/bundle.json`, see its PROVENANCE.md).
//!
//! Only what DHIS2's JSON reader would choke on is checked: JSON types (with Jackson's scalar
//! coercions: a number where a string is expected is accepted, a numeric string where a number
//! is expected too) and enumerations. Unknown properties are ignored, as DHIS2 ignores them.
//! The schemas are compiled once into a small tree; checking walks each value once.

use super::fast::{FastMap, FastSet};
use serde_json::Value;
use std::sync::OnceLock;

const BUNDLE: &str = include_str!("../../schemas/dhis2/v40.2.2/bundle.json");

/// Package section -> schema class.
pub const KIND_CLASSES: &[(&str, &str)] = &[
    ("attributes", "Attribute"),
    ("categories", "Category"),
    ("categoryCombos", "CategoryCombo"),
    ("categoryOptionCombos", "CategoryOptionCombo"),
    ("categoryOptionGroupSets", "CategoryOptionGroupSet"),
    ("categoryOptionGroups", "CategoryOptionGroup"),
    ("categoryOptions", "CategoryOption"),
    ("constants", "Constant"),
    ("dataElementGroups", "DataElementGroup"),
    ("dataElements", "DataElement"),
    ("indicatorGroups", "IndicatorGroup"),
    ("indicatorTypes", "IndicatorType"),
    ("indicators", "Indicator"),
    ("legendSets", "LegendSet"),
    ("optionGroupSets", "OptionGroupSet"),
    ("optionGroups", "OptionGroup"),
    ("optionSets", "OptionSet"),
    ("options", "Option"),
    ("programIndicatorGroups", "ProgramIndicatorGroup"),
    ("programIndicators", "ProgramIndicator"),
    (
        "programNotificationTemplates",
        "ProgramNotificationTemplate",
    ),
    ("programRuleActions", "ProgramRuleAction"),
    ("programRuleVariables", "ProgramRuleVariable"),
    ("programRules", "ProgramRule"),
    ("programSections", "ProgramSection"),
    ("programStageSections", "ProgramStageSection"),
    ("programStages", "ProgramStage"),
    ("programs", "Program"),
    ("trackedEntityAttributes", "TrackedEntityAttribute"),
    (
        "trackedEntityInstanceFilters",
        "TrackedEntityInstanceFilter",
    ),
    ("trackedEntityTypes", "TrackedEntityType"),
    ("userGroups", "UserGroup"),
];

/// The schema class of a package section.
pub fn class_of(kind: &str) -> Option<&'static str> {
    KIND_CLASSES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| *c)
}

#[derive(Debug)]
pub enum Node {
    Any,
    Str(Option<FastSet<String>>),
    Int,
    Num,
    Bool,
    Array(Box<Node>),
    Object {
        properties: FastMap<String, Node>,
        additional: Option<Box<Node>>,
    },
    Ref(String),
    /// A resolved `$ref`: index into `Schemas::nodes`.
    Resolved(usize),
}

pub struct Schemas {
    index: FastMap<String, usize>,
    nodes: Vec<Node>,
}

/// The compiled bundle.
pub fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let bundle: FastMap<String, Value> =
            serde_json::from_str(BUNDLE).expect("the bundled schemas are valid JSON");
        let mut names: Vec<&String> = bundle.keys().collect();
        names.sort();
        let index: FastMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).clone(), i))
            .collect();
        let mut nodes: Vec<Node> = names.iter().map(|n| compile(&bundle[*n])).collect();
        for node in &mut nodes {
            resolve(node, &index);
        }
        Schemas { index, nodes }
    })
}

/// Replaces `$ref` names by indexes, so checking never hashes a class name.
fn resolve(node: &mut Node, index: &FastMap<String, usize>) {
    match node {
        Node::Ref(name) => {
            *node = match index.get(name.as_str()) {
                Some(i) => Node::Resolved(*i),
                None => Node::Any,
            }
        }
        Node::Array(items) => resolve(items, index),
        Node::Object {
            properties,
            additional,
        } => {
            for child in properties.values_mut() {
                resolve(child, index);
            }
            if let Some(a) = additional {
                resolve(a, index);
            }
        }
        _ => {}
    }
}

fn compile(schema: &Value) -> Node {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Node::Ref(r.trim_end_matches(".json").to_string());
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Node::Str(schema.get("enum").and_then(Value::as_array).map(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })),
        Some("integer") => Node::Int,
        Some("number") => Node::Num,
        Some("boolean") => Node::Bool,
        Some("array") => Node::Array(Box::new(
            schema.get("items").map(compile).unwrap_or(Node::Any),
        )),
        Some("object") => Node::Object {
            properties: schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| props.iter().map(|(k, v)| (k.clone(), compile(v))).collect())
                .unwrap_or_default(),
            additional: schema
                .get("additionalProperties")
                .filter(|v| v.is_object())
                .map(|v| Box::new(compile(v))),
        },
        _ => Node::Any,
    }
}

/// One mismatch: the relative JSON path (`.valueType`, `.translations[2].locale`) and why.
pub struct Mismatch {
    pub path: String,
    pub message: String,
}

/// Path segments kept on a stack; formatted only when a mismatch is found.
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

impl Schemas {
    #[cfg(test)]
    pub fn has_class(&self, class: &str) -> bool {
        self.index.contains_key(class)
    }

    fn class(&self, class: &str) -> Option<&Node> {
        self.index.get(class).map(|i| &self.nodes[*i])
    }

    /// The properties a class's schema declares.
    pub fn properties(&self, class: &str) -> Option<&FastMap<String, Node>> {
        match self.class(class)? {
            Node::Object { properties, .. } => Some(properties),
            _ => None,
        }
    }

    /// Checks `value` against class `class`; returns the mismatches.
    pub fn check(&self, class: &str, value: &Value) -> Vec<Mismatch> {
        let mut out = Vec::new();
        if let Some(node) = self.class(class) {
            let mut path = Vec::new();
            self.walk(node, value, &mut path, &mut out, 0);
        }
        out
    }

    fn walk<'v>(
        &self,
        node: &Node,
        value: &'v Value,
        path: &mut Vec<Seg<'v>>,
        out: &mut Vec<Mismatch>,
        depth: usize,
    ) {
        if value.is_null() || depth > 32 {
            return;
        }
        let mut fail = |expected: &str, path: &Vec<Seg>| {
            out.push(Mismatch {
                path: format_path(path),
                message: format!("expected {expected}, found {}", describe(value)),
            })
        };
        match node {
            Node::Any | Node::Ref(_) => {}
            Node::Resolved(i) => self.walk(&self.nodes[*i], value, path, out, depth + 1),
            Node::Str(allowed) => match (value, allowed) {
                (Value::String(s), Some(allowed)) if !allowed.contains(s) => {
                    let mut values: Vec<&str> = allowed.iter().map(String::as_str).collect();
                    values.sort_unstable();
                    out.push(Mismatch {
                        path: format_path(path),
                        message: format!("`{s}` is not one of {}", values.join(", ")),
                    });
                }
                (Value::String(_), _) => {}
                (Value::Number(_) | Value::Bool(_), None) => {}
                _ => fail("a string", path),
            },
            Node::Int => match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => {}
                Value::String(s) if s.trim().parse::<i64>().is_ok() => {}
                _ => fail("an integer", path),
            },
            Node::Num => match value {
                Value::Number(_) => {}
                Value::String(s) if s.trim().parse::<f64>().is_ok() => {}
                _ => fail("a number", path),
            },
            Node::Bool => match value {
                Value::Bool(_) => {}
                Value::String(s) if s == "true" || s == "false" => {}
                _ => fail("true or false", path),
            },
            Node::Array(items) => match value {
                Value::Array(values) => {
                    for (i, v) in values.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.walk(items, v, path, out, depth + 1);
                        path.pop();
                    }
                }
                _ => fail("an array", path),
            },
            Node::Object {
                properties,
                additional,
            } => match value {
                Value::Object(map) => {
                    for (key, v) in map {
                        let child = properties.get(key).or(additional.as_deref());
                        if let Some(child) = child {
                            path.push(Seg::Key(key));
                            self.walk(child, v, path, out, depth + 1);
                            path.pop();
                        }
                    }
                }
                _ => fail("an object", path),
            },
        }
    }
}

fn format_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("the string `{s}`"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_mapped_class_is_bundled() {
        for (_, class) in KIND_CLASSES {
            assert!(
                schemas().has_class(class),
                "{class} missing from the bundle"
            );
        }
    }

    #[test]
    fn types_enums_and_coercions() {
        let s = schemas();
        let ok = json!({"id": "abcdefghijk", "valueType": "TEXT", "zeroIsSignificant": "true",
            "translations": [{"locale": "fr", "property": "NAME", "value": "x"}], "unknown": [1]});
        assert!(s.check("DataElement", &ok).is_empty());
        let bad = json!({"valueType": "NUMERIC", "translations": [{"locale": ["fr"]}]});
        let got: Vec<String> = s
            .check("DataElement", &bad)
            .into_iter()
            .map(|m| m.path)
            .collect();
        assert_eq!(got, vec![".translations[0].locale", ".valueType"]);
    }
}
