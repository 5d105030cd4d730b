//! Confirming the card with its provider before a flow touches it, and the card check the
//! screens show: the card as the provider knows it, with what PinDesk recorded on it lately.

use super::{solid_settings, Desk, Error};
use crate::cards::{repeat_warning, CardCheck, CardSummary, RECENT_OPERATIONS};
use crate::history::{Filter, Page};
use crate::profile::{Profile, Provider};
use crate::providers::solid::{SolidCard, SolidClient, SolidError};
use crate::providers::vault::VaultClient;
use crate::secret::ApiKey;
use crate::validate::{SolidCardId, VaultCardId};
use time::OffsetDateTime;

impl Desk {
    /// Looks the card up with its provider and adds what PinDesk recorded on it, with a
    /// warning when an operation on it is recent or its outcome unknown. Sends nothing that
    /// changes the card; a card that is unknown or not usable is an error, as in the flows.
    pub async fn look_up_card(
        &self,
        profile: Option<&str>,
        card: &str,
    ) -> Result<CardCheck, Error> {
        let profile = self.call_profile(profile).await?;
        let summary = match profile.provider() {
            Provider::Vault => {
                let card: VaultCardId = card.parse()?;
                let client = self.vault_client(&profile)?;
                self.confirm_vault_card(&profile, &client, card).await?
            }
            Provider::Solid => {
                let card: SolidCardId = card.parse()?;
                let client = self.solid_client(&profile)?;
                let api_key = self.solid_api_key(&profile)?;
                self.confirm_solid_card(&profile, &client, &api_key, &card)
                    .await?
                    .summary
            }
        };
        self.card_check(summary)
    }

    /// Vault: the signed-in customer's cards, usable ones first, for the card picker.
    pub async fn vault_cards(&self, profile: Option<&str>) -> Result<Vec<CardSummary>, Error> {
        let profile = self.call_profile(profile).await?;
        let client = self.vault_client(&profile)?;
        let mut cards = self.vault_card_list(&profile, &client).await?;
        cards.sort_by_key(|c| !c.usable);
        Ok(cards)
    }

    /// The card, when it is among the signed-in customer's cards and `ACTIVE`.
    pub(super) async fn confirm_vault_card(
        &self,
        profile: &Profile,
        client: &VaultClient,
        card: VaultCardId,
    ) -> Result<CardSummary, Error> {
        let id = card.to_string();
        let summary = self
            .vault_card_list(profile, client)
            .await?
            .into_iter()
            .find(|c| c.card_id == id)
            .ok_or(Error::NoSuchCard {
                card: id,
                provider: "Vault",
                reference: None,
            })?;
        usable(summary, "Vault")
    }

    /// The card, when Solid knows it and its status is usable (Solid's `open`, `activated`,
    /// or one the profile lists).
    pub(super) async fn confirm_solid_card(
        &self,
        profile: &Profile,
        client: &SolidClient,
        api_key: &ApiKey,
        card: &SolidCardId,
    ) -> Result<SolidCard, Error> {
        let mut found = match client.card(api_key, card).await {
            Err(SolidError::Rejected(r)) if r.status == 404 => {
                return Err(Error::NoSuchCard {
                    card: card.to_string(),
                    provider: "Solid",
                    reference: r.request_id.clone(),
                })
            }
            other => other?,
        };
        let extra = &solid_settings(profile)?.usable_statuses;
        if extra
            .iter()
            .any(|s| s.trim().eq_ignore_ascii_case(&found.summary.status))
        {
            found.summary.usable = true;
        }
        found.summary = usable(found.summary, "Solid")?;
        Ok(found)
    }

    async fn vault_card_list(
        &self,
        profile: &Profile,
        client: &VaultClient,
    ) -> Result<Vec<CardSummary>, Error> {
        self.with_token(profile, client, |token| async move {
            client.cards(&token).await
        })
        .await
    }

    /// The card with its last recorded operations and the warning they call for.
    fn card_check(&self, card: CardSummary) -> Result<CardCheck, Error> {
        let filter = Filter {
            provider: Some(card.provider),
            card_id: Some(card.card_id.clone()),
            ..Filter::default()
        };
        let recent = self
            .history()?
            .query(&filter, Page::first(RECENT_OPERATIONS))?;
        let warning = repeat_warning(&recent, OffsetDateTime::now_utc());
        Ok(CardCheck {
            card,
            recent,
            warning,
        })
    }
}

/// The card, or why its status stops the flow.
fn usable(card: CardSummary, provider: &'static str) -> Result<CardSummary, Error> {
    if card.usable {
        return Ok(card);
    }
    Err(Error::CardNotUsable {
        card: card.card_id,
        status: card.status,
        provider,
    })
}
