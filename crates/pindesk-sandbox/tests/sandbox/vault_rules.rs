//! Every way a Vault request can be wrong, each answered in Vault's shape with the right
//! status and field; codes that are wrong, expired, reused or burnt; the passcode policy;
//! key rotation.

use pindesk_sandbox::{demo, Padding};
use reqwest::Method;
use serde_json::json;

use crate::common::*;

fn verify_path(card: i64) -> String {
    format!("/v2/card/{card}/passcode/sms/verify")
}

#[tokio::test]
async fn malformed_json_and_wrong_shapes() {
    let env = start().await;
    let url = env.url(&verify_path(VAULT_CARD));
    let raw = |body: &'static str| {
        env.http
            .post(&url)
            .bearer_auth(env.token())
            .header("Content-Type", "application/json")
            .body(body)
    };
    let j = assert_vault_error(&env.send(raw("{\"code\": ")).await, 400, None);
    assert_eq!(j["error"], "VALIDATION");
    assert_vault_error(&env.send(raw("[\"1234\"]")).await, 400, None);
    assert_vault_error(&env.send(raw("{}")).await, 400, Some("code"));
    assert_vault_error(&env.send(raw("{\"code\": 1234}")).await, 400, Some("code"));
    let set = env
        .vault(
            Method::POST,
            "/v2/card/1234435/passcode/code/set",
            Some(json!({"code": "1"})),
        )
        .await;
    assert_vault_error(&set, 400, Some("keyId"));
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let env = start().await;
    let a = env
        .send(
            env.http
                .post(env.url(&verify_path(VAULT_CARD)))
                .bearer_auth(env.token())
                .header("Content-Type", "text/plain")
                .body("{\"code\":\"1234\"}"),
        )
        .await;
    let j = assert_vault_error(&a, 415, None);
    assert_eq!(j["error"], "UNSUPPORTED_MEDIA_TYPE");
    let a = env
        .send(
            env.http
                .post(env.url(&verify_path(VAULT_CARD)))
                .bearer_auth(env.token())
                .body("{}"),
        )
        .await;
    assert_vault_error(&a, 415, None);
}

#[tokio::test]
async fn body_over_64_kib_is_413() {
    let env = start().await;
    let big = json!({ "code": "1".repeat(70 * 1024) });
    let a = env
        .vault(Method::POST, &verify_path(VAULT_CARD), Some(big))
        .await;
    let j = assert_vault_error(&a, 413, None);
    assert_eq!(j["error"], "PAYLOAD_TOO_LARGE");
    // Just under the limit is read (and refused for what it says, not its size).
    let fits = json!({ "code": "1".repeat(60 * 1024) });
    let a = env
        .vault(Method::POST, &verify_path(VAULT_CARD), Some(fits))
        .await;
    assert_vault_error(&a, 400, Some("code"));
}

#[tokio::test]
async fn card_ids_must_be_positive_int64_known_and_active() {
    let env = start().await;
    for bad in ["abc", "0", "-5", "1.5", "99999999999999999999"] {
        let a = env
            .vault(
                Method::POST,
                &format!("/v2/card/{bad}/passcode/sms/send"),
                None,
            )
            .await;
        assert_vault_error(&a, 400, Some("id"));
    }
    let a = env
        .vault(Method::POST, "/v2/card/777/passcode/sms/send", None)
        .await;
    let j = assert_vault_error(&a, 404, None);
    assert_eq!(j["error"], "NOT_FOUND");
    let inactive = demo::INACTIVE_VAULT_CARD;
    let a = env
        .vault(
            Method::POST,
            &format!("/v2/card/{inactive}/passcode/sms/send"),
            None,
        )
        .await;
    let j = assert_vault_error(&a, 400, Some("id"));
    assert_eq!(j["error"], "CARD_INACTIVE");
    assert!(j["message"]
        .as_str()
        .is_some_and(|m| m.contains("not active")));
}

#[tokio::test]
async fn unknown_vault_route_and_wrong_method_are_in_vault_shape() {
    let env = start().await;
    let a = env
        .vault(Method::POST, "/v2/card/1234435/passcode/nothing", None)
        .await;
    assert_vault_error(&a, 404, None);
    let a = env
        .vault(Method::GET, "/v2/card/1234435/passcode/sms/send", None)
        .await;
    let j = assert_vault_error(&a, 405, None);
    assert_eq!(j["error"], "METHOD_NOT_ALLOWED");
    let a = env.vault(Method::GET, "/oauth/nothing", None).await;
    assert_vault_error(&a, 404, None);
}

