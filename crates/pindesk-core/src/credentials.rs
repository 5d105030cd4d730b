//! Credentials: every API secret of a profile, kept only in the OS keyring.
//!
//! One keyring entry per profile and [`SecretKind`]: service `pindesk`, account
//! `<profile-id>/<kind>` (for example `ops-vault/access-token`). The backend is the OS's own,
//! chosen explicitly at build time (Secret Service on Linux/BSD, the Keychain on macOS, the
//! Credential Manager on Windows); a build for any other OS fails rather than silently keeping
//! secrets in memory. [`KeyringStore`] is the product's only [`SecretStore`].
//!
//! This module never writes a secret anywhere else (no file, no log, no environment variable),
//! never falls back to another store, and never turns a keyring failure into "no secret": only
//! a missing entry reads as `None`; every other failure is a [`CredentialError`] that names its
//! cause and what the operator can do, with the platform's own error behind `source()`.

use std::error::Error as StdError;
use std::fmt;

use zeroize::Zeroizing;

use crate::profile::ProfileId;

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
compile_error!(
    "PinDesk keeps credentials in the OS keyring and has no keyring backend for this OS"
);

/// The keyring service name of every PinDesk entry.
pub const SERVICE: &str = "pindesk";

/// Which secret of a profile an entry holds; named as in its keyring account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    /// Vault bearer access token (pasted, or obtained by signing in).
    AccessToken,
    /// Vault refresh token from signing in.
    RefreshToken,
    /// The phone number of a Vault stored sign-in.
    SignInPhone,
    /// The password of a Vault stored sign-in.
    SignInPassword,
    /// Solid API key.
    ApiKey,
}

impl SecretKind {
    /// Every kind, in a fixed order.
    pub const ALL: [SecretKind; 5] = [
        SecretKind::AccessToken,
        SecretKind::RefreshToken,
        SecretKind::SignInPhone,
        SecretKind::SignInPassword,
        SecretKind::ApiKey,
    ];

