//! Signing a Vault stored sign-in out: `POST /signout` with the obtained token, which is
//! deleted from the keyring whether or not Vault confirms. Run when the operator asks, when a
//! sign-in profile is removed or its credentials replaced, and (best effort) when the app quits.

use std::time::Duration;

use super::{lock, vault_settings, Desk, Error};
use crate::credentials::{SecretKind, SecretStore};
use crate::device::DeviceId;
use crate::profile::{Profile, VaultAuth};
use crate::secret::AccessToken;
use crate::validate::ValidationError;

/// How long a sign-out PinDesk runs on its own (removal, replaced credentials, quitting) may
/// take before it is given up; the token is deleted either way.
pub const BEST_EFFORT_SIGN_OUT: Duration = Duration::from_secs(2);

impl Desk {
    /// Signs the profile's stored sign-in out of Vault and deletes its obtained token.
    /// Answers what happened in words for the operator; an error means Vault did not confirm
    /// (the token is deleted from this computer all the same). Recorded in the history.
    pub async fn vault_sign_out(&self, profile: Option<&str>) -> Result<String, Error> {
        let profile = self.call_profile(profile).await?;
        if profile.vault_auth() != Some(VaultAuth::SignIn) {
            return Err(ValidationError::new(
                "profile",
                "only a Vault profile with a stored sign-in can sign out",
            )
            .into());
        }
        let Some(token) = self.take_obtained_token(&profile)? else {
            return Ok("Not signed in: there was no token to sign out.".to_owned());
        };
        self.recorded(&profile, "vault.sign_out", None, None, async {
            self.send_sign_out(&profile, &token).await?;
            Ok("Signed out of Vault; the token was deleted from this computer.".to_owned())
        })
        .await
    }

    /// Signs out every stored Vault sign-in holding a token, giving up after `within` (the
    /// tokens are deleted either way). For quitting the app.
    pub async fn sign_out_all(&self, within: Duration) {
        let Ok(file) = self.profiles.load() else {
            return;
        };
        let signed_in = file
            .profiles
            .into_iter()
            .filter(|p| p.vault_auth() == Some(VaultAuth::SignIn));
        let mut pending = Vec::new();
        for profile in signed_in {
            if let Ok(Some(token)) = self.take_obtained_token(&profile) {
                pending.push((profile, token));
            }
        }
        let all = async {
            for (profile, token) in &pending {
                let _ = self
                    .recorded(profile, "vault.sign_out", None, None, async {
                        self.send_sign_out(profile, token).await
                    })
                    .await;
            }
        };
        let _ = tokio::time::timeout(within, all).await;
    }

    /// The sign-out PinDesk runs itself before a sign-in's credentials go: best effort,
    /// bounded by [`BEST_EFFORT_SIGN_OUT`], never failing what the operator asked for.
    pub(super) async fn sign_out_quietly(&self, profile: &Profile) {
        if profile.vault_auth() != Some(VaultAuth::SignIn) {
            return;
        }
        let Ok(Some(token)) = self.take_obtained_token(profile) else {
            return;
        };
        let _ = tokio::time::timeout(
            BEST_EFFORT_SIGN_OUT,
            self.recorded(profile, "vault.sign_out", None, None, async {
                self.send_sign_out(profile, &token).await
            }),
        )
        .await;
    }

    /// Removes the obtained token from the keyring and from memory, answering it (still
    /// usable at Vault until signed out) when there was one.
    fn take_obtained_token(&self, profile: &Profile) -> Result<Option<AccessToken>, Error> {
        let held = lock(&self.vault_sessions)
            .remove(profile.id.as_str())
            .and_then(|s| s.into_token());
        let stored = self.stored_token(profile, time::OffsetDateTime::now_utc())?;
        self.secrets.delete(&profile.id, SecretKind::AccessToken)?;
        Ok(held.or(stored))
    }

    async fn send_sign_out(&self, profile: &Profile, token: &AccessToken) -> Result<(), Error> {
        let settings = vault_settings(profile)?;
        let client = self.vault_client(profile)?;
        let at = match &settings.signout_url {
            Some(url) => url.clone(),
            None => profile.base_url()?,
        };
        let device = DeviceId::load_or_create(&self.paths.device_id_file())?;
        Ok(client.sign_out(&at, token, &device).await?)
    }
}
