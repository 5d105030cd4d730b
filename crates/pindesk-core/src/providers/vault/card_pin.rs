//! Setting a Vault card's PIN: `POST /v2/card/{cardId}/pin` ("Set/Reset PIN Code").
//!
//! Vault sets or resets the PIN of an `ACTIVE` card with no SMS code and no old PIN. Its body
//! is not published: PinDesk sends `{"<field>":"NNNN"}` as JSON, where the field name is a
//! profile setting (`card_pin_field`, default [`DEFAULT_CARD_PIN_FIELD`]) so it can follow
//! whatever the provider confirms without a new build. Like every state-changing call, it is
//! never retried here.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::client::Call;
use super::{VaultClient, VaultError};
use crate::http;
use crate::policy::check_vault_card_pin;
use crate::secret::{AccessToken, CardPin};
use crate::validate::{ValidationError, VaultCardId};

/// The body field that carries the PIN when the profile names none.
pub const DEFAULT_CARD_PIN_FIELD: &str = "pin";

/// The longest field name a profile may set.
const MAX_FIELD_LEN: usize = 64;

/// Checks a `card_pin_field` setting: 1 to 64 ASCII letters, digits and `_`, starting with a
/// letter (a plain JSON key, so it never needs escaping); field `card_pin_field`.
pub fn validate_card_pin_field(name: &str) -> Result<(), ValidationError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_FIELD_LEN
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "card_pin_field",
            format!(
                "the card PIN field name must be 1 to {MAX_FIELD_LEN} letters, digits or _, starting with a letter"
            ),
        ))
    }
}

/// The body of `POST /v2/card/{id}/pin`: one member named by the profile. No `Debug`: it
/// holds the PIN.
struct PinBody<'a> {
    field: &'a str,
    pin: &'a str,
}

impl Serialize for PinBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.field, self.pin)?;
        map.end()
    }
}

impl VaultClient {
    /// `POST /v2/card/{id}/pin` with `{"<field_name>":"<pin>"}`: sets or resets the card's
    /// PIN. The PIN is checked against Vault's published rules and the field name against
    /// [`validate_card_pin_field`] first: on either failure nothing is sent. The body is
    /// built in a zeroizing buffer; Vault's answer must be `{"result":"ok"}`, anything else
    /// is an unknown outcome.
    pub async fn set_card_pin(
        &self,
        token: &AccessToken,
        card: VaultCardId,
        pin: &CardPin,
        field_name: &str,
    ) -> Result<(), VaultError> {
        validate_card_pin_field(field_name).map_err(VaultError::Invalid)?;
        check_vault_card_pin(pin).map_err(|v| VaultError::Invalid(v.into()))?;
        let body = http::json_secret_body(
            &PinBody {
                field: field_name,
                pin: pin.expose(),
            },
            field_name.len() + pin.expose().len(),
        )?;
        let path = format!("/v2/card/{}/pin", card.get());
        self.post_secret_json(Call::SetCardPin, &path, token, body, &[pin.expose()])
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Category;
    use crate::validate::BaseUrl;

    #[test]
    fn field_names() {
        for ok in ["pin", "pinCode", "new_pin", "P1"] {
            assert!(validate_card_pin_field(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1pin",
            "pin code",
            "pin\"",
            "_pin",
            "pín",
            &"p".repeat(65),
        ] {
            assert_eq!(
                validate_card_pin_field(bad).unwrap_err().field,
                "card_pin_field",
                "{bad}"
            );
        }
    }

    #[test]
    fn body_names_the_field_and_holds_the_pin() {
        let body = http::json_secret_body(
            &PinBody {
                field: "pinCode",
                pin: "1122",
            },
            11,
        )
        .unwrap();
        assert_eq!(&body[..], br#"{"pinCode":"1122"}"#);
    }

    #[tokio::test]
    async fn bad_pins_and_field_names_are_refused_before_sending() {
        // The port is closed: anything sent would be a transport error instead.
        let client = VaultClient::new(
            reqwest::Client::new().into(),
            BaseUrl::parse("http://127.0.0.1:1").unwrap(),
            None,
        )
        .unwrap();
        let token = AccessToken::new("t".into());
        let card: VaultCardId = "1234435".parse().unwrap();
        for bad in ["1234", "1112", "12", "abcd"] {
            let e = client
                .set_card_pin(&token, card, &CardPin::new(bad.into()), "pin")
                .await
                .unwrap_err();
            assert_eq!(e.category(), Category::Validation, "{bad}");
            assert_eq!(e.field(), Some("pin"), "{bad}");
        }
        let e = client
            .set_card_pin(&token, card, &CardPin::new("1122".into()), "bad field")
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("card_pin_field"));
        // A good PIN does try to send (and finds the port closed).
        let e = client
            .set_card_pin(&token, card, &CardPin::new("1122".into()), "pin")
            .await
            .unwrap_err();
        assert_eq!(e.category(), Category::Network);
    }
}
