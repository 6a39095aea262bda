//! `crtk build`: country config + base package -> adapted package, in memory.
//!
//! The caller decides where to write; nothing here touches the disk except to read inputs.

use crate::adapt::languages::{self, LanguagesOutcome};
use crate::adapt::{self, AdaptError, Context};
use crate::base::Base;
use crate::config::{ConfigError, LoadedConfig};
use crate::package::{LoadError, Package, to_canonical_string};
use crate::translations::TranslationError;
use crate::validate::CanregCodes;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Base(#[from] LoadError),
    #[error(transparent)]
    Adapt(#[from] AdaptError),
    #[error(transparent)]
    Translations(#[from] TranslationError),
    #[error(transparent)]
    Canreg5(#[from] crate::canreg5::registry::RegistryError),
}

/// Choices made on the command line rather than in the config.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Overrides the config's `package.base`.
    pub base: Option<PathBuf>,
    pub context: Context,
}

/// A built package and what went into it.
#[derive(Debug, Clone)]
pub struct Built {
    pub package: Package,
    /// `<package name>.json`
    pub file_name: String,
    /// Every file read (config, base, data files), so outputs can never overwrite one.
    pub inputs: Vec<PathBuf>,
    /// The base package file read, or `None` when the build used the base shipped inside crtk.
    pub base_path: Option<PathBuf>,
    /// Consequences the user must know about (the build still succeeded).
    pub warnings: Vec<String>,
    /// Translation files imported, stale rows, completeness per locale.
    pub languages: LanguagesOutcome,
    /// The config the package was built from.
    pub config: LoadedConfig,
    /// The codes of the base's CanReg5-aligned option sets, before adaptation (validation
    /// checks that the build kept them; see [`crate::validate::Options::canreg_codes`]).
    pub base_canreg_codes: CanregCodes,
    /// The registry's CanReg5 setup (`canreg5:`), checked against the build.
    pub canreg5: Option<crate::canreg5::registry::Registry>,
}

impl Built {
    /// The package as the canonical bytes crtk writes.
    pub fn to_json(&self) -> String {
        to_canonical_string(&self.package)
    }
}

/// Builds the package a country config describes.
pub fn build(config_path: &Path, options: &BuildOptions) -> Result<Built, BuildError> {
    build_loaded(LoadedConfig::load(config_path)?, options)
}

/// Builds from a config already loaded (and possibly amended, e.g. by `--target-remap-defaults`).
pub fn build_loaded(config: LoadedConfig, options: &BuildOptions) -> Result<Built, BuildError> {
    let canreg5 = crate::canreg5::registry::Registry::load(&config)?;
    let base_path = options.base.clone().or_else(|| {
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
    let mut inputs = vec![config.path.clone()];
    inputs.extend(base.path.clone());
    let base_path = base.path.clone();
    inputs.extend(config.data_files());
    let mut warnings = base.version_warnings(
        config.config.package.base_version.as_deref(),
        &config.config.package.version,
    );
    // All validation needs of the base before adaptation; the base itself becomes the package.
    let base_canreg_codes = crate::validate::aligned_codes(&base.package);
    let mut package = base.package;
    adapt::apply(&mut package, &config, &options.context)?;
    // Last: translations cover the texts every other adaptation produced.
    let languages = languages::apply(&mut package, &config)?;
    inputs.extend(languages.files.iter().map(|(path, _)| path.clone()));
    let name = package.header.name().unwrap_or("package").to_string();
    warnings.extend(adapt::warnings(&config));
    Ok(Built {
        package,
        file_name: format!("{name}.json"),
        inputs,
        base_path,
        warnings,
        languages,
        config,
        base_canreg_codes,
        canreg5,
    })
}
