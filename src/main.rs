//! The `crtk` command line: parse arguments, call the library, print, choose the exit code.
//!
//! Exit codes: 0 success; 1 the input was processed and found wanting; 2 the command could not run
//! (bad arguments, unreadable or malformed input).

use clap::{Parser, Subcommand};
use crtk::adapt::Context;
use crtk::build::BuildOptions;
use crtk::output::{refuse_inputs, write_atomic};
use crtk::release::{ReleaseOptions, build_all};
use crtk::validate::render::{Format, render};
use std::io::IsTerminal;
use std::path::PathBuf;

mod cli;
mod translations_cli;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a package is a tree of millions of small maps and
/// strings, and glibc's malloc made up about a third of build time (100k areas of the scale
/// bench: build 2.45 -> 1.65 s CPU, median of 3). Version 2: version 3 held 10-15 MiB more for
/// small packages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Compile the DHIS2 Cancer Registry toolkit (NCD_CR) for a country.
///
/// A country config (YAML) is merged with the base package and compiled into a DHIS2 metadata
/// package (JSON) ready to import.
#[derive(Parser)]
#[command(name = "crtk", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Let paths in a country config point into this folder too (repeatable; also
    /// CRTK_ALLOW_PATH). By default they must stay inside the config's own folder.
    #[arg(long, global = true, value_name = "DIR")]
    allow_path: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the DHIS2 package a country config describes.
    ///
    /// Writes `<out>/<package name>.json`, where the name follows DHIS2's package naming
    /// (`NCD_CR_RW_TRK_1.0.1-rw.1_DHIS2.42-en`). The header's `lastUpdated` comes from the
    /// SOURCE_DATE_EPOCH environment variable when set, else from the base package: never the
    /// clock, so two builds of the same inputs are byte-identical. Nothing is written on error.
    ///
    /// With --all: builds every country config of a folder into a release tree (one folder per
    /// country with the package, its metadata reference workbook, release notes and the diff
    /// against the previous release; plus dist/manifest.json). Exit 1 when a country fails (the
    /// others are still built) or, with --check, when dist/ is stale.
    Build {
        /// The country config (YAML), e.g. country-configs/example.yaml. Not with --all.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        config: Option<PathBuf>,
        /// The folder to write the package into (created when missing).
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
        /// Build on this base package (a DHIS2 package JSON, e.g. the official NCD_CR 1.0.0)
        /// instead of the one the config names or the NCD_CR 1.0.1 shipped with crtk. With --all:
        /// every country.
        #[arg(long, value_name = "FILE")]
        base: Option<PathBuf>,
        /// The previous release of this package (JSON): writes the diff from it next to the
        /// package, as `<package name>.diff.md` and `<package name>.diff.json`. Not with --all
        /// (there: `package.previous` in each config, or --previous-dir).
        #[arg(long, value_name = "FILE", conflicts_with = "all")]
        previous: Option<PathBuf>,
        /// Also accept references to this UID (an object the target instance has); repeatable.
        #[arg(long = "external", value_name = "UID")]
        external: Vec<String>,
        /// Fail (exit 1, nothing written) when a translation row is stale instead of warning.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        release: ReleaseArgs,
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
        #[command(flatten)]
        target: TargetArgs,
        /// For a package: the country config it was built from; its `validate.external` and the
        /// UIDs its `access` section maps to are accepted as they were by the build.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Installing into an existing instance: compare the build with the instance's metadata
    /// export (conflicts, their fixes as config, what the import creates and updates).
    #[command(subcommand)]
    Target(cli::target::TargetCommand),
    /// Show what changed between two packages, in DHIS2 terms.
    ///
    /// OLD and NEW are each a package JSON or a country config (YAML, built in memory). Objects
    /// are matched by type and UID, nested lists by identity (options, stage fields, translations,
    /// sharing entries, rule actions). Noise such as lastUpdated, created, href, access, display*
    /// and the sharing owner is ignored (see docs/diff.md). Exit code 1 when --fail-on or
    /// --check-version finds the diff wanting.
    Diff(DiffArgs),
    /// The CanReg5 side of a country: dictionaries for CanReg5 from the same config.
    #[command(subcommand)]
    Canreg5(cli::canreg5::Canreg5Command),
    /// Scaffold a country config that builds at once: country.yaml (every section with an
    /// example, placeholders allowed until replaced), an area table and a translations/ folder.
    Init(cli::init::InitArgs),
    /// Print the shell completion script for crtk (bash, zsh, fish, elvish, powershell).
    Completions(cli::completions::CompletionsArgs),
    /// Write crtk's man pages, generated from the same definitions as --help.
    Man(cli::completions::ManArgs),
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
    /// Exit with code 1 when the diff has breaking changes (`breaking`) or any change (`any`;
    /// cosmetic changes, such as reformatted expressions and reordered group members, only with
    /// --cosmetic).
    #[arg(long, value_name = "WHAT", value_parser = ["breaking", "any"])]
    fail_on: Option<String>,
    /// With --fail-on any: cosmetic changes count too.
    #[arg(long)]
    cosmetic: bool,
    /// Exit with code 1 when the new header's version does not fit the changes: any change needs
    /// a higher version, a breaking change a higher major version.
    #[arg(long)]
    check_version: bool,
}

