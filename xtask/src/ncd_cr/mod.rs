//! The NCD_CR base package, generated from the specification tables in `xtask/data/`.
//!
//! Published UIDs (tracked entity attributes, data elements, ...) are taken as they are; every other
//! object gets a deterministic UID in the namespace [`NAMESPACE`] from a stable key naming it
//! (`programStages/Tumor`), so regeneration is byte-identical and re-imports update objects.

mod canreg5;
mod checks;
mod common;
mod expr;
mod fields;
mod form_rules;
mod identity_rules;
mod option_sets;
mod program;
mod rules;
mod tables;
mod topography;
mod translations;
mod user_groups;
mod variables;

use crtk::package::uid::UidGenerator;
use crtk::package::{Header, Package, to_canonical_string};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// Where the generated base is written, from the repository root.
pub const OUTPUT: &str = "base-package/NCD_CR/NCD_CR.json";
/// The source tables, from the repository root.
pub const DATA: &str = "xtask/data";
/// The UID namespace of objects the base creates.
pub const NAMESPACE: &str = "NCD_CR";

/// The base package as canonical JSON.
pub fn generate_json(data: &Path) -> Result<String, String> {
    Ok(to_canonical_string(&generate(data)?))
}

/// The base package.
pub fn generate(data: &Path) -> Result<Package, String> {
    let spec = program::Spec::read(&data.join("ncd-cr"))?;
    let published_rules = published_rules(&data.join("ncd-cr"))?;
    let mut uids = UidGenerator::new(
        NAMESPACE,
        spec.published_uids()
            .into_iter()
            .chain(published_rules.values().cloned()),
    );
    let mut package = Package::new(header());
    let option_sets = option_sets::add(&mut package, &data.join("ncd-cr"), &mut uids)?;
    program::add(&mut package, &spec, &option_sets, &mut uids)?;

    let program = uids.uid("programs", "Cancer Registry");
    let tumor = uids.uid("programStages", "Tumor");
    let source = uids.uid("programStages", "Source");
    let follow_up = uids.uid("programStages", "Follow-up");
    let mut rules = rules::Rules::new(&program, &mut uids, published_rules);
    variables::add(&mut rules, &tumor);
    identity_rules::add(&mut rules, &tumor, &source);
    form_rules::add(
        &mut rules,
        &form_rules::Stages {
            tumor: &tumor,
            source: &source,
            follow_up: &follow_up,
        },
    );
    topography::add(&mut package, &mut rules, data, &option_sets, &tumor)?;
    checks::add(&mut rules, data, &tumor)?;
    rules.finish(&mut package);
    user_groups::add(&mut package, &mut uids);
    translations::add(&mut package, &data.join("translations"))?;
    Ok(package)
}

/// Program-rule UIDs the specification publishes (NCD_CR 1.0.1 release note), by rule name.
fn published_rules(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    Ok(tables::read(dir, "program_rules.csv")?
        .into_iter()
        .filter(|r| !tables::col(r, "uid").is_empty())
        .map(|r| {
            (
                tables::col(&r, "name").to_string(),
                tables::col(&r, "uid").to_string(),
            )
        })
        .collect())
}

fn header() -> Header {
    let Value::Object(map) = json!({
        "DHIS2Version": "2.42",
        "code": "NCD_CR",
        "description": "Cancer Registry (NCD_CR 1.0.1), reconstructed by crtk from the published specification",
        "lastUpdated": "20260617T000000",
        "locale": "en",
        "name": "NCD_CR_TRK_1.0.1_DHIS2.42-en",
        "type": "TRK",
        "version": "1.0.1"
    }) else {
        unreachable!()
    };
    Header::Package(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn committed_base_is_what_the_generator_makes() {
        let fresh = generate_json(&root().join(DATA)).unwrap();
        let committed = std::fs::read_to_string(root().join(OUTPUT)).unwrap();
        assert!(
            fresh == committed,
            "{OUTPUT} is stale: run `cargo xtask gen-base`"
        );
    }
}
