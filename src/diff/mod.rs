//! `crtk diff`: a semantic diff of two DHIS2 packages, for reviewers and CI.
//!
//! - [`matching`]: objects matched by type + UID; a UID change under the same code is paired.
//! - [`compare`]: property changes with JSON paths; nested lists matched by identity ([`identity`]);
//!   long text as word diffs ([`words`]); noise dropped ([`noise`]).
//! - [`rules`]: variables gained/lost by changed conditions; rules affected by changed variables.
//! - [`expressions`]: rule expressions compared as parsed trees (whitespace / regrouped / edits).
//! - [`renumbering`]: `sortOrder` shifts as one entry per option set; [`details`]: added and
//!   removed objects in words; [`cascades`]: cascading dropdowns recognised; [`summary`]: the
//!   behaviour-first counts.
//! - [`breaking`]: breaking changes with reasons, one per real problem; [`version`]: `--check-version`.
//! - [`render`]: text, markdown, JSON and HTML through the tera templates in `templates/diff/`.
//!
//! The result is a plain [`Diff`] value (see [`model`]); `diff(b, a)` reports the same objects as
//! `diff(a, b)` with added and removed swapped.

pub mod breaking;
pub mod cascades;
pub mod compare;
pub mod details;
pub mod expressions;
pub mod identity;
mod load;
pub mod matching;
pub mod model;
pub mod noise;
pub mod render;
pub mod renumbering;
pub mod rules;
pub mod summary;
pub mod version;
pub mod words;

pub use load::{DiffError, load_side};
pub use model::{
    Breaking, Cascade, Cosmetic, Detail, Diff, Edit, EditKind, FieldChange, FieldKind,
    ObjectChange, Renumbering, RuleImpact, SCHEMA, Side, Status, Summary, VariableChange,
    WordChange, WordOp,
};
pub use noise::{DEFAULT_NOISE, Noise, Pattern};
pub use render::{Format, RenderOptions, render};
pub use version::check_version;

use crate::package::{Header, Indexed, Package, object_id, object_name};
use serde_json::{Map, Value};

/// How to diff.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// What to ignore: [`Noise::default`] plus the user's `--ignore` patterns.
    pub noise: Noise,
}

/// The semantic diff from `old` to `new`.
pub fn diff(old: &Package, new: &Package, options: &DiffOptions) -> Diff {
    let noise = &options.noise;
    let header = compare::compare_objects(
        "package",
        &header_map(&old.header),
        &header_map(&new.header),
        noise,
    );
    let mut objects = Vec::new();
    for matched in matching::match_objects(old, new) {
        let (status, fields) = match (matched.old, matched.new) {
            (Some(o), Some(n)) => {
                let fields = compare::compare_objects(matched.kind, o, n, noise);
                if matched.uid_changed() {
                    (Status::UidChanged, fields)
                } else if fields.is_empty() {
                    continue;
                } else {
                    (Status::Changed, fields)
                }
            }
            (None, Some(_)) => (Status::Added, Vec::new()),
            (Some(_), None) => (Status::Removed, Vec::new()),
            (None, None) => continue,
        };
        let shown = matched.new.or(matched.old).expect("one side is present");
        let text = |key: &str| {
            matched
                .new
                .and_then(|n| n.get(key))
                .or_else(|| matched.old.and_then(|o| o.get(key)))
                .and_then(Value::as_str)
                .map(String::from)
        };
        let mut change = ObjectChange {
            kind: matched.kind.to_string(),
            id: object_id(shown).unwrap_or_default().to_string(),
            old_id: if status == Status::UidChanged {
                matched.old.and_then(object_id).map(String::from)
            } else {
                None
            },
            name: text("name").or_else(|| object_name(shown).map(String::from)),
            code: text("code"),
            status,
            fields,
            breaking: Vec::new(),
            rule: None,
            details: Vec::new(),
        };
        change.breaking = breaking::assess(&change, matched.old, matched.new);
        objects.push(change);
    }
    // Every helper below looks objects up by id, once per change: index both sides once.
    let (old, new) = (&Indexed::new(old), &Indexed::new(new));
    rules::analyze(old, new, &mut objects);
    let renumbered = renumbering::collapse(old, new, &mut objects);
    breaking::refine(old, new, &mut objects);
    name_targets(old, new, &mut objects);
    details::describe(old, new, &mut objects);
    objects.sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    let cascades = cascades::find(new, &objects);
    let summary = summary::count(&objects);
    Diff {
        schema: SCHEMA,
        old: side(&old.header),
        new: side(&new.header),
        header,
        objects,
        renumbered,
        cascades,
        summary,
    }
}

/// The id a value refers to when it is a bare reference `{"id": ...}`.
fn reference_target(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::Object(map) if map.len() == 1 => map.get("id")?.as_str(),
        _ => None,
    }
}

/// Names the objects that added or removed references point to (new package first).
fn name_targets(old: &Package, new: &Package, objects: &mut [ObjectChange]) {
    let mut wanted: std::collections::HashMap<String, Option<String>> = Default::default();
    for field in objects.iter().flat_map(|o| &o.fields) {
        if let Some(id) =
            reference_target(field.new.as_ref()).or(reference_target(field.old.as_ref()))
        {
            wanted.insert(id.to_string(), None);
        }
    }
    if wanted.is_empty() {
        return;
    }
    for package in [new, old] {
        for (_, id, object) in package.all_objects() {
            if let Some(slot @ None) = wanted.get_mut(id) {
                *slot = object_name(object).map(String::from);
            }
        }
    }
    for field in objects.iter_mut().flat_map(|o| o.fields.iter_mut()) {
        let id = reference_target(field.new.as_ref()).or(reference_target(field.old.as_ref()));
        if let Some(Some(name)) = id.and_then(|id| wanted.get(id)) {
            field.target = Some(name.clone());
        }
    }
}

fn side(header: &Header) -> Side {
    Side {
        name: header.name().map(String::from),
        code: header.code().map(String::from),
        version: header.version().map(String::from),
    }
}

/// The header as an object for comparison (a legacy header is its name).
fn header_map(header: &Header) -> Map<String, Value> {
    match header.to_value() {
        Some(Value::Object(map)) => map,
        Some(other) => Map::from_iter([("name".to_string(), other)]),
        None => Map::new(),
    }
}
