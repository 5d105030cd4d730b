//! The services end to end against the sandbox: demo profiles, stored profiles with a sign-in,
//! token renewal, RSA key rotation, unknown outcomes, the Solid token lifecycle, and the
//! history each operation leaves. Secrets live in an in-memory store here; the real keyring is
//! tested in `keyring.rs`.

mod common;

use common::*;
use pindesk_core::credentials::{SecretKind, SecretStore};
use pindesk_core::desk::{Desk, NewCredentials, DEMO_SOLID_PROFILE, DEMO_VAULT_PROFILE};
use pindesk_core::error::Category;
use pindesk_core::history::{Filter, Outcome, Page};
use pindesk_core::profile::{Environment, ProfileId};
use pindesk_core::secret::{AccessToken, ApiKey, Passcode, Password, Pin, SmsCode};
use serde_json::json;
use zeroize::Zeroizing;

const VAULT_CARD: &str = "1234435";
const VAULT_CARD_N: i64 = 1_234_435;
const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";

/// A desk over a fresh sandbox with the product's own timeouts and resolver; `demo` adds the
/// demo profiles.
async fn fixture(demo: bool) -> DeskFixture {
    desk_fixture(DeskOptions {
        demo,
        network: None,
    })
    .await
}

fn history(desk: &Desk) -> Vec<pindesk_core::history::Entry> {
    desk.history_page(&Filter::default(), Page::first(100))
        .unwrap()
}

/// Every byte under the config and data dirs.
fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        out.extend(std::fs::read(entry).unwrap_or_default());
    }
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                files.extend(walk(&p));
            } else {
                files.push(p);
            }
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn demo_vault_flow_sets_the_passcode_and_records_each_step() {
    let f = fixture(true).await;
    let desk = &f.desk;
    assert_eq!(
        desk.resolve_profile(None).unwrap().id.as_str(),
        DEMO_VAULT_PROFILE
    );

    desk.vault_send_code(None, VAULT_CARD, None).await.unwrap();
    let code = last_sms(&f.sandbox, VAULT_CARD_N).await;
    desk.vault_verify_code(None, VAULT_CARD, SmsCode::new(code.clone()), None)
        .await
        .unwrap();
    desk.vault_set_passcode(
        None,
        VAULT_CARD,
        SmsCode::new(code.clone()),
        Passcode::new("Canary7Pass".into()),
        None,
    )
    .await
    .unwrap();

    assert!(passcode_matches(&f.sandbox, VAULT_CARD_N, "Canary7Pass").await);

    let ops: Vec<_> = history(desk)
        .into_iter()
        .map(|e| (e.operation, e.outcome, e.card_id))
        .collect();
    assert_eq!(
        ops,
        vec![
            (
                "vault.set_passcode".into(),
                Outcome::Ok,
                Some(VAULT_CARD.into())
            ),
            (
                "vault.verify_code".into(),
                Outcome::Ok,
                Some(VAULT_CARD.into())
            ),
            (
                "vault.send_code".into(),
                Outcome::Ok,
                Some(VAULT_CARD.into())
            ),
        ]
    );
    let bytes = all_bytes(f.dir.path());
    assert!(!bytes.is_empty(), "the history database was written");
    for secret in [
        "Canary7Pass",
        code.as_str(),
        &f.sandbox.config().vault_token,
    ] {
        assert!(!contains(&bytes, secret), "a secret reached the disk");
    }
}

#[tokio::test]
async fn a_policy_violation_is_refused_before_anything_is_sent() {
    let f = fixture(true).await;
    let err = f
        .desk
        .vault_set_passcode(
            None,
            VAULT_CARD,
            SmsCode::new("1234".into()),
            Passcode::new("aaaa".into()),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.category(), Category::Validation);
    assert_eq!(err.field().as_deref(), Some("passcode"));
    assert!(
        history(&f.desk).is_empty(),
        "nothing was sent, nothing recorded"
    );
}

