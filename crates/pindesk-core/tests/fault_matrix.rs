//! The fault matrix: both flows through the services ([`Desk`]) under every way the network
//! or a provider can fail, using the sandbox's fault injection and a few loopback servers of
//! this file's own.
//!
//! Each case asserts the operator-facing category and message (plain words, no secret, no
//! stack trace, no markup), the outcome of the history entry, and how many times the request
//! left: a send that may have arrived is never repeated, while the RSA key (a GET) is retried.
//! Requests are counted with "counter" faults: a sandbox fault with no action (no status, no
//! drop, no delay) changes nothing but counts down on every matching request, so a counter
//! armed at [`COUNTER`] that reads `COUNTER - n` afterwards saw exactly `n` requests. A fault
//! armed before a counter on the same route is used first (faults match in arming order).
//!
//! Only 127.0.0.1 is ever contacted: every desk here resolves names with
//! [`RefusingResolver`], which fails every lookup without asking anyone (that is also the
//! "host does not resolve" case), and every URL the tests call is an IP literal.
//!
//! The observed matrix is written down in `docs/FAULTS.md`.

use pindesk_core::credentials::{CredentialError, MemoryStore, SecretKind, SecretStore};
use pindesk_core::desk::{
    DemoBackend, Desk, Error, NewCredentials, DEMO_SOLID_PROFILE, DEMO_VAULT_PROFILE,
};
use pindesk_core::error::Category;
use pindesk_core::history::{Filter, Outcome, Page};
use pindesk_core::http::{HttpSettings, RefusingResolver};
use pindesk_core::paths::Paths;
use pindesk_core::profile::{Environment, Profile, ProfileId, Provider, VaultAuth};
use pindesk_core::secret::{AccessToken, ApiKey, Passcode, Password, Pin, SmsCode};
use pindesk_core::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};
use reqwest::dns::{Name, Resolve, Resolving};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zeroize::Zeroizing;

const VAULT_CARD: &str = "1234435";
const VAULT_CARD_N: i64 = 1_234_435;
const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
const PASSCODE: &str = "Canary7Pass";
const PIN: &str = "6644";

const SEND_CODE: &str = "/v2/card/{id}/passcode/sms/send";
const SET_PASSCODE: &str = "/v2/card/{id}/passcode/code/set";
const RSA_KEY: &str = "/v2/card/rsa-public-key";
const OAUTH: &str = "/oauth/token";
const PIN_TOKEN: &str = "/v2/issuing/card/{card_id}/set_pin_token";
const SET_PIN: &str = "/v1/card/{card_id}/pin";

/// The count a counter fault is armed with.
const COUNTER: u64 = 100;

/// Short timeouts so the timeout cases take about a second.
fn quick() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_millis(600),
        total_timeout: Duration::from_millis(1500),
    }
}

/// A store shared between the test and the desk, so the test can look inside.
#[derive(Clone, Default)]
struct Shared(Arc<MemoryStore>);

impl SecretStore for Shared {
    fn get(
        &self,
        p: &ProfileId,
        k: SecretKind,
    ) -> Result<Option<Zeroizing<String>>, CredentialError> {
        self.0.get(p, k)
    }
    fn set(&self, p: &ProfileId, k: SecretKind, v: &str) -> Result<(), CredentialError> {
        self.0.set(p, k, v)
    }
    fn delete(&self, p: &ProfileId, k: SecretKind) -> Result<(), CredentialError> {
        self.0.delete(p, k)
    }
    fn backend_name(&self) -> &'static str {
        "memory"
    }
}

struct Fx {
    sandbox: Sandbox,
    desk: Desk,
    store: Shared,
    _dir: tempfile::TempDir,
}

/// A demo desk over a fresh sandbox, with short timeouts and no DNS.
async fn fixture() -> Fx {
    fixture_resolving_with(Arc::new(RefusingResolver)).await
}

