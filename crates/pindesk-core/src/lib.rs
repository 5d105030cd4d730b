//! PinDesk's core: everything the desktop app and the CLI share, with no Tauri in it.
//!
//! Data flows one way: a caller hands inputs (and secrets) to a service, which validates them,
//! loads the profile, reads the credential from the keyring, calls the provider and records
//! the operation in the history. Secrets only travel inward; nothing here returns one to a
//! caller except the Solid PIN token, which is itself a [`secret`] type.
#![deny(missing_docs)]

pub mod api;
pub mod audit;
pub mod cards;
pub mod credentials;
pub mod crypto;
pub mod demo;
pub mod desk;
pub mod device;
pub mod error;
pub mod history;
pub mod http;
pub mod logging;
pub mod network;
pub mod paths;
pub mod policy;
pub mod profile;
pub mod providers;
pub mod secret;
pub mod system_config;
pub mod validate;

/// This build's version, as history events record it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
