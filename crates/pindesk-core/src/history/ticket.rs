//! The operator's case or ticket reference: which support case an operation was done for.
//!
//! A reference is free text typed by the operator, so it is checked before it is stored or
//! shipped: 1–64 characters once trimmed, no control characters, and nothing that looks like a
//! secret. Refused as secret-looking:
//! - a bare number of 4–19 digits, spaces, dashes and dots aside (`1234`, `4111 1111 1111
//!   1111`): the shape of a PIN or a card number. Prefix the case system's key instead
//!   (`INC-104233`, `#104233`);
//! - something that starts like a credential: `Bearer `, `Basic `, a JWT (`eyJ…`), a PEM block
//!   (`-----BEGIN`), or a `sk_`/`pk_`/`rk_` key;
//! - a run of 24 or more characters without a space, dash, dot, `:`, `#` or `/` that mixes
//!   letters and digits (a random token or key; ticket keys are shorter or separated).

use std::fmt;
use std::str::FromStr;

use crate::validate::ValidationError;

/// Longest ticket reference, in characters.
pub const MAX_TICKET_CHARS: usize = 64;

const FIELD: &str = "ticket";

/// A validated case or ticket reference (see the [module](self) for the rule).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Ticket(String);

impl Ticket {
    /// Checks and trims a reference. Errors name the field `ticket`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let text = raw.trim();
        let refuse = |why: &str| Err(ValidationError::new(FIELD, why));
        if text.is_empty() {
            return refuse("the ticket reference is empty");
        }
        if text.chars().count() > MAX_TICKET_CHARS {
            return refuse("the ticket reference is longer than 64 characters");
        }
        if text.chars().any(char::is_control) {
            return refuse("the ticket reference contains a control character");
        }
        if looks_like_number(text) {
            return refuse(
                "a bare number of 4 to 19 digits looks like a PIN or a card number; \
                 give the case system's key with it (for example INC-104233)",
            );
        }
        if looks_like_credential(text) {
            return refuse(
                "the ticket reference looks like a token or a key, not a case reference",
            );
        }
        Ok(Self(text.to_owned()))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `None` for a missing or blank value (an empty field in a form), else the checked
    /// reference.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, ValidationError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => Self::parse(text).map(Some),
        }
    }
}

impl fmt::Display for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Ticket {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn looks_like_number(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    text.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.'))
        && (4..=19).contains(&digits)
}

fn looks_like_credential(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let prefixed = ["bearer ", "basic ", "sk_", "pk_", "rk_"]
        .iter()
        .any(|p| lower.starts_with(p))
        || (text.starts_with("eyJ") && text.contains('.'))
        || text.contains("-----BEGIN");
    prefixed
        || text
            .split(|c: char| c.is_whitespace() || matches!(c, '-' | '.' | ':' | '#' | '/'))
            .any(|run| {
                run.chars().count() >= 24
                    && run.chars().any(|c| c.is_ascii_digit())
                    && run.chars().any(char::is_alphabetic)
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_checked() {
        let accepted = [
            ("INC-104233", "INC-104233"),
            ("  CASE 42  ", "CASE 42"),
            ("#104233", "#104233"),
            ("123", "123"),
            ("12345678901234567890", "12345678901234567890"),
            (
                "JIRA-OPS-2041 (card replaced)",
                "JIRA-OPS-2041 (card replaced)",
            ),
            ("Ticket für Müller", "Ticket für Müller"),
            (
                "https://desk.example/case/88",
                "https://desk.example/case/88",
            ),
        ];
        for (raw, stored) in accepted {
            let ticket = Ticket::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
            assert_eq!(ticket.as_str(), stored, "{raw:?}");
        }
        let refused = [
            ("", "empty"),
            ("   ", "empty"),
            (&"x".repeat(65), "longer"),
            ("INC\n42", "control"),
            ("INC\u{7f}42", "control"),
            ("1234", "PIN or a card number"),
            ("4111 1111 1111 1111", "PIN or a card number"),
            ("4111-1111-1111-1111", "PIN or a card number"),
            ("Bearer abc", "token"),
            ("eyJhbGciOiJIUzI1NiJ9.e30.x", "token"),
            ("sk_live_abc", "token"),
            ("-----BEGIN PRIVATE KEY", "token"),
            ("tok_9f86d081884c7d659a2feaa0c55ad015", "token"),
            ("case 3q2+7wAAAAAAAAAAAAAAAAAAAAAA", "token"),
        ];
        for (raw, why) in refused {
            let e = Ticket::parse(raw).expect_err(raw);
            assert_eq!(e.field, "ticket", "{raw:?}");
            assert!(e.message.contains(why), "{raw:?}: {}", e.message);
            // The refusal never repeats the value.
            if raw.trim().len() > 3 {
                assert!(!e.message.contains(raw.trim()), "{raw:?}");
            }
        }
        assert_eq!(Ticket::parse_optional(None).unwrap(), None);
        assert_eq!(Ticket::parse_optional(Some("  ")).unwrap(), None);
        assert_eq!(
            Ticket::parse_optional(Some("INC-1"))
                .unwrap()
                .unwrap()
                .as_str(),
            "INC-1"
        );
    }
}
