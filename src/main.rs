//! The `crtk` command line: parse arguments, call the library, print, choose the exit code.
//!
//! Exit codes: 0 success; 1 the input was processed and found wanting; 2 the command could not run
//! (bad arguments, unreadable or malformed input).

use clap::{Parser, Subcommand};
use crtk::adapt::Context;
use crtk::build::BuildOptions;
use crtk::output::{refuse_inputs, write_atomic};
use crtk::validate::render::{Format, render};
use crtk::validate::{validate_config, validate_file};
use std::io::IsTerminal;
use std::path::PathBuf;

mod translations_cli;
use std::process::ExitCode;

/// Compile the DHIS2 Cancer Registry toolkit (NCD_CR) for a country.
///
/// A country config (YAML) is merged with the base package and compiled into a DHIS2 metadata
/// package (JSON) ready to import.
#[derive(Parser)]
#[command(name = "crtk", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the DHIS2 package a country config describes.
    ///
    /// Writes `<out>/<package name>.json`, where the name follows DHIS2's package naming
    /// (`NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en`). The header's `lastUpdated` comes from the
    /// SOURCE_DATE_EPOCH environment variable when set, else from the base package: never the
    /// clock, so two builds of the same inputs are byte-identical. Nothing is written on error.
    Build {
        /// The country config (YAML), e.g. country-configs/example.yaml.
        config: PathBuf,
        /// The folder to write the package into (created when missing).
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
        /// Build on this base package (a DHIS2 package JSON, e.g. the official NCD_CR download)
        /// instead of the one the config names or the NCD_CR base shipped with crtk.
        #[arg(long, value_name = "FILE")]
        base: Option<PathBuf>,
        /// Also accept references to this UID (an object the target instance has); repeatable.
        #[arg(long = "external", value_name = "UID")]
        external: Vec<String>,
        /// The previous release of this package (JSON): writes the diff from it next to the
        /// package, as `<package name>.diff.md` and `<package name>.diff.json`.
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
        /// Fail (exit 1, nothing written) when a translation row is stale instead of warning.
        #[arg(long)]
        strict: bool,
    },
    /// Translation sheets: export the texts to translate, with their current translations.
    #[command(subcommand)]
    Translations(translations_cli::TranslationsCommand),
    /// Check a package (or the package a country config builds) the way DHIS2 does on import,
    /// plus the rule-expression, hygiene and CanReg5 checks DHIS2 skips.
    ///
    /// Every check is listed in docs/checks.md. Exit 0 when there are no errors, 1 when there
    /// are (or any warning with --deny-warnings), 2 when the input cannot be read.
    Validate {
        /// A DHIS2 package JSON, or a country config (.yaml/.yml) to build in memory.
        input: PathBuf,
        /// Output: human (grouped by object), json (docs/validate-json.md) or github
        /// (workflow annotations).
        #[arg(long, default_value = "human", value_name = "FORMAT")]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Also accept references to this UID (an object the target instance has); repeatable.
        #[arg(long = "external", value_name = "UID")]
        external: Vec<String>,
        /// For a config: build on this base package instead of the one the config names.
        #[arg(long, value_name = "FILE")]
        base: Option<PathBuf>,
    },
    /// Show what changed between two packages, in DHIS2 terms.
    ///
    /// OLD and NEW are each a package JSON or a country config (YAML, built in memory). Objects
    /// are matched by type and UID, nested lists by identity (options, stage fields, translations,
    /// sharing entries, rule actions). Noise such as lastUpdated, created, href, access, display*
    /// and the sharing owner is ignored (see docs/diff.md). Exit code 1 when --fail-on or
    /// --check-version finds the diff wanting.
    Diff(DiffArgs),
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The old package (JSON) or country config (YAML).
    old: PathBuf,
    /// The new package (JSON) or country config (YAML).
    new: PathBuf,
    /// Output format: text (colour on a terminal), markdown (pull-request comment), json
    /// (schema crtk-diff/1, docs/diff-json.md) or html (one self-contained page).
    #[arg(long, default_value = "text", value_name = "FORMAT")]
    format: crtk::diff::Format,
    /// Also ignore changes at this property path (repeatable), e.g. `programs.version`,
    /// `**.translations`, `*.sharing`. `*` matches one segment, `**` any number.
    #[arg(long, value_name = "PATH")]
    ignore: Vec<String>,
    /// Exit with code 1 when the diff has breaking changes (`breaking`) or any change (`any`).
    #[arg(long, value_name = "WHAT", value_parser = ["breaking", "any"])]
    fail_on: Option<String>,
    /// Exit with code 1 when the new header's version does not fit the changes: any change needs
    /// a higher version, a breaking change a higher major version.
    #[arg(long)]
    check_version: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Diff(args) => run_diff(args),
        Command::Translations(command) => translations_cli::run(command),
        Command::Build {
            config,
            out,
            base,
            external,
            previous,
            strict,
        } => {
            let options = BuildOptions {
                base,
                context: Context {
                    source_date_epoch: source_date_epoch()?,
                },
            };
            let (built, report) =
                validate_config(&config, &options, &external).map_err(|e| e.to_string())?;
            for warning in &built.warnings {
                eprintln!("warning: {}: {warning}", config.display());
            }
            if !report.findings.is_empty() {
                eprint!(
                    "{}",
                    render(&report, Format::Human, std::io::stderr().is_terminal())
                );
            }
            if report.errors() > 0 {
                eprintln!("error: the package has validation errors; nothing was written");
                return Ok(ExitCode::from(1));
            }
            let stale = built.languages.stale();
            let level = if strict { "error" } else { "warning" };
            for line in &stale {
                eprintln!("{level}: {line}");
            }
            if strict && !stale.is_empty() {
                eprintln!(
                    "error: {} stale translation row(s) with --strict: nothing written",
                    stale.len()
                );
                return Ok(ExitCode::from(1));
            }
            let target = out.join(&built.file_name);
            refuse_inputs(&target, &built.inputs).map_err(|e| e.to_string())?;
            // Everything is computed before anything is written: a failure writes nothing.
            let diffs = match previous {
                Some(previous) => previous_diff(&previous, &built, &out)?,
                None => Vec::new(),
            };
            write_atomic(&target, built.to_json().as_bytes()).map_err(|e| e.to_string())?;
            println!("wrote {}", target.display());
            for (path, text) in diffs {
                write_atomic(&path, text.as_bytes()).map_err(|e| e.to_string())?;
                println!("wrote {}", path.display());
            }
            for (path, report) in &built.languages.files {
                println!(
                    "translations {}: {} applied, {} already present, {} left untranslated, {} stale (from {})",
                    report.locale,
                    report.applied,
                    report.unchanged,
                    report.untranslated,
                    report.stale.len(),
                    path.display()
                );
            }
            print!("{}", built.languages.completeness);
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate {
            input,
            format,
            deny_warnings,
            external,
            base,
        } => {
            let is_config = input.extension().is_some_and(|e| e == "yaml" || e == "yml");
            let report = if is_config {
                let options = BuildOptions {
                    base,
                    context: Context {
                        source_date_epoch: source_date_epoch()?,
                    },
                };
                validate_config(&input, &options, &external)
                    .map_err(|e| e.to_string())?
                    .1
            } else {
                validate_file(&input, &external)
                    .map_err(|e| e.to_string())?
                    .1
            };
            let colour = format == Format::Human && std::io::stdout().is_terminal();
            print!("{}", render(&report, format, colour));
            Ok(if report.fails(deny_warnings) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): whole seconds since 1970-01-01 UTC.
fn source_date_epoch() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => text.trim().parse().map(Some).map_err(|_| {
            format!("SOURCE_DATE_EPOCH=`{text}` is not a whole number of seconds since 1970; unset it or fix it")
        }),
        _ => Ok(None),
    }
}