/// [`fixture`] with `resolver` for every name lookup.
async fn fixture_resolving_with(resolver: Arc<dyn Resolve>) -> Fx {
    let sandbox = Sandbox::start(SandboxConfig {
        key_bits: 1024,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::new(dir.path().join("config"), dir.path().join("data"));
    let store = Shared::default();
    let backend = DemoBackend {
        base_url: BaseUrl::parse(&sandbox.base_url()).unwrap(),
        vault_token: AccessToken::new(sandbox.config().vault_token.clone()),
        solid_api_key: ApiKey::new(sandbox.config().solid_api_key.clone()),
    };
    let desk = Desk::open_with(
        paths,
        Box::new(store.clone()),
        Some(backend),
        quick(),
        Some(resolver),
    )
    .unwrap();
    Fx {
        sandbox,
        desk,
        store,
        _dir: dir,
    }
}

/// The stored profiles `vault-at` (pasted token) and `solid-at` (API key) pointing at `url`.
fn add_profiles_at(f: &Fx, url: &str) {
    let env = Environment::parse(url).unwrap();
    let vault = Profile::new(
        ProfileId::new("vault-at").unwrap(),
        "Vault at a test server",
        Provider::Vault,
        env.clone(),
    );
    f.desk
        .add_profile(
            vault,
            NewCredentials::VaultToken(AccessToken::new(f.sandbox.config().vault_token.clone())),
        )
        .unwrap();
    let solid = Profile::new(
        ProfileId::new("solid-at").unwrap(),
        "Solid at a test server",
        Provider::Solid,
        env,
    );
    f.desk
        .add_profile(
            solid,
            NewCredentials::SolidApiKey(ApiKey::new(f.sandbox.config().solid_api_key.clone())),
        )
        .unwrap();
}

/// The client the test itself uses for the sandbox's controls (IP literal, no proxy).
fn control() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn sandbox_call(sb: &Sandbox, method: reqwest::Method, path: &str, body: Value) -> Value {
    let resp = control()
        .request(method, format!("{}{path}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

/// Arms a fault (`POST /_sandbox/faults`).
async fn arm(sb: &Sandbox, fault: Value) {
    sandbox_call(sb, reqwest::Method::POST, "/_sandbox/faults", fault).await;
}

/// Arms a counter on `route` for `method`.
async fn counter(sb: &Sandbox, method: &str, route: &str) {
    arm(
        sb,
        json!({"route": route, "method": method, "count": COUNTER}),
    )
    .await;
}

/// What is still armed: `(route, remaining)` in arming order.
async fn armed(sb: &Sandbox) -> Vec<(String, u64)> {
    let v: Value = control()
        .get(format!("{}/_sandbox/faults", sb.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["armed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["route"].as_str().unwrap().to_owned(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// How many requests the counter on `route` saw (it must be the only fault left there).
async fn requests_seen(sb: &Sandbox, route: &str) -> u64 {
    let left: Vec<u64> = armed(sb)
        .await
        .into_iter()
        .filter(|(r, _)| r == route)
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        left.len(),
        1,
        "{route}: the fault under test was used up and only the counter is left: {left:?}"
    );
    COUNTER - left[0]
}

async fn disarm(sb: &Sandbox) {
    sandbox_call(sb, reqwest::Method::DELETE, "/_sandbox/faults", json!({})).await;
}

/// Sends and verifies an SMS code for the demo Vault card; returns the code.
async fn verified_code(f: &Fx) -> String {
    f.desk
        .vault_send_code(Some(DEMO_VAULT_PROFILE), VAULT_CARD)
        .await
        .unwrap();
    let code = f.sandbox.last_sms_code(VAULT_CARD_N).unwrap();
    f.desk
        .vault_verify_code(
            Some(DEMO_VAULT_PROFILE),
            VAULT_CARD,
            SmsCode::new(code.clone()),
        )
        .await
        .unwrap();
    code
}

async fn set_passcode(f: &Fx, profile: &str, code: &str, passcode: &str) -> Result<(), Error> {
    f.desk
        .vault_set_passcode(
            Some(profile),
            VAULT_CARD,
            SmsCode::new(code.to_owned()),
            Passcode::new(passcode.to_owned()),
        )
        .await
}

async fn set_pin(f: &Fx, profile: &str) -> Result<(), Error> {
    f.desk
        .solid_set_pin(
            Some(profile),
            SOLID_CARD,
            Pin::new(PIN.into()),
            "11/2029",
            "3738",
        )
        .await
}

/// What a case must show the operator and leave in the history.
struct Expect {
    category: Category,
    outcome: Outcome,
    operation: &'static str,
    /// A phrase the message must contain.
    says: &'static str,
}

/// Checks the error, its message and the newest history entry against `want`.
fn check(f: &Fx, err: &Error, want: Expect) {
    assert_eq!(err.category(), want.category, "{err}");
    let message = err.message();
    assert!(
        message.contains(want.says),
        "{message:?} should say {:?}",
        want.says
    );
    assert_plain_words(f, &message);
    let history = f
        .desk
        .history_page(&Filter::default(), Page::first(100))
        .unwrap();
    let last = history.first().expect("the operation was recorded");
    assert_eq!(last.operation, want.operation, "{message}");
    assert_eq!(last.outcome, want.outcome, "{message}");
    assert_eq!(last.message.as_deref(), Some(message.as_str()));
}

/// A message for an operator: one line, no secret, no markup, no raw JSON, no stack trace,
/// no Rust debug output.
fn assert_plain_words(f: &Fx, message: &str) {
    let config = f.sandbox.config();
    let secrets = [
        config.vault_token.as_str(),
        config.solid_api_key.as_str(),
        config.phone.as_str(),
        config.password.as_str(),
        PASSCODE,
        PIN,
        "card_pin_",
    ];
    for secret in secrets {
        assert!(!message.contains(secret), "a secret in {message:?}");
    }
    for bad in [
        "\n", "<", "{", "panicked", "stack", ".rs:", ".java", "Error {", "kind:", "Some(", "hyper",
        "reqwest",
    ] {
        assert!(!message.contains(bad), "{bad:?} in {message:?}");
    }
    assert!(!message.is_empty() && message.len() < 400, "{message:?}");
}

// ---------------------------------------------------------------------------------------
// Loopback servers of the tests' own.
// ---------------------------------------------------------------------------------------

/// A port nothing listens on.
async fn refused_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr
}

/// An HTTPS server with a freshly made self-signed certificate (trusted by nobody); counts
/// connections. Were a handshake to succeed it would answer `{"result":"ok"}`.
async fn untrusted_tls_server(connections: Arc<AtomicUsize>) -> SocketAddr {
    use tokio_rustls::rustls::crypto::ring::default_provider;
    use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio_rustls::rustls::ServerConfig;

    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf).await;
                    let body = br#"{"result":"ok"}"#;
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes()).await;
                    let _ = tls.write_all(body).await;
                }
            });
        }
    });
    addr
}

