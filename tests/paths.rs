//! Where the workspace's built binaries and the test artefacts live.
//!
//! Test binaries run from `<target>/<profile>/deps/`, so the binaries they test are two levels
//! up, built with the same profile. `PINDESK_BIN` / `PINDESK_CLI_BIN` override the app and CLI.

use std::path::PathBuf;

/// `<target>/<profile>`: the folder holding the workspace's binaries for this test build.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test binary");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in <target>/<profile>/deps")
        .to_path_buf()
}

/// The cargo target folder.
pub fn target_dir() -> PathBuf {
    profile_dir()
        .parent()
        .expect("<target>/<profile> has a parent")
        .to_path_buf()
}

/// The desktop app binary: `PINDESK_BIN`, else `<target>/<profile>/pindesk`.
pub fn app_binary() -> PathBuf {
    std::env::var_os("PINDESK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| profile_dir().join("pindesk"))
}

/// The CLI binary: `PINDESK_CLI_BIN`, else `<target>/<profile>/pindesk-cli`.
pub fn cli_binary() -> PathBuf {
    std::env::var_os("PINDESK_CLI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| profile_dir().join("pindesk-cli"))
}

/// `target/e2e-screenshots/`: one PNG per E2E test.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// `target/e2e-logs/`: the output of `tauri-driver`, WebKitWebDriver and the app, per test.
pub fn log_dir() -> PathBuf {
    target_dir().join("e2e-logs")
}
