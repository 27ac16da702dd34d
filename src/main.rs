//! The `tq` binary: parse flags, set up logging, run, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;
use tq::cli::{Cli, Command};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let json = cli.json;
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
            if json && !tq::output::wrote_anything() {
                // Scripts reading stdout get the failure too (unless a
                // document, such as a load test's report, is already there).
                let mut doc = serde_json::json!({ "error": e.to_string(), "exit_code": e.exit_code() });
                if let tq::Error::Unconfirmed { job: Some(id), .. } = &e {
                    doc["id"] = id.as_str().into();
                }
                tq::output::line(format_args!("{doc}"));
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// clap's own errors in one line plus where to look (help and version print as usual).
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let text = e.to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut message = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_string();
    // "the following required arguments were not provided:" names them on the next line.
    if message.ends_with(':')
        && let Some(next) = lines.next()
    {
        message = format!("{message} {next}");
    }
    if let Some(hint) = suggestion(&e) {
        message = format!("{message}; did you mean {hint}?");
    }
    eprintln!("tq: error: {message} (see `{} --help`)", command_path());
    if std::env::args().any(|a| a == "--json") {
        let doc = serde_json::json!({ "error": message, "exit_code": 2 });
        tq::output::line(format_args!("{doc}"));
    }
    ExitCode::from(2)
}

/// What clap suggests for a mistyped subcommand, flag or value ("'worker'").
fn suggestion(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|kind| match e.get(kind)? {
        ContextValue::String(s) => Some(format!("'{s}'")),
        ContextValue::Strings(all) if !all.is_empty() => {
            Some(all.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(" or "))
        }
        _ => None,
    })
}

/// "tq" and the subcommands named on the command line ("tq dlq list").
fn command_path() -> String {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut path = vec!["tq".to_string()];
    for arg in std::env::args().skip(1) {
        let Some(sub) = cmd.find_subcommand(&arg).cloned() else {
            if arg.starts_with('-') {
                continue;
            }
            break;
        };
        path.push(arg);
        cmd = sub;
    }
    path.join(" ")
}