/// A server that accepts connections, reads the TLS ClientHello and never answers: the
/// handshake cannot finish, so the request is never written. Counts connections.
async fn silent_server(connections: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                tokio::time::sleep(Duration::from_secs(10)).await;
            });
        }
    });
    addr
}

/// [`RefusingResolver`] that counts the lookups it refuses: one per connection attempt.
struct CountingResolver(Arc<AtomicUsize>);

impl Resolve for CountingResolver {
    fn resolve(&self, name: Name) -> Resolving {
        self.0.fetch_add(1, Ordering::SeqCst);
        RefusingResolver.resolve(name)
    }
}

// ---------------------------------------------------------------------------------------
// Never sent: connection refused, no DNS answer, TLS failure, connect timeout.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn connection_refused_is_network_failed() {
    let f = fixture().await;
    add_profiles_at(&f, &format!("http://{}", refused_port().await));

    let err = f
        .desk
        .vault_send_code(Some("vault-at"), VAULT_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "vault.send_code",
            says: "Could not reach Vault: the connection was refused. Nothing was sent.",
        },
    );

    let err = f
        .desk
        .solid_pin_token(Some("solid-at"), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "solid.pin_token",
            says: "Could not reach Solid: the connection was refused. Nothing was sent.",
        },
    );
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_network_failed() {
    let lookups = Arc::new(AtomicUsize::new(0));
    let f = fixture_resolving_with(Arc::new(CountingResolver(Arc::clone(&lookups)))).await;
    add_profiles_at(&f, "https://provider.pindesk-test.invalid");

    let err = f
        .desk
        .vault_send_code(Some("vault-at"), VAULT_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "vault.send_code",
            says: "the host name could not be resolved. Nothing was sent.",
        },
    );
    assert!(!err.message().contains("pindesk-test.invalid"));
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        1,
        "the send is not tried again"
    );

    // Setting a passcode starts with the RSA key, a GET: tried three times in all.
    let err = set_passcode(&f, "vault-at", "1234", PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "vault.set_passcode",
            says: "the host name could not be resolved. Nothing was sent.",
        },
    );
    assert_eq!(lookups.load(Ordering::SeqCst), 1 + 3);

    let err = f
        .desk
        .solid_pin_token(Some("solid-at"), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "solid.pin_token",
            says: "the host name could not be resolved. Nothing was sent.",
        },
    );
    assert_eq!(lookups.load(Ordering::SeqCst), 1 + 3 + 1);
}

#[tokio::test]
async fn an_untrusted_certificate_is_network_failed_and_only_the_get_is_retried() {
    let f = fixture().await;
    let connections = Arc::new(AtomicUsize::new(0));
    let addr = untrusted_tls_server(Arc::clone(&connections)).await;
    add_profiles_at(&f, &format!("https://{addr}"));

    // A send: one connection, refused by the client at the handshake, not tried again.
    let err = f
        .desk
        .vault_send_code(Some("vault-at"), VAULT_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "vault.send_code",
            says: "the secure connection (TLS) could not be established. Nothing was sent.",
        },
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // Setting a passcode starts with the RSA key, a GET: tried three times in all.
    let err = set_passcode(&f, "vault-at", "1234", PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "vault.set_passcode",
            says: "the secure connection (TLS) could not be established. Nothing was sent.",
        },
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1 + 3);

    let err = f
        .desk
        .solid_pin_token(Some("solid-at"), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "solid.pin_token",
            says: "the secure connection (TLS) could not be established. Nothing was sent.",
        },
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1 + 3 + 1);
}

