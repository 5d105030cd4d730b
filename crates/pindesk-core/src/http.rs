//! The HTTP transport shared by the provider clients: one `reqwest` client per profile, a
//! capped body reader, and the one judgement that matters after a failure — whether the
//! request provably never left ([`TransportError::NotSent`]) or may have reached the provider
//! ([`TransportError::MaybeSent`]).
//!
//! Decisions:
//! - rustls with the bundled web PKI roots; user agent `PinDesk/<version>`.
//! - **No proxy**, not even one named by `HTTPS_PROXY`/`HTTP_PROXY`: through a proxy, a
//!   successful connect only reaches the proxy, and a proxy's own `502`/`504` would be taken
//!   for the provider's answer, so the sent/not-sent judgement (and the loopback-only rule for
//!   plain `http://`) would no longer hold.
//! - **No redirects**: a 3xx is an answer like any other; a request carrying a secret is never
//!   replayed to another URL.
//! - The connect timeout covers DNS, TCP and the TLS handshake; the total timeout covers the
//!   whole exchange including the body.
//!
//! Classification of a failed exchange:
//! - `NotSent`: connection refused, DNS failure, TLS handshake failure, connect timeout, a
//!   request that could not be built. Nothing reached the provider; safe to retry.
//! - `MaybeSent`: a timeout after the connection was made, the connection closed or reset
//!   before a complete answer, a failure while reading the body. The provider may have acted.
//!
//! This module logs only the method, the path template, the status and the duration; it never
//! logs or formats a header value or a body. Bodies built from secrets go through
//! [`secret_body`] so the serialized bytes are zeroized when the transport drops them.

use bytes::Bytes;
use reqwest::dns::Resolve;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Client, Request, Response};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::error::Error as _;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::validate::ValidationError;

/// The largest response body read, in bytes (1 MiB); reading stops past it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

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

/// Why a request provably never left this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

fn describe(err: &reqwest::Error) -> String {
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

/// A failed exchange as the provider clients see it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The transport failed (see [`TransportError`]).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The provider answered with a body larger than [`MAX_BODY_BYTES`]; reading stopped.
    #[error("the answer (HTTP {status}) is larger than {limit} bytes")]
    BodyTooLarge {
        /// The answer's status.
        status: u16,
        /// The limit that was exceeded.
        limit: usize,
    },
}

/// A complete answer: status, the headers the clients use, and the body (zeroized on drop,
/// since it may carry a token).
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// `Retry-After` in seconds, when present and numeric.
    pub retry_after: Option<Duration>,
    /// The `Content-Type` header, when present.
    pub content_type: Option<String>,
    /// The body, at most [`MAX_BODY_BYTES`].
    pub body: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("retry_after", &self.retry_after)
            .field("content_type", &self.content_type)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
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

