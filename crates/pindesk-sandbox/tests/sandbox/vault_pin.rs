//! Vault's card PIN, `POST /v2/card/{id}/pin`, and its control
//! `POST /_sandbox/vault/cards/{card_id}/check-pin`: set and reset with no SMS code, Vault's
//! published PIN rules refused in Vault's shape naming `pin`, bearer token, inactive and
//! unknown cards.

use pindesk_sandbox::demo;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

fn pin_path(card: i64) -> String {
    format!("/v2/card/{card}/pin")
}

async fn pin_is(env: &Env, card: i64, pin: &str) -> bool {
    let a = env
        .control(
            Method::POST,
            &format!("/_sandbox/vault/cards/{card}/check-pin"),
            Some(json!({ "pin": pin })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
    a.json["matches"].as_bool().expect("matches")
}

#[tokio::test]
async fn sets_and_resets_the_pin_without_an_sms_code() {
    let env = start().await;
    assert!(!pin_is(&env, VAULT_CARD, "1122").await, "no PIN at first");
    let a = env
        .vault(
            Method::POST,
            &pin_path(VAULT_CARD),
            Some(json!({"pin": "1122"})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
    assert_eq!(a.json, json!({"result": "ok"}));
    assert!(pin_is(&env, VAULT_CARD, "1122").await);
    assert!(!pin_is(&env, VAULT_CARD, "6644").await);
    assert!(env.sandbox.vault_pin_matches(VAULT_CARD, "1122"));
    // Reset, any number of times; the other card and the passcode are untouched.
    let a = env
        .vault(
            Method::POST,
            &pin_path(VAULT_CARD),
            Some(json!({"pin": "6644"})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
    assert!(pin_is(&env, VAULT_CARD, "6644").await);
    assert!(!pin_is(&env, VAULT_CARD, "1122").await);
    assert!(!pin_is(&env, demo::VAULT_CARDS[1], "6644").await);
    assert!(!env.passcode_is(VAULT_CARD, "6644").await);
    assert_eq!(env.sandbox.requests_to("POST", "/v2/card/{id}/pin"), 2);
}

#[tokio::test]
async fn pins_breaking_vaults_rules_are_refused_naming_pin() {
    let env = start().await;
    for bad in ["1234", "4321", "1112", "0000", "123", "12345", "12a4"] {
        let a = env
            .vault(
                Method::POST,
                &pin_path(VAULT_CARD),
                Some(json!({"pin": bad})),
            )
            .await;
        let j = assert_vault_error(&a, 400, Some("pin"));
        assert_eq!(j["error"], "VALIDATION", "{bad}");
        assert!(!j.to_string().contains(bad), "{bad} echoed: {j}");
        assert!(!pin_is(&env, VAULT_CARD, bad).await, "{bad}");
    }
    // The body: JSON, with a string `pin`.
    let a = env
        .vault(
            Method::POST,
            &pin_path(VAULT_CARD),
            Some(json!({"code": "1122"})),
        )
        .await;
    assert_vault_error(&a, 400, Some("pin"));
    let a = env
        .vault(
            Method::POST,
            &pin_path(VAULT_CARD),
            Some(json!({"pin": 1122})),
        )
        .await;
    assert_vault_error(&a, 400, Some("pin"));
    let a = env.vault(Method::POST, &pin_path(VAULT_CARD), None).await;
    assert_eq!(a.status.as_u16(), 415, "{:?}", a.json);
}

#[tokio::test]
async fn needs_a_token_and_an_active_known_card() {
    let env = start().await;
    let a = env
        .send(
            env.http
                .post(env.url(&pin_path(VAULT_CARD)))
                .header("Accept", "application/json")
                .json(&json!({"pin": "1122"})),
        )
        .await;
    assert_vault_error(&a, 401, None);
    assert!(!pin_is(&env, VAULT_CARD, "1122").await);

    let a = env
        .vault(
            Method::POST,
            &pin_path(demo::INACTIVE_VAULT_CARD),
            Some(json!({"pin": "1122"})),
        )
        .await;
    let j = assert_vault_error(&a, 400, Some("id"));
    assert_eq!(j["error"], "CARD_INACTIVE");

    let a = env
        .vault(Method::POST, &pin_path(777), Some(json!({"pin": "1122"})))
        .await;
    assert_vault_error(&a, 404, None);
    let a = env
        .vault(
            Method::POST,
            "/v2/card/abc/pin",
            Some(json!({"pin": "1122"})),
        )
        .await;
    assert_vault_error(&a, 400, Some("id"));
    let a = env.vault(Method::GET, &pin_path(VAULT_CARD), None).await;
    assert_eq!(a.status.as_u16(), 405);

    let a = env
        .control(
            Method::POST,
            "/_sandbox/vault/cards/777/check-pin",
            Some(json!({"pin": "1122"})),
        )
        .await;
    assert_eq!(a.status.as_u16(), 404);
}
