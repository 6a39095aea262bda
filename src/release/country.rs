//! One country of a release: build its package in memory and render everything shipped beside it.

use super::manifest::{FileRecord, ManifestCountry, ManifestPackage};
use super::notes::{
    self, CountryInfo, NoteFinding, NotesContext, PackageInfo, PackageRef, TranslationCompleteness,
    Translations, TypeCompleteness, ValidationSummary,
};
use super::previous::PreviousIndex;
use super::{ReleaseOptions, relative_path, workbook};
use crate::base::Base;
use crate::build::{BuildOptions, Built};
use crate::config::LoadedConfig;
use crate::package::Package;
use crate::validate::{Finding, Severity, validate_config};
use std::path::{Path, PathBuf};

/// A country built in memory.
#[derive(Debug, Clone)]
pub struct CountryBuild {
    pub manifest: ManifestCountry,
    /// `(path inside dist/, bytes)`, in the order the manifest lists them.
    pub files: Vec<(String, Vec<u8>)>,
    /// Every file read, as found on disk (so outputs never overwrite one).
    pub input_paths: Vec<PathBuf>,
    /// Kept from the previous release rather than built (see `incremental`).
    pub reused: bool,
}

/// Builds one country. Errors are the messages to show under the country's name.
pub fn build_country(
    config_path: &Path,
    options: &ReleaseOptions,
    previous: &PreviousIndex,
) -> Result<CountryBuild, Vec<String>> {
    let one = |e: &dyn std::fmt::Display| vec![e.to_string()];
    let build_options = BuildOptions {
        base: options.base.clone(),
        context: options.context.clone(),
    };
    // Built and validated as `crtk build` does: a package with validation errors is not released.
    let (built, report) =
        validate_config(config_path, &build_options, &options.external).map_err(|e| one(&e))?;
    let stale = built.languages.stale();
    if options.strict && !stale.is_empty() {
        let mut errors = stale;
        errors.push(format!(
            "{} stale translation row(s) with --strict: update the translation files",
            errors.len()
        ));
        return Err(errors);
    }
    if report.errors() > 0 {
        let mut errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(finding_line)
            .collect();
        errors.push(format!(
            "the package has {} validation error(s); run `crtk validate {}` for details",
            report.errors(),
            config_path.display()
        ));
        return Err(errors);
    }
    // The build read the config successfully, so reading it again cannot fail differently.
    let loaded = LoadedConfig::load(config_path).map_err(|e| one(&e))?;
    let config = &loaded.config;
    let package = &built.package;
    let header = &package.header;
    let code = header.code().unwrap_or("").to_string();
    if code.is_empty() {
        return Err(vec![format!(
            "{}: the built package has no `package.code` in its header; crtk cannot name its folder",
            config_path.display()
        )]);
    }
    let name = header
        .name()
        .map(String::from)
        .unwrap_or_else(|| code.clone());
    let folder = code.clone();

    // Inputs: the config, the base (a file, or the base shipped inside crtk), data files.
    let dir = &options.configs;
    let mut inputs = Vec::new();
    let mut input_paths = built.inputs.clone();
    for (index, path) in built.inputs.iter().enumerate() {
        let bytes = crate::input::read_bytes(path)
            .map_err(|e| vec![format!("{}: cannot read input: {e}", path.display())])?;
        let role = if index == 0 {
            "config"
        } else if built.base_path.as_deref() == Some(path.as_path()) {
            "base"
        } else {
            "data"
        };
        inputs.push(FileRecord::new(relative_path(path, dir), role, &bytes));
    }
    if built.base_path.is_none() {
        let (path, text) = Base::shipped_source();
        inputs.insert(
            1.min(inputs.len()),
            FileRecord::new(format!("crtk:{path}"), "base", text.as_bytes()),
        );
    }

    // The previous release: the config's `package.previous`, else the one in --previous-dir.
    let previous_path = match &config.package.previous {
        Some(p) => Some(loaded.resolve(p)),
        None => previous.package_for(&code),
    };
    let previous_package = match &previous_path {
        Some(path) => {
            let base = Base::load(path).map_err(|e| {
                vec![format!(
                    "previous release: {e} (from `package.previous` in {} or --previous-dir)",
                    config_path.display()
                )]
            })?;
            let file = base.path.clone().unwrap_or_else(|| path.clone());
            inputs.push(FileRecord::new(
                relative_path(&file, dir),
                "previous",
                base.text.as_bytes(),
            ));
            input_paths.push(file);
            Some(base.package)
        }
        None => None,
    };

    let mut files: Vec<(String, &'static str, Vec<u8>)> = Vec::new();
    files.push((
        format!("{name}.json"),
        "package",
        built.to_json().into_bytes(),
    ));
    // The CanReg5 export app's field mapping for this package (src/canreg5/mapping.rs).
    files.push((
        crate::canreg5::mapping::file_name(package),
        "canreg5-mapping",
        crate::canreg5::mapping_for(&built).to_json().into_bytes(),
    ));
    let comparison = previous_package
        .as_ref()
        .map(|old| super::changes::compare(old, package));
    if let Some(comparison) = &comparison {
        files.push((
            format!("{name}.diff.md"),
            "diff-markdown",
            comparison.markdown.clone().into_bytes(),
        ));
        files.push((
            format!("{name}.diff.json"),
            "diff-json",
            comparison.json.clone().into_bytes(),
        ));
    }
    let context = NotesContext {
        package: PackageInfo::of(package),
        country: CountryInfo {
            code: config.country.code.clone(),
            name: config.country.name.clone(),
        },
        crtk_version: env!("CARGO_PKG_VERSION").to_string(),
        contents: notes::contents(package),
        customisation: super::customisation::summary(config),
        previous: previous_package.as_ref().map(package_ref),
        changes: comparison.map(|c| c.summary),
        translations: Some(translations(&built, dir)),
        validation: Some(ValidationSummary {
            warnings: report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .map(|f| NoteFinding {
                    code: f.code.to_string(),
                    object: f
                        .object
                        .as_ref()
                        .map(|o| o.label())
                        .unwrap_or_else(|| "package".into()),
                    message: f.message.clone(),
                })
                .collect(),
        }),
    };
    let release_notes = notes::render(&context)
        .map_err(|e| vec![format!("release notes template: {}", error_chain(&e))])?;
    files.push((
        format!("{name}.release-notes.md"),
        "release-notes",
        release_notes.into_bytes(),
    ));
    let mapped = config
        .access
        .as_ref()
        .map(|a| a.user_groups.clone())
        .unwrap_or_default();
    let workbook = workbook::workbook_bytes_with_groups(package, &mapped)
        .map_err(|e| vec![format!("metadata reference workbook: {e}")])?;
    files.push((format!("{name}.xlsx"), "workbook", workbook));

    let files: Vec<(String, &str, Vec<u8>)> = files
        .into_iter()
        .map(|(file, role, bytes)| (format!("{folder}/{file}"), role, bytes))
        .collect();
    let outputs = files
        .iter()
        .map(|(path, role, bytes)| FileRecord::new(path.clone(), *role, bytes))
        .collect();
    Ok(CountryBuild {
        manifest: ManifestCountry {
            config: relative_path(config_path, dir),
            country_code: config.country.code.clone(),
            country_name: config.country.name.clone(),
            folder,
            package: ManifestPackage {
                code,
                name,
                version: header.version().unwrap_or("").into(),
                locale: header.locale().unwrap_or("").into(),
                dhis2_version: header.dhis2_version().unwrap_or_default(),
            },
            inputs,
            outputs,
        },
        files: files
            .into_iter()
            .map(|(path, _, bytes)| (path, bytes))
            .collect(),
        input_paths,
        reused: false,
    })
}

/// Completeness per locale and stale rows, with file paths relative to the configs folder.
fn translations(built: &Built, dir: &Path) -> Translations {
    let locales = built
        .languages
        .completeness
        .locales
        .iter()
        .map(|l| TranslationCompleteness {
            locale: l.locale.clone(),
            translated: l.translated,
            total: l.total,
            percent: format!("{:.1}", l.percent),
            types: l
                .types
                .iter()
                .map(|t| TypeCompleteness {
                    label: t.label.clone(),
                    translated: t.translated,
                    total: t.total,
                    percent: format!("{:.1}", t.percent),
                })
                .collect(),
            code_lists_translated: l.code_lists.translated,
            code_lists_total: l.code_lists.total,
        })
        .collect();
    let stale = built
        .languages
        .files
        .iter()
        .flat_map(|(path, report)| {
            let file = relative_path(path, dir);
            report
                .stale
                .iter()
                .chain(&report.removed)
                .map(move |p| format!("{file}: {p}"))
        })
        .collect();
    Translations { locales, stale }
}

/// `E4014 dataElements abc "Age" at dataElements[3].id: message`
fn finding_line(finding: &Finding) -> String {
    let object = finding
        .object
        .as_ref()
        .map(|o| format!(" {}", o.label()))
        .unwrap_or_default();
    format!(
        "{}{object} at {}: {}",
        finding.code, finding.path, finding.message
    )
}

fn package_ref(package: &Package) -> PackageRef {
    PackageRef {
        name: package.header.name().unwrap_or("").into(),
        version: package.header.version().unwrap_or("").into(),
    }
}

/// A tera error with its causes (tera puts the useful part in the source chain).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
