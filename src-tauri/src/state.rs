//! The state the app hands to Tauri with `.manage()`, read by commands through
//! `State<'_, AppState>`: the core services, the embedded sandbox in demo mode, how the app was
//! started and when. Secrets live only inside the core services' own zeroizing types.

use crate::ipc::Mode;
use pindesk_core::credentials::SecretStore;
use pindesk_core::desk::{DemoBackend, Desk};
use pindesk_core::paths::Paths;
use pindesk_core::profile::ProfileStore;
use pindesk_core::secret::{AccessToken, ApiKey};
use pindesk_core::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};
use std::sync::OnceLock;
use std::time::Instant;

/// Everything the commands work with.
pub struct AppState {
    /// The core services.
    pub desk: Desk,
    /// The embedded sandbox once it listens, in demo mode (kept here so it lives as long as
    /// the app). It is started after the window, by [`AppState::start_demo`].
    pub sandbox: OnceLock<Sandbox>,
    /// How the app was started.
    pub mode: Mode,
    /// When the process started, to report how long the UI took to become ready.
    pub started: Instant,
}

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The config or data folder could not be determined.
    #[error(transparent)]
    Paths(#[from] pindesk_core::paths::PathsError),
    /// The core services could not open (HTTP client, HTTP settings).
    #[error(transparent)]
    Desk(#[from] pindesk_core::desk::Error),
}

impl AppState {
    /// Opens the core services, without waiting for anything slow: the history opens on first
    /// use, and the demo sandbox is started by [`start_demo`](Self::start_demo). Demo mode (the
    /// embedded sandbox and its demo profiles) is on with `--demo`, and on a first run, when no
    /// profile is stored yet.
    pub fn open(
        paths: Paths,
        secrets: Box<dyn SecretStore>,
        mode: Mode,
        demo_requested: bool,
        started: Instant,
    ) -> Result<Self, StartError> {
        let first_run = ProfileStore::new(paths.profiles_file())
            .load()
            .is_ok_and(|file| file.profiles.is_empty());
        let desk = if demo_requested || first_run {
            Desk::open_demo_starting(paths, secrets)?
        } else {
            Desk::open(paths, secrets, None)?
        };
        Ok(Self {
            desk,
            sandbox: OnceLock::new(),
            mode,
            started,
        })
    }

    /// In demo mode, starts the embedded sandbox (with the embedded demo key: no key is
    /// generated) and tells the desk its demo backend, or why it could not start; the UI shows
    /// either. Does nothing outside demo mode or once started. Run on the async runtime after
    /// the window is up.
    pub async fn start_demo(&self) {
        if self.desk.demo_state().is_none() || self.sandbox.get().is_some() {
            return;
        }
        let backend = match Sandbox::start(SandboxConfig::demo()).await {
            Ok(sandbox) => {
                let backend = DemoBackend {
                    base_url: BaseUrl::parse(&sandbox.base_url())
                        .expect("the sandbox listens on loopback"),
                    vault_token: AccessToken::new(sandbox.config().vault_token.clone()),
                    solid_api_key: ApiKey::new(sandbox.config().solid_api_key.clone()),
                };
                crate::phases::log(self.started, "demo sandbox up");
                tracing::info!(base_url = %sandbox.base_url(), "demo sandbox listening");
                // Kept before the desk hears of it, so the demo SMS peek works as soon as the
                // demo profiles do.
                let _ = self.sandbox.set(sandbox);
                Ok(backend)
            }
            Err(e) => {
                tracing::error!(error = %e, "the demo sandbox could not start");
                Err(e.to_string())
            }
        };
        self.desk.demo_listening(backend);
    }
}
