//! Passcodes encrypted with the served key in each padding mode: the matching padding sets
//! the passcode; another padding or plaintext is refused with `field: "passCode"`.

use pindesk_sandbox::{Padding, SandboxConfig};

use crate::common::*;

async fn start_padding(padding: Padding) -> Env {
    start_with(SandboxConfig {
        vault_padding: padding,
        ..SandboxConfig::default()
    })
    .await
}

async fn sets_passcode_in(padding: Padding) {
    let env = start_padding(padding).await;
    let (key_id, key) = env.public_key().await;
    assert_eq!(
        rsa::traits::PublicKeyParts::size(&key),
        256,
        "2048-bit by default"
    );
    let code = env.verified_code(VAULT_CARD).await;
    let a = env
        .set_passcode(
            VAULT_CARD,
            &key_id,
            &code,
            &encrypt(&key, padding, "Secret42"),
        )
        .await;
    assert_eq!(a.status, 200, "{padding}: {:?}", a.json);
    assert!(env.passcode_is(VAULT_CARD, "Secret42").await);
    env.sandbox.stop().await;
}

#[tokio::test]
async fn pkcs1_passcode_is_set() {
    sets_passcode_in(Padding::Pkcs1).await;
}

#[tokio::test]
async fn oaep_sha256_passcode_is_set() {
    sets_passcode_in(Padding::OaepSha256).await;
}

#[tokio::test]
async fn oaep_sha1_passcode_is_set() {
    sets_passcode_in(Padding::OaepSha1).await;
}

#[tokio::test]
async fn wrong_padding_or_plaintext_is_refused_on_pass_code() {
    let env = start().await; // pkcs1
    let (key_id, key) = env.public_key().await;
    let code = env.verified_code(VAULT_CARD).await;
    for wrong in [Padding::OaepSha256, Padding::OaepSha1] {
        let a = env
            .set_passcode(
                VAULT_CARD,
                &key_id,
                &code,
                &encrypt(&key, wrong, "Secret42"),
            )
            .await;
        assert_vault_error(&a, 400, Some("passCode"));
    }
    let a = env
        .set_passcode(VAULT_CARD, &key_id, &code, "pass123")
        .await;
    let j = assert_vault_error(&a, 400, Some("passCode"));
    assert!(!j.to_string().contains("pass123"), "never echoes the value");
    assert!(!env.passcode_is(VAULT_CARD, "Secret42").await);
    // The code survived the refusals: the right padding still works with it.
    let a = env
        .set_passcode(
            VAULT_CARD,
            &key_id,
            &code,
            &encrypt(&key, Padding::Pkcs1, "Secret42"),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
}

#[tokio::test]
async fn oaep_sandbox_refuses_pkcs1() {
    let env = start_with(SandboxConfig {
        vault_padding: Padding::OaepSha256,
        key_bits: 1024,
        ..SandboxConfig::default()
    })
    .await;
    let (key_id, key) = env.public_key().await;
    let code = env.verified_code(VAULT_CARD).await;
    let a = env
        .set_passcode(
            VAULT_CARD,
            &key_id,
            &code,
            &encrypt(&key, Padding::Pkcs1, "Secret42"),
        )
        .await;
    assert_vault_error(&a, 400, Some("passCode"));
}
