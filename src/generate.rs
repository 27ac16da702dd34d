//! Shell completions and man pages, generated from the clap definition and
//! checked in under `completions/` and `man/` (a test keeps them current).

use crate::cli::Cli;
use clap::CommandFactory;
use clap_complete::Shell;

/// The completion files kept in `completions/`, by shell.
pub const COMPLETION_FILES: [(Shell, &str); 5] = [
    (Shell::Bash, "tq.bash"),
    (Shell::Zsh, "_tq"),
    (Shell::Fish, "tq.fish"),
    (Shell::PowerShell, "_tq.ps1"),
    (Shell::Elvish, "tq.elv"),
];

/// The command definition with a version that does not change per commit, so
/// generated files change only when the interface does.
pub fn command() -> clap::Command {
    Cli::command().version(env!("CARGO_PKG_VERSION"))
}

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command(), "tq", &mut out);
    out
}

/// Every man page: `tq.1`, then one per subcommand (`tq-dlq-replay.1`, ...).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        pages.push((man.get_filename(), page));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, pages)?;
        }
        Ok(())
    }
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(&cmd, &mut pages)?;
    Ok(pages)
}

/// Every generated file as (path relative to the repository, contents).
pub fn all_files() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut files: Vec<(String, Vec<u8>)> = COMPLETION_FILES
        .iter()
        .map(|(shell, name)| (format!("completions/{name}"), completion(*shell)))
        .collect();
    files.extend(
        man_pages()?
            .into_iter()
            .map(|(name, page)| (format!("man/{name}"), page)),
    );
    Ok(files)
}
