//! The country config: one YAML file that declares everything a country changes in the base.
//!
//! Parsing is strict (`deny_unknown_fields`): a misspelt key is an error that names it and suggests
//! the closest valid one, with the line and column where it stands. Relative paths inside the config
//! are resolved against the config's own folder.

pub mod access;
pub mod address;
pub mod areas;
pub mod canreg5;
mod error;
pub mod identifiers;
pub mod indicators;
pub mod js_regex;
mod languages;
pub mod patient_id;
pub mod schema;
mod sections_check;
pub mod source_types;
mod validate;
// Local customisation (issue 18): one file per section.
pub mod fields;
pub mod names;
pub mod rules;
pub mod working_lists;

pub use error::ConfigError;
pub use languages::Languages;
pub use validate::ValidateSettings;

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A country config as written in YAML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryConfig {
    /// Which country this build is for.
    pub country: Country,
    /// The identity of the package the build produces.
    pub package: PackageSettings,
    /// What validation accepts (external references, placeholders).
    #[serde(default)]
    pub validate: ValidateSettings,
    /// The country's geography as cascading dropdowns.
    #[serde(default)]
    pub address: Option<address::AddressConfig>,
    /// The local source types.
    #[serde(default)]
    pub source_types: Option<Vec<source_types::SourceType>>,
    /// The Patient ID pattern.
    #[serde(default)]
    pub patient_id: Option<patient_id::PatientIdConfig>,
    /// Extra person attributes (national ID, ...).
    #[serde(default)]
    pub identifiers: Vec<identifiers::Identifier>,
    /// User groups, UID remapping, org unit assignment.
    #[serde(default)]
    pub access: Option<access::AccessConfig>,
    /// The default language and the translation files (see `languages.rs`).
    #[serde(default)]
    pub languages: Option<Languages>,
    /// The registry's CanReg5 system definition and dictionaries, checked against the build.
    #[serde(default)]
    pub canreg5: Option<canreg5::Canreg5Config>,
    #[serde(default)]
    pub indicators: Option<indicators::IndicatorsConfig>,
    /// Local customisation declared by name (issue 18): new fields, national names, custom
    /// rules, working lists.
    #[serde(default)]
    pub fields: Vec<fields::Field>,
    #[serde(default)]
    pub names: Vec<names::Rename>,
    #[serde(default)]
    pub rules: Vec<rules::Rule>,
    #[serde(default)]
    pub working_lists: Vec<working_lists::WorkingList>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    /// ISO 3166-1 alpha-2 or alpha-3 code, upper case (`RW`, `KEN`).
    pub code: String,
    /// The country's name in the package's default language.
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSettings {
    /// The version of the country package (`1.0.1-rw.1`).
    pub version: String,
    /// The package's default locale (`en`).
    #[serde(default = "default_locale")]
    pub locale: String,
    /// The base package to adapt: a package JSON file, or a folder holding exactly one.
    /// Default: the NCD_CR base shipped inside crtk.
    #[serde(default)]
    pub base: Option<PathBuf>,
    /// The package of the previous release (a package JSON, or a folder holding exactly one):
    /// `crtk build --all` diffs against it and summarises the changes in the release notes.
    #[serde(default)]
    pub previous: Option<PathBuf>,
    /// The version of the base (`1.0.1`), for a base crtk does not recognise by its sha256.
    #[serde(default)]
    pub base_version: Option<String>,
}

fn default_locale() -> String {
    "en".into()
}

/// A config read from disk, with the place it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub config: CountryConfig,
}

