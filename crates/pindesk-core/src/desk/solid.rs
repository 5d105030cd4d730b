//! The Solid PIN services: get a one-time PIN token, and set a PIN through the PIN endpoint.
//!
//! A PIN token is a secret held here, per profile and card, until it expires (the profile's
//! token lifetime), is used once, or the desk forgets its secrets. It is handed out only when
//! the operator asks to reveal or copy it, for the profile and the card it was issued for.

use super::{lock, solid_settings, Desk, Error};
use crate::api::{rfc3339, CardSummary, OpDone, PinTokenInfo};
use crate::credentials::{SecretKind, SecretStore};
use crate::history::Ticket;
use crate::profile::Profile;
use crate::providers::solid::{SolidCard, SolidClient};
use crate::secret::{ApiKey, Pin, PinToken};
use crate::validate::{Expiry, Last4, SolidCardId};
use time::OffsetDateTime;

/// A PIN token held for a profile and card, with when it stops being usable.
pub struct HeldPinToken {
    token: PinToken,
    expires_at: OffsetDateTime,
}

/// What a held token is held under: the profile it was issued through and the card.
pub(super) type TokenKey = (String, String);

fn token_key(profile: &Profile, card: &str) -> TokenKey {
    (profile.id.to_string(), card.to_owned())
}

impl Desk {
    /// Requests a one-time PIN token for the card and holds it; returns what may be shown.
    pub async fn solid_pin_token(
        &self,
        profile: Option<&str>,
        card: &str,
        ticket: Option<&Ticket>,
    ) -> Result<PinTokenInfo, Error> {
        self.ticket_allowed(ticket)?;
        let (profile, client, card) = self.solid_call(profile, card).await?;
        let api_key = self.solid_api_key(&profile)?;
        let (token, found) = self
            .recorded(
                &profile,
                "solid.pin_token",
                Some(card.as_str()),
                ticket,
                async {
                    let found = self
                        .confirm_solid_card(&profile, &client, &api_key, &card)
                        .await?;
                    Ok((client.pin_token(&api_key, &card).await?, found))
                },
            )
            .await?;
        Ok(self.hold(&profile, &card, token, found.summary))
    }

    /// The token held for the profile (the active one when `None`) and card, if still
    /// usable: for "reveal", "copy" and the CLI. A token issued through another profile, or
    /// for another card, is never handed out.
    pub fn reveal_pin_token(
        &self,
        profile: Option<&str>,
        card: &str,
    ) -> Result<Option<PinToken>, Error> {
        let key = token_key(&self.resolve_profile(profile)?, card);
        let now = OffsetDateTime::now_utc();
        let mut held = lock(&self.pin_tokens);
        Ok(match held.get(&key) {
            Some(t) if now < t.expires_at => Some(t.token.clone()),
            Some(_) => {
                held.remove(&key);
                None
            }
            None => None,
        })
    }

    /// Forgets the token held for the profile (the active one when `None`) and card.
    pub fn discard_pin_token(&self, profile: Option<&str>, card: &str) -> Result<(), Error> {
        let key = token_key(&self.resolve_profile(profile)?, card);
        lock(&self.pin_tokens).remove(&key);
        Ok(())
    }

    /// Sets the card's PIN through the profile's PIN endpoint, once Solid has confirmed the
    /// card: its last 4 and expiry come from Solid, and when given they must match it. Uses
    /// the held token when it is still usable, else gets a new one; either way the token is
    /// spent by this one attempt.
    pub async fn solid_set_pin(
        &self,
        profile: Option<&str>,
        card: &str,
        pin: Pin,
        expiry: Option<&str>,
        last4: Option<&str>,
        ticket: Option<&Ticket>,
    ) -> Result<OpDone, Error> {
        self.ticket_allowed(ticket)?;
        let (profile, client, card) = self.solid_call(profile, card).await?;
        let today = OffsetDateTime::now_utc().date();
        let given_expiry = given(expiry).map(|e| Expiry::parse(e, today)).transpose()?;
        let given_last4 = given(last4).map(str::parse::<Last4>).transpose()?;
        let settings = solid_settings(&profile)?;
        settings
            .pin_policy
            .clone()
            .unwrap_or_default()
            .check(&pin)?;
        let endpoint = settings
            .pin_endpoint
            .clone()
            .ok_or_else(|| Error::NoPinEndpoint {
                profile: profile.id.to_string(),
            })?;
        let api_key = self.solid_api_key(&profile)?;
        let found = self
            .confirm_solid_card(&profile, &client, &api_key, &card)
            .await?;
        let (expiry, last4) = cross_check(&found, given_expiry, given_last4, today)?;
        let token = match self.take_token(&profile, &card) {
            Some(token) => token,
            None => {
                let pin_token = "solid.pin_token";
                self.recorded(&profile, pin_token, Some(card.as_str()), ticket, async {
                    Ok(client.pin_token(&api_key, &card).await?)
                })
                .await?
            }
        };
        let done = self
            .recorded_step(&profile, "solid.set_pin", card.as_str(), ticket, async {
                Ok(client
                    .set_pin(&endpoint, &token, &card, &pin, expiry, &last4)
                    .await?)
            })
            .await?;
        Ok(done.confirmed(found.summary))
    }

