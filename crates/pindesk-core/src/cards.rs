//! The card as the provider knows it, confirmed before a flow touches it: what a support agent
//! reads back to the caller, whether the card can be acted on, and the operations PinDesk
//! already recorded on it (the guard against doing the same thing twice).

use serde::Serialize;
use time::OffsetDateTime;

use crate::history::{Entry, Outcome};
use crate::profile::Provider;

/// How many of the card's last recorded operations a check shows.
pub const RECENT_OPERATIONS: u32 = 5;

/// An operation that changed the card this long ago or less is "recent": the check warns.
pub const RECENT_WINDOW: time::Duration = time::Duration::minutes(15);

/// A card as its provider describes it. Holds no secret: the number is the provider's masked
/// one, never a full PAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardSummary {
    /// The card id the flows take.
    pub card_id: String,
    /// The provider.
    pub provider: Provider,
    /// The masked card number (Vault's `number`, or `•••• 1234` from Solid's last 4).
    pub masked_number: Option<String>,
    /// The last 4 digits, when the provider gives them.
    pub last4: Option<String>,
    /// The status as the provider names it (`ACTIVE`, `activated`, `blocked`, …).
    pub status: String,
    /// Whether the status lets PinDesk act on the card.
    pub usable: bool,
    /// The card's type (`VIRTUAL`, `physical`, …), when given.
    pub card_type: Option<String>,
    /// The expiry as `MM/YYYY` (Solid), or as Vault gives it.
    pub expiry: Option<String>,
    /// The card's label (Solid), when given.
    pub label: Option<String>,
}

impl CardSummary {
    /// One line for the CLI and the logs: id, masked number, status, type, expiry.
    pub fn line(&self) -> String {
        let mut parts = vec![format!("card {}", self.card_id)];
        if let Some(n) = &self.masked_number {
            parts.push(n.clone());
        }
        parts.push(self.status.clone());
        parts.extend(self.card_type.clone());
        if let Some(e) = &self.expiry {
            parts.push(format!("expires {e}"));
        }
        parts.join(", ")
    }
}

/// A card confirmed with its provider, with what PinDesk recorded on it lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardCheck {
    /// The card.
    pub card: CardSummary,
    /// The last operations recorded on this card, newest first (at most
    /// [`RECENT_OPERATIONS`]).
    pub recent: Vec<Entry>,
    /// Why the operator should check with the caller before going on, if anything.
    pub warning: Option<String>,
}

/// The warning a card's recent operations call for: one whose outcome is unknown (or that
/// never finished) first, else a change that succeeded within [`RECENT_WINDOW`].
pub fn repeat_warning(recent: &[Entry], now: OffsetDateTime) -> Option<String> {
    let changes = |e: &&Entry| is_change(&e.operation);
    if let Some(e) = recent
        .iter()
        .filter(changes)
        .find(|e| matches!(e.outcome, Outcome::Unknown | Outcome::Started))
    {
        return Some(format!(
            "{} on this card ({}) has an unknown outcome: check with the provider or the caller before doing it again",
            describe(&e.operation),
            ago(now - e.started_at),
        ));
    }
    recent
        .iter()
        .filter(changes)
        .find(|e| e.outcome == Outcome::Ok && now - e.started_at <= RECENT_WINDOW)
        .map(|e| {
            format!(
                "{} succeeded on this card {}: make sure the caller wants it done again",
                describe(&e.operation),
                ago(now - e.started_at),
            )
        })
}

/// Whether an operation changes the card (a PIN, a passcode, or a code sent to the holder).
fn is_change(operation: &str) -> bool {
    matches!(
        operation,
        "vault.send_code" | "vault.set_passcode" | "vault.set_card_pin" | "solid.set_pin"
    )
}

fn describe(operation: &str) -> &str {
    match operation {
        "vault.send_code" => "Sending an SMS code",
        "vault.set_passcode" => "Setting the passcode",
        "vault.set_card_pin" => "Setting the card PIN",
        "solid.set_pin" => "Setting the PIN",
        other => other,
    }
}

fn ago(elapsed: time::Duration) -> String {
    let minutes = elapsed.whole_minutes().max(0);
    match minutes {
        0 => "less than a minute ago".to_owned(),
        1 => "1 minute ago".to_owned(),
        m if m < 120 => format!("{m} minutes ago"),
        m if m < 48 * 60 => format!("{} hours ago", m / 60),
        m => format!("{} days ago", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::EntryId;

    fn entry(operation: &str, outcome: Outcome, minutes_ago: i64, now: OffsetDateTime) -> Entry {
        Entry {
            id: EntryId(1),
            started_at: now - time::Duration::minutes(minutes_ago),
            finished_at: None,
            os_user: "op".into(),
            profile: "p".into(),
            provider: Provider::Vault,
            environment: "sandbox".into(),
            operation: operation.into(),
            card_id: Some("1".into()),
            outcome,
            reference: None,
            message: None,
            duration_ms: None,
            ticket: None,
        }
    }

    #[test]
    fn warnings_follow_outcome_and_age() {
        let now = OffsetDateTime::now_utc();
        // (operation, outcome, minutes ago) of each recorded entry, and a phrase the warning
        // must hold (none: no warning).
        type Recorded = &'static [(&'static str, Outcome, i64)];
        let cases: &[(Recorded, Option<&str>)] = &[
            (&[], None),
            (&[("vault.set_passcode", Outcome::Ok, 5)], Some("succeeded")),
            (&[("vault.set_passcode", Outcome::Ok, 16)], None),
            (
                &[("solid.set_pin", Outcome::Unknown, 600)],
                Some("unknown outcome"),
            ),
            (
                &[("vault.set_card_pin", Outcome::Started, 3)],
                Some("unknown outcome"),
            ),
            (&[("vault.send_code", Outcome::Rejected, 1)], None),
            // Reading operations never warn.
            (&[("solid.pin_token", Outcome::Unknown, 1)], None),
            (&[("vault.verify_code", Outcome::Ok, 1)], None),
            // Unknown wins over a recent success.
            (
                &[
                    ("vault.set_passcode", Outcome::Ok, 1),
                    ("vault.set_passcode", Outcome::Unknown, 30),
                ],
                Some("unknown outcome"),
            ),
        ];
        for (entries, expected) in cases {
            let recent: Vec<Entry> = entries
                .iter()
                .map(|(op, outcome, ago)| entry(op, *outcome, *ago, now))
                .collect();
            let warning = repeat_warning(&recent, now);
            match expected {
                None => assert_eq!(warning, None, "{entries:?}"),
                Some(text) => {
                    let warning = warning.unwrap_or_default();
                    assert!(warning.contains(text), "{entries:?}: {warning}");
                }
            }
        }
    }

    #[test]
    fn the_line_shows_what_is_read_back() {
        let card = CardSummary {
            card_id: "1234435".into(),
            provider: Provider::Vault,
            masked_number: Some("4111 **** **** 1111".into()),
            last4: None,
            status: "ACTIVE".into(),
            usable: true,
            card_type: Some("VIRTUAL".into()),
            expiry: Some("2029-11".into()),
            label: None,
        };
        assert_eq!(
            card.line(),
            "card 1234435, 4111 **** **** 1111, ACTIVE, VIRTUAL, expires 2029-11"
        );
    }
}
