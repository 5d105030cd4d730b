//! Vault stored sign-ins against the sandbox: the documented refusals (read from the one
//! fixture of documented answers, so the sandbox and the client are both held to Vault's
//! documents), never retried; a revoked token's 400; and sign-out.

mod common;

use common::*;
use pindesk_core::credentials::{SecretKind, SecretStore};
use pindesk_core::desk::NewCredentials;
use pindesk_core::profile::Environment;
use pindesk_core::providers::vault::VaultClient;
use pindesk_core::secret::{AccessToken, Password};
use serde_json::Value;
use zeroize::Zeroizing;

const CARD: &str = "1234435";

fn documented() -> Value {
    let text = include_str!("../../../tests/fixtures/documented-answers.json");
    serde_json::from_str(text).expect("the fixture is JSON")
}

async fn fixture() -> DeskFixture {
    desk_fixture(DeskOptions {
        demo: false,
        network: None,
    })
    .await
}

/// Adds the stored sign-in `id` with this phone and password, under the sandbox's merchant.
fn add_sign_in(f: &DeskFixture, id: &str, phone: &str, password: &str) {
    let merchant = f.sandbox.config().merchant_id.clone();
    let profile = vault_profile(
        id,
        id,
        Environment::Custom(base(&f.sandbox)),
        Some(&merchant),
    );
    f.desk
        .add_profile(
            profile,
            NewCredentials::VaultSignIn {
                phone: Zeroizing::new(phone.to_owned()),
                password: Password::new(password.to_owned()),
            },
        )
        .expect("add the sign-in profile");
}

/// The raw answer the sandbox gives this sign-in.
async fn raw_sign_in(f: &DeskFixture, phone: &str) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}/oauth/token", f.sandbox.base_url()))
        .header("X-Merchant-ID", &f.sandbox.config().merchant_id)
        .form(&[
            ("grant_type", "mobile_phone"),
            ("number", phone),
            ("password", "anything"),
        ])
        .send()
        .await
        .expect("sandbox answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("JSON"))
}

