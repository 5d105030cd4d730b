//! Building the client of a route: its timeouts, rustls with the route's trust, its proxy, no
//! redirects, and a resolver that refuses every lookup (for tests).

use hyper_util::client::proxy::matcher::Matcher;
use reqwest::dns::Resolve;
use reqwest::{Client, Method, RequestBuilder, Url};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::io;
use std::sync::Arc;
use std::time::Duration;

use super::transport::describe;
use super::{NotSentReason, TransportError};
use crate::network::{read_pem_certificates, ProxySetting, Route, TrustSetting};
use crate::validate::ValidationError;

/// A client of one route, which knows whether a request goes through a proxy, so that a
/// failure is told as the proxy's or the provider's.
#[derive(Clone)]
pub struct HttpClient {
    inner: Client,
    proxy: Hop,
}

#[derive(Clone)]
enum Hop {
    Direct,
    Every(String),
    /// The environment's proxy, asked per request as reqwest asks it.
    System(Arc<Matcher>),
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hop = match &self.proxy {
            Hop::Direct => "direct",
            Hop::Every(_) => "proxy",
            Hop::System(_) => "system",
        };
        f.debug_struct("HttpClient").field("hop", &hop).finish()
    }
}

impl HttpClient {
    /// A request of `method` to `url`.
    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.inner.request(method, url)
    }

    /// A `GET` of `url`.
    pub fn get(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.inner.get(url)
    }

    /// A `POST` to `url`.
    pub fn post(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.inner.post(url)
    }

    pub(super) fn reqwest(&self) -> &Client {
        &self.inner
    }

    /// The proxy (`host:port`) a request to `url` goes through, if any.
    pub fn proxy_for(&self, url: &Url) -> Option<String> {
        match &self.proxy {
            Hop::Direct => None,
            Hop::Every(shown) => Some(shown.clone()),
            Hop::System(matcher) => {
                let uri: http::Uri = url.as_str().parse().ok()?;
                let hop = matcher.intercept(&uri)?;
                let proxy = hop.uri();
                Some(match (proxy.host(), proxy.port_u16()) {
                    (Some(host), Some(port)) => format!("{host}:{port}"),
                    (Some(host), None) => host.to_owned(),
                    _ => "the system's proxy".to_owned(),
                })
            }
        }
    }
}

impl From<Client> for HttpClient {
    /// A client that goes straight to the provider.
    fn from(inner: Client) -> Self {
        HttpClient {
            inner,
            proxy: Hop::Direct,
        }
    }
}

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

/// Builds an HTTP client with no proxy and the bundled roots: rustls, the given timeouts, no
/// redirects, user agent `PinDesk/<version>`.
pub fn build_client(settings: &HttpSettings) -> Result<HttpClient, TransportError> {
    finish(
        builder(settings)
            .no_proxy()
            .tls_built_in_native_certs(false),
    )
    .map(HttpClient::from)
}

/// Builds the client of `route`: its proxy (with the user and password when it asks for
/// them), its trust, and the machine's CAs. A CA file that cannot be used is an error naming
/// field `ca`.
pub fn build_route_client(
    settings: &HttpSettings,
    route: &Route,
    proxy_credentials: Option<(&str, &str)>,
    resolver: Option<Arc<dyn Resolve>>,
) -> Result<HttpClient, crate::desk::Error> {
    let mut b = builder(settings);
    if let Some(resolver) = resolver {
        b = b.dns_resolver2(resolver);
    }
    b = match &route.trust {
        TrustSetting::Os => b.tls_built_in_webpki_certs(false),
        TrustSetting::Bundled | TrustSetting::Pem(_) => b.tls_built_in_native_certs(false),
    };
    let files = match &route.trust {
        TrustSetting::Pem(path) => Some(("ca", path)),
        _ => None,
    };
    for (field, path) in files
        .into_iter()
        .chain(route.machine_cas.iter().map(|p| ("network.ca", p)))
    {
        for cert in read_pem_certificates(field, path)? {
            b = b.add_root_certificate(cert);
        }
    }
    let proxy = match &route.proxy {
        ProxySetting::None => {
            b = b.no_proxy();
            Hop::Direct
        }
        ProxySetting::System => Hop::System(Arc::new(Matcher::from_system())),
        ProxySetting::Url(url) => {
            let mut proxy = reqwest::Proxy::all(url.without_user()).map_err(|e| {
                ValidationError::new(
                    "proxy",
                    format!("the proxy URL cannot be used ({})", describe(&e)),
                )
            })?;
            if let (Some(user), Some((_, password))) = (url.user(), proxy_credentials) {
                proxy = proxy.basic_auth(user, password);
            }
            b = b.proxy(proxy);
            Hop::Every(url.host_port())
        }
    };
    let inner = finish(b)?;
    Ok(HttpClient { inner, proxy })
}

