//! Helpers shared by the tests of this folder: a sandbox per test and its `/_sandbox/`
//! controls, a desk over it with a secret store the test can look into, and the one place
//! each provider's test profiles are made.
#![allow(dead_code)]

use pindesk_core::credentials::{CredentialError, MemoryStore, SecretKind, SecretStore};
use pindesk_core::desk::{DemoBackend, Desk};
use pindesk_core::http::{build_client, HttpSettings};
use pindesk_core::paths::Paths;
use pindesk_core::profile::{
    Environment, Profile, ProfileId, Provider, ProviderSettings, VaultAuth, VaultSettings,
};
use pindesk_core::secret::{AccessToken, ApiKey};
use pindesk_core::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};
use reqwest::dns::Resolve;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use zeroize::Zeroizing;

/// A sandbox with a small key (fast to generate) and the given Vault padding.
pub async fn sandbox(padding: pindesk_sandbox::Padding) -> Sandbox {
    Sandbox::start(SandboxConfig {
        vault_padding: padding,
        key_bits: 1024,
        ..Default::default()
    })
    .await
    .expect("start the sandbox")
}

/// The sandbox's base URL as the client takes it.
pub fn base(sb: &Sandbox) -> BaseUrl {
    BaseUrl::parse(&sb.base_url()).expect("the sandbox URL is a valid base URL")
}

/// The profile HTTP client, with timeouts short enough for tests.
pub fn http() -> pindesk_core::http::HttpClient {
    build_client(&HttpSettings {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
    })
    .expect("build the client")
}

async fn call(
    sb: &Sandbox,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", sb.base_url());
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("sandbox control call");
    let status = resp.status().as_u16();
    let value = resp.json::<Value>().await.unwrap_or(Value::Null);
    (status, value)
}

/// `GET /_sandbox/sms/{card}`: the last SMS code sent to a Vault card.
pub async fn last_sms(sb: &Sandbox, card: i64) -> String {
    let (status, v) = call(
        sb,
        reqwest::Method::GET,
        &format!("/_sandbox/sms/{card}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["code"].as_str().expect("a code").to_owned()
}

/// Whether the Vault card's passcode is `passcode`.
pub async fn passcode_matches(sb: &Sandbox, card: i64, passcode: &str) -> bool {
    let (status, v) = call(
        sb,
        reqwest::Method::POST,
        &format!("/_sandbox/vault/cards/{card}/check-passcode"),
        Some(json!({ "passCode": passcode })),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["matches"].as_bool().expect("matches")
}

/// Whether the Solid card's PIN is `pin`.
pub async fn pin_matches(sb: &Sandbox, card: &str, pin: &str) -> bool {
    let (status, v) = call(
        sb,
        reqwest::Method::POST,
        &format!("/_sandbox/solid/cards/{card}/check-pin"),
        Some(json!({ "pin": pin })),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["matches"].as_bool().expect("matches")
}

/// Arms a fault (`POST /_sandbox/faults`).
pub async fn fault(sb: &Sandbox, spec: Value) {
    let (status, v) = call(sb, reqwest::Method::POST, "/_sandbox/faults", Some(spec)).await;
    assert!((200..300).contains(&status), "arming a fault: {status} {v}");
}

/// Moves the sandbox clock forward.
pub async fn advance(sb: &Sandbox, seconds: u64) {
    let (status, v) = call(
        sb,
        reqwest::Method::POST,
        "/_sandbox/clock/advance",
        Some(json!({ "seconds": seconds })),
    )
    .await;
    assert!(
        (200..300).contains(&status),
        "advancing the clock: {status} {v}"
    );
}

/// Replaces Vault's RSA key pair.
pub async fn rotate_key(sb: &Sandbox) {
    let (status, v) = call(
        sb,
        reqwest::Method::POST,
        "/_sandbox/vault/rotate-key",
        None,
    )
    .await;
    assert!(
        (200..300).contains(&status),
        "rotating the key: {status} {v}"
    );
}

/// A Vault profile with the default settings. With `sign_in_merchant` it signs in with a
/// phone and password under that merchant id; without, it uses a pasted access token. Every
/// Vault profile of these tests is made here, so a change of `Profile`'s shape touches one place.
pub fn vault_profile(
    id: &str,
    display_name: &str,
    environment: Environment,
    sign_in_merchant: Option<&str>,
) -> Profile {
    let mut vault = VaultSettings::default();
    if let Some(merchant) = sign_in_merchant {
        vault.auth = VaultAuth::SignIn;
        vault.merchant_id = Some(merchant.to_owned());
    }
    Profile {
        id: ProfileId::new(id).expect("a valid profile id"),
        display_name: display_name.to_owned(),
        environment,
        settings: ProviderSettings::Vault(vault),
        network: Default::default(),
    }
}

/// A Solid profile with the default settings; every Solid profile of these tests is made here.
pub fn solid_profile(id: &str, display_name: &str, environment: Environment) -> Profile {
    Profile::new(
        ProfileId::new(id).expect("a valid profile id"),
        display_name,
        Provider::Solid,
        environment,
    )
}

/// A secret store shared between the test and the desk, so the test can look inside (and
/// count how often the desk read it).
#[derive(Clone, Default)]
pub struct SharedStore(
    pub Arc<MemoryStore>,
    pub Arc<std::sync::atomic::AtomicUsize>,
);

impl SharedStore {
    /// How many reads the store has answered.
    pub fn reads(&self) -> usize {
        self.1.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl SecretStore for SharedStore {
    fn get(
        &self,
        p: &ProfileId,
        k: SecretKind,
    ) -> Result<Option<Zeroizing<String>>, CredentialError> {
        self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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

/// A desk over a fresh sandbox, its secrets in a [`SharedStore`], its files in `dir`.
pub struct DeskFixture {
    pub sandbox: Sandbox,
    pub desk: Desk,
    pub store: SharedStore,
    pub dir: tempfile::TempDir,
}

/// How [`desk_fixture`] opens the desk.
pub struct DeskOptions {
    /// Demo mode: the demo profiles take the sandbox's credentials.
    pub demo: bool,
    /// HTTP timeouts and the name resolver (`Desk::open_with`); `None` opens it with the
    /// product's own (`Desk::open`).
    pub network: Option<(HttpSettings, Arc<dyn Resolve>)>,
}

/// A desk over a fresh sandbox (default padding, a small key), opened as `options` say.
pub async fn desk_fixture(options: DeskOptions) -> DeskFixture {
    let sandbox = sandbox(pindesk_sandbox::Padding::default()).await;
    let dir = tempfile::tempdir().expect("a temporary dir");
    let paths = Paths::new(dir.path().join("config"), dir.path().join("data"));
    let store = SharedStore::default();
    let backend = options.demo.then(|| DemoBackend {
        base_url: base(&sandbox),
        vault_token: AccessToken::new(sandbox.config().vault_token.clone()),
        solid_api_key: ApiKey::new(sandbox.config().solid_api_key.clone()),
    });
    let boxed = Box::new(store.clone());
    let desk = match options.network {
        None => Desk::open(paths, boxed, backend),
        Some((http, resolver)) => Desk::open_with(paths, boxed, backend, http, Some(resolver)),
    }
    .expect("the desk opens");
    DeskFixture {
        sandbox,
        desk,
        store,
        dir,
    }
}
