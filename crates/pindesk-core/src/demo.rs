//! Demo mode as an overlay: one ordinary profile per provider, pointing at the in-process
//! sandbox, with that sandbox's credentials held in memory.
//!
//! This module is the one place that knows a profile is a demo one. It makes the profiles
//! (their base URL and PIN endpoint are the sandbox's), labels them (`demo` in the history,
//! the DEMO badge) and answers their secrets from memory through [`OverlaySecrets`], so the
//! services treat them as any other profile. Nothing of them is written to the keyring or to
//! the profiles file.
//!
//! The desktop app starts its sandbox after the window is up, so demo mode can be on before
//! its backend listens: [`DemoSlot`] holds the demo profiles at a placeholder address until
//! the backend is set (once), and provider calls on them wait for it, a bounded time.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::credentials::{CredentialError, SecretKind, SecretStore};
use crate::profile::{Environment, Profile, ProfileId, Provider};
use crate::secret::{AccessToken, ApiKey};
use crate::validate::BaseUrl;

/// The id of the demo Vault profile.
pub const DEMO_VAULT_PROFILE: &str = "demo-vault";
/// The id of the demo Solid profile.
pub const DEMO_SOLID_PROFILE: &str = "demo-solid";
/// How the history and the profile list name a demo profile's environment.
pub const DEMO_ENVIRONMENT_LABEL: &str = "demo";

/// How long a provider call on a demo profile waits for the demo backend to listen before it
/// fails with [`DemoError::NotListening`] (it listens milliseconds after the window is up).
pub const DEMO_START_WAIT: Duration = Duration::from_secs(5);

/// Where the address of demo profiles points until their backend listens: loopback port 0,
/// which nothing can listen on, so even a call that did not wait could not reach anything.
const NOT_LISTENING_YET: &str = "http://127.0.0.1:0";

/// Where the demo profiles' backend (the embedded sandbox) stands, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DemoState {
    /// Starting: the demo profiles are listed, and calls on them wait until it listens.
    Starting,
    /// Listening: the demo profiles work.
    Ready,
    /// It could not start: the demo profiles cannot be used, for this reason.
    Failed {
        /// Why, in words for the operator.
        reason: String,
    },
}

/// Why a demo profile cannot be used (yet).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoError {
    /// The backend did not listen within [`DEMO_START_WAIT`].
    #[error("the demo sandbox is still starting after {}s; try again in a moment", .0.as_secs())]
    NotListening(Duration),
    /// The backend could not start.
    #[error("the demo sandbox could not start: {0}; restart PinDesk to try again")]
    Failed(String),
}

/// The embedded sandbox demo profiles talk to, with its credentials (held in memory only).
pub struct DemoBackend {
    /// The sandbox's base URL (loopback).
    pub base_url: BaseUrl,
    /// The sandbox's always-valid Vault bearer token.
    pub vault_token: AccessToken,
    /// The sandbox's Solid API key.
    pub solid_api_key: ApiKey,
}

/// The demo profiles of a running sandbox, and their credentials.
pub(crate) struct Demo {
    profiles: Vec<Profile>,
    secrets: HashMap<(ProfileId, SecretKind), Zeroizing<String>>,
}

impl Demo {
    /// The demo Vault (a pasted-token profile) and Solid (with the sandbox as PIN endpoint)
    /// profiles of `backend`.
    pub(crate) fn new(backend: DemoBackend) -> Self {
        let mut demo = Demo::at(&backend.base_url);
        let [vault, solid] = [DEMO_VAULT_PROFILE, DEMO_SOLID_PROFILE].map(demo_id);
        demo.secrets = HashMap::from([
            (
                (vault, SecretKind::AccessToken),
                Zeroizing::new(backend.vault_token.expose().to_owned()),
            ),
            (
                (solid, SecretKind::ApiKey),
                Zeroizing::new(backend.solid_api_key.expose().to_owned()),
            ),
        ]);
        demo
    }