    /// Requests a PIN token for `card` to prove the profile's API key works ("Test
    /// connection"); the token is dropped unused and expires.
    pub(super) async fn solid_test(&self, profile: &Profile, card: &str) -> Result<String, Error> {
        let card: SolidCardId = card.parse()?;
        let client = self.solid_client(profile)?;
        let api_key = self.solid_api_key(profile)?;
        drop(client.pin_token(&api_key, &card).await?);
        Ok(format!(
            "Solid answered: a PIN token for card {card} was issued with the profile's API key (it expires unused)"
        ))
    }

    async fn solid_call(
        &self,
        profile: Option<&str>,
        card: &str,
    ) -> Result<(Profile, SolidClient, SolidCardId), Error> {
        let card: SolidCardId = card.parse()?;
        let profile = self.call_profile(profile).await?;
        solid_settings(&profile)?;
        let client = self.solid_client(&profile)?;
        Ok((profile, client, card))
    }

    pub(super) fn solid_client(&self, profile: &Profile) -> Result<SolidClient, Error> {
        let client = SolidClient::new(self.client_for(profile, false)?, profile.base_url()?);
        let has_pin_endpoint = profile.solid().is_some_and(|s| s.pin_endpoint.is_some());
        Ok(if has_pin_endpoint {
            client.with_pin_client(self.client_for(profile, true)?)
        } else {
            client
        })
    }

    pub(super) fn solid_api_key(&self, profile: &Profile) -> Result<ApiKey, Error> {
        let key = self
            .secrets
            .get(&profile.id, SecretKind::ApiKey)?
            .ok_or_else(|| Error::MissingSecret {
                profile: profile.id.to_string(),
                what: "Solid API key",
            })?;
        Ok(ApiKey::new(key.to_string()))
    }

    fn hold(
        &self,
        profile: &Profile,
        card: &SolidCardId,
        token: PinToken,
        summary: CardSummary,
    ) -> PinTokenInfo {
        let lifetime_secs = profile.solid().map_or(0, |s| s.token_lifetime_secs);
        let expires_at = OffsetDateTime::now_utc() + time::Duration::seconds(lifetime_secs as i64);
        lock(&self.pin_tokens).insert(
            token_key(profile, card.as_str()),
            HeldPinToken { token, expires_at },
        );
        PinTokenInfo {
            card_id: card.to_string(),
            profile: profile.id.to_string(),
            expires_at: rfc3339(expires_at),
            lifetime_secs: u32::try_from(lifetime_secs).unwrap_or(u32::MAX),
            can_set_pin: profile.solid().is_some_and(|s| s.pin_endpoint.is_some()),
            card: summary,
        }
    }

    /// Removes and returns the token held for the profile and card when it is usable.
    fn take_token(&self, profile: &Profile, card: &SolidCardId) -> Option<PinToken> {
        let held = lock(&self.pin_tokens).remove(&token_key(profile, card.as_str()))?;
        (OffsetDateTime::now_utc() < held.expires_at).then(|| held.token.clone())
    }
}

/// Text the operator gave, trimmed; empty text is none.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// One card detail for the PIN set: Solid's value, which the operator's must match when
/// both are given (`field`, `what`: the field and its words), else whichever there is.
fn reconcile<T: PartialEq>(
    (field, what): (&'static str, &'static str),
    known: Option<T>,
    given: Option<T>,
    show: impl Fn(&T) -> String,
    missing: &'static str,
) -> Result<T, Error> {
    match (known, given) {
        (Some(k), Some(g)) if k != g => Err(Error::CardMismatch {
            field,
            what,
            given: show(&g),
            known: show(&k),
        }),
        (Some(k), _) => Ok(k),
        (None, Some(g)) => Ok(g),
        (None, None) => Err(crate::validate::ValidationError::new(field, missing).into()),
    }
}

/// The expiry and last 4 to send: Solid's, checked against what the operator gave; the
/// operator's alone only where Solid gave none.
fn cross_check(
    card: &SolidCard,
    expiry: Option<Expiry>,
    last4: Option<Last4>,
    today: time::Date,
) -> Result<(Expiry, Last4), Error> {
    let known_expiry = match (card.expiry_month, card.expiry_year) {
        (Some(m), Some(y)) => Some(Expiry::new(m, y, today)?),
        _ => None,
    };
    let known_last4 = card
        .summary
        .last4
        .as_deref()
        .map(str::parse::<Last4>)
        .transpose()?;
    let expiry = reconcile(
        ("expiry", "expiry"),
        known_expiry,
        expiry,
        |e: &Expiry| format!("{:02}/{}", e.month, e.year),
        "Solid did not give the card's expiry: type it as MM/YYYY",
    )?;
    let last4 = reconcile(
        ("last4", "last 4 digits"),
        known_last4,
        last4,
        |l: &Last4| l.as_str().to_owned(),
        "Solid did not give the card's last 4 digits: type them",
    )?;
    Ok((expiry, last4))
}