    /// The kind's name in the keyring account: `access-token`, `refresh-token`,
    /// `sign-in-phone`, `sign-in-password`, `api-key`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::AccessToken => "access-token",
            SecretKind::RefreshToken => "refresh-token",
            SecretKind::SignInPhone => "sign-in-phone",
            SecretKind::SignInPassword => "sign-in-password",
            SecretKind::ApiKey => "api-key",
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The keyring account of a profile's secret: `<profile-id>/<kind>`.
pub fn account(profile: &ProfileId, kind: SecretKind) -> String {
    format!("{profile}/{kind}")
}

type Cause = Box<dyn StdError + Send + Sync + 'static>;

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
const NO_BACKEND: &str =
    "No Secret Service is running: install and unlock GNOME Keyring or KeePassXC \
     (with its Secret Service integration on), then try again";
#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
const NO_BACKEND: &str =
    "The OS credential store is not available: sign in to a desktop session and try again";

/// Why the keyring could not do what was asked. Messages name the cause and the fix and never
/// contain a secret; the platform's error is behind [`source()`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// There is no keyring to talk to: no D-Bus session bus, or no
    /// `org.freedesktop.secrets` service on it (Linux/BSD).
    #[error("{NO_BACKEND} (while {action} {account})")]
    NoBackend {
        /// What PinDesk was doing: `reading`, `saving`, `deleting`, `checking`.
        action: &'static str,
        /// The keyring account concerned (never a secret).
        account: String,
        /// The platform's error.
        #[source]
        source: Cause,
    },
    /// The keyring is locked and was not unlocked (the unlock prompt was dismissed or could
    /// not be shown).
    #[error(
        "The keyring is locked (while {action} {account}): unlock it (for example in \
         Passwords and Keys / Seahorse, or by signing in again) and try again"
    )]
    Locked {
        /// What PinDesk was doing.
        action: &'static str,
        /// The keyring account concerned.
        account: String,
        /// The platform's error.
        #[source]
        source: Cause,
    },
    /// The Secret Service runs but has no default keyring (collection) to keep entries in,
    /// as on a desktop where no "Login" keyring was ever created.
    #[error(
        "The keyring has no default collection (while {action} {account}): create a keyring \
         (for example \"Login\" in Passwords and Keys / Seahorse, or a database in KeePassXC \
         exposed through its Secret Service integration), make it the default, and try again"
    )]
    NoDefaultCollection {
        /// What PinDesk was doing.
        action: &'static str,
        /// The keyring account concerned.
        account: String,
        /// The platform's error.
        #[source]
        source: Cause,
    },
    /// The keyring refused PinDesk access to the entry (access denied by the OS or the user).
    #[error(
        "The keyring refused access (while {action} {account}): allow PinDesk access to \
         the keyring entry and try again"
    )]
    Refused {
        /// What PinDesk was doing.
        action: &'static str,
        /// The keyring account concerned.
        account: String,
        /// The platform's error.
        #[source]
        source: Cause,
    },
    /// The keyring did not answer in time, often because an unlock prompt is waiting unseen.
    #[error(
        "The keyring did not answer (while {action} {account}): look for an unlock prompt, \
         or restart the keyring (GNOME Keyring or KeePassXC), and try again"
    )]
    NotResponding {
        /// What PinDesk was doing.
        action: &'static str,
        /// The keyring account concerned.
        account: String,
        /// The platform's error.
        #[source]
        source: Cause,
    },
    /// More than one keyring entry matches the account, so PinDesk cannot tell which is right.
    #[error(
        "{count} keyring entries match {account}: remove the duplicates for service \
         \"pindesk\" (for example in Passwords and Keys / Seahorse), then save the secret again"
    )]
    Ambiguous {
        /// The keyring account concerned.
        account: String,
        /// How many entries match.
        count: usize,
    },
    /// The stored value is not UTF-8 text, so it was not written by PinDesk.
    #[error(
        "The keyring entry {account} is damaged (it is not text): save the secret again \
         (for example with `pindesk-cli profile add` or the profile's settings)"
    )]
    Corrupt {
        /// The keyring account concerned.
        account: String,
    },
    /// Any other failure of the OS keyring.
    #[error("The keyring failed (while {action} {account}): {source}. Check that the keyring works (for example with `secret-tool`) and try again")]
    Platform {
        /// What PinDesk was doing.
        action: &'static str,
        /// The keyring account concerned.
        account: String,
        /// The platform's error.
        #[source]
        source: Cause,
    },
    /// A demo profile's credentials are the embedded sandbox's and cannot be changed.
    #[error("{account} belongs to a demo profile: its credentials are the embedded sandbox's")]
    DemoProfile {
        /// The keyring account concerned.
        account: String,
    },
    /// The in-memory test store was told to fail.
    #[cfg(any(test, feature = "test-support"))]
    #[error("test store unavailable ({action} {account})")]
    TestUnavailable {
        /// What was being done.
        action: &'static str,
        /// The account concerned.
        account: String,
    },
}

impl CredentialError {
    /// Every credential error is in the `credentials` category (CLI exit code 4).
    pub fn category(&self) -> crate::error::Category {
        crate::error::Category::Credentials
    }

    /// Whether this is [`NoBackend`](Self::NoBackend).
    pub fn is_no_backend(&self) -> bool {
        matches!(self, CredentialError::NoBackend { .. })
    }
}

/// Where a profile's secrets are kept.
///
/// `profile` ids are validated slugs, so an account `<id>/<kind>` is unambiguous.
pub trait SecretStore: Send + Sync {
    /// The secret, `None` when no entry exists. Every other failure is an error.
    fn get(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
    ) -> Result<Option<Zeroizing<String>>, CredentialError>;

    /// Creates or replaces the secret.
    fn set(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
        value: &str,
    ) -> Result<(), CredentialError>;

