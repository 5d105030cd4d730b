//! Item 2 of the hardening: a profile's stored secrets go only where they were typed for. An
//! edit that moves any place they are sent to (the base URL, a sign-in's merchant id or
//! sign-out URL, Solid's PIN endpoint) without the secrets typed again is refused, changes
//! nothing and sends nothing to the new place; replacing a sign-in's phone or password deletes
//! the token it obtained.

mod common;

use common::*;
use pindesk_core::credentials::{SecretKind, SecretStore};
use pindesk_core::desk::NewCredentials;
use pindesk_core::profile::{Environment, Profile, ProfileId};
use pindesk_core::secret::{ApiKey, Password};
use pindesk_sandbox::Sandbox;
use serde_json::Value;
use zeroize::Zeroizing;

const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";

async fn fixture() -> DeskFixture {
    desk_fixture(DeskOptions {
        demo: false,
        network: None,
    })
    .await
}

/// Every provider request a sandbox has received.
async fn received(sb: &Sandbox) -> Vec<Value> {
    let answer: Value = reqwest::get(format!("{}/_sandbox/requests", sb.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["requests"].as_array().unwrap().clone()
}

type Edit = fn(&mut Profile, &Sandbox);

#[tokio::test]
async fn an_edit_that_sends_kept_secrets_somewhere_new_is_refused_and_sends_nothing() {
    let f = fixture().await;
    let elsewhere = sandbox(pindesk_sandbox::Padding::default()).await;
    let solid = solid_profile("solid-main", "Solid", Environment::Custom(base(&f.sandbox)));
    let key = f.sandbox.config().solid_api_key.clone();
    f.desk
        .add_profile(solid.clone(), NewCredentials::SolidApiKey(ApiKey::new(key)))
        .unwrap();
    let merchant = f.sandbox.config().merchant_id.clone();
    let vault = vault_profile(
        "branch",
        "Branch",
        Environment::Custom(base(&f.sandbox)),
        Some(&merchant),
    );
    f.desk
        .add_profile(
            vault.clone(),
            NewCredentials::VaultSignIn {
                phone: Zeroizing::new(f.sandbox.config().phone.clone()),
                password: Password::new(f.sandbox.config().password.clone()),
            },
        )
        .unwrap();

    let cases: [(&Profile, &str, Edit); 4] = [
        (&solid, "environment", |p, to| {
            p.environment = Environment::Custom(base(to));
        }),
        (&solid, "pin_endpoint", |p, to| {
            p.solid_mut().unwrap().pin_endpoint = Some(base(to));
        }),
        (&vault, "environment", |p, to| {
            p.environment = Environment::Custom(base(to));
        }),
        (&vault, "signout_url", |p, to| {
            p.vault_mut().unwrap().signout_url = Some(base(to));
        }),
    ];
    for (stored, field, edit) in cases {
        let mut edited = stored.clone();
        edit(&mut edited, &elsewhere);
        let err = f.desk.update_profile(edited, None).await.unwrap_err();
        let what = format!("{} {field}", stored.id);
        assert_eq!(err.field().as_deref(), Some("credentials"), "{what}: {err}");
        assert!(err.message().contains(field), "{what}: {err}");
        let kept = f.desk.resolve_profile(Some(stored.id.as_str())).unwrap();
        assert_eq!(
            &kept, stored,
            "{what}: the refused edit changed the profile"
        );
    }
    // The profiles still work where they were, and nothing reached the other server.
    f.desk
        .solid_pin_token(Some("solid-main"), SOLID_CARD, None)
        .await
        .unwrap();
    f.desk.vault_cards(Some("branch")).await.unwrap();
    assert_eq!(received(&elsewhere).await, Vec::<Value>::new());

    // With the secrets typed again, the same edit is taken.
    let mut moved = solid.clone();
    moved.environment = Environment::Custom(base(&elsewhere));
    let other_key = elsewhere.config().solid_api_key.clone();
    f.desk
        .update_profile(
            moved,
            Some(NewCredentials::SolidApiKey(ApiKey::new(other_key))),
        )
        .await
        .unwrap();
    f.desk
        .solid_pin_token(Some("solid-main"), SOLID_CARD, None)
        .await
        .unwrap();
    assert!(!received(&elsewhere).await.is_empty());
    // An edit that moves nothing needs no secret.
    let mut renamed = vault.clone();
    renamed.display_name = "Branch desk".into();
    f.desk.update_profile(renamed, None).await.unwrap();
}

#[tokio::test]
async fn replacing_a_sign_ins_phone_or_password_deletes_the_token_it_obtained() {
    let f = fixture().await;
    let c = f.sandbox.config().clone();
    let vault = vault_profile(
        "branch",
        "Branch",
        Environment::Custom(base(&f.sandbox)),
        Some(&c.merchant_id),
    );
    f.desk
        .add_profile(
            vault.clone(),
            NewCredentials::VaultSignIn {
                phone: Zeroizing::new(c.phone.clone()),
                password: Password::new(c.password.clone()),
            },
        )
        .unwrap();
    let id = ProfileId::new("branch").unwrap();
    let obtained = |f: &DeskFixture| f.store.get(&id, SecretKind::AccessToken).unwrap();
    f.desk.vault_cards(Some("branch")).await.unwrap();
    assert!(obtained(&f).is_some(), "the sign-in obtained a token");
    f.desk
        .update_profile(
            vault,
            Some(NewCredentials::VaultSignIn {
                phone: Zeroizing::new(c.phone.clone()),
                password: Password::new("a-new-password".into()),
            }),
        )
        .await
        .unwrap();
    assert!(
        obtained(&f).is_none(),
        "the obtained token outlived the new password"
    );
}
