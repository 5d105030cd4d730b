//! Test infrastructure for PinDesk's enterprise-network tests, all on loopback and with real
//! software: a test certificate authority ([`TestCa`]) whose server certificates the sandbox
//! can present ([`pindesk_sandbox::Sandbox::start_tls`]), and Debian's real `tinyproxy` as the
//! corporate HTTP proxy ([`Tinyproxy`]), with or without Basic authentication, Debian's Dante
//! server as a SOCKS5 proxy ([`Danted`]), a proxy address that is down ([`closed_port`]), and
//! Debian's real `rsyslogd` as the central audit collector ([`Rsyslog`]), over TCP or TLS.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use pindesk_testkit::{TestCa, Tinyproxy, TinyproxyOptions};
//! let ca = TestCa::new("PinDesk Test Root");
//! let identity = ca.server_identity(&["localhost", "127.0.0.1"]);
//! let sandbox = pindesk_sandbox::Sandbox::start_tls(Default::default(), identity).await?;
//! let proxy = Tinyproxy::start(TinyproxyOptions::default())?;
//! // ... a client using proxy.url() and trusting ca.ca_pem() calls sandbox.base_url() ...
//! assert_eq!(proxy.connects_to(&format!("localhost:{}", sandbox.addr().port())), 1);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod ca;
mod danted;
mod rsyslog;
mod tinyproxy;

pub use ca::TestCa;
pub use danted::Danted;
pub use pindesk_sandbox::TlsIdentity;
pub use rsyslog::{Rsyslog, RsyslogOptions, RsyslogTls};
pub use tinyproxy::{closed_port, Tinyproxy, TinyproxyOptions};
