//! The Vault passcode flow against the sandbox: every call, every padding, and each way it
//! can fail mapped to its category.

mod common;

use common::*;
use pindesk_core::crypto::{RsaPadding, VaultKey};
use pindesk_core::error::Category;
use pindesk_core::http::{MaybeSentReason, NotSentReason, TransportError};
use pindesk_core::policy::PasscodePolicy;
use pindesk_core::providers::vault::{VaultClient, VaultError};
use pindesk_core::secret::{AccessToken, Passcode, Password, SmsCode};
use pindesk_core::validate::{BaseUrl, VaultCardId};
use pindesk_sandbox::{Padding, Sandbox};
use serde_json::json;

const CARD: i64 = 1_234_435;

fn card() -> VaultCardId {
    VaultCardId::try_from(CARD).unwrap()
}

fn client(sb: &Sandbox) -> VaultClient {
    VaultClient::new(http(), base(sb), Some(&sb.config().merchant_id)).unwrap()
}

fn token(sb: &Sandbox) -> AccessToken {
    AccessToken::new(sb.config().vault_token.clone())
}

fn padding_of(p: Padding) -> RsaPadding {
    p.as_str().parse().unwrap()
}

/// Sets `passcode` on the card with the sandbox's token.
async fn set(
    sb: &Sandbox,
    vault: &VaultClient,
    key: &VaultKey,
    code: &SmsCode,
    passcode: &str,
    padding: RsaPadding,
) -> Result<(), VaultError> {
    vault
        .set_passcode(
            &token(sb),
            card(),
            key,
            code,
            &Passcode::new(passcode.into()),
            padding,
        )
        .await
}

/// Sends and verifies a code; returns it.
async fn verified_code(sb: &Sandbox, vault: &VaultClient) -> SmsCode {
    vault.send_code(&token(sb), card()).await.unwrap();
    let code = SmsCode::new(last_sms(sb, CARD).await);
    vault.verify_code(&token(sb), card(), &code).await.unwrap();
    code
}

#[tokio::test]
async fn full_flow_in_each_padding() {
    for padding in Padding::ALL {
        let sb = sandbox(padding).await;
        let vault = client(&sb);
        let code = verified_code(&sb, &vault).await;
        let key = vault.rsa_key(&token(&sb)).await.unwrap();
        assert_eq!(key.id, sb.vault_key_id());
        let passcode = Passcode::new("pass123".into());
        PasscodePolicy::default().check(&passcode).unwrap();
        set(&sb, &vault, &key, &code, "pass123", padding_of(padding))
            .await
            .unwrap_or_else(|e| panic!("{padding:?}: {}", e.operator_message()));
        assert!(passcode_matches(&sb, CARD, "pass123").await, "{padding:?}");
        assert!(!passcode_matches(&sb, CARD, "pass124").await);
        sb.stop().await;
    }
}

#[tokio::test]
async fn wrong_padding_is_rejected() {
    let sb = sandbox(Padding::OaepSha256).await;
    let vault = client(&sb);
    let code = verified_code(&sb, &vault).await;
    let key = vault.rsa_key(&token(&sb)).await.unwrap();
    let e = set(&sb, &vault, &key, &code, "pass123", RsaPadding::Pkcs1)
        .await
        .unwrap_err();
    assert_eq!(e.category(), Category::Rejected, "{e:?}");
    assert!(!passcode_matches(&sb, CARD, "pass123").await);
}

