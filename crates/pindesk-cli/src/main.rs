//! `pindesk-cli`: the command-line face of PinDesk over the same core as the desktop app.
use clap::Parser;

/// Set card passcodes and PINs through Vault and Solid, with credentials in the OS keyring.
#[derive(Parser)]
#[command(name = "pindesk-cli", version, about)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
}
