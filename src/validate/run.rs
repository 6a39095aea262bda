//! Validating what the CLI is given: a package file, or a country config built in memory.

use super::{AddressRule, Options, Report, validate};
use crate::build::{BuildError, BuildOptions, Built, build};
use crate::package::{LoadError, Package};
use std::path::Path;

/// Validates a package file as it is (not a country build: no CanReg5 or placeholder checks).
pub fn validate_file(path: &Path, external: &[String]) -> Result<(Package, Report), LoadError> {
    let package = Package::load(path)?;
    let mut options = Options::default();
    options.external_ids.extend(external.iter().cloned());
    let report = validate(&package, &options, &path.display().to_string());
    Ok((package, report))
}

/// Builds a country config in memory and validates the result as a country build: the config's
/// `validate` settings apply, and the CanReg5-aligned codes must equal the base's.
pub fn validate_config(
    config_path: &Path,
    build_options: &BuildOptions,
    external: &[String],
) -> Result<(Built, Report), BuildError> {
    let built = build(config_path, build_options)?;
    let config = &built.config.config;
    let mut options = Options {
        country_build: true,
        allow_placeholders: config.validate.allow_placeholders,
        ..Options::default()
    };
    options
        .external_ids
        .extend(config.validate.external.iter().cloned());
    options.external_ids.extend(external.iter().cloned());
    // What `access` points at exists in the target instance, not in the package.
    if let Some(access) = &config.access {
        options
            .external_ids
            .extend(access.user_groups.values().cloned());
        options
            .external_ids
            .extend(access.uid_remap.values().cloned());
        options
            .external_ids
            .extend(access.org_units.iter().cloned());
    }
    options.canreg_from_base(&built.base);
    // CanReg5's address variable holds the leaf code: the target field's option set.
    if let Some(address) = &config.address {
        let target = address.target();
        let set = ["dataElements", "trackedEntityAttributes"]
            .iter()
            .find_map(|kind| built.package.get(kind, target))
            .and_then(|field| field.get("optionSet")?.get("id")?.as_str());
        if let Some(set) = set {
            options.address = Some(AddressRule {
                option_set_ids: vec![set.to_string()],
                max_len: address.code_length,
            });
        }
    }
    // Measured by the build on this same package: not measured twice.
    options.completeness = Some(built.languages.completeness.clone());
    let report = validate(&built.package, &options, &config_path.display().to_string());
    Ok((built, report))
}
