//! `crtk translations ...`: argument handling and output for translation sheets.

use clap::{Subcommand, ValueEnum};
use crtk::build::{BuildOptions, build};
use crtk::output::{refuse_inputs, write_atomic};
use crtk::translations::{SheetFormat, carry_over, check_locale, export, read, to_csv, to_xlsx};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum TranslationsCommand {
    /// Write the sheet a translator fills: one row per translatable text of the built package
    /// (object type, UID, object name, property, source text, current translation), grouped by type.
    ///
    /// The package is built from the config first, so the sheet lists the country's own texts too
    /// and shows the translations the config's files already give. Without --out, CSV goes to
    /// standard output.
    Export {
        /// The country config (YAML).
        config: PathBuf,
        /// The locale to translate into, as DHIS2 writes it (`fr`, `pt_BR`, `rw`).
        #[arg(long)]
        locale: String,
        /// The sheet's format; default: from --out's extension (XLSX when it has none).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The file to write.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Build on this base package instead of the one the config names.
        #[arg(long, value_name = "FILE")]
        base: Option<PathBuf>,
        /// Also list the ICD-O-3 code-list labels (about 1,250 texts that stay English by design).
        #[arg(long)]
        include_code_lists: bool,
        /// An earlier sheet for this locale (XLSX, CSV or YAML): the new sheet keeps each of its
        /// translations whose object and source text still exist, and drops rows for removed
        /// objects and stale rows (listed on stderr).
        #[arg(long, value_name = "OLD")]
        update: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Xlsx,
    Csv,
}

pub fn run(command: TranslationsCommand) -> Result<ExitCode, String> {
    let TranslationsCommand::Export {
        config,
        locale,
        format,
        out,
        base,
        include_code_lists,
        update,
    } = command;
    check_locale(&locale).map_err(|e| format!("--locale: {e}"))?;
    let format = match (format, &out) {
        (Some(f), _) => f,
        (None, Some(path)) => match SheetFormat::from_path(path) {
            Some(SheetFormat::Csv) => Format::Csv,
            Some(SheetFormat::Yaml) => {
                return Err(format!(
                    "{}: crtk exports XLSX or CSV sheets; name a .xlsx or .csv file",
                    path.display()
                ));
            }
            _ => Format::Xlsx,
        },
        (None, None) => Format::Csv,
    };
    if format == Format::Xlsx && out.is_none() {
        return Err("an XLSX sheet needs a file: add --out FILE.xlsx (or use --format csv for standard output)".into());
    }
    let options = BuildOptions {
        base,
        ..BuildOptions::default()
    };
    let built = build(&config, &options).map_err(|e| e.to_string())?;
    let default = built.package.header.locale().unwrap_or("en").to_string();
    if locale == default {
        return Err(format!(
            "--locale {locale} is the package's own language: choose the language to translate into"
        ));
    }
    for line in built.languages.stale() {
        eprintln!("warning: {line}");
    }
    for note in built.languages.notes() {
        eprintln!("note: {note}");
    }
    let mut rows = export(&built.package, &locale, include_code_lists);
    let kept = match &update {
        Some(old) => {
            let old_rows = read(old, &default, &locale).map_err(|e| e.to_string())?;
            let outcome = carry_over(&mut rows, &old_rows);
            for line in &outcome.dropped {
                eprintln!("note: {}: {line}", old.display());
            }
            Some(outcome.kept)
        }
        None => None,
    };
    let bytes = match format {
        Format::Csv => to_csv(&rows, &default, &locale),
        Format::Xlsx => to_xlsx(&rows, &default, &locale)?,
    };
    match out {
        Some(path) => {
            let mut inputs = built.inputs.clone();
            inputs.extend(update.clone());
            refuse_inputs(&path, &inputs).map_err(|e| e.to_string())?;
            write_atomic(&path, &bytes).map_err(|e| e.to_string())?;
            let translated = rows.iter().filter(|r| !r.translation.is_empty()).count();
            println!(
                "wrote {} ({} texts, {translated} already translated into {locale})",
                path.display(),
                rows.len()
            );
            if let (Some(kept), Some(old)) = (kept, &update) {
                println!("kept {kept} translation(s) of {}", old.display());
            }
        }
        None => std::io::stdout()
            .write_all(&bytes)
            .map_err(|e| format!("cannot write to standard output: {e}"))?,
    }
    Ok(ExitCode::SUCCESS)
}
