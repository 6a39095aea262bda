//! `crtk canreg5 ...`: the CanReg5 side of a country config.

use clap::Subcommand;
use crtk::canreg5::dictionaries::dictionaries;
use crtk::canreg5::registry::Registry;
use crtk::config::LoadedConfig;
use crtk::output::{refuse_inputs, write_atomic};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum Canreg5Command {
    /// Write the CanReg5 dictionary files of a country config (address, source types), in the
    /// format CanReg5 imports (`#<id>\t----<name>`, then `code<TAB>label`, CRLF line ends).
    ///
    /// Address: one level gives a simple dictionary, two nesting levels (each code starts with
    /// its parent's) a compound one. Numbers and names come from `canreg5.system` when the
    /// config names the registry's system definition, else from CanReg5's default (TRN):
    /// Address #9, Hospital #11.
    Dictionaries {
        /// The country config (YAML).
        config: PathBuf,
        /// The folder to write the dictionaries into (created when missing).
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
    },
}

pub fn run(command: Canreg5Command) -> Result<ExitCode, String> {
    match command {
        Canreg5Command::Dictionaries { config, out } => {
            let loaded = LoadedConfig::load(&config).map_err(|e| e.to_string())?;
            let registry = Registry::load(&loaded).map_err(|e| e.to_string())?;
            // Issue 18's added fields with options plug in here as `dictionaries::Extra`s.
            let written =
                dictionaries(&loaded, registry.as_ref(), &[]).map_err(|e| e.to_string())?;
            if written.is_empty() {
                return Err(format!(
                    "{}: has neither `address` nor `source_types`: there is no CanReg5 dictionary to write",
                    config.display()
                ));
            }
            let mut inputs = vec![loaded.path.clone()];
            inputs.extend(loaded.data_files());
            // Everything is checked before anything is written.
            let targets: Vec<PathBuf> = written.iter().map(|d| out.join(&d.file)).collect();
            for target in &targets {
                refuse_inputs(target, &inputs).map_err(|e| e.to_string())?;
            }
            for (d, target) in written.iter().zip(&targets) {
                write_atomic(target, d.text().as_bytes()).map_err(|e| e.to_string())?;
                let shape = match d.category_length {
                    Some(n) => format!("compound, {n}-character categories"),
                    None => d.kind.to_string(),
                };
                println!(
                    "wrote {}: #{} {} ({shape}, {} rows)",
                    target.display(),
                    d.id,
                    d.name,
                    d.rows.len()
                );
                for note in &d.notes {
                    eprintln!("warning: {}: {note}", target.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
