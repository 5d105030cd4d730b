//! Solid's errors: its refusal as it wrote it, the error of a call with its category, the
//! operator's message and the support reference.

use serde_json::Value;
use std::time::Duration;
use thiserror::Error;

use crate::error::Category;
use crate::http::{MaybeSentReason, TransportError};
use crate::providers::clean_opt;
use crate::validate::ValidationError;

/// Solid's refusal, as it wrote it (cleaned). Every field but the status is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SolidRejection {
    /// The HTTP status.
    pub status: u16,
    /// `request_id`, Solid's support reference.
    pub request_id: Option<String>,
    /// `error.code`, e.g. `ERROR_CODE_UNAUTHORIZED`.
    pub code: Option<String>,
    /// `error.message`.
    pub message: Option<String>,
    /// `error.field_name`, when not empty.
    pub field_name: Option<String>,
}

impl SolidRejection {
    /// Reads Solid's error body leniently (a body that is not the documented shape yields
    /// only what it has). `secrets` are the secrets of the call, blanked wherever the
    /// provider echoes them.
    pub fn parse(status: u16, body: &[u8], secrets: &[&str]) -> Self {
        let mut out = Self {
            status,
            ..Self::default()
        };
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return out;
        };
        let text = |v: Option<&Value>| clean_opt(v.and_then(scalar_text).as_deref(), secrets);
        out.request_id = text(map.get("request_id")).or_else(|| text(map.get("requestId")));
        if let Some(Value::Object(error)) = map.get("error") {
            // v2: `{request_id, …, error: {code, message, field_name}}`.
            out.code = text(error.get("code"));
            out.message = text(error.get("message"));
            out.field_name = text(error.get("field_name"));
        } else {
            // v1 (the PIN endpoint): `{requestId, method, status, code, message, sysMessage}`.
            out.code = text(map.get("code"));
            out.message = text(map.get("message"))
                .or_else(|| text(map.get("error")))
                .or_else(|| text(map.get("sysMessage")));
        }
        out
    }

    fn field_suffix(&self) -> String {
        match &self.field_name {
            Some(f) => format!(" (field: {f})"),
            None => String::new(),
        }
    }
}

