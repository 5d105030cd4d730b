//! The services the desktop app and the CLI call: one [`Desk`] per process.
//!
//! Every operation follows the same path: validate the inputs (nothing is sent on bad input) →
//! load the profile → read its secret from the keyring → call the provider → record the
//! operation in the history (started before the request leaves, finished after). Secrets only
//! travel inward; the one secret handed back is a Solid PIN token the operator asked for.
//! Nothing here logs, stores or formats a secret.

mod audit;
mod cards;
mod error;
mod profiles;
mod record;
mod sign_out;
mod solid;
mod vault;
mod vault_pin;

pub use audit::CLI_FLUSH_BUDGET;
pub use error::Error;
pub use profiles::NewCredentials;
pub use record::{operation_deadline, MAX_CALLS_PER_OPERATION};
pub use sign_out::BEST_EFFORT_SIGN_OUT;
pub use solid::HeldPinToken;

pub use crate::demo::{
    DemoBackend, DemoError, DemoState, DEMO_SOLID_PROFILE, DEMO_START_WAIT, DEMO_VAULT_PROFILE,
};

use crate::api::{HistoryPage, HistoryQuery, PolicyDescription};
use crate::credentials::SecretStore;
use crate::demo::{Demo, DemoSlot, OverlaySecrets, DEMO_ENVIRONMENT_LABEL};
use crate::history::{Filter, History, Page};
use crate::http::{HttpClient, HttpSettings};
use crate::network::{ClientPool, MachineNetwork};
use crate::paths::Paths;
use crate::profile::{
    Profile, ProfileId, ProfileStore, ProfilesFile, Provider, SolidSettings, VaultSettings,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use time::OffsetDateTime;

/// What one process knows: where files live, the keyring, the history and held state.
pub struct Desk {
    paths: Paths,
    profiles: ProfileStore,
    /// The keyring, with the demo profiles' in-memory credentials over it in demo mode.
    secrets: OverlaySecrets,
    /// The history, opened on first use (see [`Desk::history`]).
    history: OnceLock<History>,
    /// Held while the history is being opened, so it is opened (and recovered) once.
    history_opening: Mutex<()>,
    /// How long an operation may take at most: older `started` entries are interrupted ones.
    operation_deadline: Duration,
    /// One HTTP client per route (proxy and trust).
    clients: ClientPool,
    /// What the machine-wide configuration imposes, or why it cannot be used.
    machine: Result<MachineNetwork, String>,
    /// The demo profile chosen with `use_profile` while no stored one is active. Demo profiles
    /// live only as long as demo mode, so the choice is kept here, never in the file.
    demo_active: Mutex<Option<ProfileId>>,
    vault_sessions: Mutex<HashMap<String, vault::Session>>,
    pin_tokens: Mutex<HashMap<solid::TokenKey, HeldPinToken>>,
    /// The machine's `[audit] require_ticket`: every operation needs a ticket reference.
    require_ticket: bool,
    /// Where the history is shipped (the machine's `[audit]` collectors).
    shipping: audit::Shipping,
}

/// Demo mode as a desk opens with it.
enum DemoSetup {
    Off,
    Ready(DemoBackend),
    Starting,
}

impl Desk {
    /// Opens the desk over the profiles file and reads the machine-wide configuration (its
    /// proxy and CAs apply to every call; see [`crate::system_config`]). The history is opened
    /// on first use, not here: see [`Desk::history`].
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
        let demo = demo.map_or(DemoSetup::Off, DemoSetup::Ready);
        Self::build(paths, secrets, demo, http_settings, resolver)
    }

    /// [`open`](Self::open) in demo mode whose backend is still starting: the demo profiles
    /// are listed at once, and provider calls on them wait for [`Desk::demo_listening`]
    /// (at most [`DEMO_START_WAIT`]). The desktop app starts its sandbox after its window.
    pub fn open_demo_starting(paths: Paths, secrets: Box<dyn SecretStore>) -> Result<Self, Error> {
        Self::build(
            paths,
            secrets,
            DemoSetup::Starting,
            HttpSettings::default(),
            None,
        )
    }

    fn build(
        paths: Paths,
        secrets: Box<dyn SecretStore>,
        demo: DemoSetup,
        http_settings: HttpSettings,
        resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
    ) -> Result<Self, Error> {
        http_settings.validate()?;
        let clients = ClientPool::new(http_settings, resolver);
        let (system, errors) =
            crate::system_config::SystemConfig::load(&crate::system_config::paths_from_env());
        let require_ticket = system.audit.require_ticket;
        let machine = match errors.first() {
            None => Ok(system.network),
            Some(e) => {
                tracing::error!(error = %e, "unusable system config: no provider call is sent");
                Err(e.to_string())
            }
        };
        let profiles = ProfileStore::new(paths.profiles_file());
        let shipping = audit::Shipping::new(&system.audit);
        let demo = match demo {
            DemoSetup::Off => None,
            DemoSetup::Ready(backend) => Some(DemoSlot::ready(backend)),
            DemoSetup::Starting => Some(DemoSlot::starting()),
        };
        Ok(Self {
            paths,
            profiles,
            secrets: OverlaySecrets::new(secrets, demo),
            history: OnceLock::new(),
            history_opening: Mutex::new(()),
            operation_deadline: record::operation_deadline(&http_settings),
            clients,
            machine,
            demo_active: Mutex::new(None),
            vault_sessions: Mutex::new(HashMap::new()),
            pin_tokens: Mutex::new(HashMap::new()),
            require_ticket,
            shipping,
        })
    }

    /// What the machine-wide configuration imposes on every profile's network.
    pub fn machine_network(&self) -> Result<&MachineNetwork, Error> {
        self.machine
            .as_ref()
            .map_err(|message| Error::UnusableSystemConfig {
                message: message.clone(),
            })
    }

    /// The client of the profile's API calls or, with `pin`, of Solid's PIN endpoint: its
    /// route with the machine's rules applied, and the proxy password when a proxy asks for
    /// one. Demo profiles talk to the embedded sandbox on this computer, always directly.
    pub(crate) fn client_for(&self, profile: &Profile, pin: bool) -> Result<HttpClient, Error> {
        if let Some(slot) = self
            .secrets
            .demo_slot()
            .filter(|_| self.secrets.is_demo(&profile.id))
        {
            // Never a call to the placeholder address of a backend that does not listen.
            slot.listening()?;
            return self.clients.client(&crate::network::Route::direct(), None);
        }
        let machine = self.machine_network()?;
        let network = &profile.network;
        let route = if pin {
            network.pin_route(machine)
        } else {
            network.api_route(machine)
        };
        let password = match network.proxy_user(machine) {
            None => None,
            Some(user) => match self
                .secrets
                .get(&profile.id, crate::credentials::SecretKind::ProxyPassword)?
            {
                Some(password) => Some((user, password)),
                None => {
                    return Err(Error::MissingSecret {
                        profile: profile.id.to_string(),
                        what: "proxy password",
                    })
                }
            },
        };
        self.clients
            .client(&route, password.as_ref().map(|(u, p)| (*u, p.as_str())))
    }

    /// Where this desk's files live.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Whether the demo profiles (backed by the embedded sandbox) are present.
    pub fn is_demo(&self) -> bool {
        self.secrets.demo().is_some()
    }

    /// Where the demo profiles' backend stands, in demo mode.
    pub fn demo_state(&self) -> Option<DemoState> {
        self.secrets.demo_slot().map(DemoSlot::state)
    }

    /// Tells a desk opened with [`open_demo_starting`](Self::open_demo_starting) how its
    /// backend's start ended: listening (the demo profiles then work, and waiting calls go on)
    /// or failed, in words. Set once: answers `false` when it was already set or the desk is not
    /// in demo mode.
    pub fn demo_listening(&self, backend: Result<DemoBackend, String>) -> bool {
        self.secrets
            .demo_slot()
            .is_some_and(|slot| slot.settle(backend))
    }

    /// [`resolve_profile`](Self::resolve_profile) for a provider call: a demo profile whose
    /// backend is starting is waited for (at most [`DEMO_START_WAIT`]), then resolved again at
    /// its real address; a backend that failed is [`Error::Demo`].
    pub(crate) async fn call_profile(&self, name: Option<&str>) -> Result<Profile, Error> {
        let profile = self.resolve_profile(name)?;
        match self.secrets.demo_slot() {
            Some(slot) if self.secrets.is_demo(&profile.id) => {
                slot.wait(DEMO_START_WAIT).await?;
                self.resolve_profile(name)
            }
            _ => Ok(profile),
        }
    }

    /// The keyring backend's name, for the Settings screen.
    pub fn secret_backend(&self) -> &'static str {
        self.secrets.backend_name()
    }

    /// The profiles file (settings, stored profiles, the active one).
    pub fn profiles_file(&self) -> Result<ProfilesFile, Error> {
        Ok(self.profiles.load()?)
    }

    /// Saves the app-wide settings (retention, idle timeout, clipboard clearing).
    pub fn save_settings(&self, settings: crate::profile::AppSettings) -> Result<(), Error> {
        settings.validate()?;
        Ok(self.profiles.set_settings(settings)?)
    }

    /// Whether this computer requires a ticket reference for every operation (the system
    /// config's `[audit] require_ticket`).
    pub fn requires_ticket(&self) -> bool {
        self.require_ticket
    }

    /// The history database, opened on the first call: then operations a crashed run left
    /// `started` are marked unknown and the retention setting is applied, before anything can
    /// write a new entry (every writer comes through here). A desk that never needs the history
    /// never opens it, so a start-up or a CLI command without history does no database work.
    /// A failure is answered to this call and tried again on the next.
    pub fn history(&self) -> Result<&History, Error> {
        if let Some(history) = self.history.get() {
            return Ok(history);
        }
        let _opening = lock(&self.history_opening);
        if let Some(history) = self.history.get() {
            return Ok(history);
        }
        let history = History::open(self.paths.history_db())?;
        history.set_outbox(self.shipping.enabled());
        let now = OffsetDateTime::now_utc();
        history.recover_interrupted(now, self.operation_deadline)?;
        // A corrupt profiles file must not stop the history from opening; it is reported by
        // every call that needs a profile.
        let retention = self
            .profiles
            .load()
            .map(|f| f.settings.history_retention())
            .unwrap_or(crate::profile::AppSettings::default().history_retention());
        history.apply_retention(retention, now)?;
        Ok(self.history.get_or_init(|| history))
    }

    /// A page of history entries, newest first.
    pub fn history_page(
        &self,
        filter: &Filter,
        page: Page,
    ) -> Result<Vec<crate::history::Entry>, Error> {
        Ok(self.history()?.query(filter, page)?)
    }

    /// The page of history a query asks for, with the number of entries its filter matches.
    pub fn history_query(&self, query: &HistoryQuery) -> Result<HistoryPage, Error> {
        let (filter, page) = query.parse()?;
        let history = self.history()?;
        Ok(HistoryPage {
            entries: history.query(&filter, page)?,
            total: history.count(&filter)?,
        })
    }

    /// The profile's passcode policy as data, for the UI's live feedback (the candidate is
    /// checked in the page while it is typed, and again here before it is sent). A profile
    /// that is not a Vault one describes the default policy.
    pub fn passcode_policy(&self, profile: Option<&str>) -> Result<PolicyDescription, Error> {
        let profile = self.resolve_profile(profile)?;
        let policy = profile
            .vault()
            .and_then(|v| v.passcode_policy.clone())
            .unwrap_or_default();
        Ok(policy.describe())
    }

    /// The PIN policy as data, for the UI's live feedback: a Solid profile's PIN policy, or
    /// for a Vault one Vault's card PIN rules.
    pub fn pin_policy(&self, profile: Option<&str>) -> Result<PolicyDescription, Error> {
        let profile = self.resolve_profile(profile)?;
        let policy = match profile.solid() {
            Some(solid) => solid.pin_policy.clone().unwrap_or_default(),
            None => crate::policy::vault_card_pin_policy(),
        };
        Ok(policy.describe())
    }

    /// Forgets every secret held in memory: cached tokens, RSA keys and PIN tokens. Called on
    /// idle timeout and when a kiosk session ends.
    pub fn forget_secrets(&self) {
        lock(&self.vault_sessions).clear();
        lock(&self.pin_tokens).clear();
    }

    /// The demo profiles, when in demo mode.
    fn demo_profiles(&self) -> &[Profile] {
        self.secrets.demo().map_or(&[], Demo::profiles)
    }

    /// Resolves a profile by name, or the active one (in demo mode, the demo Vault profile
    /// when nothing stored is active).
    pub fn resolve_profile(&self, name: Option<&str>) -> Result<Profile, Error> {
        let demo = self.demo_profiles();
        if let Some(name) = name {
            if let Some(p) = self.secrets.demo().and_then(|d| d.get(name)) {
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
        demo.first().cloned().ok_or(Error::NoActiveProfile)
    }

    /// The environment as the history and the profile list name it (`demo` for a demo
    /// profile, else as the profile says).
    fn environment_label(&self, profile: &Profile) -> String {
        if self.secrets.is_demo(&profile.id) {
            DEMO_ENVIRONMENT_LABEL.to_owned()
        } else {
            profile.environment.as_string()
        }
    }
}

/// Locks a mutex, recovering from poisoning (the data is a cache; a panic elsewhere must not
/// wedge the app).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The profile's Vault settings, or [`Error::WrongProvider`] for a Solid profile.
fn vault_settings(profile: &Profile) -> Result<&VaultSettings, Error> {
    profile
        .vault()
        .ok_or_else(|| wrong_provider(profile, Provider::Vault))
}

/// The profile's Solid settings, or [`Error::WrongProvider`] for a Vault profile.
fn solid_settings(profile: &Profile) -> Result<&SolidSettings, Error> {
    profile
        .solid()
        .ok_or_else(|| wrong_provider(profile, Provider::Solid))
}

fn wrong_provider(profile: &Profile, expected: Provider) -> Error {
    Error::WrongProvider {
        profile: profile.id.to_string(),
        expected: expected.as_str(),
        actual: profile.provider().as_str(),
    }
}

#[cfg(test)]
mod tests;
