//! The judgement after a failed exchange: whether the request provably never left or may
//! have reached the provider.

use std::error::Error as _;
use std::fmt;
use std::io;
use thiserror::Error;

/// Why a request provably never left this computer (or, through a proxy, never left the
/// proxy).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotSentReason {
    /// The provider's host refused the connection.
    Refused,
    /// The host name could not be resolved.
    Dns,
    /// The TLS handshake failed (certificate, protocol, or not a TLS server).
    Tls,
    /// Connecting (DNS, TCP and TLS) took longer than the connect timeout.
    ConnectTimeout,
    /// Connecting failed for another reason.
    Connect,
    /// The request could not be built (for example a header value that cannot be sent).
    InvalidRequest,
    /// The HTTP client could not be created.
    Client,
    /// The server's certificate chains to no authority the profile trusts.
    UntrustedCertificate,
    /// The proxy (`host:port`) refused the connection.
    ProxyRefused(String),
    /// The proxy's host name could not be resolved.
    ProxyDns(String),
    /// The proxy answered `407`: it needs (other) credentials.
    ProxyAuth(String),
    /// The proxy would not open a tunnel to the provider's host (it could not reach it, or
    /// does not allow it).
    ProxyCouldNotReach(String),
    /// Connecting through the proxy failed for another reason.
    ProxyConnect(String),
}

impl fmt::Display for NotSentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotSentReason::Refused => "the connection was refused",
            NotSentReason::Dns => "the host name could not be resolved",
            NotSentReason::Tls => "the secure connection (TLS) could not be established",
            NotSentReason::ConnectTimeout => "connecting timed out",
            NotSentReason::Connect => "the connection could not be made",
            NotSentReason::InvalidRequest => "the request could not be built",
            NotSentReason::Client => "the HTTP client could not be created",
            NotSentReason::UntrustedCertificate => {
                "the server's certificate is signed by an authority this profile does not trust"
            }
            NotSentReason::ProxyRefused(proxy) => {
                return write!(f, "the proxy {proxy} refused the connection")
            }
            NotSentReason::ProxyDns(proxy) => {
                return write!(f, "the proxy's host name ({proxy}) could not be resolved")
            }
            NotSentReason::ProxyAuth(proxy) => {
                return write!(
                    f,
                    "the proxy {proxy} refused the connection (407 — proxy credentials needed)"
                )
            }
            NotSentReason::ProxyCouldNotReach(host) => {
                return write!(
                    f,
                    "the proxy could not reach {host}, or would not let this request through"
                )
            }
            NotSentReason::ProxyConnect(proxy) => {
                return write!(
                    f,
                    "the connection through the proxy {proxy} could not be made"
                )
            }
        })
    }
}

/// Why a request that may have reached the provider got no complete answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaybeSentReason {
    /// The exchange timed out after the connection was made.
    Timeout,
    /// The connection was closed or reset before a complete answer.
    ConnectionClosed,
    /// The answer's body could not be read to its end.
    BodyRead,
}

impl fmt::Display for MaybeSentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MaybeSentReason::Timeout => "no answer came in time",
            MaybeSentReason::ConnectionClosed => "the connection closed before an answer came",
            MaybeSentReason::BodyRead => "the answer could not be read to its end",
        })
    }
}

/// A failed exchange, and whether the request may have reached the provider.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The request provably never left; nothing reached the provider.
    #[error("the request was not sent: {reason}")]
    NotSent {
        /// What went wrong.
        reason: NotSentReason,
        /// The transport's own description (no URL, no header, no body).
        detail: String,
    },
    /// The request may have reached the provider, but no complete answer came.
    #[error("the request may have reached the provider: {reason}")]
    MaybeSent {
        /// What went wrong.
        reason: MaybeSentReason,
        /// The transport's own description (no URL, no header, no body).
        detail: String,
    },
}