    /// The demo profiles of a backend that does not listen yet: listed, without credentials.
    fn not_listening() -> Self {
        Demo::at(&BaseUrl::parse(NOT_LISTENING_YET).expect("a valid loopback URL"))
    }

    /// The demo profiles at `base_url`, without credentials.
    fn at(base_url: &BaseUrl) -> Self {
        let environment = Environment::Custom(base_url.clone());
        let vault = Profile::new(
            demo_id(DEMO_VAULT_PROFILE),
            "Demo Vault",
            Provider::Vault,
            environment.clone(),
        );
        let mut solid = Profile::new(
            demo_id(DEMO_SOLID_PROFILE),
            "Demo Solid",
            Provider::Solid,
            environment,
        );
        if let Some(settings) = solid.solid_mut() {
            settings.pin_endpoint = Some(base_url.clone());
        }
        Self {
            profiles: vec![vault, solid],
            secrets: HashMap::new(),
        }
    }

    /// The demo profiles, Vault first.
    pub(crate) fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The demo profile with this name.
    pub(crate) fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id.as_str() == name)
    }

    /// Whether `id` names a demo profile.
    pub(crate) fn contains(&self, id: &ProfileId) -> bool {
        self.get(id.as_str()).is_some()
    }
}

fn demo_id(s: &str) -> ProfileId {
    ProfileId::new(s).expect("demo profile ids are valid")
}

/// Demo mode's profiles: those of the backend once it listens (set once), until then the same
/// profiles at [`NOT_LISTENING_YET`] without credentials, for the lists.
pub(crate) struct DemoSlot {
    not_listening: Demo,
    backend: OnceLock<Result<Demo, String>>,
    /// Wakes the calls waiting for the backend.
    settled: tokio::sync::Notify,
}

impl DemoSlot {
    /// Demo mode whose backend already listens.
    pub(crate) fn ready(backend: DemoBackend) -> Self {
        let slot = DemoSlot::starting();
        let _ = slot.backend.set(Ok(Demo::new(backend)));
        slot
    }

    /// Demo mode whose backend is starting.
    pub(crate) fn starting() -> Self {
        DemoSlot {
            not_listening: Demo::not_listening(),
            backend: OnceLock::new(),
            settled: tokio::sync::Notify::new(),
        }
    }

    /// Records how the backend's start ended; `false` if that was already known (it is set
    /// once).
    pub(crate) fn settle(&self, backend: Result<DemoBackend, String>) -> bool {
        let set = self.backend.set(backend.map(Demo::new)).is_ok();
        self.settled.notify_waiters();
        set
    }

    /// The demo profiles as they stand now.
    pub(crate) fn current(&self) -> &Demo {
        match self.backend.get() {
            Some(Ok(demo)) => demo,
            _ => &self.not_listening,
        }
    }

    /// Where the backend stands.
    pub(crate) fn state(&self) -> DemoState {
        match self.backend.get() {
            None => DemoState::Starting,
            Some(Ok(_)) => DemoState::Ready,
            Some(Err(reason)) => DemoState::Failed {
                reason: reason.clone(),
            },
        }
    }

    /// The listening backend's profiles, or why there are none.
    pub(crate) fn listening(&self) -> Result<&Demo, DemoError> {
        match self.backend.get() {
            Some(Ok(demo)) => Ok(demo),
            Some(Err(reason)) => Err(DemoError::Failed(reason.clone())),
            None => Err(DemoError::NotListening(DEMO_START_WAIT)),
        }
    }

    /// Waits until the backend's start has ended, at most `bound`.
    pub(crate) async fn wait(&self, bound: Duration) -> Result<&Demo, DemoError> {
        let settled = self.settled.notified();
        tokio::pin!(settled);
        // Registered before looking, so a settle between the look and the wait still wakes it.
        settled.as_mut().enable();
        if self.backend.get().is_none() {
            let _ = tokio::time::timeout(bound, settled).await;
        }
        match self.listening() {
            Err(DemoError::NotListening(_)) => Err(DemoError::NotListening(bound)),
            other => other,
        }
    }
}

