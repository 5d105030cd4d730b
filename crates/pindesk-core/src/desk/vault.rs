//! The Vault passcode services: send the SMS code, verify it, set the passcode.
//!
//! Holds the profile's bearer token (a pasted one, or one from a stored sign-in, renewed once
//! on expiry or a 401) and the RSA key (cached for at most ten minutes, fetched again once when
//! Vault names `keyId`). Never retries a send that may have reached Vault.

use super::{lock, vault_settings, Desk, Error};
use crate::api::OpDone;
use crate::credentials::{SecretKind, SecretStore};
use crate::crypto::VaultKey;
use crate::history::Ticket;
use crate::profile::{Profile, VaultAuth};
use crate::providers::vault::{VaultClient, VaultError};
use crate::secret::{AccessToken, Passcode, Password, SmsCode};
use crate::validate::{self, VaultCardId};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// How long a fetched RSA key is used before it is fetched again.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(600);

/// A token is renewed this long before Vault's `expires_in` runs out.
const EXPIRY_MARGIN_SECS: i64 = 30;

/// What a desk holds for one Vault profile between calls.
#[derive(Default)]
pub(super) struct Session {
    token: Option<(AccessToken, Option<OffsetDateTime>)>,
    key: Option<(Arc<VaultKey>, Instant)>,
}

impl Session {
    /// The signed-in token held, if any.
    pub(super) fn into_token(self) -> Option<AccessToken> {
        self.token.map(|(token, _)| token)
    }
}

/// A signed-in access token as kept in the keyring, with its expiry.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
struct StoredToken {
    access_token: String,
    #[serde(default)]
    expires_at: Option<i64>,
}

/// How the bearer token of this call was obtained.
enum TokenSource {
    /// Pasted (a demo profile's too): nothing to renew.
    Fixed,
    /// From a stored sign-in: may be renewed once.
    SignIn,
}

impl Desk {
    /// `POST …/passcode/sms/send`: Vault texts a fresh code to the cardholder, once the card
    /// is confirmed among the signed-in customer's `ACTIVE` cards.
    pub async fn vault_send_code(
        &self,
        profile: Option<&str>,
        card: &str,
        ticket: Option<&Ticket>,
    ) -> Result<OpDone, Error> {
        self.ticket_allowed(ticket)?;
        let (profile, client, card) = self.vault_call(profile, card).await?;
        let client = &client;
        let card_text = card.to_string();
        let operation = "vault.send_code";
        let confirmed = self
            .recorded(&profile, operation, Some(&card_text), ticket, async {
                let confirmed = self.confirm_vault_card(&profile, client, card).await?;
                self.with_token(&profile, client, |token| async move {
                    client.send_code(&token, card).await
                })
                .await?;
                Ok(confirmed)
            })
            .await?;
        Ok(OpDone::now(operation, &card_text).confirmed(confirmed))
    }

    /// `POST …/passcode/sms/verify` with the code the cardholder read out.
    pub async fn vault_verify_code(
        &self,
        profile: Option<&str>,
        card: &str,
        code: SmsCode,
        ticket: Option<&Ticket>,
    ) -> Result<OpDone, Error> {
        self.ticket_allowed(ticket)?;
        let (profile, client, card) = self.vault_call(profile, card).await?;
        let client = &client;
        validate::sms_code(&code)?;
        let card_text = card.to_string();
        let code = &code;
        self.recorded_step(&profile, "vault.verify_code", &card_text, ticket, async {
            self.with_token(&profile, client, |token| async move {
                client.verify_code(&token, card, code).await
            })
            .await
        })
        .await
    }

    /// Checks the passcode against the profile's policy, encrypts it with Vault's RSA key and
    /// sets it. The passcode is dropped (zeroized) when this returns.
    pub async fn vault_set_passcode(
        &self,
        profile: Option<&str>,
        card: &str,
        code: SmsCode,
        passcode: Passcode,
        ticket: Option<&Ticket>,
    ) -> Result<OpDone, Error> {
        self.ticket_allowed(ticket)?;
        let (profile, client, card) = self.vault_call(profile, card).await?;
        let client = &client;
        validate::sms_code(&code)?;
        let settings = vault_settings(&profile)?;
        settings
            .passcode_policy
            .clone()
            .unwrap_or_default()
            .check(&passcode)?;
        let padding = settings.rsa_padding;
        let card_text = card.to_string();
        let (code, passcode) = (&code, &passcode);
        self.recorded_step(&profile, "vault.set_passcode", &card_text, ticket, async {
            let key = self.rsa_key(&profile, client, false).await?;
            let first = self
                .with_token(&profile, client, |token| {
                    let key = Arc::clone(&key);
                    async move {
                        client
                            .set_passcode(&token, card, &key, code, passcode, padding)
                            .await
                    }
                })
                .await;
            match first {
                Err(Error::Vault(e)) if e.is_key_error() => {
                    let key = self.rsa_key(&profile, client, true).await?;
                    self.with_token(&profile, client, |token| {
                        let key = Arc::clone(&key);
                        async move {
                            client
                                .set_passcode(&token, card, &key, code, passcode, padding)
                                .await
                        }
                    })
                    .await
                }
                other => other,
            }
        })
        .await
    }

    /// Fetches Vault's RSA key to prove the profile's credentials work ("Test connection").
    pub(super) async fn vault_test(&self, profile: &Profile) -> Result<String, Error> {
        let client = self.vault_client(profile)?;
        let key = self.rsa_key(profile, &client, true).await?;
        Ok(format!(
            "Vault answered: RSA key {} ({} bits) fetched with the profile's credentials",
            key.id,
            key.bits()
        ))
    }

