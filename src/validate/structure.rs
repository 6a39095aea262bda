//! Structure: DHIS2 JSON Schema types (CR101), UID format (E4014), duplicate ids (E5004), lengths
//! (E4001), required properties (E4000), uniqueness of name/shortName/code (E5003).

use super::fast::FastMap;
use super::schema::{class_of, schemas};
use super::{Ctx, field, str_prop};
use crate::package::uid;
use serde_json::{Map, Value};

/// Properties DHIS2 maps not-null, per section (dhis2-core Hibernate mappings, `*.hbm.xml`;
/// checked by SchemaCheck as E4000). Only properties every reference package sets are listed.
const REQUIRED: &[(&str, &[&str])] = &[
    ("attributes", &["name", "valueType"]),
    ("categories", &["name"]),
    ("categoryCombos", &["name"]),
    ("categoryOptions", &["name"]),
    ("constants", &["name", "value"]),
    (
        "dataElements",
        &[
            "name",
            "shortName",
            "valueType",
            "domainType",
            "aggregationType",
        ],
    ),
    (
        "indicators",
        &[
            "name",
            "shortName",
            "indicatorType",
            "numerator",
            "denominator",
        ],
    ),
    ("optionGroups", &["name", "optionSet"]),
    ("optionSets", &["name", "valueType"]),
    ("options", &["name", "code"]),
    ("programIndicators", &["name", "shortName", "program"]),
    ("programRuleActions", &["programRuleActionType"]),
    (
        "programRuleVariables",
        &["name", "program", "programRuleVariableSourceType"],
    ),
    ("programRules", &["name", "program"]),
    ("programStageSections", &["name", "programStage"]),
    ("programStages", &["name", "program"]),
    ("programs", &["name", "shortName", "programType"]),
    (
        "trackedEntityAttributes",
        &["name", "shortName", "valueType"],
    ),
    ("trackedEntityTypes", &["name"]),
    ("userGroups", &["name"]),
];

/// Maximum lengths DHIS2 stores (Hibernate `length`; SchemaCheck E4001).
fn max_length(kind: &str, property: &str) -> Option<usize> {
    match (kind, property) {
        ("options", "code") => Some(230),
        (_, "name") | (_, "formName") => Some(230),
        (_, "shortName") | (_, "code") => Some(50),
        _ => None,
    }
}

/// Properties unique per type (UniquenessCheck E5003). Option names/codes are unique only
/// within their set (checked in option_sets); program names are not unique in DHIS2.
pub(crate) const UNIQUE: &[(&str, &[&str])] = &[
    ("attributes", &["name", "code"]),
    ("categories", &["name", "code"]),
    ("categoryCombos", &["name", "code"]),
    ("categoryOptions", &["name", "shortName", "code"]),
    ("constants", &["name", "shortName", "code"]),
    ("dataElements", &["name", "shortName", "code"]),
    ("indicators", &["name", "shortName", "code"]),
    ("optionGroups", &["name", "shortName", "code"]),
    ("optionSets", &["name", "code"]),
    ("programIndicators", &["name", "shortName", "code"]),
    ("programs", &["code"]),
    ("trackedEntityAttributes", &["name", "shortName", "code"]),
    ("trackedEntityTypes", &["name", "code"]),
    ("userGroups", &["name", "code"]),
];

/// Inline children whose own ids DHIS2 persists (and checks as UIDs).
const INLINE_WITH_IDS: &[&str] = &[
    "programTrackedEntityAttributes",
    "programStageDataElements",
    "trackedEntityTypeAttributes",
];

/// CR101 for the package's shape: a metadata type must be an array of objects. Every other pass
/// skips what is not, so without this a `"programs": "x"` would validate silently.
fn shape(ctx: &mut Ctx) {
    let package = ctx.package;
    for (kind, value) in &package.sections {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_object() {
                        ctx.report_package(
                            "CR101",
                            format!("{kind}[{i}]"),
                            format!(
                                "is {}, but a `{kind}` entry must be an object",
                                kind_of(item)
                            ),
                        );
                    }
                }
            }
            other if class_of(kind).is_some() => ctx.report_package(
                "CR101",
                kind.clone(),
                format!(
                    "is {}, but `{kind}` must be an array of objects",
                    kind_of(other)
                ),
            ),
            _ => {}
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The structure checks, fed one object at a time by [`super::object_pass`].
pub(super) struct Structure<'a> {
    /// Per type: its schema class, required and unique properties, and what was seen so far.
    class: Option<&'static str>,
    required: &'static [&'static str],
    unique: &'static [&'static str],
    seen_ids: FastMap<&'a str, usize>,
    seen_values: Vec<FastMap<&'a str, usize>>,
}

