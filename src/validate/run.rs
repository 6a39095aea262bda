//! Validating what the CLI is given: a package file, or a country config built in memory.

use super::{AddressRule, Options, Report, validate};
use crate::build::{BuildError, BuildOptions, Built, build_loaded};
use crate::config::LoadedConfig;
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
    validate_loaded(LoadedConfig::load(config_path)?, build_options, external)
}

/// [`validate_config`] on a config already loaded (and possibly amended).
pub fn validate_loaded(
    config: LoadedConfig,
    build_options: &BuildOptions,
    external: &[String],
) -> Result<(Built, Report), BuildError> {
    let config_path = config.path.clone();
    let built = build_loaded(config, build_options)?;
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
    // The base's stray partial locales are not the country's concern; its own languages are.
    options.locales = Some(match config.languages.as_ref() {
        Some(l) => match &l.locales {
            Some(chosen) => chosen.clone(),
            None => {
                let mut declared: Vec<String> = l.translations.keys().cloned().collect();
                declared.extend(l.base_translations.iter().cloned());
                declared.sort();
                declared.dedup();
                declared
            }
        },
        None => Vec::new(),
    });
    options.canreg_codes = built.base_canreg_codes.clone();
    // A set the country reuses from its instance (`access.uid_remap`) keeps the base's codes
    // under the instance's UID.
    if let Some(access) = &config.access {
        options.canreg_codes = std::mem::take(&mut options.canreg_codes)
            .into_iter()
            .map(|(id, codes)| (access.uid_remap.get(&id).cloned().unwrap_or(id), codes))
            .collect();
    }
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
    let mut report = validate(&built.package, &options, &config_path.display().to_string());
    // The export app's mapping and the registry's CanReg5 setup (src/canreg5/).
    report.findings.extend(crate::canreg5::findings(&built));
    Ok((built, report))
}

/// The UIDs a country config declares as existing in the target instance: `validate.external`
/// and what `access` points at. `crtk validate <package> --config <country.yaml>` accepts them,
/// as the build that wrote the package did.
pub fn config_externals(config: &crate::config::CountryConfig) -> Vec<String> {
    let mut ids = config.validate.external.clone();
    if let Some(access) = &config.access {
        ids.extend(access.user_groups.values().cloned());
        ids.extend(access.uid_remap.values().cloned());
        ids.extend(access.org_units.iter().cloned());
    }
    ids
}