/// Stores `branch-vault`, which signs in at the sandbox with its phone and `password`.
fn add_branch_vault(f: &DeskFixture, password: &str) {
    let sb = &f.sandbox;
    let profile = vault_profile(
        "branch-vault",
        "Branch Vault",
        Environment::parse(&sb.base_url()).unwrap(),
        Some(&sb.config().merchant_id),
    );
    f.desk
        .add_profile(
            profile,
            NewCredentials::VaultSignIn {
                phone: Zeroizing::new(sb.config().phone.clone()),
                password: Password::new(password.into()),
            },
        )
        .unwrap();
}

/// The status bar's profile comes without a keyring read, so the first screen never waits for
/// the OS keyring; the profile list still reads the secrets' state.
#[tokio::test]
async fn the_active_profile_summary_reads_no_secret() {
    let f = fixture(false).await;
    add_branch_vault(&f, &f.sandbox.config().password);
    f.desk.use_profile("branch-vault").expect("made active");
    let before = f.store.reads();
    let summary = f.desk.active_profile_summary().expect("a summary");
    assert_eq!(summary.name, "Branch Vault");
    assert_eq!(f.store.reads(), before, "the summary read the keyring");
    f.desk.list_profiles().expect("the list");
    assert!(
        f.store.reads() > before,
        "the list reads the secrets' state"
    );
}

#[tokio::test]
async fn a_stored_sign_in_gets_a_token_and_signs_in_again_once_after_expiry() {
    let f = fixture(false).await;
    let sb = &f.sandbox;
    add_branch_vault(&f, &sb.config().password);
    let id = ProfileId::new("branch-vault").unwrap();
    f.desk
        .vault_send_code(None, VAULT_CARD, None)
        .await
        .unwrap();
    let first = f.store.get(&id, SecretKind::AccessToken).unwrap().unwrap();

    // Vault's token expires (the sandbox clock moves past expires_in): the next call gets a
    // 401, signs in once more and succeeds.
    advance(sb, 90_000).await;
    f.desk
        .vault_send_code(None, VAULT_CARD, None)
        .await
        .unwrap();
    let second = f.store.get(&id, SecretKind::AccessToken).unwrap().unwrap();
    assert_ne!(*first, *second, "a new token was obtained and stored");
    assert!(history(&f.desk).iter().all(|e| e.outcome == Outcome::Ok));
}

#[tokio::test]
async fn a_wrong_sign_in_is_a_credentials_error_and_not_retried_forever() {
    let f = fixture(false).await;
    add_branch_vault(&f, "wrong-password");
    let err = f
        .desk
        .vault_send_code(None, VAULT_CARD, None)
        .await
        .unwrap_err();
    assert_eq!(err.category(), Category::Credentials, "{err}");
    let h = history(&f.desk);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].outcome, Outcome::Rejected);
}

#[tokio::test]
async fn a_rotated_key_is_fetched_again_once() {
    let f = fixture(true).await;
    let sb = &f.sandbox;
    // Prime the key cache with a first passcode.
    for passcode in ["first1", "second2"] {
        f.desk
            .vault_send_code(None, VAULT_CARD, None)
            .await
            .unwrap();
        let code = last_sms(sb, VAULT_CARD_N).await;
        f.desk
            .vault_verify_code(None, VAULT_CARD, SmsCode::new(code.clone()), None)
            .await
            .unwrap();
        if passcode == "second2" {
            rotate_key(sb).await;
        }
        f.desk
            .vault_set_passcode(
                None,
                VAULT_CARD,
                SmsCode::new(code),
                Passcode::new(passcode.into()),
                None,
            )
            .await
            .unwrap();
    }
    assert!(passcode_matches(sb, VAULT_CARD_N, "second2").await);
}