#[tokio::test]
async fn a_connect_timeout_is_network_failed() {
    let f = fixture().await;
    let connections = Arc::new(AtomicUsize::new(0));
    let addr = silent_server(Arc::clone(&connections)).await;
    add_profiles_at(&f, &format!("https://{addr}"));

    let started = Instant::now();
    let err = f
        .desk
        .vault_send_code(Some("vault-at"), VAULT_CARD)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < quick().total_timeout,
        "the connect timeout, not the total, ended it"
    );
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "vault.send_code",
            says: "connecting timed out. Nothing was sent.",
        },
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    let err = f
        .desk
        .solid_pin_token(Some("solid-at"), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Network,
            outcome: Outcome::Failed,
            operation: "solid.pin_token",
            says: "connecting timed out. Nothing was sent.",
        },
    );
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------
// Sent, then no (complete) answer: a timeout after the request left, a slow drip.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn vault_timeout_after_the_set_left_is_unknown_applied_once_not_retried() {
    let f = fixture().await;
    let sb = &f.sandbox;
    let code = verified_code(&f).await;
    arm(
        sb,
        json!({"route": SET_PASSCODE, "method": "POST", "delay_ms": 4000}),
    )
    .await;
    counter(sb, "POST", SET_PASSCODE).await;
    let started = Instant::now();
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "vault.set_passcode",
            says: "may have reached Vault, but no answer came in time. Check the card",
        },
    );
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0, "not sent again");
    assert!(
        sb.passcode_matches(VAULT_CARD_N, PASSCODE),
        "the sandbox applied it"
    );
}

#[tokio::test]
async fn solid_timeout_after_the_set_left_is_unknown_applied_once_not_retried() {
    let f = fixture().await;
    let sb = &f.sandbox;
    arm(
        sb,
        json!({"route": SET_PIN, "method": "POST", "delay_ms": 4000}),
    )
    .await;
    counter(sb, "POST", SET_PIN).await;
    counter(sb, "POST", PIN_TOKEN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "solid.set_pin",
            says: "may have reached Solid, but no answer came in time. Check the card",
        },
    );
    assert_eq!(requests_seen(sb, SET_PIN).await, 0, "not sent again");
    assert_eq!(requests_seen(sb, PIN_TOKEN).await, 1, "no second token");
    assert!(sb.pin_matches(SOLID_CARD, PIN), "the sandbox applied it");
}

#[tokio::test]
async fn a_slow_drip_past_the_timeout_is_unknown_and_not_retried() {
    let f = fixture().await;
    let sb = &f.sandbox;
    // `{"result":"ok"}` one byte every 400 ms: 6 s, far past the 1.5 s total timeout.
    let code = verified_code(&f).await;
    arm(
        sb,
        json!({"route": SET_PASSCODE, "method": "POST", "drip_ms": 400, "drip_bytes": 1}),
    )
    .await;
    counter(sb, "POST", SET_PASSCODE).await;
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "vault.set_passcode",
            says: "may have reached Vault, but no answer came in time.",
        },
    );
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0);
    assert!(sb.passcode_matches(VAULT_CARD_N, PASSCODE));

    disarm(sb).await;
    // `{"id":"crd_…"}` is 44 bytes: 8 bytes every 400 ms takes 2.4 s.
    arm(
        sb,
        json!({"route": SET_PIN, "method": "POST", "drip_ms": 400, "drip_bytes": 8}),
    )
    .await;
    counter(sb, "POST", SET_PIN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "solid.set_pin",
            says: "may have reached Solid, but no answer came in time.",
        },
    );
    assert_eq!(requests_seen(sb, SET_PIN).await, 0);
    assert!(sb.pin_matches(SOLID_CARD, PIN));
}

// ---------------------------------------------------------------------------------------
// The provider (or a gateway) answered with an error status.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn server_errors_500_502_503_are_never_retried_for_a_send() {
    let f = fixture().await;
    let sb = &f.sandbox;
    let code = verified_code(&f).await;
    let cases = [
        (
            500,
            Category::Rejected,
            Outcome::Rejected,
            "Vault had a problem (HTTP 500) (Internal error); try again later.",
            "Solid had a problem (HTTP 500); try again later.",
        ),
        // A gateway's 502 to a send: the provider behind it may have acted.
        (
            502,
            Category::UnknownOutcome,
            Outcome::Unknown,
            "Vault received the request but did not confirm it (HTTP 502, a gateway answered instead of Vault). Check the card",
            "Solid received the request but did not confirm it (HTTP 502, a gateway answered instead of Solid). Check the card",
        ),
        (
            503,
            Category::Rejected,
            Outcome::Rejected,
            "Vault had a problem (HTTP 503) (Internal error); try again later.",
            "Solid had a problem (HTTP 503); try again later.",
        ),
    ];
    for (status, category, outcome, vault_says, solid_says) in cases {
        disarm(sb).await;
        arm(
            sb,
            json!({"route": SET_PASSCODE, "method": "POST", "status": status, "body": {"error": "COMMON", "message": "Internal error"}}),
        )
        .await;
        counter(sb, "POST", SET_PASSCODE).await;
        let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
            .await
            .unwrap_err();
        check(
            &f,
            &err,
            Expect {
                category,
                outcome,
                operation: "vault.set_passcode",
                says: vault_says,
            },
        );
        assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0, "HTTP {status}");

        disarm(sb).await;
        arm(
            sb,
            json!({"route": SET_PIN, "method": "POST", "status": status, "body": ""}),
        )
        .await;
        counter(sb, "POST", SET_PIN).await;
        let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
        check(
            &f,
            &err,
            Expect {
                category,
                outcome,
                operation: "solid.set_pin",
                says: solid_says,
            },
        );
        assert_eq!(requests_seen(sb, SET_PIN).await, 0, "HTTP {status}");
    }
    assert!(!sb.passcode_matches(VAULT_CARD_N, PASSCODE));
    assert!(!sb.pin_matches(SOLID_CARD, PIN));
}

