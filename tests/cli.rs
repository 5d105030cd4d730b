//! Black-box tests of `pindesk-cli`: run the built binary as a user or a script would and check
//! its output and exit code. Scenarios for profiles, flows and history go here.

use pindesk_e2e::paths;
use std::process::Command;
use std::sync::Once;

/// Runs `pindesk-cli` with `args`, after making sure the binary is built from the current source
/// (unless `PINDESK_CLI_BIN` names one).
fn cli(args: &[&str]) -> std::process::Output {
    static BUILD: Once = Once::new();
    if std::env::var_os("PINDESK_CLI_BIN").is_none() {
        BUILD.call_once(|| {
            let status = Command::new(env!("CARGO"))
                .args(["build", "--quiet", "-p", "pindesk-cli"])
                .status()
                .expect("run cargo build -p pindesk-cli");
            assert!(status.success(), "cargo build -p pindesk-cli failed");
        });
    }
    let binary = paths::cli_binary();
    Command::new(&binary)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", binary.display()))
}

#[test]
fn version_names_the_tool() {
    let output = cli(&["--version"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("pindesk-cli "),
        "unexpected --version output: {stdout}"
    );
}