#[tokio::test]
async fn a_set_whose_answer_never_came_is_unknown_and_not_retried() {
    let f = fixture(true).await;
    let sb = &f.sandbox;
    f.desk
        .vault_send_code(None, VAULT_CARD, None)
        .await
        .unwrap();
    let code = last_sms(sb, VAULT_CARD_N).await;
    f.desk
        .vault_verify_code(None, VAULT_CARD, SmsCode::new(code.clone()), None)
        .await
        .unwrap();
    fault(
        sb,
        json!({"route": "/v2/card/{id}/passcode/code/set", "count": 1, "drop": "before_response"}),
    )
    .await;
    let err = f
        .desk
        .vault_set_passcode(
            None,
            VAULT_CARD,
            SmsCode::new(code),
            Passcode::new("pass123".into()),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.category(), Category::UnknownOutcome, "{err}");
    let last = &history(&f.desk)[0];
    assert_eq!(last.operation, "vault.set_passcode");
    assert_eq!(last.outcome, Outcome::Unknown);
    // The sandbox applied the passcode before dropping the connection. Had the client sent
    // it again, the second attempt would have met a spent code (a rejection), not this.
    assert!(passcode_matches(sb, VAULT_CARD_N, "pass123").await);
}

#[tokio::test]
async fn demo_solid_flow_uses_the_held_token_once() {
    let f = fixture(true).await;
    let sb = &f.sandbox;
    let info = f
        .desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD, None)
        .await
        .unwrap();
    assert_eq!(info.card_id, SOLID_CARD);
    assert_eq!(info.lifetime_secs, 300);
    assert!(f
        .desk
        .reveal_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .unwrap()
        .is_some());
    f.desk
        .solid_set_pin(
            Some(DEMO_SOLID_PROFILE),
            SOLID_CARD,
            Pin::new("6644".into()),
            Some("11/2029"),
            Some("3738"),
            None,
        )
        .await
        .unwrap();
    assert!(
        f.desk
            .reveal_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
            .unwrap()
            .is_none(),
        "the token is spent"
    );
    assert!(pin_matches(sb, SOLID_CARD, "6644").await);
    let ops: Vec<_> = history(&f.desk).into_iter().map(|e| e.operation).collect();
    assert_eq!(ops, vec!["solid.set_pin", "solid.pin_token"]);
}

/// Item 9 of the hardening: a PIN token is held for the profile it was issued through and
/// the card, and only handed out for both.
#[tokio::test]
async fn a_pin_token_is_held_per_profile_and_card() {
    let f = fixture(true).await;
    add_solid_main_at(&f);
    let held = |profile: &str, card: &str| {
        f.desk
            .reveal_pin_token(Some(profile), card)
            .unwrap()
            .map(|t| t.expose().to_owned())
    };

    f.desk
        .solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD, None)
        .await
        .unwrap();
    let demo_token = held(DEMO_SOLID_PROFILE, SOLID_CARD).expect("held for the demo profile");
    assert_eq!(
        held("solid-main", SOLID_CARD),
        None,
        "not for another profile"
    );
    assert_eq!(
        held(DEMO_SOLID_PROFILE, "card-other"),
        None,
        "not for another card"
    );

    f.desk
        .solid_pin_token(Some("solid-main"), SOLID_CARD, None)
        .await
        .unwrap();
    let main_token = held("solid-main", SOLID_CARD).expect("held for solid-main");
    assert_ne!(main_token, demo_token, "two tokens, one per profile");
    assert_eq!(
        held(DEMO_SOLID_PROFILE, SOLID_CARD).as_deref(),
        Some(demo_token.as_str()),
        "a token for the same card through another profile does not replace it"
    );

    f.desk
        .discard_pin_token(Some("solid-main"), SOLID_CARD)
        .unwrap();
    assert_eq!(held("solid-main", SOLID_CARD), None);
    assert!(
        held(DEMO_SOLID_PROFILE, SOLID_CARD).is_some(),
        "the other one stays"
    );
}