#[tokio::test]
async fn the_rsa_key_get_is_retried_after_503s_and_then_succeeds() {
    let f = fixture().await;
    let sb = &f.sandbox;
    let code = verified_code(&f).await;
    arm(
        sb,
        json!({"route": RSA_KEY, "method": "GET", "count": 2, "status": 503, "body": ""}),
    )
    .await;
    counter(sb, "GET", RSA_KEY).await;
    counter(sb, "POST", SET_PASSCODE).await;
    set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap();
    assert_eq!(
        requests_seen(sb, RSA_KEY).await,
        1,
        "two 503s, then the third GET passed"
    );
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 1);
    assert!(sb.passcode_matches(VAULT_CARD_N, PASSCODE));
    let last = &f
        .desk
        .history_page(&Filter::default(), Page::first(1))
        .unwrap()[0];
    assert_eq!(last.outcome, Outcome::Ok);
}

#[tokio::test]
async fn the_rsa_key_get_gives_up_after_three_503s() {
    let f = fixture().await;
    let sb = &f.sandbox;
    arm(
        sb,
        json!({"route": RSA_KEY, "method": "GET", "count": 3, "status": 503, "body": ""}),
    )
    .await;
    counter(sb, "GET", RSA_KEY).await;
    counter(sb, "POST", SET_PASSCODE).await;
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, "1234", PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "vault.set_passcode",
            says: "Vault had a problem (HTTP 503); try again later.",
        },
    );
    assert_eq!(requests_seen(sb, RSA_KEY).await, 0, "exactly three GETs");
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0, "nothing was set");
}

#[tokio::test]
async fn too_many_requests_with_retry_after_is_rejected_and_not_retried() {
    let f = fixture().await;
    let sb = &f.sandbox;
    arm(
        sb,
        json!({"route": SEND_CODE, "method": "POST", "status": 429, "retry_after": 30, "body": {"error": "COMMON"}}),
    )
    .await;
    counter(sb, "POST", SEND_CODE).await;
    let err = f
        .desk
        .vault_send_code(Some(DEMO_VAULT_PROFILE), VAULT_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "vault.send_code",
            says: "Vault is limiting requests; try again in 30 seconds.",
        },
    );
    assert_eq!(requests_seen(sb, SEND_CODE).await, 0);
    assert!(sb.last_sms_code(VAULT_CARD_N).is_none(), "no SMS was sent");

    arm(
        sb,
        json!({"route": PIN_TOKEN, "method": "POST", "status": 429, "retry_after": "7", "body": {"request_id": "req_429", "error": {"code": "ERROR_CODE_RATE_LIMITED", "message": "slow down"}}}),
    )
    .await;
    counter(sb, "POST", PIN_TOKEN).await;
    let err = f
        .desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.pin_token",
            says: "Solid is limiting requests; try again in 7 seconds.",
        },
    );
    assert_eq!(requests_seen(sb, PIN_TOKEN).await, 0);
}

