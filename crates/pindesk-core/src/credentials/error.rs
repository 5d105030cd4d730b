//! What can go wrong with the keyring, in the operator's words: the cause and the fix.

use std::error::Error as StdError;

pub(super) type Cause = Box<dyn StdError + Send + Sync + 'static>;

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
