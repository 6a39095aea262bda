//! `crtk validate`: every check DHIS2 makes on import, the rule-expression checks it skips, and
//! package hygiene, offline.
//!
//! One file per family of checks; each family is a function over a shared [`Ctx`] (the package,
//! an id index built once, the options) that pushes [`Finding`]s; the three that read every object
//! whole (structure, references, hygiene) are fed one object at a time by a single pass
//! (`object_pass`). [`validate`] runs them all and returns a [`Report`] in a stable order. The list of checks, with codes, severities and what each
//! mirrors, is [`registry::CHECKS`] (rendered to `docs/checks.md`).

mod canreg;
mod expressions;
mod fast;
pub mod finding;
mod hygiene;
mod indicators;
mod object_pass;
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
mod working_lists;

pub use canreg::aligned_codes;
pub use expressions::{MAX_FLAT_CHAIN, program_item_store};
pub use finding::{Finding, ObjectRef, Report, Severity};
pub use references::DEFAULT_EXTERNAL;
pub use run::{config_externals, validate_config, validate_file, validate_loaded};
pub(crate) use structure::UNIQUE;

use crate::package::Package;
use fast::FastMap;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

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
    pub canreg_codes: CanregCodes,
    /// Address option sets and the CanReg5 length their codes must fit.
    pub address: Option<AddressRule>,
    /// The locales CR703 reports: the country's choice (`languages.locales`), else the locales
    /// its config translates into (sheets, base translations). `None` (a package file): one
    /// summary of every partial locale.
    pub locales: Option<Vec<String>>,
    /// Translation completeness the build already measured on this very package (it is used when
    /// it covers the locales validation finds, instead of being measured again).
    pub completeness: Option<crate::translations::Completeness>,
}

/// CanReg5-aligned option sets: set id -> (set name, option codes).
pub type CanregCodes = BTreeMap<String, (String, BTreeSet<String>)>;

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

/// One family of checks.
type Family = fn(&mut Ctx);

/// Validates a package. `source` names it in the report (a file path).
pub fn validate(package: &Package, options: &Options, source: &str) -> Report {
    let timing = std::env::var_os("CRTK_VALIDATE_TIMING").is_some();
    let start = std::time::Instant::now();
    let mut ctx = Ctx::new(package, options);
    if timing {
        eprintln!("validate: index {:?}", start.elapsed());
    }
    let t = std::time::Instant::now();
    let [structure, references, hygiene] = object_pass::run(&mut ctx);
    if timing {
        eprintln!("validate: structure, references, hygiene {:?}", t.elapsed());
    }
    // Reported in the families' order: structure, references, option_sets, ..., translations,
    // hygiene, canreg, working_lists.
    ctx.findings = structure;
    ctx.findings.extend(references);
    let before_hygiene: [(&str, Family); 6] = [
        ("option_sets", option_sets::run),
        ("text_pattern", text_pattern::run),
        ("program_rules", program_rules::run),
        ("expressions", expressions::run),
        ("indicators", indicators::run),
        ("translations", translations::run),
    ];
    let after_hygiene: [(&str, Family); 2] = [
        ("canreg", canreg::run),
        ("working_lists", working_lists::run),
    ];
    let run = |ctx: &mut Ctx, families: &[(&str, Family)]| {
        for (name, family) in families {
            let t = std::time::Instant::now();
            family(ctx);
            if timing {
                eprintln!("validate: {name} {:?}", t.elapsed());
            }
        }
    };
    run(&mut ctx, &before_hygiene);
    ctx.findings.extend(hygiene);
    run(&mut ctx, &after_hygiene);
    Report {
        source: source.to_string(),
        findings: ctx.findings,
    }
}

/// Where an id is defined: `(kind, index in its section, the object)`. The object is held so a
/// look-up does not search the sections again.
pub(crate) type Place<'a> = (&'a str, usize, &'a Map<String, Value>);

/// Where an id is defined: usually one place; duplicates across or within types go to `more`.
pub(crate) struct Places<'a> {
    pub first: Place<'a>,
    pub more: Vec<Place<'a>>,
}

impl<'a> Places<'a> {
    pub fn iter(&self) -> impl Iterator<Item = &Place<'a>> {
        std::iter::once(&self.first).chain(self.more.iter())
    }
}

/// Shared state of one validation run.
pub(crate) struct Ctx<'a> {
    pub package: &'a Package,
    pub options: &'a Options,
    /// Every top-level object id -> where it is: `(kind, index in its section)`.
    pub by_id: FastMap<&'a str, Places<'a>>,
    pub findings: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(package: &'a Package, options: &'a Options) -> Self {
        let mut by_id: FastMap<&str, Places> = FastMap::default();
        by_id.reserve(
            package
                .sections
                .values()
                .filter_map(Value::as_array)
                .map(Vec::len)
                .sum(),
        );
        for kind in package.kinds() {
            for (i, item) in objects(package, kind) {
                if let Some(id) = str_prop(item, "id") {
                    by_id
                        .entry(id)
                        .and_modify(|p: &mut Places| p.more.push((kind, i, item)))
                        .or_insert(Places {
                            first: (kind, i, item),
                            more: Vec::new(),
                        });
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
        places
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, _, object)| *object)
    }

    /// The object of `kind` with this id and its index in the section.
    pub fn locate(&self, kind: &str, id: &str) -> Option<(usize, &'a Map<String, Value>)> {
        let places = self.by_id.get(id)?;
        places
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, i, object)| (*i, *object))
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

/// `map[property]`, found by comparing lengths before bytes. The map's own search compares the
/// bytes of every key it passes, each in its own heap block: on a large package these reads
/// dominate validation, and most keys differ from the wanted one in length.
pub(crate) fn field<'v>(map: &'v Map<String, Value>, property: &str) -> Option<&'v Value> {
    map.iter()
        .find(|(key, _)| key.len() == property.len() && key.as_str() == property)
        .map(|(_, value)| value)
}

/// `{"id": "x"}` -> `x`.
pub(crate) fn ref_id<'v>(map: &'v Map<String, Value>, property: &str) -> Option<&'v str> {
    field(field(map, property)?.as_object()?, "id")?.as_str()
}

/// The ids of an array of references (`"options": [{"id": ..}, ..]`).
pub(crate) fn ref_ids<'v>(map: &'v Map<String, Value>, property: &str) -> Vec<&'v str> {
    match field(map, property) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| field(v.as_object()?, "id")?.as_str())
            .collect(),
        _ => Vec::new(),
    }
}

/// A string property.
pub(crate) fn str_prop<'v>(map: &'v Map<String, Value>, property: &str) -> Option<&'v str> {
    field(map, property).and_then(Value::as_str)
}

/// A boolean property (absent = false).
pub(crate) fn bool_prop(map: &Map<String, Value>, property: &str) -> bool {
    field(map, property)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}
