//! `GET /v2/issuing/card/{card_id}` ("Retrieve a Card"): the card Solid knows, to confirm it
//! and to fill and cross-check the PIN form's last 4 and expiry.

use reqwest::Method;
use serde::Deserialize;

use super::client::Call;
use super::{SolidClient, SolidError};
use crate::cards::CardSummary;
use crate::http::TransportError;
use crate::profile::Provider;
use crate::providers::describe_body;
use crate::secret::ApiKey;
use crate::validate::SolidCardId;

/// The statuses on which PinDesk acts: the schema's `open` and its example's `activated`. Any
/// other (the schema's `closed`, `blocked`, `locked`, or a value it does not name) stops a flow.
pub const USABLE_STATUSES: &[&str] = &["open", "activated"];

/// A card as Solid returns it (the fields PinDesk reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolidCard {
    /// Its summary; `usable` follows [`USABLE_STATUSES`] only (a profile may add more).
    pub summary: CardSummary,
    /// `expiry_month`, 1–12, when given.
    pub expiry_month: Option<u8>,
    /// `expiry_year`, four digits, when given.
    pub expiry_year: Option<u16>,
}

impl SolidClient {
    /// Retrieves the card with `api-key`. An unknown card is Solid's 404, a
    /// [`SolidError::Rejected`] whose status is 404.
    pub async fn card(
        &self,
        api_key: &ApiKey,
        card: &SolidCardId,
    ) -> Result<SolidCard, SolidError> {
        let path = format!("/v2/issuing/card/{}", card.as_str());
        let request = self
            .with_api_key(Method::GET, &path, api_key)?
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(Call::Card, request, &[api_key.expose().trim()])
            .await?;
        parse_card(
            answer.status,
            answer.content_type.as_deref(),
            &answer.body,
            card,
        )
    }
}

/// Reads a card answer; it must name the card asked for. Accepts both holder field names the
/// documents use. Public so the parser can be fuzzed on its own.
pub fn parse_card(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    card: &SolidCardId,
) -> Result<SolidCard, SolidError> {
    let malformed = |detail: String| SolidError::Malformed { status, detail };
    let answer: CardAnswer =
        serde_json::from_slice(body).map_err(|_| malformed(describe_body(content_type, body)))?;
    if answer.id.as_deref() != Some(card.as_str()) {
        return Err(malformed("the answer names another card".into()));
    }
    let card_status = text(answer.status).unwrap_or_else(|| "unknown".to_owned());
    let last4 =
        text(answer.last4).filter(|l| l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit()));
    let expiry_month = answer
        .expiry_month
        .and_then(|m| m.trim().parse::<u8>().ok())
        .filter(|m| (1..=12).contains(m));
    let expiry_year = answer
        .expiry_year
        .and_then(|y| y.trim().parse::<u16>().ok())
        .filter(|y| (2000..=2999).contains(y));
    let expiry = match (expiry_month, expiry_year) {
        (Some(m), Some(y)) => Some(format!("{m:02}/{y}")),
        _ => None,
    };
    Ok(SolidCard {
        summary: CardSummary {
            card_id: card.to_string(),
            provider: Provider::Solid,
            masked_number: last4.as_ref().map(|l| format!("•••• {l}")),
            last4,
            usable: USABLE_STATUSES
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&card_status)),
            status: card_status,
            card_type: text(answer.card_type),
            expiry,
            label: text(answer.label),
        },
        expiry_month,
        expiry_year,
    })
}

fn text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[derive(Deserialize)]
struct CardAnswer {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "type")]
    card_type: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    last4: Option<String>,
    #[serde(default)]
    expiry_month: Option<String>,
    #[serde(default)]
    expiry_year: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> SolidCardId {
        "crd_7948d9a96706dd05360a340002de725f".parse().unwrap()
    }

    #[test]
    fn the_documented_example_and_the_schema_are_both_read() {
        let example = br#"{"id":"crd_7948d9a96706dd05360a340002de725f","account_id":"acc_1",
            "card_holder_id":"crh_1","label":"Travel","status":"activated","type":"physical",
            "last4":"3738","expiry_month":"11","expiry_year":"2029"}"#;
        let c = parse_card(200, None, example, &card()).unwrap();
        assert!(c.summary.usable);
        assert_eq!(c.summary.last4.as_deref(), Some("3738"));
        assert_eq!(c.summary.expiry.as_deref(), Some("11/2029"));
        assert_eq!((c.expiry_month, c.expiry_year), (Some(11), Some(2029)));
        let schema = br#"{"id":"crd_7948d9a96706dd05360a340002de725f","cardholder_id":"crh_1",
            "status":"blocked","type":"virtual","last4":"3738"}"#;
        let c = parse_card(200, None, schema, &card()).unwrap();
        assert!(!c.summary.usable);
        assert_eq!(c.summary.status, "blocked");
        assert_eq!(c.summary.expiry, None);
    }

    #[test]
    fn another_cards_answer_is_refused() {
        let body = br#"{"id":"crd_other","status":"open"}"#;
        assert!(matches!(
            parse_card(200, None, body, &card()),
            Err(SolidError::Malformed { .. })
        ));
    }
}
