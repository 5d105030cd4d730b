//! Helpers shared by the provider-flow tests: a sandbox per test and its `/_sandbox/` controls.
#![allow(dead_code)]

use pindesk_core::http::{build_client, HttpSettings};
use pindesk_core::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};
use std::time::Duration;

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
pub fn http() -> reqwest::Client {
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
