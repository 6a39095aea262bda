//! `crtk completions <shell>` and `crtk man`: generated from the clap definitions, so they never
//! disagree with `--help`.

use crtk::output::write_atomic;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell. Install e.g. with
    /// `crtk completions bash > ~/.local/share/bash-completion/completions/crtk`.
    shell: clap_complete::Shell,
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Write crtk.1 and one page per command (crtk-build.1, ...) into this folder; without it,
    /// crtk.1 goes to standard output (`crtk man | man -l -`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs, mut command: clap::Command) -> Result<ExitCode, String> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "crtk", &mut out);
    std::io::Write::write_all(&mut std::io::stdout(), &out)
        .map_err(|e| format!("cannot write the completions to standard output: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: ManArgs, command: clap::Command) -> Result<ExitCode, String> {
    let render = |man: clap_mangen::Man| -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        man.render(&mut out)
            .map_err(|e| format!("cannot render the man page: {e}"))?;
        Ok(out)
    };
    let Some(dir) = args.out else {
        let page = render(clap_mangen::Man::new(command))?;
        std::io::Write::write_all(&mut std::io::stdout(), &page)
            .map_err(|e| format!("cannot write the man page to standard output: {e}"))?;
        return Ok(ExitCode::SUCCESS);
    };
    let mut command = command;
    command.build();
    let mut pages = vec![(
        "crtk.1".to_string(),
        render(clap_mangen::Man::new(command.clone()))?,
    )];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("crtk-{}", sub.get_name());
        pages.push((
            format!("{name}.1"),
            render(clap_mangen::Man::new(sub.clone()).title(name.clone()))?,
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (file, page) in pages {
        let path = dir.join(file);
        write_atomic(&path, &page).map_err(|e| e.to_string())?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
