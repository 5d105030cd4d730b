//! `GET /v2/card/list`: the signed-in customer's Card Program 1 cards
//! (Card Program 1/Card Management/card-list.md), to confirm a card before acting on it.

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use super::client::Call;
use super::{VaultClient, VaultError};
use crate::cards::CardSummary;
use crate::http::TransportError;
use crate::profile::Provider;
use crate::providers::describe_body;
use crate::secret::AccessToken;

/// The one status on which Vault acts on a card.
pub const USABLE_STATUS: &str = "ACTIVE";

impl VaultClient {
    /// The signed-in customer's cards, in Vault's order. Card requests (entries without an
    /// `id`) are left out: they are not cards yet.
    pub async fn cards(&self, token: &AccessToken) -> Result<Vec<CardSummary>, VaultError> {
        let request = self
            .authorized(Method::GET, Call::CardList.route(), token)?
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(Call::CardList, request, &[token.expose()])
            .await?;
        parse_card_list(answer.status, answer.content_type.as_deref(), &answer.body)
    }
}

/// Reads a card list answer. The published example puts `status` and `cardType` on the card,
/// the schema nests them under `balance`: both are read, the card's own first. Public so the
/// parser can be fuzzed on its own.
pub fn parse_card_list(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<CardSummary>, VaultError> {
    let list: CardList = serde_json::from_slice(body).map_err(|_| VaultError::Malformed {
        status,
        detail: describe_body(content_type, body),
    })?;
    Ok(list
        .cards
        .into_iter()
        .filter_map(ListedCard::summary)
        .collect())
}

#[derive(Deserialize)]
struct CardList {
    #[serde(default)]
    cards: Vec<ListedCard>,
}

#[derive(Deserialize)]
struct ListedCard {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    expired: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "cardType")]
    card_type: Option<String>,
    #[serde(default)]
    balance: Option<Balance>,
}

#[derive(Deserialize)]
struct Balance {
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "cardType")]
    card_type: Option<String>,
}

impl ListedCard {
    fn summary(self) -> Option<CardSummary> {
        let id = match self.id? {
            Value::Number(n) => n.as_i64().filter(|&n| n > 0)?.to_string(),
            Value::String(s) => s.trim().parse::<i64>().ok().filter(|&n| n > 0)?.to_string(),
            _ => return None,
        };
        let (balance_status, balance_type) = self
            .balance
            .map_or((None, None), |b| (b.status, b.card_type));
        let status = text(self.status)
            .or(text(balance_status))
            .unwrap_or_else(|| "UNKNOWN".to_owned());
        Some(CardSummary {
            card_id: id,
            provider: Provider::Vault,
            last4: self.number.as_deref().and_then(last_digits),
            masked_number: text(self.number),
            usable: status.eq_ignore_ascii_case(USABLE_STATUS),
            status,
            card_type: text(self.card_type).or(text(balance_type)),
            expiry: text(self.expired).map(|e| month_year(&e).unwrap_or(e)),
            label: None,
        })
    }
}

fn text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `MM/YYYY` from a date Vault gives as `YYYY-MM-…` (`2029-11-30T23:59:59Z`), as the card
/// reads; `None` for anything else, which is then shown as given.
fn month_year(date: &str) -> Option<String> {
    let (year, rest) = date.split_once('-')?;
    let month = rest.get(..2)?;
    let valid = year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && matches!(month.parse::<u8>(), Ok(1..=12))
        && rest.as_bytes().get(2).is_none_or(|&b| b == b'-');
    valid.then(|| format!("{month}/{year}"))
}

/// The last 4 digits of a masked number, when it ends in them.
fn last_digits(number: &str) -> Option<String> {
    let digits: String = number
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == ' ')
        .filter(char::is_ascii_digit)
        .take(4)
        .collect();
    (digits.len() == 4).then(|| digits.chars().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_documented_shapes_are_read_and_requests_are_skipped() {
        let body = br#"{
          "kycStatus": {"status": "PENDING", "reason": null},
          "cards": [
            {"cardType": "VIRTUAL", "status": "IN_PROGRESS", "cardCompany": "VISA",
             "cardRequestId": 8276, "additionalStatuses": ["ADDRESS", "KYC"]},
            {"id": 1234435, "number": "4111 **** **** 1111", "expired": "2029-11-30T00:00:00Z",
             "cardType": "VIRTUAL", "status": "ACTIVE"},
            {"id": "123321", "number": "5500********0004",
             "balance": {"cardholderName": "A B", "cardType": "PHYSICAL", "status": "BLOCKED"}}
          ],
          "iban": "GB29NW5435345819"
        }"#;
        let cards = parse_card_list(200, None, body).unwrap();
        assert_eq!(cards.len(), 2, "the card request is not a card");
        assert_eq!(cards[0].card_id, "1234435");
        assert_eq!(cards[0].status, "ACTIVE");
        assert!(cards[0].usable);
        assert_eq!(cards[0].last4.as_deref(), Some("1111"));
        assert_eq!(cards[0].card_type.as_deref(), Some("VIRTUAL"));
        assert_eq!(cards[1].card_id, "123321");
        assert_eq!(cards[1].status, "BLOCKED");
        assert!(!cards[1].usable);
        assert_eq!(cards[1].card_type.as_deref(), Some("PHYSICAL"));
        assert_eq!(cards[1].last4.as_deref(), Some("0004"));
        assert_eq!(cards[0].expiry.as_deref(), Some("11/2029"));
        assert_eq!(cards[1].expiry, None);
    }

    #[test]
    fn an_expiry_date_reads_as_month_and_year_and_anything_else_as_given() {
        for (given, shown) in [
            ("2029-11-30T00:00:00Z", Some("11/2029")),
            ("2029-01", Some("01/2029")),
            ("2029-13-01", None),
            ("11/29", None),
            ("29-11-2029", None),
            ("", None),
        ] {
            assert_eq!(month_year(given).as_deref(), shown, "{given}");
        }
    }

    #[test]
    fn an_unreadable_list_is_malformed_without_its_content() {
        let e = parse_card_list(200, Some("text/html"), b"<html>secret</html>").unwrap_err();
        assert!(matches!(e, VaultError::Malformed { .. }));
        assert!(!e.to_string().contains("secret"), "{e}");
    }
}
