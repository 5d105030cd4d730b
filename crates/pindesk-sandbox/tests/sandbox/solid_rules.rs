//! Every way a Solid set-PIN can be wrong: token missing, unknown, for another card, reused or
//! expired; card details that do not match; the PIN policy; malformed bodies. A presented
//! token is spent even when the call fails.

use pindesk_sandbox::demo;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn pin_policy_refuses_runs_and_repeats_and_allows_1122() {
    let env = start().await;
    for bad in [
        "1234", "4321", "0123", "9123", "7890", "1112", "2000", "123", "12345", "12a4", "",
    ] {
        let token = env.fresh_pin_token().await;
        let a = env.set_pin(SOLID_CARD, &token, pin_body(bad)).await;
        let j = assert_solid_error(&a, 400, "ERROR_CODE_INVALID_PIN", "pin");
        let message = j["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("the PIN must"), "{bad}: {message}");
    }
    assert!(!env.pin_is(SOLID_CARD, "1234").await);
    for good in ["1122", "6644", "1357"] {
        let token = env.fresh_pin_token().await;
        let a = env.set_pin(SOLID_CARD, &token, pin_body(good)).await;
        assert_eq!(a.status, 200, "{good}: {:?}", a.json);
        assert!(env.pin_is(SOLID_CARD, good).await);
    }
}

#[tokio::test]
async fn tokens_are_single_use_even_after_a_failure() {
    let env = start().await;
    let token = env.fresh_pin_token().await;
    assert_eq!(
        env.set_pin(SOLID_CARD, &token, pin_body("6644"))
            .await
            .status,
        200
    );
    let a = env.set_pin(SOLID_CARD, &token, pin_body("8642")).await;
    let j = assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "sd-pin-token");
    assert!(j["message"]
        .as_str()
        .is_some_and(|m| m.contains("already used")));
    assert!(env.pin_is(SOLID_CARD, "6644").await);

    let token = env.fresh_pin_token().await;
    let a = env.set_pin(SOLID_CARD, &token, pin_body("1111")).await;
    assert_solid_error(&a, 400, "ERROR_CODE_INVALID_PIN", "pin");
    let a = env.set_pin(SOLID_CARD, &token, pin_body("8642")).await;
    assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "sd-pin-token");
    assert!(env.pin_is(SOLID_CARD, "6644").await);
}

#[tokio::test]
async fn tokens_expire_after_five_minutes_of_virtual_time() {
    let env = start().await;
    let token = env.fresh_pin_token().await;
    env.advance(299).await;
    assert_eq!(
        env.set_pin(SOLID_CARD, &token, pin_body("6644"))
            .await
            .status,
        200
    );
    let token = env.fresh_pin_token().await;
    env.advance(301).await;
    let a = env.set_pin(SOLID_CARD, &token, pin_body("8642")).await;
    let j = assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "sd-pin-token");
    assert!(j["message"].as_str().is_some_and(|m| m.contains("expired")));
    assert!(env.pin_is(SOLID_CARD, "6644").await);
}

#[tokio::test]
async fn missing_unknown_or_foreign_tokens_are_401() {
    let env = start().await;
    let a = env
        .send(
            env.http
                .post(env.url(&format!("/v1/card/{SOLID_CARD}/pin")))
                .json(&pin_body("6644")),
        )
        .await;
    assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "sd-pin-token");
    let a = env
        .set_pin(
            SOLID_CARD,
            "card_pin_test_00000000000000000000000000000000",
            pin_body("6644"),
        )
        .await;
    assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "sd-pin-token");
    // A token for the active card presented on another (inactive) card.
    let token = env.fresh_pin_token().await;
    let a = env
        .set_pin(demo::INACTIVE_SOLID_CARD, &token, pin_body("6644"))
        .await;
    let j = assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "sd-pin-token");
    assert!(j["message"]
        .as_str()
        .is_some_and(|m| m.contains("another card")));
    // ...is still good for its own card.
    assert_eq!(
        env.set_pin(SOLID_CARD, &token, pin_body("6644"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn card_details_must_match() {
    let env = start().await;
    let cases = [
        (
            json!({"pin":"6644","expiryMonth":"12","expiryYear":"2029","last4":"3738"}),
            "expiryMonth",
        ),
        (
            json!({"pin":"6644","expiryMonth":"13","expiryYear":"2029","last4":"3738"}),
            "expiryMonth",
        ),
        (
            json!({"pin":"6644","expiryMonth":"11","expiryYear":"2026","last4":"3738"}),
            "expiryYear",
        ),
        (
            json!({"pin":"6644","expiryMonth":"11","expiryYear":"29","last4":"3738"}),
            "expiryYear",
        ),
        (
            json!({"pin":"6644","expiryMonth":"11","expiryYear":"2029","last4":"3739"}),
            "last4",
        ),
        (
            json!({"pin":"6644","expiryMonth":"11","expiryYear":"2029","last4":"37a8"}),
            "last4",
        ),
        (
            json!({"pin":"6644","expiryMonth":"11","expiryYear":"2029"}),
            "last4",
        ),
        (
            json!({"pin":6644,"expiryMonth":"11","expiryYear":"2029","last4":"3738"}),
            "pin",
        ),
    ];
    for (body, field) in cases {
        let token = env.fresh_pin_token().await;
        let a = env.set_pin(SOLID_CARD, &token, body.clone()).await;
        assert_solid_error(&a, 400, "ERROR_CODE_INVALID_REQUEST", field);
    }
    // The matching details are accepted.
    let token = env.fresh_pin_token().await;
    let a = env
        .set_pin(
            SOLID_CARD,
            &token,
            json!({"pin":"6644","expiryMonth":"11","expiryYear":"2029","last4":"3738"}),
        )
        .await;
    assert_eq!(a.status, 200);
    assert!(env.pin_is(SOLID_CARD, "6644").await);
}

#[tokio::test]
async fn malformed_bodies_are_in_solid_shape() {
    let env = start().await;
    let url = env.url(&format!("/v1/card/{SOLID_CARD}/pin"));
    let token = env.fresh_pin_token().await;
    let a = env
        .send(
            env.http
                .post(&url)
                .header("sd-pin-token", &token)
                .header("Content-Type", "application/json")
                .body("{\"pin\":"),
        )
        .await;
    assert_solid_error(&a, 400, "ERROR_CODE_INVALID_REQUEST", "");
    let token = env.fresh_pin_token().await;
    let a = env
        .send(
            env.http
                .post(&url)
                .header("sd-pin-token", &token)
                .body("pin=6644"),
        )
        .await;
    assert_solid_error(&a, 415, "ERROR_CODE_UNSUPPORTED_MEDIA_TYPE", "");
    let token = env.fresh_pin_token().await;
    let big = json!({"pin": "6".repeat(70 * 1024)});
    let a = env
        .send(
            env.http
                .post(&url)
                .header("sd-pin-token", &token)
                .json(&big),
        )
        .await;
    assert_solid_error(&a, 413, "ERROR_CODE_PAYLOAD_TOO_LARGE", "");
    // The oversized body never reached the handler: that token is still good.
    assert_eq!(
        env.set_pin(SOLID_CARD, &token, pin_body("6644"))
            .await
            .status,
        200
    );
}
