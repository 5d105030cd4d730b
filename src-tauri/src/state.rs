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
use std::time::Instant;

/// Everything the commands work with.
pub struct AppState {
    /// The core services.
    pub desk: Desk,
    /// The embedded sandbox, in demo mode (kept here so it lives as long as the app).
    pub sandbox: Option<Sandbox>,
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
    /// The embedded sandbox could not start.
    #[error("the demo sandbox could not start: {0}")]
    Sandbox(std::io::Error),
    /// The core services could not open (history database, HTTP client).
    #[error(transparent)]
    Desk(#[from] pindesk_core::desk::Error),
}

impl AppState {
    /// Opens the core services. Demo mode (the embedded sandbox and its demo profiles) is on
    /// with `--demo`, and on a first run, when no profile is stored yet.
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
        let sandbox = if demo_requested || first_run {
            Some(
                tauri::async_runtime::block_on(Sandbox::start(SandboxConfig::default()))
                    .map_err(StartError::Sandbox)?,
            )
        } else {
            None
        };
        if let Some(sb) = &sandbox {
            tracing::info!(base_url = %sb.base_url(), "demo sandbox listening");
        }
        let demo = sandbox.as_ref().map(|sb| DemoBackend {
            base_url: BaseUrl::parse(&sb.base_url()).expect("the sandbox listens on loopback"),
            vault_token: AccessToken::new(sb.config().vault_token.clone()),
            solid_api_key: ApiKey::new(sb.config().solid_api_key.clone()),
        });
        let desk = Desk::open(paths, secrets, demo)?;
        Ok(Self {
            desk,
            sandbox,
            mode,
            started,
        })
    }
}
