//! Demo mode as an overlay: one ordinary profile per provider, pointing at the in-process
//! sandbox, with that sandbox's credentials held in memory.
//!
//! This module is the one place that knows a profile is a demo one. It makes the profiles
//! (their base URL and PIN endpoint are the sandbox's), labels them (`demo` in the history,
//! the DEMO badge) and answers their secrets from memory through [`OverlaySecrets`], so the
//! services treat them as any other profile. Nothing of them is written to the keyring or to
//! the profiles file.

use std::collections::HashMap;

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
        let id = |s: &str| ProfileId::new(s).expect("demo profile ids are valid");
        let environment = Environment::Custom(backend.base_url.clone());
        let vault = Profile::new(
            id(DEMO_VAULT_PROFILE),
            "Demo Vault",
            Provider::Vault,
            environment.clone(),
        );
        let mut solid = Profile::new(
            id(DEMO_SOLID_PROFILE),
            "Demo Solid",
            Provider::Solid,
            environment,
        );
        if let Some(settings) = solid.solid_mut() {
            settings.pin_endpoint = Some(backend.base_url.clone());
        }
        let secrets = HashMap::from([
            (
                (vault.id.clone(), SecretKind::AccessToken),
                Zeroizing::new(backend.vault_token.expose().to_owned()),
            ),
            (
                (solid.id.clone(), SecretKind::ApiKey),
                Zeroizing::new(backend.solid_api_key.expose().to_owned()),
            ),
        ]);
        Self {
            profiles: vec![vault, solid],
            secrets,
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

/// The keyring with the demo profiles' credentials laid over it: their secrets come from
/// memory and cannot be changed; every other profile's go to the store underneath.
pub(crate) struct OverlaySecrets {
    demo: Option<Demo>,
    inner: Box<dyn SecretStore>,
}

impl OverlaySecrets {
    /// `inner`, with `demo`'s credentials over it when demo mode is on.
    pub(crate) fn new(inner: Box<dyn SecretStore>, demo: Option<Demo>) -> Self {
        Self { demo, inner }
    }

    /// The demo profiles, when demo mode is on.
    pub(crate) fn demo(&self) -> Option<&Demo> {
        self.demo.as_ref()
    }

    /// Whether `id` names a demo profile (always false outside demo mode).
    pub(crate) fn is_demo(&self, id: &ProfileId) -> bool {
        self.demo.as_ref().is_some_and(|d| d.contains(id))
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
        match &self.demo {
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
        OverlaySecrets::new(Box::new(MemoryStore::new()), Some(Demo::new(backend)))
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