/// `--target` on `crtk build` and `crtk validate` (src/cli/target.rs).
#[derive(clap::Args)]
struct TargetArgs {
    /// The target instance's metadata export (JSON, .json.gz or .zip) [default:
    /// `validate.target` in the config]: report every conflict the import into it would hit,
    /// with its fix as config.
    #[arg(long, value_name = "FILE")]
    target: Option<PathBuf>,
    /// With a target: apply the uid_remap lines for the default category objects and the
    /// Person tracked entity type automatically.
    #[arg(long)]
    target_remap_defaults: bool,
}

/// `crtk build --all` (release builds for CI).
#[derive(clap::Args)]
struct ReleaseArgs {
    /// Build every country config of --configs: `*.yaml` in the folder and `*/country.yaml` in
    /// its sub-folders (names starting with `_` or `.` are skipped).
    #[arg(long)]
    all: bool,
    /// The folder holding the country configs [default: country-configs].
    #[arg(long, value_name = "DIR")]
    configs: Option<PathBuf>,
    /// The dist/ folder of the previous release (its manifest.json names each country's previous
    /// package), for diffs and release notes. `package.previous` in a config wins over it.
    #[arg(long, value_name = "DIR")]
    previous_dir: Option<PathBuf>,
    /// Countries built in parallel (default: the number of CPUs). Output is the same for any N.
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Build in memory and compare with --out instead of writing: exit 1 naming every file that
    /// differs, is missing or should not be there.
    #[arg(long)]
    check: bool,
    /// Rebuild every country, even those whose inputs and outputs match dist/manifest.json
    /// (by default such a country is kept as it is).
    #[arg(long)]
    force: bool,
}