#[tokio::test]
async fn verify_without_a_sent_code_is_refused() {
    let env = start().await;
    let j = assert_vault_error(&env.verify(VAULT_CARD, "1234").await, 400, Some("code"));
    assert_eq!(j["error"], "CODE_NOT_SENT");
    assert_eq!(
        env.control(Method::GET, "/_sandbox/sms/1234435", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn five_wrong_attempts_burn_the_code() {
    let env = start().await;
    let code = env.send_code(VAULT_CARD).await;
    let wrong = if code == "0000000" { "1" } else { "0000000" };
    for attempt in 1..=4 {
        let j = assert_vault_error(&env.verify(VAULT_CARD, wrong).await, 400, Some("code"));
        assert_eq!(j["error"], "CODE_INVALID", "attempt {attempt}");
        assert!(j["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("{} attempts left", 5 - attempt))));
    }
    let j = assert_vault_error(&env.verify(VAULT_CARD, wrong).await, 400, Some("code"));
    assert_eq!(j["error"], "CODE_ATTEMPTS_EXCEEDED");
    // Burnt: even the right code is refused now.
    let j = assert_vault_error(&env.verify(VAULT_CARD, &code).await, 400, Some("code"));
    assert_eq!(j["error"], "CODE_ATTEMPTS_EXCEEDED");
    // A new code works.
    env.verified_code(VAULT_CARD).await;
}

#[tokio::test]
async fn codes_expire_after_five_minutes_of_virtual_time() {
    let env = start().await;
    let code = env.send_code(VAULT_CARD).await;
    env.advance(299).await;
    assert_eq!(env.verify(VAULT_CARD, &code).await.status, 200);
    let code = env.send_code(VAULT_CARD).await;
    env.advance(301).await;
    let j = assert_vault_error(&env.verify(VAULT_CARD, &code).await, 400, Some("code"));
    assert_eq!(j["error"], "CODE_EXPIRED");

    // A verified code that expires before the set is refused too.
    let code = env.verified_code(VAULT_CARD).await;
    let (key_id, key) = env.public_key().await;
    env.advance(301).await;
    let a = env
        .set_passcode(
            VAULT_CARD,
            &key_id,
            &code,
            &encrypt(&key, Padding::Pkcs1, "pass123"),
        )
        .await;
    let j = assert_vault_error(&a, 400, Some("code"));
    assert_eq!(j["error"], "CODE_EXPIRED");
}

#[tokio::test]
async fn set_needs_the_same_verified_code_and_consumes_it() {
    let env = start().await;
    let (key_id, key) = env.public_key().await;
    let cipher = encrypt(&key, Padding::Pkcs1, "pass123");
    // Sent but not verified.
    let code = env.send_code(VAULT_CARD).await;
    let j = assert_vault_error(
        &env.set_passcode(VAULT_CARD, &key_id, &code, &cipher).await,
        400,
        Some("code"),
    );
    assert_eq!(j["error"], "CODE_NOT_VERIFIED");
    // Verified, but a different code presented.
    assert_eq!(env.verify(VAULT_CARD, &code).await.status, 200);
    let j = assert_vault_error(
        &env.set_passcode(VAULT_CARD, &key_id, "0000000", &cipher)
            .await,
        400,
        Some("code"),
    );
    assert_eq!(j["error"], "CODE_INVALID");
    // Verified on another card does not count for this one.
    let other = env.set_passcode(123_321, &key_id, &code, &cipher).await;
    assert_vault_error(&other, 400, Some("code"));
    // The right one works once.
    assert_eq!(
        env.set_passcode(VAULT_CARD, &key_id, &code, &cipher)
            .await
            .status,
        200
    );
    let again = encrypt(&key, Padding::Pkcs1, "other123");
    let j = assert_vault_error(
        &env.set_passcode(VAULT_CARD, &key_id, &code, &again).await,
        400,
        Some("code"),
    );
    assert_eq!(j["error"], "CODE_NOT_SENT");
    assert!(env.passcode_is(VAULT_CARD, "pass123").await);
}

#[tokio::test]
async fn passcode_policy_is_enforced_and_named() {
    let env = start().await;
    let (key_id, key) = env.public_key().await;
    let code = env.verified_code(VAULT_CARD).await;
    for (bad, rule) in [
        ("abc", "4 to 32"),
        (&*"a1".repeat(17), "4 to 32"),
        ("pass 123", "letters and digits"),
        ("pässwort", "letters and digits"),
        ("aaaa", "repeated"),
        ("7777777", "repeated"),
    ] {
        let a = env
            .set_passcode(
                VAULT_CARD,
                &key_id,
                &code,
                &encrypt(&key, Padding::Pkcs1, bad),
            )
            .await;
        let j = assert_vault_error(&a, 400, Some("passCode"));
        assert_eq!(j["error"], "PASSCODE_POLICY", "{bad}");
        let message = j["message"].as_str().unwrap_or_default();
        assert!(message.contains(rule), "{bad}: {message}");
        assert!(!message.contains(bad), "never echoes the value");
    }
    let a = env
        .set_passcode(
            VAULT_CARD,
            &key_id,
            &code,
            &encrypt(&key, Padding::Pkcs1, "aaab"),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
}

#[tokio::test]
async fn rotated_key_refuses_the_old_key_id() {
    let env = start().await;
    let (old_id, old_key) = env.public_key().await;
    let a = env
        .control(Method::POST, "/_sandbox/vault/rotate-key", None)
        .await;
    assert_eq!(a.status, 200);
    let (new_id, new_key) = env.public_key().await;
    assert_ne!(old_id, new_id);
    assert_eq!(a.json["id"], new_id.as_str());
    assert_ne!(old_key, new_key);
    let code = env.verified_code(VAULT_CARD).await;
    let a = env
        .set_passcode(
            VAULT_CARD,
            &old_id,
            &code,
            &encrypt(&old_key, Padding::Pkcs1, "pass123"),
        )
        .await;
    let j = assert_vault_error(&a, 400, Some("keyId"));
    assert_eq!(j["error"], "KEY_ID_INVALID");
    // The new key's id with the old key's ciphertext cannot be decrypted.
    let a = env
        .set_passcode(
            VAULT_CARD,
            &new_id,
            &code,
            &encrypt(&old_key, Padding::Pkcs1, "pass123"),
        )
        .await;
    assert_vault_error(&a, 400, Some("passCode"));
    let a = env
        .set_passcode(
            VAULT_CARD,
            &new_id,
            &code,
            &encrypt(&new_key, Padding::Pkcs1, "pass123"),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
}
