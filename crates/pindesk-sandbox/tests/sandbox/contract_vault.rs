//! Vault's seed document and docs/PROVIDERS.md, replayed: sign-in, the RSA key, the passcode flow,
//! and the documented error shape.

use pindesk_sandbox::Padding;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

/// The seed's curl example, as written, with the sandbox's token: `keyId` "abc123" is not a
/// key this sandbox issued, so it is the documented 400 error shape naming `keyId`.
#[tokio::test]
async fn seed_curl_example_as_written_is_a_400_in_vault_shape() {
    let env = start().await;
    env.verified_code(1_234_435).await;
    let request = env
        .http
        .post(env.url("/v2/card/1234435/passcode/code/set"))
        .header("Accept", "application/json")
        .header("Authorization", format!("Bearer {}", env.token()))
        .header("Content-Type", "application/json")
        .body("{\n  \"code\": \"1234\",\n  \"keyId\": \"abc123\",\n  \"passCode\": \"pass123\"\n}");
    let a = env.send(request).await;
    let j = assert_vault_error(&a, 400, Some("keyId"));
    assert_eq!(j["error"], "KEY_ID_INVALID");
}

/// The seed's flow with real values: 200 `{"result":"ok"}` and the passcode is stored.
#[tokio::test]
async fn seed_flow_with_real_values_sets_the_passcode() {
    let env = start().await;
    let code = env.verified_code(1_234_435).await;
    let (key_id, key) = env.public_key().await;
    let a = env
        .set_passcode(
            1_234_435,
            &key_id,
            &code,
            &encrypt(&key, Padding::Pkcs1, "pass123"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
    assert!(a.content_type.starts_with("application/json"));
    assert_eq!(a.json, json!({"result": "ok"}));
    assert!(env.passcode_is(1_234_435, "pass123").await);
    assert!(!env.passcode_is(1_234_435, "pass124").await);
    assert!(
        !env.passcode_is(123_321, "pass123").await,
        "other card untouched"
    );
}

#[tokio::test]
async fn rsa_public_key_is_a_base64_der_spki_under_a_uuid() {
    let env = start().await;
    let (key_id, key) = env.public_key().await;
    assert!(uuid::Uuid::parse_str(&key_id).is_ok());
    assert_eq!(rsa::traits::PublicKeyParts::size(&key), 128);
    assert_eq!(env.sandbox.vault_key_id(), key_id);
}

#[tokio::test]
async fn sign_in_issues_a_working_token_that_expires() {
    let env = start().await;
    let c = env.sandbox.config().clone();
    let request = env
        .http
        .post(env.url("/oauth/token"))
        .header("X-Merchant-ID", &c.merchant_id)
        .form(&[
            ("grant_type", "mobile_phone"),
            ("number", &c.phone),
            ("password", &c.password),
        ]);
    let a = env.send(request).await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["token_type"], "bearer");
    assert_eq!(a.json["expires_in"], 86_399);
    assert_eq!(a.json["scope"], "read write");
    assert!(a.json["refresh_token"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    let token = a.json["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    assert_ne!(token, c.vault_token);

    let get_key = |token: String| {
        env.http
            .get(env.url("/v2/card/rsa-public-key"))
            .bearer_auth(token)
    };
    assert_eq!(env.send(get_key(token.clone())).await.status, 200);
    env.advance(86_400).await;
    let a = env.send(get_key(token)).await;
    let j = assert_vault_error(&a, 401, None);
    assert!(j["message"].as_str().is_some_and(|m| m.contains("expired")));
    // The pasted token never expires.
    assert_eq!(env.send(get_key(c.vault_token)).await.status, 200);
}

/// Vault documents no refresh grant: it is refused like any grant but `mobile_phone`.
#[tokio::test]
async fn refresh_token_grant_is_refused_as_not_valid_request_data() {
    let env = start().await;
    let c = env.sandbox.config().clone();
    let sign_in = |form: Vec<(&'static str, String)>| {
        env.http
            .post(env.url("/oauth/token"))
            .header("X-Merchant-ID", &c.merchant_id)
            .form(&form)
    };
    let a = env
        .send(sign_in(vec![
            ("grant_type", "mobile_phone".into()),
            ("number", c.phone.clone()),
            ("password", c.password.clone()),
        ]))
        .await;
    let refresh = a.json["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let a = env
        .send(sign_in(vec![
            ("grant_type", "refresh_token".into()),
            ("refresh_token", refresh),
        ]))
        .await;
    let j = assert_vault_error(&a, 400, Some("grant_type"));
    assert_eq!(j["errorId"], 422);
    assert_eq!(j["error"], "NOT_VALID_REQUEST_DATA");
}

/// Wrong credentials, a missing or unknown merchant, a body of the wrong type and an unknown
/// grant: each a documented 400 (11, or 422 naming the field).
#[tokio::test]
async fn sign_in_refusals_are_in_vault_shape() {
    let env = start().await;
    let c = env.sandbox.config().clone();
    let good = [
        ("grant_type", "mobile_phone"),
        ("number", c.phone.as_str()),
        ("password", c.password.as_str()),
    ];
    let wrong = [
        ("grant_type", "mobile_phone"),
        ("number", c.phone.as_str()),
        ("password", "wrong"),
    ];
    let bad_grant = [
        ("grant_type", "password"),
        ("number", c.phone.as_str()),
        ("password", c.password.as_str()),
    ];
    let other = uuid::Uuid::new_v4().to_string();
    let post = || env.http.post(env.url("/oauth/token"));
    let cases: Vec<(&str, reqwest::RequestBuilder, i64, Option<&str>)> = vec![
        (
            "wrong password",
            post().header("X-Merchant-ID", &c.merchant_id).form(&wrong),
            11,
            None,
        ),
        (
            "no merchant",
            post().form(&good),
            422,
            Some("X-Merchant-ID"),
        ),
        (
            "other merchant",
            post().header("X-Merchant-ID", &other).form(&good),
            422,
            Some("X-Merchant-ID"),
        ),
        (
            "json body",
            post()
                .header("X-Merchant-ID", &c.merchant_id)
                .json(&json!({"grant_type": "mobile_phone"})),
            422,
            Some("body"),
        ),
        (
            "unknown grant",
            post()
                .header("X-Merchant-ID", &c.merchant_id)
                .form(&bad_grant),
            422,
            Some("grant_type"),
        ),
    ];
    for (name, request, error_id, field) in cases {
        let a = env.send(request).await;
        let j = assert_vault_error(&a, 400, field);
        assert_eq!(j["errorId"], error_id, "{name}: {j}");
    }
}

#[tokio::test]
async fn every_card_call_needs_a_valid_bearer_token() {
    let env = start().await;
    for (method, path) in [
        (Method::GET, "/v2/card/rsa-public-key"),
        (Method::POST, "/v2/card/1234435/passcode/sms/send"),
        (Method::POST, "/v2/card/1234435/passcode/sms/verify"),
        (Method::POST, "/v2/card/1234435/passcode/code/set"),
    ] {
        let a = env
            .send(env.http.request(method.clone(), env.url(path)))
            .await;
        let j = assert_vault_error(&a, 401, None);
        assert_eq!(j["error"], "UNAUTHORIZED");
        let a = env
            .send(
                env.http
                    .request(method, env.url(path))
                    .bearer_auth("not-a-token"),
            )
            .await;
        assert_vault_error(&a, 401, None);
    }
    let a = env
        .control(Method::GET, "/_sandbox/sms/1234435", None)
        .await;
    assert_eq!(a.status, 404, "no code was sent by the refused calls");
}

#[tokio::test]
async fn sms_codes_are_fresh_digits_per_send() {
    let env = start().await;
    let first = env.send_code(VAULT_CARD).await;
    assert!((4..=6).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit()));
    let a = env
        .control(Method::GET, &format!("/_sandbox/sms/{VAULT_CARD}"), None)
        .await;
    assert_eq!(a.json["card_id"], VAULT_CARD);
    assert!(a.json["sent_at"].as_str().is_some_and(|s| s.ends_with('Z')));
    // A new send replaces the code: only the newest verifies.
    let mut second = env.send_code(VAULT_CARD).await;
    while second == first {
        second = env.send_code(VAULT_CARD).await;
    }
    assert_vault_error(&env.verify(VAULT_CARD, &first).await, 400, Some("code"));
    assert_eq!(env.verify(VAULT_CARD, &second).await.status, 200);
}