// ---------------------------------------------------------------------------------------
// The answer cannot be understood: malformed JSON, an HTML page, an empty body, > 1 MiB.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_json_is_unknown_for_a_send_and_rejected_for_a_read() {
    let f = fixture().await;
    let sb = &f.sandbox;
    let code = verified_code(&f).await;

    // To the set: it arrived, and whether it applied is not known.
    arm(
        sb,
        json!({"route": SET_PASSCODE, "method": "POST", "status": 200, "body": "{\"result\": ok", "content_type": "application/json"}),
    )
    .await;
    counter(sb, "POST", SET_PASSCODE).await;
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "vault.set_passcode",
            says: "Vault received the request but did not confirm it (HTTP 200, JSON of an unexpected shape (13 bytes)). Check the card",
        },
    );
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0);

    // To the RSA key (a read): nothing changed; the GET is not repeated for a bad answer.
    disarm(sb).await;
    f.desk.forget_secrets();
    arm(
        sb,
        json!({"route": RSA_KEY, "method": "GET", "status": 200, "body": "{\"id\": \"k1\", \"publicKey\": ", "content_type": "application/json"}),
    )
    .await;
    counter(sb, "GET", RSA_KEY).await;
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "vault.set_passcode",
            says: "Vault's answer could not be read (HTTP 200, JSON of an unexpected shape",
        },
    );
    assert_eq!(requests_seen(sb, RSA_KEY).await, 0);

    // Solid's token answer: rejected (a read of a new token; nothing to confirm).
    arm(
        sb,
        json!({"route": PIN_TOKEN, "method": "POST", "status": 200, "body": "{\"set_pin_token\": ", "content_type": "application/json"}),
    )
    .await;
    counter(sb, "POST", PIN_TOKEN).await;
    let err = f
        .desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.pin_token",
            says: "Solid's answer could not be read (HTTP 200, JSON of an unexpected shape",
        },
    );
    assert_eq!(requests_seen(sb, PIN_TOKEN).await, 0);

    // Solid's set: unknown.
    arm(
        sb,
        json!({"route": SET_PIN, "method": "POST", "status": 200, "body": "{\"id\": ", "content_type": "application/json"}),
    )
    .await;
    counter(sb, "POST", SET_PIN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "solid.set_pin",
            says: "Solid received the request but did not confirm it (HTTP 200, JSON of an unexpected shape",
        },
    );
    assert_eq!(requests_seen(sb, SET_PIN).await, 0);
}

#[tokio::test]
async fn an_html_error_page_is_described_never_shown() {
    let f = fixture().await;
    let sb = &f.sandbox;
    let code = verified_code(&f).await;
    let page = "<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>Service Temporarily Unavailable</h1><pre>at com.vault.Gateway.handle(Gateway.java:42)</pre><script>alert(1)</script></body></html>";
    arm(
        sb,
        json!({"route": SET_PASSCODE, "method": "POST", "status": 503, "body": page, "content_type": "text/html"}),
    )
    .await;
    counter(sb, "POST", SET_PASSCODE).await;
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "vault.set_passcode",
            says: "Vault had a problem (HTTP 503); try again later.",
        },
    );
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0);

    arm(
        sb,
        json!({"route": SET_PIN, "method": "POST", "status": 503, "body": page, "content_type": "text/html"}),
    )
    .await;
    counter(sb, "POST", SET_PIN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.set_pin",
            says: "Solid had a problem (HTTP 503); try again later.",
        },
    );
    assert_eq!(requests_seen(sb, SET_PIN).await, 0);

    // An HTML page with 200 to a read.
    arm(
        sb,
        json!({"route": PIN_TOKEN, "method": "POST", "status": 200, "body": page, "content_type": "text/html; charset=utf-8"}),
    )
    .await;
    counter(sb, "POST", PIN_TOKEN).await;
    let err = f
        .desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.pin_token",
            says: "Solid's answer could not be read (HTTP 200, an HTML page, not JSON",
        },
    );
    assert_eq!(requests_seen(sb, PIN_TOKEN).await, 0);
}

#[tokio::test]
async fn an_empty_body_to_a_send_is_unknown() {
    let f = fixture().await;
    let sb = &f.sandbox;
    arm(
        sb,
        json!({"route": SEND_CODE, "method": "POST", "status": 200, "body": ""}),
    )
    .await;
    counter(sb, "POST", SEND_CODE).await;
    let err = f
        .desk
        .vault_send_code(Some(DEMO_VAULT_PROFILE), VAULT_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "vault.send_code",
            says: "Vault received the request but did not confirm it (HTTP 200, empty answer). Check the card",
        },
    );
    assert_eq!(requests_seen(sb, SEND_CODE).await, 0);

    arm(
        sb,
        json!({"route": SET_PIN, "method": "POST", "status": 200, "body": ""}),
    )
    .await;
    counter(sb, "POST", SET_PIN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "solid.set_pin",
            says: "Solid received the request but did not confirm it (HTTP 200, empty answer). Check the card",
        },
    );
    assert_eq!(requests_seen(sb, SET_PIN).await, 0);

    // An empty 200 to the token request is unreadable: rejected.
    arm(
        sb,
        json!({"route": PIN_TOKEN, "method": "POST", "status": 200, "body": ""}),
    )
    .await;
    counter(sb, "POST", PIN_TOKEN).await;
    let err = f
        .desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.pin_token",
            says: "Solid's answer could not be read (HTTP 200, empty answer)",
        },
    );
    assert_eq!(requests_seen(sb, PIN_TOKEN).await, 0);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_cut_off() {
    let f = fixture().await;
    let sb = &f.sandbox;
    let code = verified_code(&f).await;
    // Just over the 1 MiB cap (the sandbox's control endpoints take at most 2 MiB, axum's default).
    let huge = "a".repeat(1024 * 1024 + 64 * 1024);
    arm(
        sb,
        json!({"route": SET_PASSCODE, "method": "POST", "status": 200, "body": huge, "content_type": "application/json"}),
    )
    .await;
    counter(sb, "POST", SET_PASSCODE).await;
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "vault.set_passcode",
            says: "Vault received the request but did not confirm it (HTTP 200, an answer larger than 1048576 bytes). Check the card",
        },
    );
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0);

    arm(
        sb,
        json!({"route": PIN_TOKEN, "method": "POST", "status": 200, "body": huge, "content_type": "application/json"}),
    )
    .await;
    counter(sb, "POST", PIN_TOKEN).await;
    let err = f
        .desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.pin_token",
            says:
                "Solid's answer could not be read (HTTP 200, an answer larger than 1048576 bytes)",
        },
    );
    assert_eq!(requests_seen(sb, PIN_TOKEN).await, 0);

    // An error status with a huge body: the status decides, the body is not read.
    arm(
        sb,
        json!({"route": SET_PIN, "method": "POST", "status": 400, "body": huge, "content_type": "application/json"}),
    )
    .await;
    counter(sb, "POST", SET_PIN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.set_pin",
            says: "Solid refused the request (HTTP 400)",
        },
    );
    assert_eq!(requests_seen(sb, SET_PIN).await, 0);
}

