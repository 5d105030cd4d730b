//! `pindesk-cli`: the command-line face of PinDesk over the same core as the desktop app.
//!
//! Parses the command line, reads secrets from a prompt or stdin, calls the core services and
//! maps each error category to its exit code (see docs/INTERFACES.md).

mod args;
mod audit_cmd;
mod commands;
mod history_cmd;
mod input;
mod logging;
mod output;
mod sandbox_cmd;

use args::{Cli, Command};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let json = cli.json;
    let code = match cli.command {
        Command::Sandbox(args) => return sandbox_cmd::run(args),
        command => commands::run(command, json),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// A command line clap refused (or `--help`/`--version`). With `--json` among the arguments the
/// error is a JSON object on stderr like every other error; the exit code is 2 (usage).
fn usage_error(e: clap::Error) -> ExitCode {
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    if informational || !json {
        e.exit();
    }
    // clap's text up to its usage block, on one line.
    let message = e
        .render()
        .to_string()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_owned();
    let mut failure = output::Failure::new(pindesk_core::error::Category::Validation, message);
    // The argument at fault, "--provider <PROVIDER>" or "<NAME>", named as the field.
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => Some(arg.as_str()),
        Some(ContextValue::Strings(args)) => args.first().map(String::as_str),
        _ => None,
    };
    if let Some(arg) = arg {
        let name = arg
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_start_matches('-')
            .trim_matches(['<', '>'])
            .to_lowercase()
            .replace('-', "_");
        if !name.is_empty() {
            failure.0.field = Some(name);
        }
    }
    ExitCode::from(u8::try_from(failure.report(true)).unwrap_or(2))
}