    /// Deletes the secret; a missing entry is `Ok`.
    fn delete(&self, profile: &ProfileId, kind: SecretKind) -> Result<(), CredentialError>;

    /// A short name of the backend for the Settings screen, such as `Secret Service`.
    fn backend_name(&self) -> &'static str;

    /// Deletes every kind of secret of the profile. Tries every kind and reports the first
    /// failure, so one broken entry does not keep the others.
    fn delete_all(&self, profile: &ProfileId) -> Result<(), CredentialError> {
        let mut first = None;
        for kind in SecretKind::ALL {
            if let Err(e) = self.delete(profile, kind) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }
}

/// The OS keyring: the product's [`SecretStore`].
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyringStore {
    /// The store for service `pindesk`.
    pub fn new() -> Self {
        Self {
            service: SERVICE.to_owned(),
        }
    }

    /// A store under another service name, so tests never touch the product's entries.
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// The service name of this store's entries.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
        action: &'static str,
    ) -> Result<(keyring::Entry, String), CredentialError> {
        let account = account(profile, kind);
        let credential = backend::builder()
            .build(None, &self.service, &account)
            .map_err(|e| map_error(e, action, &account))?;
        Ok((keyring::Entry::new_with_credential(credential), account))
    }

    /// Checks that the keyring can be reached and is unlocked, without reading or writing an
    /// entry. The Settings screen and the CLI call it early for a clear failure.
    pub fn probe(&self) -> Result<(), CredentialError> {
        backend::probe().map_err(|e| map_error(e, "checking", "the keyring"))
    }
}

impl SecretStore for KeyringStore {
    fn get(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
    ) -> Result<Option<Zeroizing<String>>, CredentialError> {
        let (entry, account) = self.entry(profile, kind, "reading")?;
        match entry.get_password() {
            Ok(value) => Ok(Some(Zeroizing::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e, "reading", &account)),
        }
    }

    fn set(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
        value: &str,
    ) -> Result<(), CredentialError> {
        let (entry, account) = self.entry(profile, kind, "saving")?;
        entry
            .set_password(value)
            .map_err(|e| map_error(e, "saving", &account))
    }

    fn delete(&self, profile: &ProfileId, kind: SecretKind) -> Result<(), CredentialError> {
        let (entry, account) = self.entry(profile, kind, "deleting")?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e, "deleting", &account)),
        }
    }

    fn backend_name(&self) -> &'static str {
        backend::NAME
    }
}

/// What a platform failure means to the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    NoBackend,
    NoDefaultCollection,
    Locked,
    Refused,
    NotResponding,
    Other,
}

/// Turns a keyring error into a [`CredentialError`]. `NoEntry` must be handled by the caller
/// where it means "missing"; anywhere else it is a platform failure.
fn map_error(err: keyring::Error, action: &'static str, account: &str) -> CredentialError {
    let account = account.to_owned();
    let class = backend::classify(&err);
    let source: Cause = match err {
        keyring::Error::BadEncoding(bytes) => {
            // The bytes are the stored value: wipe them, keep nothing of them.
            drop(Zeroizing::new(bytes));
            return CredentialError::Corrupt { account };
        }
        keyring::Error::Ambiguous(items) => {
            return CredentialError::Ambiguous {
                account,
                count: items.len(),
            }
        }
        other => Box::new(other),
    };
    match class {
        Class::NoBackend => CredentialError::NoBackend {
            action,
            account,
            source,
        },
        Class::NoDefaultCollection => CredentialError::NoDefaultCollection {
            action,
            account,
            source,
        },
        Class::Locked => CredentialError::Locked {
            action,
            account,
            source,
        },
        Class::Refused => CredentialError::Refused {
            action,
            account,
            source,
        },
        Class::NotResponding => CredentialError::NotResponding {
            action,
            account,
            source,
        },
        Class::Other => CredentialError::Platform {
            action,
            account,
            source,
        },
    }
}