// ---------------------------------------------------------------------------------------
// Expired credentials and a rotated key.
// ---------------------------------------------------------------------------------------

fn signin_profile(sb: &Sandbox) -> Profile {
    let mut p = Profile::new(
        ProfileId::new("vault-signin").unwrap(),
        "Vault with a stored sign-in",
        Provider::Vault,
        Environment::parse(&sb.base_url()).unwrap(),
    );
    let v = p.vault_mut().unwrap();
    v.auth = VaultAuth::SignIn;
    v.merchant_id = Some(sb.config().merchant_id.clone());
    p
}

#[tokio::test]
async fn an_expired_token_with_a_stored_sign_in_signs_in_once_and_succeeds() {
    let f = fixture().await;
    let sb = &f.sandbox;
    f.desk
        .add_profile(
            signin_profile(sb),
            NewCredentials::VaultSignIn {
                phone: Zeroizing::new(sb.config().phone.clone()),
                password: Password::new(sb.config().password.clone()),
            },
        )
        .unwrap();
    let id = ProfileId::new("vault-signin").unwrap();
    f.desk
        .vault_send_code(Some("vault-signin"), VAULT_CARD)
        .await
        .unwrap();
    let first = f.store.get(&id, SecretKind::AccessToken).unwrap().unwrap();

    sb.advance_clock(Duration::from_secs(90_000));
    counter(sb, "POST", OAUTH).await;
    counter(sb, "POST", SEND_CODE).await;
    f.desk
        .vault_send_code(Some("vault-signin"), VAULT_CARD)
        .await
        .unwrap();
    assert_eq!(requests_seen(sb, OAUTH).await, 1, "one new sign-in");
    assert_eq!(
        requests_seen(sb, SEND_CODE).await,
        2,
        "refused (401) before acting, then sent once more"
    );
    let second = f.store.get(&id, SecretKind::AccessToken).unwrap().unwrap();
    assert_ne!(*first, *second, "the new token was stored");
    let history = f
        .desk
        .history_page(&Filter::default(), Page::first(10))
        .unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|e| e.outcome == Outcome::Ok));
}

