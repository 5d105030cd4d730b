//! A faithful, stateful simulator of the two card-issuer APIs PinDesk speaks: Vault's
//! Card Program 1 passcode flow and Solid's Issuing PIN flow (see docs/PROVIDERS.md).
//!
//! One HTTP server on 127.0.0.1 (plain, or TLS with a given certificate: [`Sandbox::start_tls`])
//! serves both providers' paths at the same base URL, plus
//! sandbox-only controls under `/_sandbox/` (last SMS code, passcode/PIN checks, key rotation,
//! faults and a virtual clock; see `docs/SANDBOX.md`). State is real: codes are generated,
//! expire, are burnt after too many wrong attempts; passcodes are RSA-decrypted and stored;
//! PIN tokens are single-use. Every error is answered in the provider's own shape.
//!
//! The sandbox is an independent oracle for PinDesk's client and never depends on it. It
//! logs the method, path and status of each request and never a passcode, PIN, code, token
//! or key.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = pindesk_sandbox::Sandbox::start(Default::default()).await?;
//! println!("{}", pindesk_sandbox::banner(&sandbox));
//! sandbox.stop().await;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod banner;
mod body;
mod clock;
mod config;
mod conn;
mod control;
pub mod demo;
mod errors;
mod faults;
mod keys;
mod policy;
mod routes;
mod server;
mod solid;
mod state;
mod tls;
mod vault;
mod vault_auth;
mod vault_cards;
mod vault_pin;

pub use banner::banner;
pub use config::{Padding, ParsePaddingError, SandboxConfig, SandboxKey};
pub use server::Sandbox;
pub use tls::TlsIdentity;
pub use vault_auth::{SCENARIO_PREFIX, SIGN_IN_REFUSALS};
