//! The types that cross the IPC boundary between the Rust commands and the web UI.
//!
//! Every type here derives [`ts_rs::TS`]; the TypeScript declarations in `ui/src/bindings/`
//! are generated from them (see the `export_bindings` test below), so the UI never writes a
//! payload type by hand. No type here may ever carry a secret (PIN, passcode, token, key):
//! secrets travel inward only, as command arguments.

use serde::Serialize;
use ts_rs::TS;

/// What the UI needs to draw its shell: the app's version, how it was started and the
/// profile that requests would go through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's version, as in `pindesk --version`.
    pub version: String,
    /// How the app was started.
    pub mode: Mode,
    /// The profile in use, or `None` when there is none yet.
    pub active_profile: Option<ProfileSummary>,
}

/// How the app was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `--demo`: talks to the embedded sandbox only.
    Demo,
    /// The ordinary back-office app.
    Normal,
    /// `--kiosk`: an unattended, locked-down terminal.
    Kiosk,
}

/// A profile as the status bar shows it: never its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    /// The profile's name, as the operator chose it.
    pub name: String,
    /// The card issuer the profile talks to.
    pub provider: Provider,
    /// Which of the issuer's environments the profile talks to.
    pub environment: Environment,
}

/// A card issuer PinDesk can talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Vault: card passcodes, confirmed by an SMS code.
    Vault,
    /// Solid: card PINs, set with a one-time token.
    Solid,
}

/// Where a profile's requests go; the status bar shows it as a badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// The sandbox embedded in the app (`--demo`): no real card is touched.
    Demo,
    /// The issuer's sandbox.
    Sandbox,
    /// The issuer's production API: real cards.
    Production,
    /// Any other base URL the operator configured.
    Custom,
}

/// What kind of failure a command reports, so the UI branches on a code, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    /// The input was refused before anything was sent.
    Validation,
    /// The provider answered and refused the request.
    Rejected,
    /// Credentials are missing, refused, or the keyring is unavailable.
    Credentials,
    /// The request provably never reached the provider.
    Network,
    /// The request may have reached the provider; its outcome is unknown.
    UnknownOutcome,
    /// A fault inside PinDesk.
    Internal,
}

/// The error every command returns to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    /// What kind of failure this is.
    pub category: ErrorCategory,
    /// A message an operator understands; never contains a secret.
    pub message: String,
    /// The input field the error concerns, if any.
    pub field: Option<String>,
    /// The provider's reference for the failed request (`errorId`, `request_id`), if any.
    pub reference: Option<String>,
}

#[cfg(test)]
mod tests {
    //! `export_bindings` keeps `ui/src/bindings/` in step with the types above: it fails when
    //! the committed files differ from what the types generate, and rewrites them when
    //! `PINDESK_WRITE_BINDINGS=1` is set (`make bindings`).

    use super::*;
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::{Path, PathBuf};
    use ts_rs::Config;

    /// Exports every IPC root type (and what it depends on) into `dir`.
    fn export_into(dir: &Path) {
        let cfg = Config::new().with_out_dir(dir);
        AppInfo::export_all(&cfg).expect("export AppInfo");
        IpcError::export_all(&cfg).expect("export IpcError");
    }

    /// The `.ts` files of a folder, by name.
    fn read_dir(dir: &Path) -> BTreeMap<String, String> {
        let Ok(entries) = fs::read_dir(dir) else {
            return BTreeMap::new();
        };
        entries
            .map(|entry| entry.expect("read bindings folder").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "ts"))
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, fs::read_to_string(&path).expect("read binding"))
            })
            .collect()
    }

    fn committed_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings")
    }

    #[test]
    fn export_bindings() {
        let fresh = tempfile::tempdir().expect("temp dir");
        export_into(fresh.path());
        let generated = read_dir(fresh.path());
        let committed_dir = committed_dir();

        if std::env::var("PINDESK_WRITE_BINDINGS").as_deref() == Ok("1") {
            fs::create_dir_all(&committed_dir).expect("create ui/src/bindings");
            for name in read_dir(&committed_dir).keys() {
                if !generated.contains_key(name) {
                    fs::remove_file(committed_dir.join(name)).expect("remove stale binding");
                }
            }
            for (name, text) in &generated {
                fs::write(committed_dir.join(name), text).expect("write binding");
            }
            return;
        }

        let committed = read_dir(&committed_dir);
        let stale: Vec<&String> = generated
            .keys()
            .chain(committed.keys())
            .filter(|name| generated.get(*name) != committed.get(*name))
            .collect();
        assert!(
            stale.is_empty(),
            "ui/src/bindings is stale ({stale:?} differ from the Rust IPC types): \
             run `make bindings` and commit the result"
        );
    }
}