#[tokio::test]
async fn an_expired_pasted_token_is_a_credentials_error_sent_once() {
    let f = fixture().await;
    let sb = &f.sandbox;
    // A token from Vault's sign-in, pasted into a profile (it expires; the sandbox's fixed
    // demo token does not).
    let answer: Value = control()
        .post(format!("{}{OAUTH}", sb.base_url()))
        .header("X-Merchant-ID", sb.config().merchant_id.as_str())
        .form(&[
            ("grant_type", "mobile_phone"),
            ("number", sb.config().phone.as_str()),
            ("password", sb.config().password.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = answer["access_token"].as_str().unwrap().to_owned();
    let profile = Profile::new(
        ProfileId::new("vault-pasted").unwrap(),
        "Vault with a pasted token",
        Provider::Vault,
        Environment::parse(&sb.base_url()).unwrap(),
    );
    f.desk
        .add_profile(
            profile,
            NewCredentials::VaultToken(AccessToken::new(token.clone())),
        )
        .unwrap();
    f.desk
        .vault_send_code(Some("vault-pasted"), VAULT_CARD)
        .await
        .unwrap();

    sb.advance_clock(Duration::from_secs(90_000));
    counter(sb, "POST", SEND_CODE).await;
    counter(sb, "POST", OAUTH).await;
    let err = f
        .desk
        .vault_send_code(Some("vault-pasted"), VAULT_CARD)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Credentials,
            outcome: Outcome::Rejected,
            operation: "vault.send_code",
            says: "Vault refused the credentials (HTTP 401)",
        },
    );
    assert!(err.message().contains("update the profile's access token"));
    assert!(!err.message().contains(&token));
    assert_eq!(requests_seen(sb, SEND_CODE).await, 1);
    assert_eq!(
        requests_seen(sb, OAUTH).await,
        0,
        "no sign-in to fall back on"
    );
}

#[tokio::test]
async fn an_expired_pin_token_is_rejected_and_not_replaced_behind_the_operators_back() {
    let f = fixture().await;
    let sb = &f.sandbox;
    f.desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .await
        .unwrap();
    // Solid's clock runs past the token's five minutes; the desk still holds it.
    sb.advance_clock(Duration::from_secs(301));
    counter(sb, "POST", SET_PIN).await;
    counter(sb, "POST", PIN_TOKEN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::Rejected,
            outcome: Outcome::Rejected,
            operation: "solid.set_pin",
            says: "Solid refused the PIN token (HTTP 401)",
        },
    );
    assert!(err.message().contains("get a new one"));
    assert_eq!(requests_seen(sb, SET_PIN).await, 1);
    assert_eq!(
        requests_seen(sb, PIN_TOKEN).await,
        0,
        "no new token fetched"
    );
    assert!(!sb.pin_matches(SOLID_CARD, PIN));
    assert!(
        f.desk.reveal_pin_token(SOLID_CARD).is_none(),
        "the spent token is gone"
    );
}

#[tokio::test]
async fn a_rotated_rsa_key_is_fetched_again_once_and_the_set_succeeds() {
    let f = fixture().await;
    let sb = &f.sandbox;
    // Prime the key cache.
    let code = verified_code(&f).await;
    set_passcode(&f, DEMO_VAULT_PROFILE, &code, "First1pass")
        .await
        .unwrap();
    let code = verified_code(&f).await;
    let old_key = sb.vault_key_id();
    sandbox_call(
        sb,
        reqwest::Method::POST,
        "/_sandbox/vault/rotate-key",
        json!({}),
    )
    .await;
    assert_ne!(sb.vault_key_id(), old_key);
    counter(sb, "GET", RSA_KEY).await;
    counter(sb, "POST", SET_PASSCODE).await;
    set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap();
    assert_eq!(requests_seen(sb, RSA_KEY).await, 1, "one new key");
    assert_eq!(
        requests_seen(sb, SET_PASSCODE).await,
        2,
        "refused for its keyId (nothing applied), then sent once more"
    );
    assert!(sb.passcode_matches(VAULT_CARD_N, PASSCODE));
    let last = &f
        .desk
        .history_page(&Filter::default(), Page::first(1))
        .unwrap()[0];
    assert_eq!(last.operation, "vault.set_passcode");
    assert_eq!(last.outcome, Outcome::Ok);
}

#[tokio::test]
async fn a_dropped_connection_after_the_set_is_unknown_and_not_retried() {
    let f = fixture().await;
    let sb = &f.sandbox;
    let code = verified_code(&f).await;
    arm(
        sb,
        json!({"route": SET_PASSCODE, "method": "POST", "drop": "before_response"}),
    )
    .await;
    counter(sb, "POST", SET_PASSCODE).await;
    let err = set_passcode(&f, DEMO_VAULT_PROFILE, &code, PASSCODE)
        .await
        .unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "vault.set_passcode",
            says: "may have reached Vault, but the connection closed before an answer came",
        },
    );
    assert_eq!(requests_seen(sb, SET_PASSCODE).await, 0);
    assert!(sb.passcode_matches(VAULT_CARD_N, PASSCODE));

    arm(
        sb,
        json!({"route": SET_PIN, "method": "POST", "drop": "before_response"}),
    )
    .await;
    counter(sb, "POST", SET_PIN).await;
    let err = set_pin(&f, DEMO_SOLID_PROFILE).await.unwrap_err();
    check(
        &f,
        &err,
        Expect {
            category: Category::UnknownOutcome,
            outcome: Outcome::Unknown,
            operation: "solid.set_pin",
            says: "may have reached Solid, but the connection closed before an answer came",
        },
    );
    assert_eq!(requests_seen(sb, SET_PIN).await, 0);
    assert!(sb.pin_matches(SOLID_CARD, PIN));
}

#[test]
fn open_with_refuses_timeouts_out_of_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::new(dir.path().join("config"), dir.path().join("data"));
    let bad = HttpSettings {
        connect_timeout: Duration::from_secs(30),
        total_timeout: Duration::from_secs(20),
    };
    let err = Desk::open_with(paths, Box::new(Shared::default()), None, bad, None)
        .err()
        .expect("a connect timeout above the total is refused");
    assert_eq!(err.category(), Category::Validation);
    assert_eq!(err.field().as_deref(), Some("http"));
}
