//! Starting, describing and stopping a sandbox; its sandbox-only endpoints' edges.

use pindesk_sandbox::{banner, demo, Padding, Sandbox, SandboxConfig};
use reqwest::Method;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn banner_names_url_cards_and_credentials() {
    let env = start().await;
    let text = banner(&env.sandbox);
    let first = text.lines().next().expect("a line");
    assert_eq!(
        first,
        format!("PinDesk sandbox listening on {}", env.sandbox.base_url())
    );
    let c = env.sandbox.config();
    for needle in [
        "1234435",
        "123321",
        "crd_7948d9a96706dd05360a340002de725f",
        "3738",
        "11/2029",
        demo::INACTIVE_SOLID_CARD,
        &demo::INACTIVE_VAULT_CARD.to_string(),
        &c.vault_token,
        &c.solid_api_key,
        &c.merchant_id,
        &c.phone,
        &c.password,
        "pkcs1",
    ] {
        assert!(text.contains(needle), "banner lacks {needle}");
    }
}

#[tokio::test]
async fn stop_closes_the_port_and_config_is_kept() {
    let config = SandboxConfig {
        key_bits: 1024,
        vault_token: "demo-token".into(),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.expect("start");
    assert_eq!(sandbox.config().vault_token, "demo-token");
    let addr = sandbox.addr();
    assert!(!sandbox.base_url().ends_with('/'));
    tokio::net::TcpStream::connect(addr)
        .await
        .expect("listening");
    sandbox.stop().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "closed after stop"
    );
}

/// The demo sandbox starts with the embedded key pair (the same public key every start, so no
/// key is generated), decrypts with it, and still rotates to a freshly generated pair.
#[tokio::test]
async fn the_demo_key_is_fixed_and_rotation_still_generates_a_fresh_one() {
    let a = start_with(SandboxConfig::demo()).await;
    let b = start_with(SandboxConfig::demo()).await;
    let (a_id, a_key) = a.public_key().await;
    let (b_id, b_key) = b.public_key().await;
    assert_eq!(a_key, b_key, "both start with the embedded pair");
    assert_ne!(a_id, b_id, "each start has its own keyId");
    let code = a.verified_code(VAULT_CARD).await;
    let sent = a
        .set_passcode(
            VAULT_CARD,
            &a_id,
            &code,
            &encrypt(&a_key, Padding::Pkcs1, "pass123"),
        )
        .await;
    assert_eq!(sent.status, 200, "{:?}", sent.json);
    let rotated = a
        .control(Method::POST, "/_sandbox/vault/rotate-key", None)
        .await;
    assert_eq!(rotated.status, 200);
    let (_, new_key) = a.public_key().await;
    assert_ne!(new_key, a_key, "rotation generates a fresh pair");
}

#[tokio::test]
async fn unusable_configs_are_refused() {
    let bits = SandboxConfig {
        key_bits: 512,
        ..SandboxConfig::default()
    };
    assert!(Sandbox::start(bits).await.is_err());
    let merchant = SandboxConfig {
        merchant_id: "not-a-uuid".into(),
        key_bits: 1024,
        ..SandboxConfig::default()
    };
    assert!(Sandbox::start(merchant).await.is_err());
    let demo_bits = SandboxConfig {
        key_bits: 1024,
        ..SandboxConfig::demo()
    };
    let refused = Sandbox::start(demo_bits).await.unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn sandbox_endpoints_refuse_unknowns() {
    let env = start().await;
    let a = env.control(Method::GET, "/_sandbox/sms/777", None).await;
    assert_eq!(a.status, 404);
    assert!(a.json["error"].is_string());
    let a = env.control(Method::GET, "/_sandbox/sms/abc", None).await;
    assert_eq!(a.status, 400);
    let a = env
        .control(
            Method::POST,
            "/_sandbox/solid/cards/crd_nope/check-pin",
            Some(json!({"pin": "1"})),
        )
        .await;
    assert_eq!(a.status, 404);
    let a = env
        .control(
            Method::POST,
            "/_sandbox/vault/cards/1234435/check-passcode",
            Some(json!({"pin": "1"})),
        )
        .await;
    assert_eq!(a.status, 400);
    let a = env.control(Method::GET, "/_sandbox/nothing", None).await;
    assert_eq!(a.status, 404);
    assert!(a.content_type.starts_with("application/json"));
    let a = env
        .control(
            Method::POST,
            "/_sandbox/clock/advance",
            Some(json!({"seconds": 60})),
        )
        .await;
    assert_eq!(a.json["offset_seconds"], 60);
    let a = env
        .control(
            Method::POST,
            "/_sandbox/clock/advance",
            Some(json!({"seconds": -1})),
        )
        .await;
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn two_sandboxes_do_not_share_credentials_or_state() {
    let a = start().await;
    let b = start().await;
    assert_ne!(a.sandbox.base_url(), b.sandbox.base_url());
    let refused = b
        .send(
            b.http
                .get(b.url("/v2/card/rsa-public-key"))
                .bearer_auth(a.token()),
        )
        .await;
    assert_vault_error(&refused, 401, None);
    a.send_code(VAULT_CARD).await;
    assert_eq!(
        b.control(Method::GET, "/_sandbox/sms/1234435", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn in_process_helpers_see_the_same_state() {
    let env = start().await;
    assert_eq!(env.sandbox.last_sms_code(VAULT_CARD), None);
    let code = env.verified_code(VAULT_CARD).await;
    assert_eq!(env.sandbox.last_sms_code(VAULT_CARD), Some(code.clone()));
    let (key_id, key) = env.public_key().await;
    let cipher = encrypt(&key, pindesk_sandbox::Padding::Pkcs1, "pass123");
    assert_eq!(
        env.set_passcode(VAULT_CARD, &key_id, &code, &cipher)
            .await
            .status,
        200
    );
    assert!(env.sandbox.passcode_matches(VAULT_CARD, "pass123"));
    assert!(!env.sandbox.passcode_matches(VAULT_CARD, "pass124"));
    let token = env.fresh_pin_token().await;
    assert_eq!(
        env.set_pin(SOLID_CARD, &token, pin_body("6644"))
            .await
            .status,
        200
    );
    assert!(env.sandbox.pin_matches(SOLID_CARD, "6644"));
    let token = env.fresh_pin_token().await;
    env.sandbox
        .advance_clock(std::time::Duration::from_secs(301));
    let a = env.set_pin(SOLID_CARD, &token, pin_body("8642")).await;
    assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "sd-pin-token");
}
