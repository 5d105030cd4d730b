//! Profiles: which provider, environment and settings an operator uses, kept in the profiles
//! file `profiles.toml` in the config dir.
//!
//! This module owns the typed [`ProfilesFile`] and the [`ProfileStore`] that reads and writes
//! it. It never writes a secret: no field for one exists, and the credentials of a profile live
//! in the OS keyring (see [`crate::credentials`]), keyed by the profile's [`ProfileId`].
//!
//! # The file
//! ```toml
//! active = "ops-vault"            # optional: the profile used when none is named
//!
//! [settings]                      # optional, every key has a default
//! history_retention_days = 365
//! idle_timeout_secs = 300
//! clipboard_clear_secs = 30
//!
//! [[profiles]]
//! id = "ops-vault"                # the NAME on the command line: a-z, 0-9, '-', 1 to 40 chars
//! display_name = "Operations (Vault)"
//! provider = "vault"              # vault | solid
//! environment = "sandbox"         # sandbox | production | an https:// URL (http:// to loopback)
//!
//! [profiles.vault]                # only for provider = "vault"; every key optional
//! merchant_id = "0b7f…"           # the X-Merchant-ID sent when signing in (a UUID)
//! rsa_padding = "pkcs1"           # pkcs1 | oaep-sha256 | oaep-sha1
//! auth = "token"                  # token (pasted access token) | sign-in (phone + password)
//! passcode_policy = { min_len = 6 }   # tightens the default passcode policy
//!
//! [[profiles]]
//! id = "ops-solid"
//! display_name = "Operations (Solid)"
//! provider = "solid"
//! environment = "production"
//!
//! [profiles.solid]                # only for provider = "solid"; every key optional
//! pin_endpoint = "https://…"      # where PinDesk sets a PIN itself with the PIN token
//! token_lifetime_secs = 300
//! pin_policy = { }                # tightens the default PIN policy
//! usable_statuses = ["active"]    # card statuses usable beside open and activated
//! ```
//! Vault has no default production host (the provider assigns one per merchant), so a Vault
//! profile names its production host as a URL; `production` is refused for Vault.
//!
//! # Writing
//! Every change re-reads the file, applies itself and writes the result atomically: a temporary
//! file in the same folder, `fsync`, rename over the old file, `fsync` of the folder. On Unix
//! the file has mode 0600 and a folder created for it 0700. A file that cannot be parsed is
//! reported as [`ProfileError::Corrupt`] with its line and column and is never overwritten:
//! every write re-reads the file first and stops when it cannot, and a [`ProfileStore`] that
//! has seen the file damaged refuses every write ([`ProfileError::WritesBlocked`]) until
//! [`ProfileStore::reset`], the operator's explicit choice, moves the damaged file aside.
//! Each change (read, modify, write) holds an exclusive advisory lock on `profiles.toml.lock`
//! beside the file, so processes changing profiles at the same instant (the desktop app and
//! `pindesk-cli`) take turns and none loses another's change; reading takes no lock.
//!
//! # Reading
//! A [`ProfileStore`] keeps the parsed file in memory: each read costs one `stat`, which tells
//! whether the file is still the one in memory (see the `cache` module for the stamp compared
//! and why it notices every change), so a change by the CLI or another instance is seen by the
//! next read, and a file is parsed again only when its bytes changed.

mod cache;
#[cfg(test)]
mod cache_tests;
mod destination;
mod environment;
mod error;
mod file;
mod id;
mod lock;
mod model;
mod store;
#[cfg(test)]
mod tests;

pub use environment::{Environment, SOLID_PRODUCTION_URL, SOLID_SANDBOX_URL, VAULT_SANDBOX_URL};
pub(crate) use error::truncate;
pub use error::ProfileError;
pub use file::{AppSettings, ProfilesFile};
pub use id::{ProfileId, MAX_ID_LEN};
pub use model::{
    Profile, Provider, ProviderSettings, SolidSettings, VaultAuth, VaultSettings,
    MAX_DISPLAY_NAME_LEN,
};
pub(crate) use store::create_private_dir;
pub use store::ProfileStore;