#[tokio::test]
async fn every_documented_refusal_is_answered_as_documented_and_read_once_never_retried() {
    let fixture_doc = documented();
    let refusals = fixture_doc["vault"]["sign_in_refusals"]
        .as_array()
        .expect("refusals");
    assert_eq!(refusals.len(), 10, "the table of the documents");
    for case in refusals {
        let f = fixture().await;
        let error_id = case["body"]["errorId"].as_i64().expect("errorId");
        let expected_message = case["body"]["message"].as_str().expect("message");
        // Wrong credentials are the real thing; the others come from the scenario phones.
        let phone = match error_id {
            11 => f.sandbox.config().phone.clone(),
            id => format!("{}{id:04}", pindesk_sandbox::SCENARIO_PREFIX),
        };
        if error_id != 11 {
            let (status, body) = raw_sign_in(&f, &phone).await;
            assert_eq!(status, case["status"], "{error_id}");
            assert_eq!(
                body, case["body"],
                "the sandbox answers {error_id} as documented"
            );
        }
        add_sign_in(&f, "desk", &phone, "not-the-password");
        let before = f.sandbox.requests_to("POST", "/oauth/token");
        let e = f
            .desk
            .vault_send_code(Some("desk"), CARD, None)
            .await
            .expect_err("the sign-in is refused");
        let report = pindesk_core::api::ErrorReport::from(&e);
        assert_eq!(
            i64::from(report.category.exit_code()),
            case["exit"].as_i64().unwrap(),
            "{error_id}: {report:?}"
        );
        assert!(
            report.code.starts_with("sign_in_"),
            "{error_id}: {report:?}"
        );
        assert!(
            report.message.contains(expected_message),
            "{error_id}: the provider's words are shown: {}",
            report.message
        );
        assert!(!report.message.contains("not-the-password"));
        assert!(
            report
                .reference
                .as_deref()
                .is_some_and(|r| r.contains(&format!("errorId {error_id}"))),
            "{report:?}"
        );
        if error_id == 422 {
            assert_eq!(report.field.as_deref(), Some("number"));
        }
        assert_eq!(
            f.sandbox.requests_to("POST", "/oauth/token") - before,
            1,
            "{error_id}: sent once, never retried"
        );
        assert_eq!(
            f.sandbox
                .requests_to("POST", "/v2/card/{id}/passcode/sms/send"),
            0,
            "nothing else is sent"
        );
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_sign_in_for_a_minute() {
    let f = fixture().await;
    let phone = f.sandbox.config().phone.clone();
    add_sign_in(&f, "desk", &phone, "wrong");
    let mut codes = Vec::new();
    for _ in 0..5 {
        let e = f
            .desk
            .vault_send_code(Some("desk"), CARD, None)
            .await
            .unwrap_err();
        codes.push(e.code());
    }
    assert_eq!(
        codes,
        [
            "sign_in_wrong_credentials",
            "sign_in_wrong_credentials",
            "sign_in_wrong_credentials",
            "sign_in_wrong_credentials",
            "sign_in_locked_out"
        ]
    );
    assert_eq!(f.sandbox.requests_to("POST", "/oauth/token"), 5);
    advance(&f.sandbox, 61).await;
    let (status, _) = raw_sign_in(&f, &phone).await;
    assert_eq!(
        status, 400,
        "still the wrong password, but no longer locked"
    );
}

#[tokio::test]
async fn a_revoked_token_is_a_400_and_signing_in_again_once_recovers() {
    let f = fixture().await;
    let c = f.sandbox.config().clone();
    add_sign_in(&f, "desk", &c.phone, &c.password);
    f.desk
        .vault_send_code(Some("desk"), CARD, None)
        .await
        .unwrap();
    // Another device signs the same token out behind PinDesk's back.
    let stored = f
        .store
        .get(&"desk".parse().unwrap(), SecretKind::AccessToken)
        .unwrap()
        .expect("a stored token");
    let token: Value = serde_json::from_str(&stored).unwrap();
    let token = AccessToken::new(token["access_token"].as_str().unwrap().to_owned());
    let client = VaultClient::new(http(), base(&f.sandbox), Some(&c.merchant_id)).unwrap();
    let device =
        pindesk_core::device::DeviceId::load_or_create(&f.dir.path().join("other-device")).unwrap();
    client
        .sign_out(&base(&f.sandbox), &token, &device)
        .await
        .unwrap();
    let e = client
        .send_code(&token, CARD.parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "unauthorized",
        "a 400 naming the token is a refused token: {e:?}"
    );

    f.desk
        .vault_send_code(Some("desk"), CARD, None)
        .await
        .unwrap();
    assert_eq!(
        f.sandbox.requests_to("POST", "/oauth/token"),
        2,
        "signed in again once"
    );
}

#[tokio::test]
async fn signing_out_revokes_the_token_and_deletes_it_and_removal_signs_out_too() {
    let f = fixture().await;
    let c = f.sandbox.config().clone();
    let id = "desk".parse().unwrap();
    add_sign_in(&f, "desk", &c.phone, &c.password);
    let nothing = f.desk.vault_sign_out(Some("desk")).await.unwrap();
    assert!(nothing.contains("Not signed in"), "{nothing}");
    assert_eq!(f.sandbox.requests_to("POST", "/signout"), 0);

    f.desk
        .vault_send_code(Some("desk"), CARD, None)
        .await
        .unwrap();
    assert!(f.store.get(&id, SecretKind::AccessToken).unwrap().is_some());
    let said = f.desk.vault_sign_out(Some("desk")).await.unwrap();
    assert!(said.contains("Signed out"), "{said}");
    assert_eq!(f.sandbox.requests_to("POST", "/signout"), 1);
    assert!(f.store.get(&id, SecretKind::AccessToken).unwrap().is_none());
    let device = std::fs::read_to_string(f.desk.paths().device_id_file()).unwrap();
    assert!(uuid::Uuid::parse_str(device.trim()).is_ok(), "{device}");

    // Removing a signed-in profile signs it out first.
    f.desk
        .vault_send_code(Some("desk"), CARD, None)
        .await
        .unwrap();
    f.desk.remove_profile("desk").await.unwrap();
    assert_eq!(f.sandbox.requests_to("POST", "/signout"), 2);
    assert!(f.store.get(&id, SecretKind::AccessToken).unwrap().is_none());
    let sign_outs = f
        .desk
        .history_query(&Default::default())
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.operation == "vault.sign_out")
        .count();
    assert_eq!(sign_outs, 2, "both sign-outs are in the history");
}

#[tokio::test]
async fn a_sign_in_without_a_merchant_id_is_refused_naming_the_field() {
    let f = fixture().await;
    let mut profile = vault_profile(
        "desk",
        "desk",
        Environment::Custom(base(&f.sandbox)),
        Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
    );
    profile.vault_mut().unwrap().merchant_id = None;
    let e = f
        .desk
        .add_profile(
            profile,
            NewCredentials::VaultSignIn {
                phone: Zeroizing::new("+15550000000".into()),
                password: Password::new("pw".into()),
            },
        )
        .unwrap_err();
    assert_eq!(e.field().as_deref(), Some("merchant_id"));
    assert_eq!(e.category().exit_code(), 2);
}
