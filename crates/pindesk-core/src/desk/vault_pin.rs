//! The Vault card PIN service: set or reset the PIN of a card in one call
//! (`POST /v2/card/{cardId}/pin`), with no SMS code and no old PIN.
//!
//! The PIN is checked against Vault's published rules before anything is sent (a refusal is a
//! `policy` error naming `pin`: exit 2, no history entry). The call goes through the profile's
//! bearer token like the passcode flow (a refused token of a stored sign-in leads to one new
//! sign-in and one retry, safe because Vault refused before acting) and is never retried
//! otherwise: a send that may have reached Vault is an unknown outcome for the operator to
//! check. It is recorded in the history as `vault.set_card_pin`, without the PIN.

use super::{vault_settings, Desk, Error};
use crate::api::OpDone;
use crate::history::Ticket;
use crate::policy::check_vault_card_pin;
use crate::secret::CardPin;

/// The history's name of the operation.
const SET_CARD_PIN: &str = "vault.set_card_pin";

impl Desk {
    /// Checks the PIN against Vault's rules, confirms the card among the signed-in
    /// customer's `ACTIVE` cards, and sets the PIN through the profile's `card_pin_field`. The PIN is dropped (zeroized) when this returns.
    pub async fn vault_set_card_pin(
        &self,
        profile: Option<&str>,
        card: &str,
        pin: CardPin,
        ticket: Option<&Ticket>,
    ) -> Result<OpDone, Error> {
        self.ticket_allowed(ticket)?;
        let (profile, client, card) = self.vault_call(profile, card).await?;
        check_vault_card_pin(&pin)?;
        let field = vault_settings(&profile)?.card_pin_field().to_owned();
        let client = &client;
        let card_text = card.to_string();
        let (pin, field) = (&pin, field.as_str());
        let confirmed = self
            .recorded(&profile, SET_CARD_PIN, Some(&card_text), ticket, async {
                let confirmed = self.confirm_vault_card(&profile, client, card).await?;
                self.with_token(&profile, client, |token| async move {
                    client.set_card_pin(&token, card, pin, field).await
                })
                .await?;
                Ok(confirmed)
            })
            .await?;
        Ok(OpDone::now(SET_CARD_PIN, &card_text).confirmed(confirmed))
    }
}
