//! An edit that writes two secrets and fails at the second: the keyring is left as it was
//! before the edit (the first secret restored to its old value, or removed if it had none),
//! and the profiles file is not changed. Secrets live in an in-memory store here.

mod common;

use common::*;
use pindesk_core::credentials::{SecretKind, SecretStore};
use pindesk_core::desk::NewCredentials;
use pindesk_core::profile::{Environment, ProfileId, VaultAuth};
use pindesk_core::secret::{AccessToken, Password};
use zeroize::Zeroizing;

const MERCHANT: &str = "6f1c2f0e-8d5b-4c61-9a57-2b0d7e4c9a13";

fn sign_in(phone: &str, password: &str) -> NewCredentials {
    NewCredentials::VaultSignIn {
        phone: Zeroizing::new(phone.to_owned()),
        password: Password::new(password.to_owned()),
    }
}

fn held(f: &DeskFixture, id: &ProfileId, kind: SecretKind) -> Option<String> {
    f.store
        .get(id, kind)
        .unwrap()
        .map(|v| v.as_str().to_owned())
}

#[tokio::test]
async fn a_failed_second_secret_write_restores_the_first() {
    let f = desk_fixture(DeskOptions {
        demo: false,
        network: None,
    })
    .await;
    let id = ProfileId::new("branch").unwrap();
    let profile = vault_profile("branch", "Branch", Environment::Sandbox, Some(MERCHANT));
    f.desk
        .add_profile(profile.clone(), sign_in("+15550001111", "old-password"))
        .unwrap();
    let file_before = std::fs::read(f.desk.paths().profiles_file()).unwrap();

    // New phone and password: the phone is written, the password write fails.
    f.store.0.fail_sets_of(Some(SecretKind::SignInPassword));
    let err = f
        .desk
        .update_profile(profile, Some(sign_in("+15550002222", "new-password")))
        .await
        .unwrap_err();
    assert_eq!(err.category(), pindesk_core::error::Category::Credentials);
    assert_eq!(
        held(&f, &id, SecretKind::SignInPhone).as_deref(),
        Some("+15550001111"),
        "the phone written before the failure keeps its old value"
    );
    assert_eq!(
        held(&f, &id, SecretKind::SignInPassword).as_deref(),
        Some("old-password")
    );
    assert_eq!(
        std::fs::read(f.desk.paths().profiles_file()).unwrap(),
        file_before,
        "the profiles file is unchanged"
    );

    // A token profile turned into a sign-in: the phone had no old value, so it goes again,
    // and the token the profile still uses is kept.
    f.store.0.fail_sets_of(None);
    let token_id = ProfileId::new("counter").unwrap();
    let token_profile = vault_profile("counter", "Counter", Environment::Sandbox, None);
    f.desk
        .add_profile(
            token_profile,
            NewCredentials::VaultToken(AccessToken::new("tok-kept".into())),
        )
        .unwrap();
    f.store.0.fail_sets_of(Some(SecretKind::SignInPassword));
    let as_sign_in = vault_profile("counter", "Counter", Environment::Sandbox, Some(MERCHANT));
    assert_eq!(as_sign_in.vault_auth(), Some(VaultAuth::SignIn));
    f.desk
        .update_profile(as_sign_in, Some(sign_in("+15550003333", "pw")))
        .await
        .unwrap_err();
    assert_eq!(held(&f, &token_id, SecretKind::SignInPhone), None);
    assert_eq!(held(&f, &token_id, SecretKind::SignInPassword), None);
    assert_eq!(
        held(&f, &token_id, SecretKind::AccessToken).as_deref(),
        Some("tok-kept")
    );
    let stored = f.desk.show_profile("counter").unwrap();
    assert_eq!(stored.profile.vault_auth(), Some(VaultAuth::Token));
}