/// Sends `request` and reads its whole answer (capped at [`MAX_BODY_BYTES`]). `route` is the
/// path template logged in place of the real path (for example `/v2/card/{id}/passcode/code/set`).
pub async fn execute(
    client: &Client,
    request: Request,
    route: &'static str,
) -> Result<Answer, HttpError> {
    let method = request.method().clone();
    let started = Instant::now();
    let result = async {
        let response = client
            .execute(request)
            .await
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_capped(response, MAX_BODY_BYTES).await?;
        Ok::<_, HttpError>(Answer {
            status,
            retry_after: retry_after(&headers),
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        })
    }
    .await;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match &result {
        Ok(answer) => {
            tracing::info!(method = %method, route, status = answer.status, elapsed_ms, "provider call")
        }
        Err(HttpError::BodyTooLarge { status, .. }) => {
            tracing::warn!(method = %method, route, status, elapsed_ms, "provider answer too large")
        }
        Err(HttpError::Transport(e)) => {
            tracing::warn!(method = %method, route, elapsed_ms, error = %e, "provider call failed")
        }
    }
    result
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// Reads a response body, stopping with [`HttpError::BodyTooLarge`] as soon as it exceeds
/// `limit` bytes. The bytes are kept in a buffer zeroized on drop (and on every regrowth).
pub async fn read_capped(
    mut response: Response,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, HttpError> {
    let status = response.status().as_u16();
    if let Some(len) = response.content_length() {
        if len > limit as u64 {
            return Err(HttpError::BodyTooLarge { status, limit });
        }
    }
    let hint = response
        .content_length()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(1024)
        .min(limit);
    let mut body = Zeroizing::new(Vec::with_capacity(hint));
    loop {
        let chunk = response
            .chunk()
            .await
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let Some(chunk) = chunk else { break };
        if body.len() + chunk.len() > limit {
            return Err(HttpError::BodyTooLarge { status, limit });
        }
        if body.capacity() - body.len() < chunk.len() {
            let wanted = (body.len() + chunk.len())
                .max(body.capacity() * 2)
                .min(limit);
            let mut bigger = Zeroizing::new(Vec::with_capacity(wanted));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Wraps serialized bytes that contain a secret as a request body; the bytes are zeroized
/// when the transport releases them.
pub fn secret_body(bytes: Zeroizing<Vec<u8>>) -> reqwest::Body {
    reqwest::Body::from(Bytes::from_owner(bytes))
}

/// Builds a header value holding a secret (`prefix` + `secret`, e.g. `Bearer ` + token),
/// marked sensitive and backed by memory zeroized on drop. Fails, without saying why in
/// terms of the value, when the secret contains characters a header cannot carry.
pub fn secret_header(prefix: &str, secret: &str) -> Result<HeaderValue, TransportError> {
    let mut buf = Zeroizing::new(Vec::with_capacity(prefix.len() + secret.len()));
    buf.extend_from_slice(prefix.as_bytes());
    buf.extend_from_slice(secret.as_bytes());
    let mut value = HeaderValue::from_maybe_shared(Bytes::from_owner(buf)).map_err(|_| {
        TransportError::invalid_request(
            "a credential contains characters that cannot be sent in a header",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Serializes `value` as JSON into a zeroizing buffer sized up front so it never regrows
/// (a regrowth would leave a copy behind). `estimate` is the total length of its strings.
pub(crate) fn json_secret_body<T: Serialize>(
    value: &T,
    estimate: usize,
) -> Result<Zeroizing<Vec<u8>>, TransportError> {
    // Worst case JSON escapes a byte as \u00XX (6 bytes); 256 covers keys and punctuation.
    let mut buf = Zeroizing::new(Vec::with_capacity(
        estimate.saturating_mul(6).saturating_add(256),
    ));
    serde_json::to_writer(&mut *buf, value)
        .map_err(|_| TransportError::invalid_request("the request body could not be serialized"))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    fn quick() -> HttpSettings {
        HttpSettings {
            connect_timeout: Duration::from_millis(300),
            total_timeout: Duration::from_millis(800),
        }
    }

    /// Every client of these tests refuses name lookups: no DNS query leaves the computer.
    fn client() -> Client {
        build_client_with_resolver(&quick(), Arc::new(RefusingResolver)).unwrap()
    }

    async fn get(url: &str) -> Result<Answer, HttpError> {
        let client = client();
        let request = client.get(url).build().unwrap();
        execute(&client, request, "/test").await
    }

    async fn post(url: &str) -> Result<Answer, HttpError> {
        let client = client();
        let request = client.post(url).body("{\"a\":1}").build().unwrap();
        execute(&client, request, "/test").await
    }

    /// A listener that runs `behave` on each accepted connection.
    async fn listener<F, Fut>(behave: F) -> SocketAddr
    where
        F: Fn(TcpStream) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                tokio::spawn(behave(s));
            }
        });
        addr
    }

    async fn read_request_head(s: &mut TcpStream) {
        let mut buf = vec![0u8; 4096];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    }

    fn transport(r: Result<Answer, HttpError>) -> TransportError {
        match r {
            Err(HttpError::Transport(t)) => t,
            other => panic!("expected a transport error, got {other:?}"),
        }
    }

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

    async fn respond_with(head: &'static str, body_len: usize) -> SocketAddr {
        listener(move |mut s| async move {
            read_request_head(&mut s).await;
            let _ = s.write_all(head.as_bytes()).await;
            let chunk = vec![b'a'; 64 * 1024];
            let mut left = body_len;
            while left > 0 {
                let n = left.min(chunk.len());
                if head.contains("chunked") {
                    let _ = s.write_all(format!("{n:x}\r\n").as_bytes()).await;
                    if s.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    let _ = s.write_all(b"\r\n").await;
                } else if s.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                left -= n;
            }
            if head.contains("chunked") {
                let _ = s.write_all(b"0\r\n\r\n").await;
            }
        })
        .await
    }

    #[tokio::test]
    async fn large_bodies_are_cut_off() {
        let addr = respond_with(
            "HTTP/1.1 200 OK\r\ncontent-length: 2097152\r\n\r\n",
            2 << 20,
        )
        .await;
        let r = get(&format!("http://{addr}/x")).await;
        assert_eq!(
            r.unwrap_err(),
            HttpError::BodyTooLarge {
                status: 200,
                limit: MAX_BODY_BYTES
            }
        );

        let addr = respond_with(
            "HTTP/1.1 500 Oops\r\ntransfer-encoding: chunked\r\n\r\n",
            2 << 20,
        )
        .await;
        let r = get(&format!("http://{addr}/x")).await;
        assert_eq!(
            r.unwrap_err(),
            HttpError::BodyTooLarge {
                status: 500,
                limit: MAX_BODY_BYTES
            }
        );

        let addr = respond_with("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nretry-after: 7\r\ncontent-type: text/plain\r\n\r\n", MAX_BODY_BYTES).await;
        let a = get(&format!("http://{addr}/x")).await.unwrap();
        assert_eq!(a.status, 200);
        assert_eq!(a.body.len(), MAX_BODY_BYTES);
        assert_eq!(a.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(a.content_type.as_deref(), Some("text/plain"));
        assert!(format!("{a:?}").contains("1048576 bytes"));
    }

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

    #[test]
    fn secret_header_is_sensitive() {
        let v = secret_header("Bearer ", "abc.def").unwrap();
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Bearer abc.def");
        assert!(!format!("{v:?}").contains("abc"));
        let e = secret_header("Bearer ", "abc\ndef").unwrap_err();
        assert!(matches!(
            e,
            TransportError::NotSent {
                reason: NotSentReason::InvalidRequest,
                ..
            }
        ));
        assert!(!e.to_string().contains("abc"));
    }

    #[test]
    fn json_secret_body_fits_without_regrowth() {
        #[derive(Serialize)]
        struct B<'a> {
            pin: &'a str,
        }
        let nasty = "\u{1}\"\\".repeat(10);
        let body = json_secret_body(&B { pin: &nasty }, nasty.len()).unwrap();
        let cap = body.capacity();
        assert!(body.len() <= cap);
        assert_eq!(cap, nasty.len() * 6 + 256);
        let back: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(back["pin"], nasty.as_str());
    }
}