fn finish(builder: reqwest::ClientBuilder) -> Result<Client, TransportError> {
    builder.build().map_err(|e| TransportError::NotSent {
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
) -> Result<HttpClient, TransportError> {
    finish(
        builder(settings)
            .no_proxy()
            .tls_built_in_native_certs(false)
            .dns_resolver2(resolver),
    )
    .map(HttpClient::from)
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

/// How a failure through a proxy is told: each case a scripted proxy on loopback (the real
/// proxy's cases, tinyproxy in front of the sandbox, are in the integration tests).
#[cfg(test)]
mod proxy_tests {
    use super::super::test_support::*;
    use super::*;
    use crate::network::{ProxySetting, Route};
    use tokio::io::AsyncWriteExt;

    async fn through(proxy: &str, url: &str) -> TransportError {
        let route = Route {
            proxy: ProxySetting::parse("proxy", proxy).unwrap(),
            ..Route::direct()
        };
        let client =
            build_route_client(&quick(), &route, None, Some(Arc::new(RefusingResolver))).unwrap();
        let request = client.post(url).body("{}").build().unwrap();
        transport(super::super::execute(&client, request, "/test").await)
    }

    /// A proxy that reads the CONNECT and answers `reply`.
    async fn answering(reply: &'static str) -> String {
        let addr = listener(move |mut s| async move {
            read_request_head(&mut s).await;
            let _ = s.write_all(reply.as_bytes()).await;
        })
        .await;
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn each_failure_before_the_tunnel_is_the_proxys_and_nothing_was_sent() {
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let cases: Vec<(&str, String, &str, NotSentReason)> = vec![
            (
                "proxy down",
                format!("http://{closed}"),
                "https://127.0.0.1:9/x",
                NotSentReason::ProxyRefused(closed.to_string()),
            ),
            (
                "407",
                answering(
                    "HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n",
                )
                .await,
                "https://127.0.0.1:9/x",
                NotSentReason::ProxyAuth(String::new()),
            ),
            (
                "CONNECT refused",
                answering("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n").await,
                "https://127.0.0.1:9/x",
                NotSentReason::ProxyCouldNotReach("127.0.0.1".into()),
            ),
            (
                "proxy name unknown",
                "http://proxy.pindesk-test.invalid:3128".into(),
                "https://127.0.0.1:9/x",
                NotSentReason::ProxyDns("proxy.pindesk-test.invalid:3128".into()),
            ),
        ];
        for (name, proxy, url, want) in cases {
            let e = through(&proxy, url).await;
            assert!(!e.may_have_been_sent(), "{name}: {e:?}");
            let TransportError::NotSent { reason, .. } = &e else {
                unreachable!()
            };
            match (&want, reason) {
                // The proxy's port is the listener's: only the kind is compared.
                (NotSentReason::ProxyAuth(_), NotSentReason::ProxyAuth(_)) => {}
                _ => assert_eq!(reason, &want, "{name}"),
            }
            println!("{name}: {e}");
        }
        let e = through(
            &answering("HTTP/1.1 407 No\r\n\r\n").await,
            "https://127.0.0.1:9/x",
        )
        .await;
        assert!(
            e.to_string().contains("(407 — proxy credentials needed)"),
            "{e}"
        );
        let e = through(
            &answering("HTTP/1.1 503 No\r\n\r\n").await,
            "https://api.pindesk-test.invalid/x",
        )
        .await;
        assert!(
            e.to_string()
                .contains("the proxy could not reach api.pindesk-test.invalid"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn a_plain_request_the_proxy_answers_itself_is_an_answer() {
        // Through a proxy, a plain-http request's 502 is the proxy's own answer: it reaches
        // the provider clients as an answer, which they treat as a gateway's (unknown outcome
        // on a state-changing call).
        let proxy = answering("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n").await;
        let route = Route {
            proxy: ProxySetting::parse("proxy", &proxy).unwrap(),
            ..Route::direct()
        };
        let client = build_route_client(&quick(), &route, None, None).unwrap();
        let request = client
            .post("http://127.0.0.1:9/x")
            .body("{}")
            .build()
            .unwrap();
        let answer = super::super::execute(&client, request, "/test")
            .await
            .unwrap();
        assert_eq!(answer.status, 502);
        assert_eq!(
            client.proxy_for(&"http://127.0.0.1:9/x".parse().unwrap()),
            Some(proxy.trim_start_matches("http://").to_owned())
        );
    }
}