#[tokio::test]
async fn sign_in_then_use_the_token() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    let tokens = vault
        .sign_in(
            &sb.config().phone,
            &Password::new(sb.config().password.clone()),
        )
        .await
        .unwrap();
    assert!(tokens.expires_in.is_some());
    assert!(!format!("{tokens:?}").contains(tokens.access.expose()));
    vault.send_code(&tokens.access, card()).await.unwrap();

    let e = vault
        .sign_in(
            &sb.config().phone,
            &Password::new("not-the-password".into()),
        )
        .await
        .unwrap_err();
    assert_eq!(e.category(), Category::Credentials, "{e:?}");
    assert_eq!(e.code(), "sign_in_wrong_credentials");
    assert!(
        !e.is_unauthorized(),
        "a refused sign-in is not retried by signing in again"
    );
    assert!(!e.operator_message().contains("not-the-password"));

    let before = sb.requests_to("POST", "/oauth/token");
    let no_merchant = VaultClient::new(http(), base(&sb), None).unwrap();
    let e = no_merchant
        .sign_in(
            &sb.config().phone,
            &Password::new(sb.config().password.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(e.category(), Category::Validation, "{e:?}");
    assert_eq!(e.field(), Some("merchant_id"));
    assert_eq!(
        sb.requests_to("POST", "/oauth/token"),
        before,
        "nothing was sent"
    );
}

#[tokio::test]
async fn wrong_code_is_rejected_naming_the_field() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    vault.send_code(&token(&sb), card()).await.unwrap();
    let real = last_sms(&sb, CARD).await;
    let wrong = if real == "000000" { "111111" } else { "000000" };
    let e = vault
        .verify_code(&token(&sb), card(), &SmsCode::new(wrong.into()))
        .await
        .unwrap_err();
    assert!(matches!(e, VaultError::Rejected(_)), "{e:?}");
    assert_eq!(e.category(), Category::Rejected);
    assert_eq!(e.field(), Some("code"));
    assert!(e.reference().is_some());
    let message = e.operator_message();
    assert!(message.contains("incorrect"), "{message}");
    assert!(!message.contains(wrong));
}

#[tokio::test]
async fn expired_code_is_rejected() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    vault.send_code(&token(&sb), card()).await.unwrap();
    let code = SmsCode::new(last_sms(&sb, CARD).await);
    advance(&sb, 301).await;
    let e = vault
        .verify_code(&token(&sb), card(), &code)
        .await
        .unwrap_err();
    assert_eq!(e.category(), Category::Rejected);
    assert!(
        e.operator_message().contains("expired"),
        "{}",
        e.operator_message()
    );
}

#[tokio::test]
async fn unverified_code_cannot_set_a_passcode() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    vault.send_code(&token(&sb), card()).await.unwrap();
    let code = SmsCode::new(last_sms(&sb, CARD).await);
    let key = vault.rsa_key(&token(&sb)).await.unwrap();
    let e = set(&sb, &vault, &key, &code, "pass123", RsaPadding::Pkcs1)
        .await
        .unwrap_err();
    assert_eq!(e.category(), Category::Rejected, "{e:?}");
    assert!(!passcode_matches(&sb, CARD, "pass123").await);
}

#[tokio::test]
async fn policy_violation_is_caught_before_anything_is_sent() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    let code = verified_code(&sb, &vault).await;
    let key = vault.rsa_key(&token(&sb)).await.unwrap();
    let weak = Passcode::new("aaaa".into());
    let violation = PasscodePolicy::default().check(&weak).unwrap_err();
    assert_eq!(violation.rule, "repeated");
    // The caller stops here; the verified code stays usable for a valid passcode.
    assert!(!passcode_matches(&sb, CARD, "aaaa").await);
    set(&sb, &vault, &key, &code, "pass123", RsaPadding::Pkcs1)
        .await
        .unwrap();
    assert!(passcode_matches(&sb, CARD, "pass123").await);
    // A malformed code is refused by the client itself.
    let e = set(
        &sb,
        &vault,
        &key,
        &SmsCode::new("".into()),
        "pass123",
        RsaPadding::Pkcs1,
    )
    .await
    .unwrap_err();
    assert_eq!(e.category(), Category::Validation);
}

