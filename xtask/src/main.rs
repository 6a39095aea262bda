//! Developer tasks for crtk.
//!
//! `cargo xtask gen-base`          regenerate `base-package/NCD_CR/NCD_CR.json` from `xtask/data/`
//! `cargo xtask gen-base --check`  exit 1 when the committed base differs from a fresh generation

mod ncd_cr;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen-base"] => gen_base(&root, false),
        ["gen-base", "--check"] => gen_base(&root, true),
        _ => {
            eprintln!("usage: cargo xtask gen-base [--check]");
            ExitCode::from(2)
        }
    }
}

fn gen_base(root: &Path, check: bool) -> ExitCode {
    let target: PathBuf = root.join(ncd_cr::OUTPUT);
    let text = match ncd_cr::generate_json(&root.join(ncd_cr::DATA)) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if check {
        let committed = std::fs::read_to_string(&target).unwrap_or_default();
        if committed != text {
            eprintln!("{} is stale: run `cargo xtask gen-base`", target.display());
            return ExitCode::from(1);
        }
        println!("{} is up to date", target.display());
        return ExitCode::SUCCESS;
    }
    if let Err(e) = crtk::output::write_atomic(&target, text.as_bytes()) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    println!("wrote {}", target.display());
    ExitCode::SUCCESS
}