/// The keyring with the demo profiles' credentials laid over it: their secrets come from
/// memory and cannot be changed; every other profile's go to the store underneath.
pub(crate) struct OverlaySecrets {
    demo: Option<DemoSlot>,
    inner: Box<dyn SecretStore>,
}

impl OverlaySecrets {
    /// `inner`, with `demo`'s credentials over it when demo mode is on.
    pub(crate) fn new(inner: Box<dyn SecretStore>, demo: Option<DemoSlot>) -> Self {
        Self { demo, inner }
    }

    /// The demo profiles as they stand now, when demo mode is on.
    pub(crate) fn demo(&self) -> Option<&Demo> {
        self.demo.as_ref().map(DemoSlot::current)
    }

    /// Demo mode's slot, when demo mode is on.
    pub(crate) fn demo_slot(&self) -> Option<&DemoSlot> {
        self.demo.as_ref()
    }

    /// Whether `id` names a demo profile (always false outside demo mode).
    pub(crate) fn is_demo(&self, id: &ProfileId) -> bool {
        self.demo().is_some_and(|d| d.contains(id))
    }

    fn refuse_demo(&self, profile: &ProfileId, kind: SecretKind) -> Result<(), CredentialError> {
        if self.is_demo(profile) {
            return Err(CredentialError::DemoProfile {
                account: format!("{profile}/{}", kind.as_str()),
            });
        }
        Ok(())
    }
}

impl SecretStore for OverlaySecrets {
    fn get(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
    ) -> Result<Option<Zeroizing<String>>, CredentialError> {
        match self.demo() {
            Some(demo) if demo.contains(profile) => {
                Ok(demo.secrets.get(&(profile.clone(), kind)).cloned())
            }
            _ => self.inner.get(profile, kind),
        }
    }

    fn set(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
        value: &str,
    ) -> Result<(), CredentialError> {
        self.refuse_demo(profile, kind)?;
        self.inner.set(profile, kind, value)
    }

    fn delete(&self, profile: &ProfileId, kind: SecretKind) -> Result<(), CredentialError> {
        self.refuse_demo(profile, kind)?;
        self.inner.delete(profile, kind)
    }

    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MemoryStore;

    fn overlay() -> OverlaySecrets {
        let backend = DemoBackend {
            base_url: BaseUrl::parse("http://127.0.0.1:9").unwrap(),
            vault_token: AccessToken::new("demo-token-value".into()),
            solid_api_key: ApiKey::new("demo-key-value".into()),
        };
        OverlaySecrets::new(Box::new(MemoryStore::new()), Some(DemoSlot::ready(backend)))
    }

    #[test]
    fn demo_secrets_come_from_memory_and_cannot_change() {
        let secrets = overlay();
        let vault = ProfileId::new(DEMO_VAULT_PROFILE).unwrap();
        let token = secrets.get(&vault, SecretKind::AccessToken).unwrap();
        assert_eq!(
            token.as_deref().map(String::as_str),
            Some("demo-token-value")
        );
        assert!(secrets.set(&vault, SecretKind::AccessToken, "x").is_err());
        assert!(secrets.delete(&vault, SecretKind::AccessToken).is_err());
        let stored = ProfileId::new("ops").unwrap();
        secrets.set(&stored, SecretKind::ApiKey, "k").unwrap();
        assert!(secrets.get(&stored, SecretKind::ApiKey).unwrap().is_some());
    }

    #[test]
    fn demo_profiles_point_at_the_sandbox() {
        let secrets = overlay();
        let demo = secrets.demo().unwrap();
        for profile in demo.profiles() {
            assert_eq!(profile.base_url().unwrap().as_str(), "http://127.0.0.1:9");
        }
        let solid = demo.get(DEMO_SOLID_PROFILE).unwrap();
        assert!(solid.solid().unwrap().pin_endpoint.is_some());
        assert!(secrets.is_demo(&solid.id));
    }
}