/// Sorts a D-Bus error name (and message) into what it means for the keyring.
#[cfg_attr(
    not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")),
    allow(dead_code)
)]
fn classify_dbus(name: Option<&str>, message: Option<&str>) -> Class {
    const NO_BACKEND: [&str; 9] = [
        // Nothing owns org.freedesktop.secrets and nothing can be activated for it.
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        // No session bus at the address, or no address at all.
        "org.freedesktop.DBus.Error.NoServer",
        "org.freedesktop.DBus.Error.FileNotFound",
        "org.freedesktop.DBus.Error.BadAddress",
        "org.freedesktop.DBus.Error.NoNetwork",
        "org.freedesktop.DBus.Error.Disconnected",
        // "Unable to autolaunch a dbus-daemon without a $DISPLAY for X11".
        "org.freedesktop.DBus.Error.NotSupported",
        // The service exists on the bus but does not speak the Secret Service protocol.
        "org.freedesktop.DBus.Error.UnknownMethod",
    ];
    match name {
        Some(n) if NO_BACKEND.contains(&n) => Class::NoBackend,
        // Activation of org.freedesktop.secrets failed (the daemon could not start).
        Some(n) if n.starts_with("org.freedesktop.DBus.Error.Spawn.") => Class::NoBackend,
        Some("org.freedesktop.DBus.Error.NoReply")
        | Some("org.freedesktop.DBus.Error.Timeout")
        | Some("org.freedesktop.DBus.Error.TimedOut") => Class::NotResponding,
        Some("org.freedesktop.DBus.Error.AccessDenied")
        | Some("org.freedesktop.DBus.Error.AuthFailed") => Class::Refused,
        Some("org.freedesktop.Secret.Error.IsLocked") => Class::Locked,
        _ if message.is_some_and(|m| m.contains("autolaunch")) => Class::NoBackend,
        _ => Class::Other,
    }
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
mod backend {
    use super::{classify_dbus, Class};
    use dbus_secret_service as dss;

    pub const NAME: &str = "Secret Service";

    pub fn builder() -> Box<keyring::credential::CredentialBuilder> {
        keyring::secret_service::default_credential_builder()
    }

    pub fn classify(err: &keyring::Error) -> Class {
        let inner = match err {
            keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
                e.downcast_ref::<dss::Error>()
            }
            _ => None,
        };
        match inner {
            Some(dss::Error::Locked) | Some(dss::Error::Prompt) => Class::Locked,
            Some(dss::Error::Unavailable) => Class::NoBackend,
            // The `default` alias points nowhere: no keyring to keep entries in.
            Some(dss::Error::NoResult) => Class::NoDefaultCollection,
            Some(dss::Error::Dbus(e)) => classify_dbus(e.name(), e.message()),
            _ => match err {
                keyring::Error::NoStorageAccess(_) => Class::Locked,
                _ => Class::Other,
            },
        }
    }

    /// Connects to the Secret Service and checks it has a default collection and that it is
    /// unlocked. Never prompts.
    pub fn probe() -> keyring::Result<()> {
        let wrap = |e: dss::Error| keyring::Error::PlatformFailure(Box::new(e));
        let ss = dss::SecretService::connect_with_max_prompt_timeout(dss::EncryptionType::Dh, 0)
            .map_err(wrap)?;
        match ss.get_default_collection() {
            Ok(collection) => {
                if collection.is_locked().map_err(wrap)? {
                    Err(keyring::Error::NoStorageAccess(Box::new(
                        dss::Error::Locked,
                    )))
                } else {
                    Ok(())
                }
            }
            Err(e @ dss::Error::NoResult) => Err(keyring::Error::NoStorageAccess(Box::new(e))),
            Err(e) => Err(wrap(e)),
        }
    }
}

#[cfg(target_os = "macos")]
mod backend {
    use super::Class;

    pub const NAME: &str = "macOS Keychain";