#[tokio::test]
async fn rotated_key_is_a_key_error_and_a_fresh_key_works() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    let code = verified_code(&sb, &vault).await;
    let stale = vault.rsa_key(&token(&sb)).await.unwrap();
    rotate_key(&sb).await;
    let e = set(&sb, &vault, &stale, &code, "pass123", RsaPadding::Pkcs1)
        .await
        .unwrap_err();
    assert!(e.is_key_error(), "{e:?}");
    assert_eq!(e.category(), Category::Rejected);
    let fresh = vault.rsa_key(&token(&sb)).await.unwrap();
    assert_ne!(fresh.id, stale.id);
    set(&sb, &vault, &fresh, &code, "pass123", RsaPadding::Pkcs1)
        .await
        .unwrap_or_else(|e| panic!("{}", e.operator_message()));
    assert!(passcode_matches(&sb, CARD, "pass123").await);
}

#[tokio::test]
async fn bad_token_is_a_credentials_error() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    let bad = AccessToken::new("sbx_not_a_token".into());
    let e = vault.send_code(&bad, card()).await.unwrap_err();
    assert!(e.is_unauthorized(), "{e:?}");
    assert_eq!(e.category(), Category::Credentials);
    assert!(!e.operator_message().contains("sbx_not_a_token"));
    let e = vault.rsa_key(&bad).await.unwrap_err();
    assert_eq!(e.category(), Category::Credentials);
}

#[tokio::test]
async fn provider_503_is_rejected_with_try_again() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/sms/send"), "count": 1, "status": 503,
               "body": {"error": "COMMON", "errorId": 0, "message": "Sorry for inconvenience", "systemId": "core",
                        "errorStackTrace": "at com.vault.Internal(Secret.java:1)"}}),
    )
    .await;
    let e = vault.send_code(&token(&sb), card()).await.unwrap_err();
    assert!(matches!(e, VaultError::ProviderUnavailable(_)), "{e:?}");
    assert_eq!(e.category(), Category::Rejected);
    let message = e.operator_message();
    assert!(
        message.contains("HTTP 503") && message.contains("try again later"),
        "{message}"
    );
    assert!(!message.contains("Secret.java") && !format!("{e:?}").contains("Secret.java"));
    assert_eq!(e.reference().as_deref(), Some("errorId 0 (COMMON, core)"));
    // The fault was used up: the next send works.
    vault.send_code(&token(&sb), card()).await.unwrap();
}

#[tokio::test]
async fn rate_limit_keeps_retry_after() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/sms/send"), "status": 429, "retry_after": 12,
               "body": {"message": "slow down"}}),
    )
    .await;
    let e = vault.send_code(&token(&sb), card()).await.unwrap_err();
    assert!(
        matches!(e, VaultError::RateLimited { retry_after: Some(d) } if d.as_secs() == 12),
        "{e:?}"
    );
    assert_eq!(e.category(), Category::Rejected);
}

#[tokio::test]
async fn dropped_answer_to_set_is_an_unknown_outcome() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    let code = verified_code(&sb, &vault).await;
    let key = vault.rsa_key(&token(&sb)).await.unwrap();
    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/code/set"), "count": 1, "drop": "before_response"}),
    )
    .await;
    let e = set(&sb, &vault, &key, &code, "pass123", RsaPadding::Pkcs1)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            VaultError::Transport(TransportError::MaybeSent {
                reason: MaybeSentReason::ConnectionClosed,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(e.category(), Category::UnknownOutcome);
    assert!(e.operator_message().contains("Check the card"));
    // Why it is unknown: the provider did act.
    assert!(passcode_matches(&sb, CARD, "pass123").await);
}

#[tokio::test]
async fn unconfirmed_success_is_an_unknown_outcome() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/sms/send"), "status": 200,
               "body": "<html>maintenance</html>", "content_type": "text/html"}),
    )
    .await;
    let e = vault.send_code(&token(&sb), card()).await.unwrap_err();
    assert!(
        matches!(e, VaultError::Unconfirmed { status: 200, .. }),
        "{e:?}"
    );
    assert_eq!(e.category(), Category::UnknownOutcome);
}

