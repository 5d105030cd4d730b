//! The services the desktop app and the CLI call: one [`Desk`] per process.
//!
//! Every operation follows the same path: validate the inputs (nothing is sent on bad input) →
//! load the profile → read its secret from the keyring → call the provider → record the
//! operation in the history (started before the request leaves, finished after). Secrets only
//! travel inward; the one secret handed back is a Solid PIN token the operator asked for.
//! Nothing here logs, stores or formats a secret.

mod error;
mod profiles;
mod record;
mod solid;
mod vault;

pub use error::Error;
pub use profiles::{NewCredentials, ProfileView, SecretState};
pub use solid::{HeldPinToken, PinTokenInfo};

use crate::credentials::SecretStore;
use crate::history::{Filter, History, Page};
use crate::http::{build_client, build_client_with_resolver, HttpSettings};
use crate::paths::Paths;
use crate::profile::{Environment, Profile, ProfileId, ProfileStore, ProfilesFile, Provider};
use crate::secret::{AccessToken, ApiKey};
use crate::validate::BaseUrl;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// The id of the demo Vault profile.
pub const DEMO_VAULT_PROFILE: &str = "demo-vault";
/// The id of the demo Solid profile.
pub const DEMO_SOLID_PROFILE: &str = "demo-solid";

/// The embedded sandbox demo profiles talk to, with its credentials (held in memory only).
pub struct DemoBackend {
    /// The sandbox's base URL (loopback).
    pub base_url: BaseUrl,
    /// The sandbox's always-valid Vault bearer token.
    pub vault_token: AccessToken,
    /// The sandbox's Solid API key.
    pub solid_api_key: ApiKey,
}

/// What one process knows: where files live, the keyring, the history and held state.
pub struct Desk {
    paths: Paths,
    profiles: ProfileStore,
    secrets: Box<dyn SecretStore>,
    history: History,
    http: reqwest::Client,
    http_settings: HttpSettings,
    demo: Option<DemoBackend>,
    /// The demo profile chosen with `use_profile` while no stored one is active. Demo profiles
    /// live only as long as demo mode, so the choice is kept here, never in the file.
    demo_active: Mutex<Option<ProfileId>>,
    vault_sessions: Mutex<HashMap<String, vault::Session>>,
    pin_tokens: Mutex<HashMap<String, HeldPinToken>>,
}

impl Desk {
    /// Opens the profiles file and the history, marks operations a crashed run left
    /// `started` as unknown, and applies the history retention setting.
    pub fn open(
        paths: Paths,
        secrets: Box<dyn SecretStore>,
        demo: Option<DemoBackend>,
    ) -> Result<Self, Error> {
        Self::open_with(paths, secrets, demo, HttpSettings::default(), None)
    }

    /// [`open`](Self::open) with other HTTP timeouts (checked with [`HttpSettings::validate`])
    /// and, when `resolver` is given, that DNS resolver in place of the system's. Tests use it
    /// for short timeouts and to keep every name lookup on the computer (see
    /// [`crate::http::RefusingResolver`]); the desktop app and the CLI call `open`.
    pub fn open_with(
        paths: Paths,
        secrets: Box<dyn SecretStore>,
        demo: Option<DemoBackend>,
        http_settings: HttpSettings,
        resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
    ) -> Result<Self, Error> {
        http_settings.validate()?;
        let http = match resolver {
            Some(resolver) => build_client_with_resolver(&http_settings, resolver)?,
            None => build_client(&http_settings)?,
        };
        let profiles = ProfileStore::new(paths.profiles_file());
        let history = History::open(paths.history_db())?;
        let now = OffsetDateTime::now_utc();
        history.recover_interrupted(now, http_settings.total_timeout)?;
        // A corrupt profiles file must not stop the history from opening; it is reported by
        // every call that needs a profile.
        let retention = profiles
            .load()
            .map(|f| f.settings.history_retention_days)
            .unwrap_or(crate::profile::AppSettings::default().history_retention_days);
        history.apply_retention(retention, now)?;
        Ok(Self {
            paths,
            profiles,
            secrets,
            history,
            http,
            http_settings,
            demo,
            demo_active: Mutex::new(None),
            vault_sessions: Mutex::new(HashMap::new()),
            pin_tokens: Mutex::new(HashMap::new()),
        })
    }

