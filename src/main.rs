//! The `tq` binary: parse flags, set up logging, run, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;
use tq::cli::{Cli, Command};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match (cli.quiet, cli.verbose, &cli.command) {
        (true, _, _) => "error",
        (_, 0, Command::Worker(_)) => "info",
        (_, 0, _) => "warn",
        (_, 1, _) => "debug",
        _ => "trace",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(format!("tq={default_level},warn")));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        tq::cli::LogFormat::Json => logs.json().init(),
        tq::cli::LogFormat::Text => logs
            .with_ansi(std::env::var_os("NO_COLOR").is_none() && std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
    match tq::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tq: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
