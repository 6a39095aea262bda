//! `--target` on `crtk build` / `crtk validate`, and `crtk target report`.

use clap::Subcommand;
use crtk::build::{BuildOptions, Built};
use crtk::config::LoadedConfig;
use crtk::target::render::{Format, Subject, fixes_text, render};
use crtk::target::{TargetCheck, TargetIndex, check};
use crtk::validate::{Report, validate_file, validate_loaded};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum TargetCommand {
    /// Compare the build with a target instance's metadata export and report every import
    /// conflict with its fix as config, and what the import would create and update.
    ///
    /// Exit 0 when the import would go through, 1 when it has conflicts (errors), 2 when an
    /// input cannot be read.
    Report {
        /// The country config (YAML), or a package JSON.
        input: PathBuf,
        /// The target instance's metadata export: JSON as `GET /api/metadata` or the
        /// Import/Export app writes it, plain, .json.gz or .zip [default: `validate.target`].
        #[arg(long, value_name = "FILE")]
        target: Option<PathBuf>,
        /// text, markdown or json (schema crtk-target/1).
        #[arg(long, default_value = "text", value_name = "FORMAT")]
        format: Format,
        /// Apply the uid_remap lines for the default category objects and the Person type.
        #[arg(long)]
        target_remap_defaults: bool,
        /// For a config: build on this base package instead of the one the config names.
        #[arg(long, value_name = "FILE")]
        base: Option<PathBuf>,
    },
}

/// A validation run, with the target comparison when a target was given.
pub struct Checked {
    pub built: Option<Built>,
    pub report: Report,
    pub target: Option<(TargetCheck, TargetIndex)>,
}

/// Validates `input` (a config or a package file) and, with a target (the flag, else the
/// config's `validate.target`), adds the target's conflicts to the report. With `remap_defaults`
/// the default-object remaps found are added to the config and the build is redone.
pub fn validate_with_target(
    input: &Path,
    options: &BuildOptions,
    external: &[String],
    target: Option<&Path>,
    remap_defaults: bool,
) -> Result<Checked, String> {
    let is_config = input.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !is_config {
        if remap_defaults {
            return Err(
                "--target-remap-defaults needs a country config (it adds access.uid_remap lines); for a package file, apply the printed uid_remap lines in its config".into(),
            );
        }
        let (package, mut report) = validate_file(input, external).map_err(|e| e.to_string())?;
        let target = match target {
            Some(path) => {
                let index = TargetIndex::load(path).map_err(|e| e.to_string())?;
                let found = check(&package, None, &index);
                report.findings.extend(found.findings.iter().cloned());
                Some((found, index))
            }
            None => None,
        };
        // Every caller exits after reporting: freeing the package object by object would cost
        // more than the checks of a small one.
        std::mem::forget(package);
        return Ok(Checked {
            built: None,
            report,
            target,
        });
    }
    let config = LoadedConfig::load(input).map_err(|e| e.to_string())?;
    let target_path = target.map(Path::to_path_buf).or_else(|| {
        config
            .config
            .validate
            .target
            .as_ref()
            .map(|p| config.resolve(p))
    });
    let Some(target_path) = target_path else {
        if remap_defaults {
            return Err(
                "--target-remap-defaults needs a target: give --target FILE or validate.target in the config".into(),
            );
        }
        let (built, report) =
            validate_loaded(config, options, external).map_err(|e| e.to_string())?;
        return Ok(Checked {
            built: Some(built),
            report,
            target: None,
        });
    };
    let index = TargetIndex::load(&target_path).map_err(|e| e.to_string())?;
    let run = |config: LoadedConfig| -> Result<(Built, Report, TargetCheck), String> {
        let (built, mut report) =
            validate_loaded(config, options, external).map_err(|e| e.to_string())?;
        let found = check(&built.package, built.config.config.access.as_ref(), &index);
        report.findings.extend(found.findings.iter().cloned());
        Ok((built, report, found))
    };
    let (mut built, mut report, mut found) = run(config.clone())?;
    if remap_defaults && !found.fixes.defaults.is_empty() {
        let mut amended = config;
        let access = amended.config.access.get_or_insert_default();
        for (from, to) in &found.fixes.defaults {
            // The config's own line for a UID wins.
            access
                .uid_remap
                .entry(from.clone())
                .or_insert_with(|| to.clone());
        }
        (built, report, found) = run(amended)?;
    }
    Ok(Checked {
        built: Some(built),
        report,
        target: Some((found, index)),
    })
}

/// The fixes to print after a build's or validation's findings, when there are any.
pub fn fixes_note(checked: &Checked) -> Option<String> {
    let (found, _) = checked.target.as_ref()?;
    let text = fixes_text(found);
    (!text.is_empty()).then_some(text)
}

pub fn run(command: TargetCommand, context: crtk::adapt::Context) -> Result<ExitCode, String> {
    match command {
        TargetCommand::Report {
            input,
            target,
            format,
            target_remap_defaults,
            base,
        } => {
            let options = BuildOptions { base, context };
            let is_config = input.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if target.is_none() && !is_config {
                return Err(format!(
                    "{}: give the target instance's export with --target FILE",
                    input.display()
                ));
            }
            let checked = validate_with_target(
                &input,
                &options,
                &[],
                target.as_deref(),
                target_remap_defaults,
            )?;
            let Some((found, index)) = &checked.target else {
                return Err(format!(
                    "{}: no target: give --target FILE or validate.target in the config",
                    input.display()
                ));
            };
            let source = input.display().to_string();
            let subject = Subject {
                source: &source,
                target: &index.source,
                target_objects: index.len(),
            };
            print!("{}", render(found, &subject, format));
            Ok(if found.errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