#[tokio::test]
async fn a_weak_pin_or_a_wrong_expiry_is_refused_before_sending() {
    let f = fixture(true).await;
    for (pin, expiry, last4, field) in [
        ("1234", "11/2029", "3738", "pin"),
        ("1112", "11/2029", "3738", "pin"),
        ("6644", "13/2029", "3738", "expiry"),
        ("6644", "01/2001", "3738", "expiry"),
        ("6644", "11/2029", "37a8", "last4"),
        // Well formed, but not the card Solid knows.
        ("6644", "12/2029", "3738", "expiry"),
        ("6644", "11/2029", "1111", "last4"),
    ] {
        let err = f
            .desk
            .solid_set_pin(
                Some(DEMO_SOLID_PROFILE),
                SOLID_CARD,
                Pin::new(pin.into()),
                Some(expiry),
                Some(last4),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(err.category(), Category::Validation);
        assert_eq!(
            err.field().as_deref(),
            Some(field),
            "{pin} {expiry} {last4}: {err}"
        );
    }
    assert!(history(&f.desk).is_empty());
}

#[tokio::test]
async fn a_keyring_failure_writes_nothing() {
    let f = fixture(false).await;
    f.store.0.set_unavailable(true);
    let profile = solid_profile("solid-main", "Solid", Environment::Sandbox);
    let err = f
        .desk
        .add_profile(
            profile,
            NewCredentials::SolidApiKey(ApiKey::new("k".into())),
        )
        .unwrap_err();
    assert_eq!(err.category(), Category::Credentials);
    assert!(
        !f.desk.paths().profiles_file().exists(),
        "no profile was written"
    );
}

#[tokio::test]
async fn a_missing_secret_is_a_credentials_error_naming_the_profile() {
    let f = fixture(false).await;
    add_solid_main_at(&f);
    let id = ProfileId::new("solid-main").unwrap();
    f.store.delete(&id, SecretKind::ApiKey).unwrap();
    let err = f
        .desk
        .solid_pin_token(None, SOLID_CARD, None)
        .await
        .unwrap_err();
    assert_eq!(err.category(), Category::Credentials);
    assert!(err.message().contains("solid-main"), "{err}");
    assert!(history(&f.desk).is_empty(), "nothing was sent");
}

/// Stores the Solid profile `solid-main` on the fixture's sandbox, with its API key.
fn add_solid_main_at(f: &DeskFixture) {
    let sb = &f.sandbox;
    let profile = solid_profile(
        "solid-main",
        "Solid",
        Environment::parse(&sb.base_url()).unwrap(),
    );
    f.desk
        .add_profile(
            profile,
            NewCredentials::SolidApiKey(ApiKey::new(sb.config().solid_api_key.clone())),
        )
        .unwrap();
}

/// Stores the Solid profile `solid-main` with its API key.
fn add_solid_main(f: &DeskFixture) {
    let profile = solid_profile("solid-main", "Solid", Environment::Sandbox);
    f.desk
        .add_profile(
            profile,
            NewCredentials::SolidApiKey(ApiKey::new("key-1".into())),
        )
        .unwrap();
}

#[tokio::test]
async fn removing_a_profile_deletes_its_keyring_entries() {
    let f = fixture(false).await;
    add_solid_main(&f);
    assert_eq!(f.store.0.len(), 1);
    assert_eq!(
        f.desk.resolve_profile(None).unwrap().id.as_str(),
        "solid-main"
    );
    f.desk.remove_profile("solid-main").await.unwrap();
    assert!(f.store.0.is_empty());
    assert!(f.desk.list_profiles().unwrap().is_empty());
}

#[tokio::test]
async fn in_demo_mode_a_demo_profile_can_be_made_active_again_after_a_stored_one() {
    let f = fixture(true).await;
    add_solid_main(&f);
    f.desk.use_profile("solid-main").unwrap();
    assert_eq!(
        f.desk.resolve_profile(None).unwrap().id.as_str(),
        "solid-main"
    );
    f.desk.use_profile(DEMO_VAULT_PROFILE).unwrap();
    assert_eq!(
        f.desk.resolve_profile(None).unwrap().id.as_str(),
        DEMO_VAULT_PROFILE
    );
    let active: Vec<_> = f
        .desk
        .list_profiles()
        .unwrap()
        .into_iter()
        .filter(|v| v.active)
        .map(|v| v.profile.id.to_string())
        .collect();
    assert_eq!(active, [DEMO_VAULT_PROFILE]);
    // An unknown name is still refused, and changes nothing.
    assert!(f.desk.use_profile("nope").is_err());
    assert_eq!(
        f.desk.resolve_profile(None).unwrap().id.as_str(),
        DEMO_VAULT_PROFILE
    );
}

#[tokio::test]
async fn changing_the_provider_leaves_none_of_the_old_secrets() {
    let f = fixture(false).await;
    let id = ProfileId::new("card-desk").unwrap();
    let vault = vault_profile("card-desk", "Desk", Environment::Sandbox, None);
    f.desk
        .add_profile(
            vault,
            NewCredentials::VaultToken(AccessToken::new("tok-old".into())),
        )
        .unwrap();
    // A token a sign-in once obtained, kept under the refresh kind.
    f.store
        .set(&id, SecretKind::RefreshToken, "refresh-old")
        .unwrap();
    let solid = solid_profile("card-desk", "Desk", Environment::Sandbox);
    f.desk
        .update_profile(
            solid,
            Some(NewCredentials::SolidApiKey(ApiKey::new("key-new".into()))),
        )
        .await
        .unwrap();
    for kind in SecretKind::ALL {
        let held = f.store.get(&id, kind).unwrap();
        match kind {
            SecretKind::ApiKey => assert_eq!(held.as_deref().map(String::as_str), Some("key-new")),
            _ => assert!(held.is_none(), "{kind} lingers"),
        }
    }
}

#[tokio::test]
async fn an_edit_from_the_desktop_form_keeps_the_settings_only_the_file_holds() {
    use pindesk_core::api::ProfileInput;
    use pindesk_core::policy::{PasscodePolicy, PinPolicy};
    use pindesk_core::profile::Provider;

    let f = fixture(false).await;
    let mut vault = vault_profile("strict-vault", "Strict", Environment::Sandbox, None);
    let passcode_policy = PasscodePolicy {
        min_len: 8,
        require_digit: true,
        ..PasscodePolicy::default()
    };
    vault.vault_mut().unwrap().passcode_policy = Some(passcode_policy.clone());
    let mut solid = solid_profile("strict-solid", "Strict", Environment::Sandbox);
    let pin_policy = PinPolicy::exact(6).unwrap();
    {
        let s = solid.solid_mut().unwrap();
        s.pin_policy = Some(pin_policy.clone());
        s.usable_statuses = vec!["issued".into()];
    }
    f.desk
        .add_profile(
            vault,
            NewCredentials::VaultToken(AccessToken::new("t".into())),
        )
        .unwrap();
    f.desk
        .add_profile(solid, NewCredentials::SolidApiKey(ApiKey::new("k".into())))
        .unwrap();

    // What the desktop's form sends: every setting it shows, none of the file-only ones.
    let input = |id: &str, provider: Provider| ProfileInput {
        id: id.into(),
        display_name: "Renamed".into(),
        provider,
        environment: "sandbox".into(),
        merchant_id: None,
        rsa_padding: None,
        sign_in: false,
        test_host: false,
        signout_url: None,
        card_pin_field: None,
        pin_endpoint: None,
        token_lifetime_secs: None,
        proxy: None,
        pin_proxy: None,
        ca: None,
    };
    for (id, provider) in [
        ("strict-vault", Provider::Vault),
        ("strict-solid", Provider::Solid),
    ] {
        let profile = input(id, provider).to_profile().unwrap();
        f.desk.update_profile(profile, None).await.unwrap();
    }

    let vault = f.desk.show_profile("strict-vault").unwrap().profile;
    assert_eq!(vault.display_name, "Renamed", "the edit took effect");
    assert_eq!(
        vault.vault().unwrap().passcode_policy,
        Some(passcode_policy.clone())
    );
    let solid = f.desk.show_profile("strict-solid").unwrap().profile;
    assert_eq!(solid.display_name, "Renamed", "the edit took effect");
    let s = solid.solid().unwrap();
    assert_eq!(s.pin_policy, Some(pin_policy.clone()));
    assert_eq!(s.usable_statuses, ["issued"]);
    // And the UI is still given these policies for what the operator types.
    assert_eq!(
        f.desk.pin_policy(Some("strict-solid")).unwrap(),
        pin_policy.describe(),
        "the 6-digit policy"
    );
    assert_eq!(
        f.desk.passcode_policy(Some("strict-vault")).unwrap(),
        passcode_policy.describe(),
        "the tightened passcode policy"
    );
}
