//! Validating what the CLI is given: a package file, or a country config built in memory.

use super::{Options, Report, validate};
use crate::base::Base;
use crate::build::{BuildError, BuildOptions, Built, build};
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
    let built = build(config_path, build_options)?;
    let config = LoadedConfig::load(config_path)?;
    let base_path = build_options.base.clone().or_else(|| {
        config
            .config
            .package
            .base
            .as_ref()
            .map(|p| config.resolve(p))
    });
    let base = match &base_path {
        Some(path) => Base::load(path)?,
        None => Base::shipped(),
    };
    let settings = &config.config.validate;
    let mut options = Options {
        country_build: true,
        allow_placeholders: settings.allow_placeholders,
        ..Options::default()
    };
    options
        .external_ids
        .extend(settings.external.iter().cloned());
    options.external_ids.extend(external.iter().cloned());
    options.canreg_from_base(&base.package);
    let report = validate(&built.package, &options, &config_path.display().to_string());
    Ok((built, report))
}
