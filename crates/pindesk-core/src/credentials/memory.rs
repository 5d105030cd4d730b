//! The in-memory store, for unit tests of code built on [`SecretStore`]. Only in test builds
//! and with the `test-support` feature: never a product fallback.

use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::{account, CredentialError, SecretKind, SecretStore};
use crate::profile::ProfileId;

/// An in-memory [`SecretStore`] for unit tests of code built on the trait. Only in test
/// builds and with the `test-support` feature: never a product fallback.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Zeroizing<String>>>,
    unavailable: Mutex<bool>,
    /// A kind whose every `set` fails, to test an edit that fails halfway.
    failing_set: Mutex<Option<SecretKind>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every later call fail (`true`) or work again (`false`), to test error paths.
    pub fn set_unavailable(&self, unavailable: bool) {
        *self.unavailable.lock().unwrap_or_else(|e| e.into_inner()) = unavailable;
    }

    /// Makes every later `set` of `kind` fail (`None`: none), while reads, deletes and the
    /// other kinds work: an edit whose second keyring write fails.
    pub fn fail_sets_of(&self, kind: Option<SecretKind>) {
        *self.failing_set.lock().unwrap_or_else(|e| e.into_inner()) = kind;
    }

    /// How many entries the store holds.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.map().is_empty()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Zeroizing<String>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check(&self, action: &'static str, account: &str) -> Result<(), CredentialError> {
        if *self.unavailable.lock().unwrap_or_else(|e| e.into_inner()) {
            Err(CredentialError::TestUnavailable {
                action,
                account: account.to_owned(),
            })
        } else {
            Ok(())
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
    ) -> Result<Option<Zeroizing<String>>, CredentialError> {
        let account = account(profile, kind);
        self.check("reading", &account)?;
        Ok(self.map().get(&account).cloned())
    }

    fn set(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
        value: &str,
    ) -> Result<(), CredentialError> {
        let account = account(profile, kind);
        self.check("saving", &account)?;
        if *self.failing_set.lock().unwrap_or_else(|e| e.into_inner()) == Some(kind) {
            return Err(CredentialError::TestUnavailable {
                action: "saving",
                account,
            });
        }
        self.map().insert(account, Zeroizing::new(value.to_owned()));
        Ok(())
    }

    fn delete(&self, profile: &ProfileId, kind: SecretKind) -> Result<(), CredentialError> {
        let account = account(profile, kind);
        self.check("deleting", &account)?;
        self.map().remove(&account);
        Ok(())
    }

    fn backend_name(&self) -> &'static str {
        "memory (tests only)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ProfileId {
        ProfileId::new(s).unwrap()
    }

    #[test]
    fn memory_store_round_trips_and_delete_all() {
        let store = MemoryStore::new();
        let p = id("p");
        assert!(store.get(&p, SecretKind::ApiKey).unwrap().is_none());
        store.set(&p, SecretKind::ApiKey, "k1").unwrap();
        store.set(&p, SecretKind::AccessToken, "t1").unwrap();
        store.set(&id("other"), SecretKind::ApiKey, "k2").unwrap();
        assert_eq!(
            store.get(&p, SecretKind::ApiKey).unwrap().unwrap().as_str(),
            "k1"
        );
        store.delete(&p, SecretKind::RefreshToken).unwrap();
        store.delete_all(&p).unwrap();
        assert!(store.get(&p, SecretKind::ApiKey).unwrap().is_none());
        assert_eq!(store.len(), 1);
        store.set_unavailable(true);
        assert!(store.get(&p, SecretKind::ApiKey).is_err());
        assert!(store.delete_all(&p).is_err());
    }
}