impl<'a> Structure<'a> {
    /// Checks the package's shape (CR101) and prepares the per-object checks.
    pub fn start(ctx: &mut Ctx<'a>) -> Self {
        shape(ctx);
        Structure {
            class: None,
            required: &[],
            unique: &[],
            seen_ids: FastMap::default(),
            seen_values: Vec::new(),
        }
    }

    /// Starts the objects of one type.
    pub fn kind(&mut self, kind: &str) {
        self.class = class_of(kind);
        self.required = REQUIRED
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| *p)
            .unwrap_or(&[]);
        self.unique = UNIQUE
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| *p)
            .unwrap_or(&[]);
        self.seen_ids.clear();
        self.seen_values = vec![FastMap::default(); self.unique.len()];
    }

    /// Checks object `i` of `kind` (`value` is the object, `map` its properties).
    pub fn object(
        &mut self,
        ctx: &mut Ctx<'a>,
        kind: &'a str,
        i: usize,
        value: &'a Value,
        map: &'a Map<String, Value>,
    ) {
        let package = ctx.package;
        let (schemas, required, unique) = (schemas(), self.required, self.unique);
        let (seen_ids, seen_values) = (&mut self.seen_ids, &mut self.seen_values);
        let at = |p: &str| format!("{kind}[{i}]{p}");
        // CR101: JSON Schema types and enumerations.
        if let Some(class) = self.class {
            for m in schemas.check(class, value) {
                // Action types have their own check, with DHIS2's code (E4033).
                if kind == "programRuleActions" && m.path == ".programRuleActionType" {
                    continue;
                }
                ctx.report(
                    "CR101",
                    kind,
                    map,
                    at(&m.path),
                    format!("{} ({class} schema, DHIS2 2.40)", m.message),
                );
            }
        }
        // E4014 and E5004: ids.
        match field(map, "id") {
            Some(Value::String(id)) => {
                if !uid::is_valid(id) {
                    ctx.report(
                        "E4014",
                        kind,
                        map,
                        at(".id"),
                        format!(
                            "`{id}` is not a DHIS2 UID: use a letter then 10 letters or digits"
                        ),
                    );
                }
                if let Some(first) = seen_ids.get(id.as_str()) {
                    ctx.report(
                        "E5004",
                        kind,
                        map,
                        at(".id"),
                        format!(
                            "id `{id}` is also used by {kind}[{first}]; DHIS2 keeps only the first"
                        ),
                    );
                } else {
                    seen_ids.insert(id, i);
                }
            }
            _ => ctx.report(
                "E4000",
                kind,
                map,
                at(".id"),
                "missing required property `id`: give every object a UID".into(),
            ),
        }
        let has_inline = matches!(kind, "programs" | "programStages" | "trackedEntityTypes");
        for inline in INLINE_WITH_IDS.iter().filter(|_| has_inline) {
            if let Some(Value::Array(children)) = map.get(*inline) {
                for (j, child) in children.iter().enumerate() {
                    if let Some(id) = child.get("id").and_then(Value::as_str)
                        && !uid::is_valid(id)
                    {
                        ctx.report(
                            "E4014",
                            kind,
                            map,
                            at(&format!(".{inline}[{j}].id")),
                            format!(
                                "`{id}` is not a DHIS2 UID: use a letter then 10 letters or digits"
                            ),
                        );
                    }
                }
            }
        }
        // E4000: required properties.
        for property in required {
            let missing = match field(map, property) {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.trim().is_empty(),
                _ => false,
            };
            if missing {
                ctx.report(
                    "E4000",
                    kind,
                    map,
                    at(&format!(".{property}")),
                    format!("missing required property `{property}`"),
                );
            }
        }
        // E4001: lengths (in characters, as Java counts a String's length in UTF-16 units).
        for property in ["name", "shortName", "code", "formName"] {
            if let (Some(text), Some(max)) = (str_prop(map, property), max_length(kind, property)) {
                let len = text.encode_utf16().count();
                if len > max {
                    ctx.report(
                        "E4001",
                        kind,
                        map,
                        at(&format!(".{property}")),
                        format!(
                            "`{property}` is {len} characters long; DHIS2 stores at most {max}: shorten it"
                        ),
                    );
                }
            }
        }
        // E5003: uniqueness within the type.
        for (slot, property) in unique.iter().enumerate() {
            let Some(value) = str_prop(map, property) else {
                continue;
            };
            if let Some(first) = seen_values[slot].get(value) {
                let other = package.objects(kind)[*first]
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                ctx.report(
                    "E5003",
                    kind,
                    map,
                    at(&format!(".{property}")),
                    format!(
                        "`{property}` `{value}` is already used by {kind} {other}; DHIS2 requires it unique"
                    ),
                );
            } else {
                seen_values[slot].insert(value, i);
            }
        }
    }
}
