//! Building the one client of a profile: its timeouts, rustls, no proxy, no redirects, and a
//! resolver that refuses every lookup (for tests).

use reqwest::dns::Resolve;
use reqwest::Client;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::io;
use std::sync::Arc;
use std::time::Duration;

use super::transport::describe;
use super::{NotSentReason, TransportError};
use crate::validate::ValidationError;

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!("PinDesk/", env!("CARGO_PKG_VERSION"));

/// Timeouts of a profile's HTTP client. Serialized as seconds (`connect_timeout = 5.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// Time allowed for DNS, TCP connect and the TLS handshake (default 5 s).
    #[serde(with = "secs")]
    pub connect_timeout: Duration,
    /// Time allowed for the whole exchange, body included (default 20 s).
    #[serde(with = "secs")]
    pub total_timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(20),
        }
    }
}

impl HttpSettings {
    /// Checks that both timeouts are between 0.1 s and 600 s and that the connect timeout
    /// does not exceed the total (field `http`).
    pub fn validate(&self) -> Result<(), ValidationError> {
        let range = Duration::from_millis(100)..=Duration::from_secs(600);
        if !range.contains(&self.connect_timeout) || !range.contains(&self.total_timeout) {
            return Err(ValidationError::new(
                "http",
                "timeouts must be between 0.1 and 600 seconds",
            ));
        }
        if self.connect_timeout > self.total_timeout {
            return Err(ValidationError::new(
                "http",
                "the connect timeout must not exceed the total timeout",
            ));
        }
        Ok(())
    }
}

mod secs {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}

/// Builds the one HTTP client of a profile: rustls, the given timeouts, no proxy, no
/// redirects, user agent `PinDesk/<version>`.
pub fn build_client(settings: &HttpSettings) -> Result<Client, TransportError> {
    builder(settings)
        .build()
        .map_err(|e| TransportError::NotSent {
            reason: NotSentReason::Client,
            detail: describe(&e),
        })
}

/// [`build_client`] with `resolver` answering every host-name lookup in place of the system
/// resolver. Tests use it so that no DNS query leaves the computer (a resolver that always
/// fails gives the "host does not resolve" case); the product uses [`build_client`].
pub fn build_client_with_resolver(
    settings: &HttpSettings,
    resolver: Arc<dyn Resolve>,
) -> Result<Client, TransportError> {
    builder(settings)
        .dns_resolver2(resolver)
        .build()
        .map_err(|e| TransportError::NotSent {
            reason: NotSentReason::Client,
            detail: describe(&e),
        })
}

/// A resolver that answers every lookup with an error, without asking anyone: with
/// [`build_client_with_resolver`], a client that can reach only IP-literal URLs (tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct RefusingResolver;

impl Resolve for RefusingResolver {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            Err(Box::new(io::Error::new(
                io::ErrorKind::NotFound,
                "failed to lookup address information: name or service not known",
            )) as Box<dyn std::error::Error + Send + Sync>)
        })
    }
}

fn builder(settings: &HttpSettings) -> reqwest::ClientBuilder {
    Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.total_timeout)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .use_rustls_tls()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn redirects_are_not_followed_and_agent_is_sent() {
        let addr = listener(|mut s| async move {
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
            let agent_ok = head.contains(&format!("user-agent: {}", USER_AGENT.to_ascii_lowercase()));
            let reply = if agent_ok {
                "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:1/elsewhere\r\ncontent-length: 0\r\n\r\n"
            } else {
                "HTTP/1.1 418 No\r\ncontent-length: 0\r\n\r\n"
            };
            let _ = s.write_all(reply.as_bytes()).await;
        })
        .await;
        let a = post(&format!("http://{addr}/x")).await.unwrap();
        assert_eq!(a.status, 302);
    }

    #[test]
    fn settings_serde_and_bounds() {
        let d = HttpSettings::default();
        assert_eq!(d.connect_timeout, Duration::from_secs(5));
        assert_eq!(d.total_timeout, Duration::from_secs(20));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"connect_timeout":5.0,"total_timeout":20.0}"#);
        let s: HttpSettings = serde_json::from_str(r#"{"connect_timeout":2.5}"#).unwrap();
        assert_eq!(s.connect_timeout, Duration::from_millis(2500));
        assert_eq!(s.total_timeout, Duration::from_secs(20));
        assert!(s.validate().is_ok());
        assert!(serde_json::from_str::<HttpSettings>(r#"{"connect_timeout":-1}"#).is_err());
        let bad = HttpSettings {
            connect_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(20),
        };
        assert_eq!(bad.validate().unwrap_err().field, "http");
        assert!(HttpSettings {
            connect_timeout: Duration::ZERO,
            ..d
        }
        .validate()
        .is_err());
    }
}