impl TransportError {
    /// A stable name of what failed: `not_sent` or `maybe_sent`.
    pub fn code(&self) -> &'static str {
        match self {
            TransportError::NotSent { .. } => "not_sent",
            TransportError::MaybeSent { .. } => "maybe_sent",
        }
    }

    /// Whether the request may have reached the provider (so a state-changing call must not
    /// be repeated without checking).
    pub fn may_have_been_sent(&self) -> bool {
        matches!(self, TransportError::MaybeSent { .. })
    }

    pub(crate) fn invalid_request(detail: impl Into<String>) -> Self {
        TransportError::NotSent {
            reason: NotSentReason::InvalidRequest,
            detail: detail.into(),
        }
    }

    /// [`from_reqwest`](Self::from_reqwest) for a request that went through `proxy`
    /// (`host:port`) to `host`: a failure before the tunnel was open is the proxy's, told as
    /// such; after, the same rules as a direct connection.
    pub fn from_reqwest_via(err: &reqwest::Error, proxy: Option<&str>, host: &str) -> Self {
        let direct = Self::from_reqwest(err);
        let Some(proxy) = proxy else {
            return direct;
        };
        let TransportError::NotSent { reason, detail } = direct else {
            return direct;
        };
        let proxy = proxy.to_owned();
        let reason = if chain_mentions(err, &["proxy authorization required"]) {
            NotSentReason::ProxyAuth(proxy)
        } else if chain_mentions(err, &["unsuccessful"]) {
            NotSentReason::ProxyCouldNotReach(host.to_owned())
        } else {
            match reason {
                NotSentReason::Refused => NotSentReason::ProxyRefused(proxy),
                NotSentReason::Dns => NotSentReason::ProxyDns(proxy),
                NotSentReason::Connect => NotSentReason::ProxyConnect(proxy),
                // TLS is the provider's (inside the tunnel); timeouts and the rest keep their words.
                other => other,
            }
        };
        TransportError::NotSent { reason, detail }
    }

    /// Classifies a `reqwest` error from sending a request or reading its answer.
    pub fn from_reqwest(err: &reqwest::Error) -> Self {
        let detail = describe(err);
        if err.is_builder() {
            return TransportError::NotSent {
                reason: NotSentReason::InvalidRequest,
                detail,
            };
        }
        if err.is_connect() {
            let reason = if err.is_timeout() {
                NotSentReason::ConnectTimeout
            } else if chain_has_io_kind(err, io::ErrorKind::ConnectionRefused) {
                NotSentReason::Refused
            } else if chain_mentions(
                err,
                &[
                    "dns error",
                    "failed to lookup address",
                    "name or service not known",
                ],
            ) {
                NotSentReason::Dns
            } else if chain_mentions(err, &["unknownissuer", "unknown issuer"]) {
                NotSentReason::UntrustedCertificate
            } else if chain_mentions(
                err,
                &[
                    "tls",
                    "certificate",
                    "handshake",
                    "corrupt message",
                    "invalid peer",
                    "alert",
                ],
            ) || chain_has_io_kind(err, io::ErrorKind::InvalidData)
            {
                NotSentReason::Tls
            } else {
                NotSentReason::Connect
            };
            return TransportError::NotSent { reason, detail };
        }
        let reason = if err.is_timeout() {
            MaybeSentReason::Timeout
        } else if err.is_body() || err.is_decode() {
            MaybeSentReason::BodyRead
        } else {
            MaybeSentReason::ConnectionClosed
        };
        TransportError::MaybeSent { reason, detail }
    }
}

pub(super) fn describe(err: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    if parts.is_empty() {
        // The top-level message names the URL; the kind alone is enough.
        parts.push(if err.is_timeout() {
            "timed out".into()
        } else {
            "request failed".into()
        });
    }
    crate::providers::clean_text(&parts.join(": "), &[])
}

fn chain_has_io_kind(err: &reqwest::Error, kind: io::ErrorKind) -> bool {
    let mut source = err.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if io.kind() == kind {
                return true;
            }
        }
        source = e.source();
    }
    false
}

fn chain_mentions(err: &reqwest::Error, needles: &[&str]) -> bool {
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string().to_ascii_lowercase();
        if needles.iter().any(|n| text.contains(n)) {
            return true;
        }
        source = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[tokio::test]
    async fn refused_port_is_not_sent() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        drop(l);
        let e = transport(post(&format!("http://{addr}/x")).await);
        assert!(
            matches!(
                e,
                TransportError::NotSent {
                    reason: NotSentReason::Refused,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(!e.may_have_been_sent());
        assert!(!e.to_string().contains("127.0.0.1"), "{e}");
    }

    #[tokio::test]
    async fn accept_and_close_may_have_been_sent() {
        let addr = listener(|s| async move { drop(s) }).await;
        let e = transport(post(&format!("http://{addr}/x")).await);
        assert!(
            matches!(
                e,
                TransportError::MaybeSent {
                    reason: MaybeSentReason::ConnectionClosed,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.may_have_been_sent());
    }

    #[tokio::test]
    async fn read_and_never_answer_times_out_maybe_sent() {
        let addr = listener(|mut s| async move {
            read_request_head(&mut s).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(s);
        })
        .await;
        let started = Instant::now();
        let e = transport(post(&format!("http://{addr}/x")).await);
        assert!(
            matches!(
                e,
                TransportError::MaybeSent {
                    reason: MaybeSentReason::Timeout,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn https_against_plain_http_is_a_tls_failure_not_sent() {
        let addr = listener(|mut s| async move {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        })
        .await;
        let e = transport(post(&format!("https://{addr}/x")).await);
        assert!(
            matches!(
                e,
                TransportError::NotSent {
                    reason: NotSentReason::Tls,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn silent_tls_server_is_a_connect_timeout_not_sent() {
        let addr = listener(|mut s| async move {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
        })
        .await;
        let e = transport(post(&format!("https://{addr}/x")).await);
        assert!(
            matches!(
                e,
                TransportError::NotSent {
                    reason: NotSentReason::ConnectTimeout,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn unknown_host_is_not_sent() {
        let e = transport(get("https://pindesk-test.invalid/x").await);
        assert!(
            matches!(
                e,
                TransportError::NotSent {
                    reason: NotSentReason::Dns,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(!e.to_string().contains("pindesk-test.invalid"), "{e}");
    }

    #[tokio::test]
    async fn truncated_body_may_have_been_sent() {
        let addr = listener(|mut s| async move {
            read_request_head(&mut s).await;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"result\"")
                .await;
            let _ = s.flush().await;
            drop(s);
        })
        .await;
        let e = transport(post(&format!("http://{addr}/x")).await);
        assert!(
            matches!(
                e,
                TransportError::MaybeSent {
                    reason: MaybeSentReason::BodyRead,
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