#[tokio::test]
async fn key_fetch_is_retried_but_sends_are_not() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    fault(
        &sb,
        json!({"route": "/v2/card/rsa-public-key", "count": 2, "status": 503}),
    )
    .await;
    vault
        .rsa_key(&token(&sb))
        .await
        .expect("two 503s are retried");
    fault(
        &sb,
        json!({"route": "/v2/card/rsa-public-key", "count": 2, "drop": "before_handling"}),
    )
    .await;
    vault
        .rsa_key(&token(&sb))
        .await
        .expect("a GET is repeated after a dropped connection");
    fault(
        &sb,
        json!({"route": "/v2/card/rsa-public-key", "count": 3, "status": 500}),
    )
    .await;
    let e = vault.rsa_key(&token(&sb)).await.unwrap_err();
    assert!(matches!(e, VaultError::ProviderUnavailable(_)), "{e:?}");

    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/sms/send"), "count": 1, "status": 503}),
    )
    .await;
    assert!(
        vault.send_code(&token(&sb), card()).await.is_err(),
        "a send is never retried"
    );
}

#[tokio::test]
async fn unreachable_vault_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let vault = VaultClient::new(
        http(),
        BaseUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        None,
    )
    .unwrap();
    let e = vault
        .send_code(&AccessToken::new("t".into()), card())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            VaultError::Transport(TransportError::NotSent {
                reason: NotSentReason::Refused,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(e.category(), Category::Network);
    assert!(e.operator_message().contains("Nothing was sent"));
}

#[tokio::test]
async fn slow_answer_to_verify_is_an_unknown_outcome() {
    use pindesk_core::http::{build_client, HttpSettings};
    use std::time::{Duration, Instant};
    let sb = sandbox(Padding::Pkcs1).await;
    let quick = build_client(&HttpSettings {
        connect_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_secs(1),
    })
    .unwrap();
    let vault = VaultClient::new(quick, base(&sb), None).unwrap();
    vault.send_code(&token(&sb), card()).await.unwrap();
    let code = SmsCode::new(last_sms(&sb, CARD).await);
    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/sms/verify"), "count": 1, "delay_ms": 3000}),
    )
    .await;
    let started = Instant::now();
    let e = vault
        .verify_code(&token(&sb), card(), &code)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(
            e,
            VaultError::Transport(TransportError::MaybeSent {
                reason: MaybeSentReason::Timeout,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(e.category(), Category::UnknownOutcome);
}

#[tokio::test]
async fn vault_echoing_the_bearer_token_or_a_result_is_never_shown() {
    let sb = sandbox(Padding::Pkcs1).await;
    let vault = client(&sb);
    let bearer = sb.config().vault_token.clone();
    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/sms/send"), "count": 1, "status": 401,
               "body": {"error": "UNAUTHORIZED", "errorId": 7, "message": format!("token {bearer} expired"),
                        "originalMessage": bearer}}),
    )
    .await;
    let e = vault.send_code(&token(&sb), card()).await.unwrap_err();
    let shown = format!("{} {:?} {:?} {e}", e.operator_message(), e.reference(), e);
    assert!(!shown.contains(&bearer), "{shown}");

    // A 200 whose result is not "ok" is unconfirmed, and its result is not quoted.
    fault(
        &sb,
        json!({"route": format!("/v2/card/{CARD}/passcode/sms/send"), "count": 1, "status": 200,
               "body": {"result": format!("failed for {bearer}")}}),
    )
    .await;
    let e = vault.send_code(&token(&sb), card()).await.unwrap_err();
    assert!(
        matches!(e, VaultError::Unconfirmed { status: 200, .. }),
        "{e:?}"
    );
    let shown = format!("{} {:?} {e}", e.operator_message(), e);
    assert!(
        !shown.contains(&bearer) && !shown.contains("failed for"),
        "{shown}"
    );
}