fn run_diff(args: DiffArgs) -> Result<ExitCode, String> {
    use crtk::diff::{
        DiffOptions, Noise, Pattern, RenderOptions, check_version, load_side, render,
    };
    use std::io::IsTerminal;
    let mut noise = Noise::default();
    for text in &args.ignore {
        noise.add(Pattern::parse(text).map_err(|e| format!("--ignore: {e}"))?);
    }
    let build_options = BuildOptions {
        base: None,
        context: Context {
            source_date_epoch: source_date_epoch()?,
        },
    };
    let old = load_side(&args.old, &build_options).map_err(|e| e.to_string())?;
    let new = load_side(&args.new, &build_options).map_err(|e| e.to_string())?;
    let diff = crtk::diff::diff(&old, &new, &DiffOptions { noise });
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let text = render(&diff, args.format, &RenderOptions { color });
    if let Err(e) = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write the diff to standard output: {e}"));
    }
    let mut wanting = false;
    match args.fail_on.as_deref() {
        Some("breaking") if diff.has_breaking() => {
            eprintln!(
                "crtk diff: {} breaking change(s) (--fail-on breaking)",
                diff.breaking().count()
            );
            wanting = true;
        }
        Some("any") if !diff.is_empty() => {
            eprintln!("crtk diff: the packages differ (--fail-on any)");
            wanting = true;
        }
        _ => {}
    }
    if args.check_version {
        match check_version(&diff) {
            Ok(message) => eprintln!("version check: {message}"),
            Err(message) => {
                eprintln!("version check failed: {message}");
                wanting = true;
            }
        }
    }
    Ok(if wanting {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `crtk build --previous`: the diff from the previous release, as (file next to the package,
/// text) for markdown and JSON.
fn previous_diff(
    previous: &std::path::Path,
    built: &crtk::build::Built,
    out: &std::path::Path,
) -> Result<Vec<(PathBuf, String)>, String> {
    use crtk::diff::{DiffOptions, Format, RenderOptions, render};
    let old = crtk::package::Package::load(previous).map_err(|e| format!("--previous: {e}"))?;
    let diff = crtk::diff::diff(&old, &built.package, &DiffOptions::default());
    let stem = built
        .file_name
        .strip_suffix(".json")
        .unwrap_or(&built.file_name);
    let mut inputs = built.inputs.clone();
    inputs.push(previous.to_path_buf());
    let mut files = Vec::new();
    for (format, extension) in [(Format::Markdown, "diff.md"), (Format::Json, "diff.json")] {
        let target = out.join(format!("{stem}.{extension}"));
        refuse_inputs(&target, &inputs).map_err(|e| e.to_string())?;
        files.push((target, render(&diff, format, &RenderOptions::default())));
    }
    Ok(files)
}