impl LoadedConfig {
    /// Reads and checks a country config file.
    pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
        let text = crate::input::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let config = CountryConfig::from_yaml(&text, path)?;
        let loaded = LoadedConfig {
            path: path.to_path_buf(),
            config,
        };
        loaded.check_paths()?;
        Ok(loaded)
    }

    /// Every path the config names stays inside its folder or an `--allow-path` root (see
    /// `crate::input`): checked once here, before anything reads them.
    fn check_paths(&self) -> Result<(), ConfigError> {
        let package = &self.config.package;
        let mut named: Vec<(String, &Path)> = Vec::new();
        if let Some(address) = &self.config.address {
            named.extend(
                address
                    .files()
                    .into_iter()
                    .map(|f| ("address.areas.file".into(), f)),
            );
        }
        if let Some(languages) = &self.config.languages {
            named.extend(
                languages
                    .translations
                    .iter()
                    .map(|(l, f)| (format!("languages.translations.{l}"), f.as_path())),
            );
        }
        if let Some(canreg5) = &self.config.canreg5 {
            named.extend(canreg5.files().into_iter().map(|f| ("canreg5".into(), f)));
        }
        for (i, field) in self.config.fields.iter().enumerate() {
            if let Some(csv) = field.option_set.as_ref().and_then(|s| s.csv.as_deref()) {
                named.push((format!("fields[{i}].option_set.csv"), csv));
            }
        }
        named.extend(
            self.config
                .validate
                .target
                .as_deref()
                .map(|p| ("validate.target".into(), p)),
        );
        named.extend(package.base.as_deref().map(|p| ("package.base".into(), p)));
        named.extend(
            package
                .previous
                .as_deref()
                .map(|p| ("package.previous".into(), p)),
        );
        for (key, file) in named {
            crate::input::check_confined(self.dir(), file).map_err(|message| {
                ConfigError::Invalid {
                    path: self.path.clone(),
                    key,
                    message,
                }
            })?;
        }
        Ok(())
    }

    /// The folder relative paths in the config are resolved against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// A path written in the config, resolved against the config's folder.
    pub fn resolve(&self, relative: &Path) -> PathBuf {
        self.dir().join(relative)
    }

    /// The data files the config names (area tables, dictionaries), resolved.
    pub fn data_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        if let Some(address) = &self.config.address {
            files.extend(address.files().into_iter().map(|f| self.resolve(f)));
        }
        for field in &self.config.fields {
            if let Some(csv) = field.option_set.as_ref().and_then(|s| s.csv.as_ref()) {
                files.push(self.resolve(csv));
            }
        }
        if let Some(canreg5) = &self.config.canreg5 {
            files.extend(canreg5.files().into_iter().map(|f| self.resolve(f)));
        }
        files
    }
}

impl CountryConfig {
    /// Parses config text; `path` names the source in errors.
    pub fn from_yaml(text: &str, path: &Path) -> Result<CountryConfig, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        crate::input::check_yaml(text).map_err(|(line, message)| ConfigError::Syntax {
            path: path.to_path_buf(),
            location: Some((line, 1)),
            message,
        })?;
        let deserializer = serde_yaml::Deserializer::from_str(text);
        let config: CountryConfig = serde_path_to_error::deserialize(deserializer)
            .map_err(|e| ConfigError::from_serde(path, e))?;
        config.check(path)?;
        config.check_sections(path)?;
        // Last, so the typed checks' more specific messages come first.
        schema::check(text, path)?;
        Ok(config)
    }

    /// Checks that serde's types cannot express.
    fn check(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key: key.to_string(),
            message,
        };
        let code = &self.country.code;
        if !(2..=3).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(
                "country.code",
                format!(
                    "`{code}` is not an ISO 3166 country code: use 2 or 3 upper-case letters, e.g. `RW`"
                ),
            ));
        }
        if self.country.name.trim().is_empty() {
            return Err(invalid(
                "country.name",
                "is empty: give the country's name".into(),
            ));
        }
        let version = &self.package.version;
        if version.is_empty()
            || !version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+')
        {
            return Err(invalid(
                "package.version",
                format!(
                    "`{version}` is not a package version: use letters, digits, `.`, `-` and `+` only, e.g. `1.0.1-rw.1`"
                ),
            ));
        }
        // The locale ends up in the output file's name: only a DHIS2 locale code gets there.
        crate::translations::check_locale(&self.package.locale)
            .map_err(|e| invalid("package.locale", format!("is wrong: {e}")))?;
        if let Some(languages) = &self.languages {
            languages.check(path, &self.package.locale)?;
        }
        Ok(())
    }
}
