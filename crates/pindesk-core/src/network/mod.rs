//! How a profile's requests reach its provider: through no proxy, the system's proxy or a named
//! one, trusting the bundled web roots, the system's store or a corporate CA — and what the
//! machine-wide configuration imposes on all of them (see [`crate::system_config`]).
//!
//! A profile sets `[profiles.network]` in the file:
//! ```toml
//! [profiles.network]
//! proxy = "http://ops@proxy.bank.example:3128"   # none | system | http:// or socks5:// URL
//! pin_proxy = "none"                             # Solid's PIN endpoint, when it differs
//! ca = "/etc/ssl/bank-root.pem"                  # bundled | os | a PEM file
//! ```
//! A proxy's user name is in its URL; its password is a secret like the others, kept in the
//! keyring (`<profile>/proxy-password`).
//!
//! One HTTP client is built per distinct route and kept ([`ClientPool`]).

mod pool;
mod proxy;
mod settings;
mod trust;

pub use pool::ClientPool;
pub use proxy::{ProxySetting, ProxyUrl};
pub use settings::{MachineNetwork, NetworkSettings, Route};
pub use trust::{read_pem_certificates, TrustSetting};