/// A string or number as text (v1 answers may carry a numeric `code`).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Why a Solid call failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SolidError {
    /// An input was refused before sending. Category `validation`.
    #[error("{0}")]
    Invalid(ValidationError),
    /// The API key is empty or cannot be sent in a header. Category `credentials`.
    #[error("the API key is empty or cannot be sent")]
    InvalidCredential,
    /// The PIN token is empty or cannot be sent in a header. Category `validation`.
    #[error("the PIN token is empty or cannot be sent")]
    InvalidPinToken,
    /// Solid answered and refused (400, 404, 409, 422, other 4xx and 1xx/3xx). Category
    /// `rejected`.
    #[error("Solid refused the request (HTTP {})", .0.status)]
    Rejected(Box<SolidRejection>),
    /// Solid refused the API key (401/403 to `pin_token`). Category `credentials`.
    #[error("Solid refused the API key (HTTP {})", .0.status)]
    Unauthorized(Box<SolidRejection>),
    /// Solid refused the PIN token (401/403 to `set_pin`: spent, expired or for another
    /// card). Category `rejected`.
    #[error("Solid refused the PIN token (HTTP {})", .0.status)]
    PinTokenRefused(Box<SolidRejection>),
    /// Solid is limiting requests (429). Category `rejected`.
    #[error("Solid is limiting requests (HTTP 429)")]
    RateLimited {
        /// `Retry-After`, when given in seconds.
        retry_after: Option<Duration>,
    },
    /// Solid answered 5xx. Category `rejected`.
    #[error("Solid had a problem (HTTP {})", .0.status)]
    ProviderUnavailable(Box<SolidRejection>),
    /// `set_pin` arrived but its outcome is not confirmed: a 2xx without the card's `id`, or
    /// a gateway's 502/504. Category `unknown_outcome`.
    #[error("Solid did not confirm the change (HTTP {status}): {detail}")]
    Unconfirmed {
        /// The status answered.
        status: u16,
        /// What was wrong with the answer (never its content).
        detail: String,
    },
    /// `pin_token` got an answer that could not be understood. Category `rejected`.
    #[error("Solid's answer could not be read (HTTP {status}): {detail}")]
    Malformed {
        /// The status answered.
        status: u16,
        /// What was wrong with the answer (never its content).
        detail: String,
    },
    /// A call that changes nothing (the card lookup) was sent
    /// but its answer never came in full. Category `network`: nothing on the card changed, so
    /// the flow is not locked as if a change may have arrived.
    #[error("Solid did not finish answering {what}: {reason}")]
    ReadUnfinished {
        /// The call, in words.
        what: &'static str,
        /// Why the answer did not come.
        reason: MaybeSentReason,
    },
    /// The transport failed: `network` when not sent, `unknown_outcome` when it may have
    /// arrived.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl SolidError {
    /// A stable name of what failed, for scripts and the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            SolidError::Invalid(_) => "invalid_input",
            SolidError::InvalidCredential => "invalid_credential",
            SolidError::InvalidPinToken => "invalid_pin_token",
            SolidError::Rejected(_) => "rejected",
            SolidError::Unauthorized(_) => "unauthorized",
            SolidError::PinTokenRefused(_) => "pin_token_refused",
            SolidError::RateLimited { .. } => "rate_limited",
            SolidError::ProviderUnavailable(_) => "provider_unavailable",
            SolidError::Unconfirmed { .. } => "unconfirmed",
            SolidError::Malformed { .. } => "malformed_answer",
            SolidError::ReadUnfinished { .. } => "read_unfinished",
            SolidError::Transport(t) => t.code(),
        }
    }

    /// The category the UI and the CLI branch on (see [`crate::providers`]).
    pub fn category(&self) -> Category {
        match self {
            SolidError::Invalid(_) | SolidError::InvalidPinToken => Category::Validation,
            SolidError::InvalidCredential | SolidError::Unauthorized(_) => Category::Credentials,
            SolidError::Rejected(_)
            | SolidError::PinTokenRefused(_)
            | SolidError::RateLimited { .. }
            | SolidError::ProviderUnavailable(_)
            | SolidError::Malformed { .. } => Category::Rejected,
            SolidError::Unconfirmed { .. } => Category::UnknownOutcome,
            SolidError::ReadUnfinished { .. } => Category::Network,
            SolidError::Transport(t) if t.may_have_been_sent() => Category::UnknownOutcome,
            SolidError::Transport(_) => Category::Network,
        }
    }

    /// Whether Solid has no such card (404).
    pub fn is_not_found(&self) -> bool {
        matches!(self, SolidError::Rejected(r) if r.status == 404)
    }

    /// The request field at fault, when Solid named one (`last4`, `pin`, …).
    pub fn field(&self) -> Option<&str> {
        match self {
            SolidError::Invalid(v) => Some(v.field),
            // The token was taken for this attempt: the UI lets it go too.
            SolidError::InvalidPinToken => Some("token"),
            SolidError::Rejected(r)
            | SolidError::Unauthorized(r)
            | SolidError::PinTokenRefused(r) => r.field_name.as_deref(),
            _ => None,
        }
    }

    /// A plain-words message for the operator: Solid's own message when it gave one, never a
    /// secret.
    pub fn operator_message(&self) -> String {
        match self {
            SolidError::Invalid(v) => v.to_string(),
            SolidError::InvalidCredential => {
                "The profile's Solid API key is empty or contains characters that cannot be sent; update it.".to_owned()
            }
            SolidError::InvalidPinToken => {
                "The PIN token is empty or contains characters that cannot be sent; get a new one.".to_owned()
            }
            SolidError::Rejected(r) if r.status == 404 => match &r.message {
                Some(m) => format!("Solid could not find the card: {m}"),
                None => "Solid could not find the card (HTTP 404)".to_owned(),
            },
            SolidError::Rejected(r) => match &r.message {
                Some(m) => format!("Solid refused the request: {m}{}", r.field_suffix()),
                None => format!("Solid refused the request (HTTP {}){}", r.status, r.field_suffix()),
            },
            SolidError::Unauthorized(r) => {
                let text = r.message.as_ref().map(|t| format!(": {t}")).unwrap_or_default();
                format!(
                    "Solid refused the API key (HTTP {}){text}. Check the profile's API key.",
                    r.status
                )
            }
            SolidError::PinTokenRefused(r) => {
                let text = r.message.as_ref().map(|t| format!(": {t}")).unwrap_or_default();
                format!(
                    "Solid refused the PIN token (HTTP {}){text}. Tokens are single-use and short-lived; get a new one and try again.",
                    r.status
                )
            }
            SolidError::RateLimited { retry_after } => match retry_after {
                Some(d) => format!("Solid is limiting requests; try again in {} seconds.", d.as_secs().max(1)),
                None => "Solid is limiting requests; try again later.".to_owned(),
            },
            SolidError::ProviderUnavailable(r) => {
                let text = r.message.as_ref().map(|t| format!(" ({t})")).unwrap_or_default();
                format!("Solid had a problem (HTTP {}){text}; try again later.", r.status)
            }
            SolidError::Unconfirmed { status, detail } => format!(
                "Solid received the request but did not confirm it (HTTP {status}, {detail}). Check the card before trying again."
            ),
            SolidError::Malformed { status, detail } => format!(
                "Solid's answer could not be read (HTTP {status}, {detail}). Check the profile's base URL."
            ),
            SolidError::ReadUnfinished { what, reason } => format!(
                "Solid did not finish answering {what}: {reason}. It changes nothing on the card: try again."
            ),
            SolidError::Transport(TransportError::NotSent { reason, .. }) => {
                format!("Could not reach Solid: {reason}. Nothing was sent.")
            }
            SolidError::Transport(TransportError::MaybeSent { reason, .. }) => format!(
                "The request may have reached Solid, but {reason}. Check the card before trying again."
            ),
        }
    }

    /// Solid's support reference (`request_id`), when it gave one.
    pub fn reference(&self) -> Option<String> {
        match self {
            SolidError::Rejected(r)
            | SolidError::Unauthorized(r)
            | SolidError::PinTokenRefused(r)
            | SolidError::ProviderUnavailable(r) => r.request_id.clone(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{MaybeSentReason, NotSentReason};
    use proptest::prelude::*;

    #[test]
    fn rejection_parsing_keeps_the_request_id() {
        let body = br#"{"request_id":"req_01900e34c96d7abfa970a9f454ab2d5d","client_id":"","method":"GET","status":401,"error":{"code":"ERROR_CODE_UNAUTHORIZED","message":"unauthorized","field_name":""},"created_at":"2024-06-12T20:47:38Z"}"#;
        let r = SolidRejection::parse(401, body, &[]);
        assert_eq!(
            r.request_id.as_deref(),
            Some("req_01900e34c96d7abfa970a9f454ab2d5d")
        );
        assert_eq!(r.code.as_deref(), Some("ERROR_CODE_UNAUTHORIZED"));
        assert_eq!(r.message.as_deref(), Some("unauthorized"));
        assert_eq!(r.field_name, None);
        let e = SolidError::Unauthorized(Box::new(r));
        assert_eq!(e.category(), Category::Credentials);
        assert_eq!(
            e.reference().as_deref(),
            Some("req_01900e34c96d7abfa970a9f454ab2d5d")
        );
        assert!(e.operator_message().contains("API key"));
    }

    /// Solid's v1 error shape (the PIN endpoint), from the fixture of documented answers.
    #[test]
    fn the_documented_v1_shape_keeps_the_request_id_and_message() {
        let doc: Value = serde_json::from_str(include_str!(
            "../../../../../tests/fixtures/documented-answers.json"
        ))
        .unwrap();
        let case = &doc["solid"]["v1_error"];
        let body = serde_json::to_vec(&case["body"]).unwrap();
        let r = SolidRejection::parse(400, &body, &[]);
        assert_eq!(r.request_id.as_deref(), case["body"]["requestId"].as_str());
        assert_eq!(r.code.as_deref(), case["body"]["code"].as_str());
        assert_eq!(r.message.as_deref(), case["body"]["message"].as_str());
        let e = SolidError::Rejected(Box::new(r));
        assert_eq!(
            i64::from(e.category().exit_code()),
            case["exit"].as_i64().unwrap()
        );
        assert_eq!(e.reference().as_deref(), case["body"]["requestId"].as_str());
    }

    #[test]
    fn not_found_reads_in_plain_words() {
        let body = br#"{"request_id":"req_1","error":{"code":"ERROR_CODE_RESOURCE_NOT_FOUND","message":"cannot find card holder by id in qldb","field_name":""}}"#;
        let e = SolidError::Rejected(Box::new(SolidRejection::parse(404, body, &[])));
        assert!(e.is_not_found());
        assert_eq!(e.category(), Category::Rejected);
        assert_eq!(
            e.operator_message(),
            "Solid could not find the card: cannot find card holder by id in qldb"
        );
        let e = SolidError::Rejected(Box::new(SolidRejection {
            status: 404,
            ..Default::default()
        }));
        assert_eq!(
            e.operator_message(),
            "Solid could not find the card (HTTP 404)"
        );
    }

    #[test]
    fn hostile_messages_are_cleaned_and_secrets_blanked() {
        let long = "x".repeat(2000);
        let body = serde_json::json!({"error": {"message": format!("pin 6644\u{1b}[2J rejected {long}"), "field_name": "pin"}}).to_string();
        let r = SolidRejection::parse(400, body.as_bytes(), &["6644"]);
        let m = r.message.unwrap();
        assert!(m.starts_with("pin [redacted] [2J rejected"), "{m}");
        assert!(m.chars().count() <= crate::providers::MAX_PROVIDER_TEXT + 1);
        assert!(!m.contains('\u{1b}'));
        let r = SolidRejection::parse(400, br#"{"error":"plain text error"}"#, &[]);
        assert_eq!(r.message.as_deref(), Some("plain text error"));
    }

    #[test]
    fn categories() {
        let r = SolidRejection {
            status: 400,
            ..Default::default()
        };
        let cases = [
            (
                SolidError::Invalid(ValidationError::new("pin", "x")),
                Category::Validation,
            ),
            (SolidError::InvalidPinToken, Category::Validation),
            (SolidError::InvalidCredential, Category::Credentials),
            (
                SolidError::Rejected(Box::new(r.clone())),
                Category::Rejected,
            ),
            (
                SolidError::PinTokenRefused(Box::new(r.clone())),
                Category::Rejected,
            ),
            (
                SolidError::RateLimited { retry_after: None },
                Category::Rejected,
            ),
            (
                SolidError::ProviderUnavailable(Box::new(r)),
                Category::Rejected,
            ),
            (
                SolidError::Unconfirmed {
                    status: 200,
                    detail: String::new(),
                },
                Category::UnknownOutcome,
            ),
            (
                SolidError::Malformed {
                    status: 200,
                    detail: String::new(),
                },
                Category::Rejected,
            ),
            (
                SolidError::Transport(TransportError::NotSent {
                    reason: NotSentReason::Dns,
                    detail: String::new(),
                }),
                Category::Network,
            ),
            (
                SolidError::Transport(TransportError::MaybeSent {
                    reason: MaybeSentReason::Timeout,
                    detail: String::new(),
                }),
                Category::UnknownOutcome,
            ),
        ];
        for (e, cat) in cases {
            assert_eq!(e.category(), cat, "{e:?}");
            assert!(!e.operator_message().is_empty());
        }
    }

    proptest! {
        #[test]
        fn error_body_parser_never_panics(status in 0u16..1000, body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let r = SolidRejection::parse(status, &body, &["secret"]);
            let e = SolidError::Rejected(Box::new(r));
            let _ = (e.operator_message(), e.reference(), e.field());
        }

        #[test]
        fn error_body_parser_never_panics_on_json(msg in "\\PC{0,400}") {
            let body = serde_json::json!({"request_id": msg, "error": {"code": msg, "message": msg, "field_name": msg}}).to_string();
            let r = SolidRejection::parse(400, body.as_bytes(), &[]);
            prop_assert!(r.message.as_ref().map_or(0, |m| m.chars().count()) <= crate::providers::MAX_PROVIDER_TEXT + 1);
        }
    }
}
