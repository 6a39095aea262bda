//! `crtk validate`: every check DHIS2 makes on import, the rule-expression checks it skips, and
//! package hygiene, offline.
//!
//! One file per family of checks; each family is a function over a shared [`Ctx`] (the package,
//! an id index built once, the options) that pushes [`Finding`]s. [`validate`] runs them all and
//! returns a [`Report`] in a stable order. The list of checks, with codes, severities and what each
//! mirrors, is [`registry::CHECKS`] (rendered to `docs/checks.md`).

mod canreg;
mod expressions;
pub mod finding;
mod hygiene;
mod option_sets;
mod program_rules;
mod references;
pub mod registry;
pub mod render;
mod run;
mod schema;
mod structure;
mod text_pattern;
mod translations;

pub use finding::{Finding, ObjectRef, Report, Severity};
pub use references::DEFAULT_EXTERNAL;
pub use run::{validate_config, validate_file};

use crate::package::Package;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the caller knows beyond the package itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Ids that may be referenced without being in the package (besides [`DEFAULT_EXTERNAL`]):
    /// objects the target instance already has.
    pub external_ids: BTreeSet<String>,
    /// The package is a country build (placeholders left over are errors).
    pub country_build: bool,
    /// Placeholder options left in a country build are reported as warning CR806 instead of
    /// error CR804 (config `validate.allow_placeholders`, for examples built before the
    /// adaptations that replace them exist).
    pub allow_placeholders: bool,
    /// CanReg5-aligned option sets of the base: set id -> (set name, option codes). A country build
    /// must keep these codes unchanged. See [`Options::canreg_from_base`].
    pub canreg_codes: BTreeMap<String, (String, BTreeSet<String>)>,
    /// Address option sets and the CanReg5 length their codes must fit.
    pub address: Option<AddressRule>,
}

/// CanReg5's address variable length, applied to the codes of some option sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRule {
    pub option_set_ids: Vec<String>,
    pub max_len: usize,
}

impl Options {
    /// Records the codes of the base's CanReg5-aligned option sets ([`canreg::ALIGNED_SETS`]).
    pub fn canreg_from_base(&mut self, base: &Package) {
        self.canreg_codes = canreg::aligned_codes(base);
    }
}

/// Validates a package. `source` names it in the report (a file path).
pub fn validate(package: &Package, options: &Options, source: &str) -> Report {
    let mut ctx = Ctx::new(package, options);
    structure::run(&mut ctx);
    references::run(&mut ctx);
    option_sets::run(&mut ctx);
    text_pattern::run(&mut ctx);
    program_rules::run(&mut ctx);
    expressions::run(&mut ctx);
    translations::run(&mut ctx);
    hygiene::run(&mut ctx);
    canreg::run(&mut ctx);
    Report {
        source: source.to_string(),
        findings: ctx.findings,
    }
}

/// Shared state of one validation run.
pub(crate) struct Ctx<'a> {
    pub package: &'a Package,
    pub options: &'a Options,
    /// Every top-level object id -> where it is: `(kind, index in its section)`.
    pub by_id: HashMap<&'a str, Vec<(&'a str, usize)>>,
    pub findings: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    fn new(package: &'a Package, options: &'a Options) -> Self {
        let mut by_id: HashMap<&str, Vec<(&str, usize)>> = HashMap::new();
        for kind in package.kinds() {
            for (i, item) in package.objects(kind).iter().enumerate() {
                if let Some(id) = item.get("id").and_then(Value::as_str) {
                    by_id.entry(id).or_default().push((kind, i));
                }
            }
        }
        Ctx {
            package,
            options,
            by_id,
            findings: Vec::new(),
        }
    }

    /// The object of `kind` with this id.
    pub fn get(&self, kind: &str, id: &str) -> Option<&'a Map<String, Value>> {
        let places = self.by_id.get(id)?;
        let (k, i) = places.iter().find(|(k, _)| *k == kind)?;
        self.package.objects(k)[*i].as_object()
    }

    /// Whether the id may be referenced without being in the package.
    pub fn is_external(&self, id: &str) -> bool {
        DEFAULT_EXTERNAL.iter().any(|(uid, _)| *uid == id) || self.options.external_ids.contains(id)
    }

    /// Reports a finding about object `map` of `kind`; the severity comes from the registry.
    pub fn report(
        &mut self,
        code: &'static str,
        kind: &str,
        map: &Map<String, Value>,
        path: String,
        message: String,
    ) {
        self.findings.push(Finding {
            code,
            severity: registry::check(code).severity,
            object: Some(ObjectRef::of(kind, map)),
            path,
            message,
        });
    }

    /// Reports a package-level finding.
    pub fn report_package(&mut self, code: &'static str, path: String, message: String) {
        self.findings.push(Finding {
            code,
            severity: registry::check(code).severity,
            object: None,
            path,
            message,
        });
    }
}

/// The objects of a section with their indexes (non-objects skipped).
pub(crate) fn objects<'a>(
    package: &'a Package,
    kind: &str,
) -> impl Iterator<Item = (usize, &'a Map<String, Value>)> + use<'a> {
    package
        .objects(kind)
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_object().map(|m| (i, m)))
}

/// `{"id": "x"}` -> `x`.
pub(crate) fn ref_id<'v>(map: &'v Map<String, Value>, property: &str) -> Option<&'v str> {
    map.get(property)?.get("id")?.as_str()
}

/// The ids of an array of references (`"options": [{"id": ..}, ..]`).
pub(crate) fn ref_ids<'v>(map: &'v Map<String, Value>, property: &str) -> Vec<&'v str> {
    match map.get(property) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.get("id").and_then(Value::as_str))
            .collect(),
        _ => Vec::new(),
    }
}

/// A string property.
pub(crate) fn str_prop<'v>(map: &'v Map<String, Value>, property: &str) -> Option<&'v str> {
    map.get(property).and_then(Value::as_str)
}

/// A boolean property (absent = false).
pub(crate) fn bool_prop(map: &Map<String, Value>, property: &str) -> bool {
    map.get(property).and_then(Value::as_bool).unwrap_or(false)
}
