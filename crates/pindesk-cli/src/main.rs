//! `pindesk-cli`: the command-line face of PinDesk over the same core as the desktop app.
//!
//! Parses the command line, reads secrets from a prompt or stdin, calls the core services and
//! maps each error category to its exit code (see INTERFACES.md).

mod args;
mod commands;
mod input;
mod logging;
mod output;
mod sandbox_cmd;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let code = match cli.command {
        Command::Sandbox(args) => return sandbox_cmd::run(args),
        command => commands::run(command, json),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
