//! The OS keyring backend, the product's only store: one backend per OS, and the diagnosis
//! of its failures into errors an operator can act on.

use zeroize::Zeroizing;

use super::error::Cause;
use super::{account, CredentialError, SecretKind, SecretStore, SERVICE};
use crate::profile::ProfileId;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

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
