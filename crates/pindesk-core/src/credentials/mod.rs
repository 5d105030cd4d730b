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

mod error;
mod kind;
#[cfg(any(test, feature = "test-support"))]
mod memory;
mod os_keyring;
mod store;

pub use error::CredentialError;
pub use kind::{account, SecretKind, SERVICE};
#[cfg(any(test, feature = "test-support"))]
pub use memory::MemoryStore;
pub use os_keyring::KeyringStore;
pub use store::SecretStore;

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