    pub(super) async fn vault_call(
        &self,
        profile: Option<&str>,
        card: &str,
    ) -> Result<(Profile, VaultClient, VaultCardId), Error> {
        let card: VaultCardId = card.parse()?;
        let profile = self.call_profile(profile).await?;
        vault_settings(&profile)?;
        let client = self.vault_client(&profile)?;
        Ok((profile, client, card))
    }

    pub(super) fn vault_client(&self, profile: &Profile) -> Result<VaultClient, Error> {
        let settings = vault_settings(profile)?;
        Ok(VaultClient::new(
            self.client_for(profile, false)?,
            profile.base_url()?,
            settings.merchant_id.as_deref(),
        )?)
    }

    /// The RSA key: the cached one while fresh, else fetched (and cached).
    async fn rsa_key(
        &self,
        profile: &Profile,
        client: &VaultClient,
        refresh: bool,
    ) -> Result<Arc<VaultKey>, Error> {
        let id = profile.id.to_string();
        if !refresh {
            let sessions = lock(&self.vault_sessions);
            if let Some((key, at)) = sessions.get(&id).and_then(|s| s.key.as_ref()) {
                if at.elapsed() < KEY_CACHE_TTL {
                    return Ok(Arc::clone(key));
                }
            }
        }
        let key = Arc::new(
            self.with_token(profile, client, |token| async move {
                client.rsa_key(&token).await
            })
            .await?,
        );
        lock(&self.vault_sessions).entry(id).or_default().key =
            Some((Arc::clone(&key), Instant::now()));
        Ok(key)
    }

    /// Runs `call` with the profile's bearer token; with a stored sign-in, a 401 leads to one
    /// new sign-in and one retry (Vault refused it before acting, so the retry is safe).
    pub(super) async fn with_token<T, F, Fut>(
        &self,
        profile: &Profile,
        client: &VaultClient,
        call: F,
    ) -> Result<T, Error>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, VaultError>>,
    {
        let (token, source) = self.bearer_token(profile, client, false).await?;
        match call(token).await {
            Err(e) if e.is_unauthorized() && matches!(source, TokenSource::SignIn) => {
                let (token, _) = self.bearer_token(profile, client, true).await?;
                Ok(call(token).await?)
            }
            other => Ok(other?),
        }
    }

    /// The bearer token for the profile; `renew` forces a new sign-in.
    async fn bearer_token(
        &self,
        profile: &Profile,
        client: &VaultClient,
        renew: bool,
    ) -> Result<(AccessToken, TokenSource), Error> {
        let settings = vault_settings(profile)?;
        if settings.auth == VaultAuth::Token {
            let token = self
                .secrets
                .get(&profile.id, SecretKind::AccessToken)?
                .ok_or_else(|| missing(profile, "Vault access token"))?;
            return Ok((AccessToken::new(token.to_string()), TokenSource::Fixed));
        }
        let now = OffsetDateTime::now_utc();
        if !renew {
            if let Some(token) = self.cached_token(profile, now)? {
                return Ok((token, TokenSource::SignIn));
            }
        }
        let phone = self
            .secrets
            .get(&profile.id, SecretKind::SignInPhone)?
            .ok_or_else(|| missing(profile, "sign-in phone number"))?;
        let password = self
            .secrets
            .get(&profile.id, SecretKind::SignInPassword)?
            .ok_or_else(|| missing(profile, "sign-in password"))?;
        let password = Password::new(password.to_string());
        let tokens = client.sign_in(&phone, &password).await?;
        let expires_at = tokens
            .expires_in
            .map(|d| now + time::Duration::seconds(d.as_secs() as i64 - EXPIRY_MARGIN_SECS));
        let stored = Zeroizing::new(
            serde_json::to_string(&StoredToken {
                access_token: tokens.access.expose().to_owned(),
                expires_at: expires_at.map(|t| t.unix_timestamp()),
            })
            .map_err(|_| missing(profile, "Vault access token"))?,
        );
        self.secrets
            .set(&profile.id, SecretKind::AccessToken, &stored)?;
        lock(&self.vault_sessions)
            .entry(profile.id.to_string())
            .or_default()
            .token = Some((tokens.access.clone(), expires_at));
        Ok((tokens.access, TokenSource::SignIn))
    }

    /// A signed-in token still valid at `now`: held in memory, else kept in the keyring.
    fn cached_token(
        &self,
        profile: &Profile,
        now: OffsetDateTime,
    ) -> Result<Option<AccessToken>, Error> {
        let fresh = |expires_at: Option<OffsetDateTime>| expires_at.is_none_or(|t| now < t);
        if let Some((token, expires_at)) = lock(&self.vault_sessions)
            .get(profile.id.as_str())
            .and_then(|s| s.token.as_ref())
        {
            if fresh(*expires_at) {
                return Ok(Some(token.clone()));
            }
            return Ok(None);
        }
        self.stored_token(profile, now)
    }

    /// The signed-in token kept in the keyring, if it is still valid at `now`.
    pub(super) fn stored_token(
        &self,
        profile: &Profile,
        now: OffsetDateTime,
    ) -> Result<Option<AccessToken>, Error> {
        let Some(stored) = self.secrets.get(&profile.id, SecretKind::AccessToken)? else {
            return Ok(None);
        };
        let Ok(stored) = serde_json::from_str::<StoredToken>(&stored) else {
            return Ok(None);
        };
        let expires_at = stored
            .expires_at
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
        Ok(expires_at
            .is_none_or(|t| now < t)
            .then(|| AccessToken::new(stored.access_token.clone())))
    }
}

fn missing(profile: &Profile, what: &'static str) -> Error {
    Error::MissingSecret {
        profile: profile.id.to_string(),
        what,
    }
}