    /// Where this desk's files live.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Whether the demo profiles (backed by the embedded sandbox) are present.
    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    /// The demo backend, when in demo mode.
    pub fn demo(&self) -> Option<&DemoBackend> {
        self.demo.as_ref()
    }

    /// The keyring backend's name, for the Settings screen.
    pub fn secret_backend(&self) -> &'static str {
        self.secrets.backend_name()
    }

    /// The HTTP timeouts in force.
    pub fn http_settings(&self) -> HttpSettings {
        self.http_settings
    }

    /// The profiles file (settings, stored profiles, the active one).
    pub fn profiles_file(&self) -> Result<ProfilesFile, Error> {
        Ok(self.profiles.load()?)
    }

    /// Saves the app-wide settings (retention, idle timeout, clipboard clearing).
    pub fn save_settings(&self, settings: crate::profile::AppSettings) -> Result<(), Error> {
        Ok(self.profiles.set_settings(settings)?)
    }

    /// The history database.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// A page of history entries, newest first.
    pub fn history_page(
        &self,
        filter: &Filter,
        page: Page,
    ) -> Result<Vec<crate::history::Entry>, Error> {
        Ok(self.history.query(filter, page)?)
    }

    /// Forgets every secret held in memory: cached tokens, RSA keys and PIN tokens. Called on
    /// idle timeout and when a kiosk session ends.
    pub fn forget_secrets(&self) {
        lock(&self.vault_sessions).clear();
        lock(&self.pin_tokens).clear();
    }

    /// The demo profiles, when in demo mode.
    fn demo_profiles(&self) -> Vec<Profile> {
        if self.demo.is_none() {
            return Vec::new();
        }
        let mut solid = Profile::new(
            ProfileId::new(DEMO_SOLID_PROFILE).expect("valid id"),
            "Demo Solid",
            Provider::Solid,
            Environment::Demo,
        );
        if let (Some(settings), Some(demo)) = (solid.solid.as_mut(), &self.demo) {
            settings.pin_endpoint = Some(demo.base_url.clone());
        }
        vec![
            Profile::new(
                ProfileId::new(DEMO_VAULT_PROFILE).expect("valid id"),
                "Demo Vault",
                Provider::Vault,
                Environment::Demo,
            ),
            solid,
        ]
    }

    /// Resolves a profile by name, or the active one (in demo mode, the demo Vault profile
    /// when nothing stored is active).
    pub fn resolve_profile(&self, name: Option<&str>) -> Result<Profile, Error> {
        let demo = self.demo_profiles();
        if let Some(name) = name {
            if let Some(p) = demo.iter().find(|p| p.id.as_str() == name) {
                return Ok(p.clone());
            }
            let id = ProfileId::new(name)?;
            return Ok(self.profiles.get(&id)?);
        }
        let file = self.profiles.load()?;
        if let Some(active) = file.active_profile() {
            return Ok(active.clone());
        }
        let chosen = self
            .demo_active
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(p) = chosen.and_then(|id| demo.iter().find(|p| p.id == id).cloned()) {
            return Ok(p);
        }
        demo.into_iter().next().ok_or(Error::NoActiveProfile)
    }

    /// The base URL a profile calls (the sandbox's for demo profiles).
    fn base_url(&self, profile: &Profile) -> Result<BaseUrl, Error> {
        match (&profile.environment, &self.demo) {
            (Environment::Demo, Some(demo)) => Ok(demo.base_url.clone()),
            _ => Ok(profile.base_url()?),
        }
    }

    /// The environment as the history and the status bar name it.
    fn environment_label(profile: &Profile) -> String {
        profile.environment.as_string()
    }
}

/// Locks a mutex, recovering from poisoning (the data is a cache; a panic elsewhere must not
/// wedge the app).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn require_provider(profile: &Profile, expected: Provider) -> Result<(), Error> {
    if profile.provider == expected {
        Ok(())
    } else {
        Err(Error::WrongProvider {
            profile: profile.id.to_string(),
            expected: expected.as_str(),
            actual: profile.provider.as_str(),
        })
    }
}