    pub fn builder() -> Box<keyring::credential::CredentialBuilder> {
        keyring::macos::default_credential_builder()
    }

    pub fn classify(err: &keyring::Error) -> Class {
        match err {
            keyring::Error::NoStorageAccess(_) => Class::Locked,
            _ => Class::Other,
        }
    }

    pub fn probe() -> keyring::Result<()> {
        let entry = keyring::Entry::new_with_credential(builder().build(
            None,
            super::SERVICE,
            "pindesk-probe/none",
        )?);
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(target_os = "windows")]
mod backend {
    use super::Class;

    pub const NAME: &str = "Windows Credential Manager";

    pub fn builder() -> Box<keyring::credential::CredentialBuilder> {
        keyring::windows::default_credential_builder()
    }

    pub fn classify(err: &keyring::Error) -> Class {
        match err {
            keyring::Error::NoStorageAccess(_) => Class::Refused,
            _ => Class::Other,
        }
    }

    pub fn probe() -> keyring::Result<()> {
        let entry = keyring::Entry::new_with_credential(builder().build(
            None,
            super::SERVICE,
            "pindesk-probe/none",
        )?);
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
pub use memory::MemoryStore;

#[cfg(any(test, feature = "test-support"))]
mod memory {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// An in-memory [`SecretStore`] for unit tests of code built on the trait. Only in test
    /// builds and with the `test-support` feature: never a product fallback.
    #[derive(Debug, Default)]
    pub struct MemoryStore {
        entries: Mutex<HashMap<String, Zeroizing<String>>>,
        unavailable: Mutex<bool>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ProfileId {
        ProfileId::new(s).unwrap()
    }

    #[test]
    fn accounts_are_profile_slash_kind() {
        assert_eq!(
            account(&id("ops-vault"), SecretKind::AccessToken),
            "ops-vault/access-token"
        );
        let names: Vec<_> = SecretKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "access-token",
                "refresh-token",
                "sign-in-phone",
                "sign-in-password",
                "api-key"
            ]
        );
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

    #[test]
    fn dbus_errors_are_classified() {
        let c = |name: &str| classify_dbus(Some(name), None);
        assert_eq!(
            c("org.freedesktop.DBus.Error.ServiceUnknown"),
            Class::NoBackend
        );
        assert_eq!(
            c("org.freedesktop.DBus.Error.Spawn.ChildExited"),
            Class::NoBackend
        );
        assert_eq!(
            c("org.freedesktop.DBus.Error.FileNotFound"),
            Class::NoBackend
        );
        assert_eq!(
            c("org.freedesktop.DBus.Error.NoReply"),
            Class::NotResponding
        );
        assert_eq!(c("org.freedesktop.DBus.Error.AccessDenied"), Class::Refused);
        assert_eq!(c("org.freedesktop.Secret.Error.IsLocked"), Class::Locked);
        assert_eq!(c("org.freedesktop.Secret.Error.NoSuchObject"), Class::Other);
        assert_eq!(
            classify_dbus(
                Some("org.freedesktop.DBus.Error.Failed"),
                Some("Cannot autolaunch D-Bus without X11 $DISPLAY")
            ),
            Class::NoBackend
        );
    }

    #[test]
    fn bad_encoding_becomes_corrupt_without_the_bytes() {
        let err = map_error(
            keyring::Error::BadEncoding(b"canary-\xff".to_vec()),
            "reading",
            "p/api-key",
        );
        assert!(matches!(err, CredentialError::Corrupt { .. }));
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("canary") && !shown.contains("99"),
            "{shown}"
        );
        assert!(err.to_string().contains("save the secret again"));
    }

    #[test]
    fn no_entry_outside_get_and_delete_is_a_platform_error() {
        let err = map_error(keyring::Error::NoEntry, "saving", "p/api-key");
        assert!(matches!(err, CredentialError::Platform { .. }), "{err:?}");
        assert!(err.source().is_some());
    }
}
