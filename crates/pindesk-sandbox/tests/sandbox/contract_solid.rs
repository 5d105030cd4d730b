//! Solid's seed document and docs/PROVIDERS.md, replayed: the PIN token, its 401 and 404 examples,
//! and the v1 set-PIN call.

use reqwest::Method;
use serde_json::json;

use crate::common::*;

/// The seed's 200 example: `{"id","set_pin_token":"card_pin_test_<32 hex>"}`.
#[tokio::test]
async fn seed_set_pin_token_example() {
    let env = start().await;
    let a = env.pin_token("crd_7948d9a96706dd05360a340002de725f").await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert!(a.content_type.starts_with("application/json"));
    assert_eq!(a.json["id"], "crd_7948d9a96706dd05360a340002de725f");
    let token = a.json["set_pin_token"].as_str().expect("token");
    let hex = token.strip_prefix("card_pin_test_").expect("prefix");
    assert_eq!(hex.len(), 32);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(a.json.as_object().map(|o| o.len()), Some(2));
    assert_ne!(env.fresh_pin_token().await, token, "each token is new");
}

/// The seed's 401 example: missing or wrong `api-key`.
#[tokio::test]
async fn seed_401_example_without_or_with_a_wrong_api_key() {
    let env = start().await;
    let url = env.url(&format!("/v2/issuing/card/{SOLID_CARD}/set_pin_token"));
    for request in [
        env.http.post(&url),
        env.http.post(&url).header("api-key", "sk_test_wrong"),
    ] {
        let a = env.send(request).await;
        let j = assert_solid_error(&a, 401, "ERROR_CODE_UNAUTHORIZED", "");
        assert_eq!(j["error"]["message"], "unauthorized");
        assert_eq!(j["method"], "POST");
    }
}

/// The seed's 404 example: an unknown card.
#[tokio::test]
async fn seed_404_example_for_an_unknown_card() {
    let env = start().await;
    let a = env.pin_token("crd_00000000000000000000000000000000").await;
    assert_solid_error(&a, 404, "ERROR_CODE_RESOURCE_NOT_FOUND", "");
    let a = env
        .set_pin(
            "crd_00000000000000000000000000000000",
            "card_pin_test_x",
            pin_body("6644"),
        )
        .await;
    assert_solid_error(&a, 404, "ERROR_CODE_RESOURCE_NOT_FOUND", "");
}

/// docs/PROVIDERS.md's v1 example (with this card's expiry), with the token and no api-key.
#[tokio::test]
async fn v1_set_pin_example_sets_the_pin() {
    let env = start().await;
    let token = env.fresh_pin_token().await;
    let request = env
        .http
        .post(env.url(&format!("/v1/card/{SOLID_CARD}/pin")))
        .header("sd-pin-token", &token)
        .header("Content-Type", "application/json")
        .body(r#"{"pin":"6644","expiryMonth":"11","expiryYear":"2029","last4":"3738"}"#);
    let a = env.send(request).await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json, json!({ "id": SOLID_CARD }));
    assert!(env.pin_is(SOLID_CARD, "6644").await);
    assert!(!env.pin_is(SOLID_CARD, "6645").await);
}

#[tokio::test]
async fn inactive_card_gets_no_token() {
    let env = start().await;
    let a = env
        .pin_token(pindesk_sandbox::demo::INACTIVE_SOLID_CARD)
        .await;
    let j = assert_solid_error(&a, 400, "ERROR_CODE_CARD_INACTIVE", "card_id");
    assert!(j["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("not active")));
}

#[tokio::test]
async fn unknown_solid_route_and_wrong_method_are_in_solid_shape() {
    let env = start().await;
    let a = env
        .send(env.http.post(env.url("/v2/issuing/cards/nothing")))
        .await;
    assert_solid_error(&a, 404, "ERROR_CODE_RESOURCE_NOT_FOUND", "");
    let a = env
        .send(
            env.http
                .get(env.url(&format!("/v2/issuing/card/{SOLID_CARD}/set_pin_token"))),
        )
        .await;
    let j = assert_solid_error(&a, 405, "ERROR_CODE_METHOD_NOT_ALLOWED", "");
    assert_eq!(j["method"], "GET");
    let a = env.control(Method::GET, "/v1/card/x/pin/extra", None).await;
    assert_solid_error(&a, 404, "ERROR_CODE_RESOURCE_NOT_FOUND", "");
}