impl ReleaseArgs {
    /// The first --all-only option given (clap's `requires` would accept it: `all` has a default).
    fn flag_given(&self) -> Option<&'static str> {
        [
            (self.configs.is_some(), "--configs"),
            (self.previous_dir.is_some(), "--previous-dir"),
            (self.jobs.is_some(), "--jobs"),
            (self.check, "--check"),
            (self.force, "--force"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    crtk::input::allow_paths(cli.allow_path.clone());
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
        Command::Canreg5(command) => cli::canreg5::run(command),
        Command::Target(command) => cli::target::run(
            command,
            Context {
                source_date_epoch: source_date_epoch()?,
            },
        ),
        Command::Init(args) => cli::init::run(args),
        Command::Completions(args) => {
            cli::completions::completions(args, <Cli as clap::CommandFactory>::command())
        }
        Command::Man(args) => cli::completions::man(args, <Cli as clap::CommandFactory>::command()),
        Command::Build {
            config,
            out,
            base,
            previous,
            external,
            strict,
            target,
            release,
        } => {
            let Some(config) = config.filter(|_| !release.all) else {
                return run_release(release, out, base, external, strict);
            };
            if let Some(flag) = release.flag_given() {
                return Err(format!(
                    "{flag} works only with --all; add --all or drop {flag}"
                ));
            }
            let options = BuildOptions {
                base,
                context: Context {
                    source_date_epoch: source_date_epoch()?,
                },
            };
            let checked = cli::target::validate_with_target(
                &config,
                &options,
                &external,
                target.target.as_deref(),
                target.target_remap_defaults,
            )?;
            let fixes = cli::target::fixes_note(&checked);
            let report = checked.report;
            let built = checked
                .built
                .ok_or_else(|| format!("{}: not a country config", config.display()))?;
            for warning in &built.warnings {
                eprintln!("warning: {}: {warning}", config.display());
            }
            if !report.findings.is_empty() {
                eprint!(
                    "{}",
                    render(&report, Format::Human, std::io::stderr().is_terminal())
                );
            }
            if let Some(fixes) = &fixes {
                eprint!("{fixes}");
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
            let target =
                crtk::output::join_confined(&out, &built.file_name).map_err(|e| e.to_string())?;
            let mut inputs = built.inputs.clone();
            inputs.extend(previous.clone());
            refuse_inputs(&target, &inputs).map_err(|e| e.to_string())?;
            // Everything is computed before anything is written: a failure writes nothing.
            let diffs = match previous {
                Some(previous) => previous_diff(&previous, &built, &out)?,
                None => Vec::new(),
            };
            let (mapping_name, mapping) = crtk::canreg5::mapping_file(&built);
            let mapping_target = out.join(mapping_name);
            refuse_inputs(&mapping_target, &built.inputs).map_err(|e| e.to_string())?;
            crtk::output::write_atomic_with(&target, |file| {
                crtk::package::write_canonical(&built.package, file)
            })
            .map_err(|e| e.to_string())?;
            println!("wrote {}", target.display());
            write_atomic(&mapping_target, mapping.as_bytes()).map_err(|e| e.to_string())?;
            println!("wrote {}", mapping_target.display());
            for (path, text) in diffs {
                write_atomic(&path, text.as_bytes()).map_err(|e| e.to_string())?;
                println!("wrote {}", path.display());
            }
            for note in built.languages.notes() {
                eprintln!("note: {note}");
            }
            print!("{}", built.languages);
            // The process exits now: freeing the package object by object is wasted time.
            std::mem::forget(built);
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate {
            input,
            format,
            deny_warnings,
            mut external,
            base,
            target,
            config,
        } => {
            let is_config = input.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if let Some(config) = &config {
                if is_config {
                    return Err(format!(
                        "--config is for validating a package; {} is a config already: drop --config",
                        input.display()
                    ));
                }
                let loaded = crtk::config::LoadedConfig::load(config).map_err(|e| e.to_string())?;
                external.extend(crtk::validate::config_externals(&loaded.config));
            }
            let options = BuildOptions {
                base,
                context: Context {
                    source_date_epoch: source_date_epoch()?,
                },
            };
            let checked = cli::target::validate_with_target(
                &input,
                &options,
                &external,
                target.target.as_deref(),
                target.target_remap_defaults,
            )?;
            let fixes = cli::target::fixes_note(&checked);
            let report = checked.report;
            let colour = format == Format::Human && std::io::stdout().is_terminal();
            print!("{}", render(&report, format, colour));
            if let (Some(fixes), Format::Human) = (&fixes, format) {
                print!("{fixes}");
            }
            Ok(if report.fails(deny_warnings) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// `crtk build --all [--check]`.
fn run_release(
    args: ReleaseArgs,
    out: PathBuf,
    base: Option<PathBuf>,
    external: Vec<String>,
    strict: bool,
) -> Result<ExitCode, String> {
    use std::io::IsTerminal;
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    if jobs == 0 {
        return Err("--jobs 0: give at least 1".into());
    }
    // The user's own command without --check: what rebuilds the files --check finds stale.
    let rebuild = rebuild_command(&args, &out, &external, strict);
    let options = ReleaseOptions {
        configs: args
            .configs
            .unwrap_or_else(|| PathBuf::from("country-configs")),
        previous_dir: args.previous_dir,
        jobs,
        external,
        strict,
        base,
        context: Context {
            source_date_epoch: source_date_epoch()?,
        },
        reuse_from: (!args.force && !args.check).then(|| out.clone()),
    };
    let terminal = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize, config: &str| {
        if terminal && total > 1 {
            eprint!("\r\x1b[2K[{done}/{total}] {config}");
            if done == total {
                eprint!("\r\x1b[2K");
            }
        }
    };
    let release = build_all(&options, &progress).map_err(|e| e.to_string())?;
    for failure in &release.failures {
        eprintln!("error: {} did not build:", failure.config);
        for error in &failure.errors {
            eprintln!("  {error}");
        }
    }
    let mut wanting = !release.failures.is_empty();
    if args.check {
        let mismatches = release.check(&out);
        for mismatch in &mismatches {
            eprintln!("{}/{mismatch}", out.display());
        }
        if crtk::release::interrupted(&out) {
            eprintln!(
                "error: {} is half-written: a `crtk build --all` writing it was interrupted (see {}/.crtk-writing); run `crtk build --all --out {}` to repair it",
                out.display(),
                out.display(),
                out.display()
            );
            wanting = true;
        }
        if mismatches.is_empty() {
            println!(
                "{} is up to date ({} files)",
                out.display(),
                release.files.len()
            );
        } else {
            eprintln!(
                "error: {} is stale: {} file(s) disagree with a fresh build",
                out.display(),
                mismatches.len()
            );
            for line in crtk::release::check::advice(&mismatches, &out, &rebuild) {
                eprintln!("  fix: {line}");
            }
            wanting = true;
        }
    } else {
        let summary = release.write(&out).map_err(|e| e.to_string())?;
        for country in &release.manifest.countries {
            let verb = if release.kept.contains(&country.config) {
                "unchanged, not rebuilt:"
            } else {
                "built"
            };
            println!(
                "{verb} {} ({}) -> {}/{}/",
                country.package.name,
                country.config,
                out.display(),
                country.folder
            );
        }
        println!(
            "{}: {} written, {} unchanged, {} removed",
            out.display(),
            summary.written.len(),
            summary.unchanged.len(),
            summary.removed.len()
        );
        let total = release.manifest.countries.len() + release.failures.len();
        println!(
            "{} of {total} countries rebuilt, {} unchanged (inputs and outputs as in {}; --force rebuilds them)",
            total - release.kept.len(),
            release.kept.len(),
            out.join(crtk::release::MANIFEST).display()
        );
    }
    if !release.failures.is_empty() {
        let names: Vec<&str> = release.failures.iter().map(|f| f.config.as_str()).collect();
        eprintln!(
            "error: {} of {} countries failed: {}",
            names.len(),
            names.len() + release.manifest.countries.len(),
            names.join(", ")
        );
    }
    Ok(if wanting {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `crtk build --all` with the user's own flags, without `--check`, as a shell command.
fn rebuild_command(
    args: &ReleaseArgs,
    out: &std::path::Path,
    external: &[String],
    strict: bool,
) -> String {
    use crtk::release::check::shell_word;
    let mut words = vec!["crtk".to_string(), "build".into(), "--all".into()];
    if let Some(configs) = &args.configs {
        words.extend(["--configs".into(), shell_word(&configs.to_string_lossy())]);
    }
    words.extend(["--out".into(), shell_word(&out.to_string_lossy())]);
    if let Some(previous) = &args.previous_dir {
        words.extend([
            "--previous-dir".into(),
            shell_word(&previous.to_string_lossy()),
        ]);
    }
    for uid in external {
        words.extend(["--external".into(), shell_word(uid)]);
    }
    if let Some(jobs) = args.jobs {
        words.extend(["--jobs".into(), jobs.to_string()]);
    }
    if strict {
        words.push("--strict".into());
    }
    words.join(" ")
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): whole seconds since 1970-01-01 UTC.
fn source_date_epoch() -> Result<Option<i64>, String> {
    // Years 1970 to 9999: a date DHIS2 (and an ISO 8601 four-digit year) can hold.
    const MAX: i64 = 253_402_300_799;
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => match text.trim().parse::<i64>() {
            Ok(n) if (0..=MAX).contains(&n) => Ok(Some(n)),
            Ok(_) => Err(format!(
                "SOURCE_DATE_EPOCH=`{text}` is outside 0..={MAX} (1970-01-01 to 9999-12-31 UTC); unset it or fix it"
            )),
            Err(_) => Err(format!(
                "SOURCE_DATE_EPOCH=`{text}` is not a whole number of seconds since 1970; unset it or fix it"
            )),
        },
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
    // Every report format: no control character from a package reaches the reader raw.
    let text = crtk::output::escape_controls(&text, color);
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
        Some("any") if diff.has_real_changes() || (args.cosmetic && !diff.is_empty()) => {
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
    // Freed by the process exit (dropping both packages object by object is slow).
    std::mem::forget((old, new, diff, text));
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
        let target = crtk::output::join_confined(out, &format!("{stem}.{extension}"))
            .map_err(|e| e.to_string())?;
        refuse_inputs(&target, &inputs).map_err(|e| e.to_string())?;
        files.push((target, render(&diff, format, &RenderOptions::default())));
    }
    Ok(files)
}
