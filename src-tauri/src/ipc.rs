//! The types only the desktop surface speaks: its shell (mode, about box), its form inputs and
//! the demo SMS peek. Every type both surfaces share lives in [`pindesk_core::api`].
//!
//! Every type here derives [`ts_rs::TS`]; the TypeScript declarations in `ui/src/bindings/`
//! are generated from them and from the core's `api` types (see the `export_bindings` test
//! below), so the UI never writes a payload type by hand. No type here may ever carry a secret
//! (PIN, passcode, token, key) in a reply: secrets travel inward only, as command arguments.

use pindesk_core::api::{DemoState, ProfileSummary};
use pindesk_core::profile::AppSettings;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the UI needs to draw its shell: the app's version, how it was started and the
/// profile that requests would go through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    /// The app's version, as in `pindesk --version`.
    pub version: String,
    /// How the app was started.
    pub mode: Mode,
    /// Whether the demo profiles (on the embedded sandbox) are present.
    pub demo: bool,
    /// In demo mode, where the embedded sandbox stands: the UI marks the demo profiles
    /// "starting…" until it listens, and says why when it could not start.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub demo_backend: Option<DemoState>,
    /// The profile in use, or `None` when there is none yet.
    pub active_profile: Option<ProfileSummary>,
    /// Idle seconds before the UI clears every field and the app forgets every secret.
    pub idle_timeout_secs: u32,
    /// The longest the page may wait between two `still_active` pings while the operator is
    /// there; the app's own idle deadline counts on it.
    pub activity_ping_secs: u32,
    /// The machine-wide config requires a ticket reference on every operation.
    pub require_ticket: bool,
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

/// The secrets a Credentials form hands over, inward only. Each is moved into a zeroizing
/// secret type at once; none is ever sent back.
#[derive(Default, Deserialize, TS)]
pub struct ProfileSecrets {
    /// Vault: a pasted access token.
    pub access_token: Option<String>,
    /// Vault sign-in: the phone number.
    pub phone: Option<String>,
    /// Vault sign-in: the password.
    pub password: Option<String>,
    /// Solid: the API key.
    pub api_key: Option<String>,
    /// The password of a proxy that names a user.
    #[serde(default)]
    #[ts(optional)]
    pub proxy_password: Option<String>,
}

impl std::fmt::Debug for ProfileSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProfileSecrets([redacted])")
    }
}

/// What the page measured of its own start, reported with `ui_ready` for the start-up log:
/// milliseconds since the page's navigation started (`performance.now()`), numbers only.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, TS)]
pub struct UiTimings {
    /// When the UI bundle had been evaluated (its entry point began to run).
    pub script_ms: f64,
    /// How long the first `app_info` call took, there and back.
    pub app_info_ms: f64,
    /// When the shell and the first screen were in the document.
    pub mounted_ms: f64,
    /// When the first frame with them was painted.
    pub painted_ms: f64,
}

/// The last SMS code the embedded sandbox "sent" (demo mode only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DemoSms {
    /// The card.
    pub card_id: String,
    /// The code the cardholder would have received.
    pub code: String,
}

/// Facts the Settings screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AboutInfo {
    /// The settings in force.
    pub settings: AppSettings,
    /// The keyring backend in use (`Secret Service`, `macOS Keychain`, …).
    pub secret_backend: String,
    /// Whether the keyring answered a probe, and if not why.
    pub secret_backend_status: String,
    /// The folder of the profiles file.
    pub config_dir: String,
    /// The folder of the history database and logs.
    pub data_dir: String,
}

#[cfg(test)]
mod tests {
    //! `export_bindings` keeps `ui/src/bindings/` in step with the types above: it fails when
    //! the committed files differ from what the types generate, and rewrites them when
    //! `PINDESK_WRITE_BINDINGS=1` is set (`make bindings`).

    use super::*;
    use pindesk_core::api;
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::{Path, PathBuf};
    use ts_rs::Config;

    /// Exports every IPC root type (and what it depends on) into `dir`.
    fn export_into(dir: &Path) {
        let cfg = Config::new().with_out_dir(dir);
        AppInfo::export_all(&cfg).expect("export AppInfo");
        api::ErrorReport::export_all(&cfg).expect("export ErrorReport");
        api::ProfileView::export_all(&cfg).expect("export ProfileView");
        api::ProfileInput::export_all(&cfg).expect("export ProfileInput");
        ProfileSecrets::export_all(&cfg).expect("export ProfileSecrets");
        api::OpDone::export_all(&cfg).expect("export OpDone");
        api::PolicyRule::export_all(&cfg).expect("export PolicyRule");
        api::PolicyDescription::export_all(&cfg).expect("export PolicyDescription");
        api::PinTokenInfo::export_all(&cfg).expect("export PinTokenInfo");
        api::CardCheck::export_all(&cfg).expect("export CardCheck");
        DemoSms::export_all(&cfg).expect("export DemoSms");
        UiTimings::export_all(&cfg).expect("export UiTimings");
        api::HistoryQuery::export_all(&cfg).expect("export HistoryQuery");
        api::HistoryPage::export_all(&cfg).expect("export HistoryPage");
        api::HistoryVerifyReport::export_all(&cfg).expect("export HistoryVerifyReport");
        api::AuditStatus::export_all(&cfg).expect("export AuditStatus");
        AboutInfo::export_all(&cfg).expect("export AboutInfo");
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
        let stale: std::collections::BTreeSet<&String> = generated
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
