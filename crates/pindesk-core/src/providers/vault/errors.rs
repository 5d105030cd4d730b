//! Vault's errors: its refusal as it wrote it, the error of a call with its category, the
//! operator's message and the support reference.

use serde_json::Value;
use std::time::Duration;
use thiserror::Error;

use super::client::Call;
use super::sign_in::SignInRefusal;
use crate::error::Category;
use crate::http::{MaybeSentReason, TransportError};
use crate::providers::clean_opt;
use crate::providers::status::{refusal, Refusal};
use crate::validate::ValidationError;

/// Vault's refusal, as it wrote it (cleaned). Every field but the status is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VaultRejection {
    /// The HTTP status.
    pub status: u16,
    /// `message`: the text meant for the user.
    pub message: Option<String>,
    /// `field`: the request field at fault.
    pub field: Option<String>,
    /// `error`: Vault's error identifier (e.g. `COMMON`).
    pub error: Option<String>,
    /// `errorId`.
    pub error_id: Option<i64>,
    /// `systemId`: the component that answered.
    pub system_id: Option<String>,
    /// `originalMessage`.
    pub original_message: Option<String>,
}

impl VaultRejection {
    /// Reads Vault's error body leniently (any field may be missing or of another type; a
    /// body that is not a JSON object yields only the status). `secrets` are the secrets of
    /// the call, blanked wherever the provider echoes them.
    pub fn parse(status: u16, body: &[u8], secrets: &[&str]) -> Self {
        let mut out = Self {
            status,
            ..Self::default()
        };
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return out;
        };
        let text = |key: &str| clean_opt(map.get(key).and_then(scalar_text).as_deref(), secrets);
        out.message = text("message");
        out.field = text("field");
        out.error = text("error");
        out.system_id = text("systemId");
        out.original_message = text("originalMessage");
        out.error_id = map.get("errorId").and_then(|v| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        out
    }

    /// Whether this 400 refuses the bearer token itself (invalid or expired): Vault does not
    /// document that answer, so an `error` of `invalid_token` (RFC 6750) or a `field` naming
    /// the token or the `Authorization` header is taken as one.
    pub fn names_token(&self) -> bool {
        let token_field = self.field.as_deref().is_some_and(|f| {
            ["authorization", "access_token", "token", "accesstoken"]
                .iter()
                .any(|n| f.eq_ignore_ascii_case(n))
        });
        let token_error = self
            .error
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("invalid_token"));
        self.status == 400 && (token_field || token_error)
    }

    /// Whether this refusal names the `keyId` (the cached RSA key is stale).
    pub fn names_key_id(&self) -> bool {
        let mentions = |s: &Option<String>| {
            s.as_deref().is_some_and(|s| {
                s.to_ascii_lowercase()
                    .replace(['_', ' '], "")
                    .contains("keyid")
            })
        };
        self.field
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("keyId"))
            || mentions(&self.message)
            || mentions(&self.original_message)
            || mentions(&self.error)
    }

    /// Support reference, e.g. `errorId 17 (COMMON, core)`.
    pub fn reference(&self) -> Option<String> {
        let extra: Vec<&str> = [self.error.as_deref(), self.system_id.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        match (self.error_id, extra.is_empty()) {
            (Some(id), true) => Some(format!("errorId {id}")),
            (Some(id), false) => Some(format!("errorId {id} ({})", extra.join(", "))),
            (None, false) => Some(extra.join(", ")),
            (None, true) => None,
        }
    }

    fn text(&self) -> Option<&str> {
        self.message.as_deref().or(self.original_message.as_deref())
    }

    pub(super) fn field_suffix(&self) -> String {
        match &self.field {
            Some(f) => format!(" (field: {f})"),
            None => String::new(),
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Why a Vault call failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VaultError {
    /// An input was refused before sending (the SMS code's shape, or the passcode does not
    /// fit the key). Category `validation`.
    #[error("{0}")]
    Invalid(ValidationError),
    /// Vault answered and refused (400, 404, 409, 422, other 4xx and 1xx/3xx). Category
    /// `rejected`.
    #[error("Vault refused the request (HTTP {})", .0.status)]
    Rejected(Box<VaultRejection>),
    /// Vault refused a sign-in with one of its documented codes ([`SignInRefusal`]). Category
    /// `credentials`, or `rejected` for a refused field. Never retried.
    #[error("Vault refused the sign-in (HTTP {})", .rejection.status)]
    SignInRefused {
        /// What the code means.
        reason: SignInRefusal,
        /// Vault's answer.
        rejection: Box<VaultRejection>,
    },
    /// Vault refused the credentials (401/403, or a 400 naming the token). Category
    /// `credentials`.
    #[error("Vault refused the credentials (HTTP {})", .0.status)]
    Unauthorized(Box<VaultRejection>),
    /// The stored credential cannot be sent (empty, or characters a header cannot carry).
    /// Category `credentials`.
    #[error("the access token is empty or cannot be sent")]
    InvalidCredential,
    /// Vault is limiting requests (429). Category `rejected`.
    #[error("Vault is limiting requests (HTTP 429)")]
    RateLimited {
        /// `Retry-After`, when given in seconds.
        retry_after: Option<Duration>,
    },
    /// Vault answered 5xx: it had a problem and did nothing it reports. Category `rejected`.
    #[error("Vault had a problem (HTTP {})", .0.status)]
    ProviderUnavailable(Box<VaultRejection>),
    /// A state-changing call arrived but its outcome is not confirmed: a 2xx without the
    /// documented `{"result":"ok"}`, or a gateway's 502/504. Category `unknown_outcome`.
    #[error("Vault did not confirm the change (HTTP {status}): {detail}")]
    Unconfirmed {
        /// The status answered.
        status: u16,
        /// What was wrong with the answer (never its content).
        detail: String,
    },
    /// A read (sign-in, RSA key) got an answer that could not be understood. Category
    /// `rejected`.
    #[error("Vault's answer could not be read (HTTP {status}): {detail}")]
    Malformed {
        /// The status answered.
        status: u16,
        /// What was wrong with the answer (never its content).
        detail: String,
    },
    /// A call that changes nothing (a sign-in, the RSA key, the card list) was sent
    /// but its answer never came in full. Category `network`: nothing on the card changed, so
    /// the flow is not locked as if a change may have arrived.
    #[error("Vault did not finish answering {what}: {reason}")]
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

impl VaultError {
    /// A stable name of what failed, for scripts and the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::Invalid(_) => "invalid_input",
            VaultError::Rejected(_) => "rejected",
            VaultError::SignInRefused { reason, .. } => reason.code(),
            VaultError::Unauthorized(_) => "unauthorized",
            VaultError::InvalidCredential => "invalid_credential",
            VaultError::RateLimited { .. } => "rate_limited",
            VaultError::ProviderUnavailable(_) => "provider_unavailable",
            VaultError::Unconfirmed { .. } => "unconfirmed",
            VaultError::Malformed { .. } => "malformed_answer",
            VaultError::ReadUnfinished { .. } => "read_unfinished",
            VaultError::Transport(t) => t.code(),
        }
    }

    /// The category the UI and the CLI branch on (see [`crate::providers`]).
    pub fn category(&self) -> Category {
        match self {
            VaultError::Invalid(_) => Category::Validation,
            VaultError::Rejected(_)
            | VaultError::RateLimited { .. }
            | VaultError::ProviderUnavailable(_)
            | VaultError::Malformed { .. } => Category::Rejected,
            VaultError::Unauthorized(_) | VaultError::InvalidCredential => Category::Credentials,
            VaultError::SignInRefused { reason, .. } => reason.category(),
            VaultError::Unconfirmed { .. } => Category::UnknownOutcome,
            VaultError::ReadUnfinished { .. } => Category::Network,
            VaultError::Transport(t) if t.may_have_been_sent() => Category::UnknownOutcome,
            VaultError::Transport(_) => Category::Network,
        }
    }

    /// Whether Vault refused the `keyId` (fetch the key again and retry once).
    pub fn is_key_error(&self) -> bool {
        matches!(self, VaultError::Rejected(r) if r.names_key_id())
    }

    /// Whether Vault refused the access token (sign in again, when a stored sign-in exists).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, VaultError::Unauthorized(_))
    }

    /// The request field at fault, when known (`code`, `passCode`, `keyId`, …).
    pub fn field(&self) -> Option<&str> {
        match self {
            VaultError::Invalid(v) => Some(v.field),
            VaultError::Rejected(r)
            | VaultError::Unauthorized(r)
            | VaultError::SignInRefused { rejection: r, .. } => r.field.as_deref(),
            _ => None,
        }
    }

    /// A plain-words message for the operator: Vault's own message when it gave one, never
    /// the stack trace, never a secret.
    pub fn operator_message(&self) -> String {
        match self {
            VaultError::Invalid(v) => v.to_string(),
            VaultError::Rejected(r) => match (r.text(), r.status) {
                (Some(text), _) => format!("Vault refused the request: {text}{}", r.field_suffix()),
                (None, 404) => "Vault could not find the card (HTTP 404)".to_owned(),
                (None, status) => format!("Vault refused the request (HTTP {status}){}", r.field_suffix()),
            },
            VaultError::SignInRefused { reason, rejection } => reason.operator_message(rejection),
            VaultError::Unauthorized(r) => {
                let text = r.text().map(|t| format!(": {t}")).unwrap_or_default();
                format!(
                    "Vault refused the credentials (HTTP {}){text}. Sign in again or update the profile's access token.",
                    r.status
                )
            }
            VaultError::InvalidCredential => {
                "The profile's access token is empty or contains characters that cannot be sent; update it.".to_owned()
            }
            VaultError::RateLimited { retry_after } => match retry_after {
                Some(d) => format!("Vault is limiting requests; try again in {} seconds.", d.as_secs().max(1)),
                None => "Vault is limiting requests; try again later.".to_owned(),
            },
            VaultError::ProviderUnavailable(r) => {
                let text = r.text().map(|t| format!(" ({t})")).unwrap_or_default();
                format!("Vault had a problem (HTTP {}){text}; try again later.", r.status)
            }
            VaultError::Unconfirmed { status, detail } => format!(
                "Vault received the request but did not confirm it (HTTP {status}, {detail}). Check the card before trying again."
            ),
            VaultError::Malformed { status, detail } => format!(
                "Vault's answer could not be read (HTTP {status}, {detail}). Check the profile's base URL."
            ),
            VaultError::ReadUnfinished { what, reason } => format!(
                "Vault did not finish answering {what}: {reason}. It changes nothing on the card: try again."
            ),
            VaultError::Transport(TransportError::NotSent { reason, .. }) => {
                format!("Could not reach Vault: {reason}. Nothing was sent.")
            }
            VaultError::Transport(TransportError::MaybeSent { reason, .. }) => format!(
                "The request may have reached Vault, but {reason}. Check the card before trying again."
            ),
        }
    }

    /// Vault's support reference (`errorId`, `error`, `systemId`), when it gave one.
    pub fn reference(&self) -> Option<String> {
        match self {
            VaultError::Rejected(r)
            | VaultError::Unauthorized(r)
            | VaultError::SignInRefused { rejection: r, .. }
            | VaultError::ProviderUnavailable(r) => r.reference(),
            _ => None,
        }
    }
}

/// The error of a call Vault answered with `rejection.status`, other than 2xx, by the shared
/// table ([`refusal`]).
pub(super) fn refused(
    call: Call,
    rejection: Box<VaultRejection>,
    retry_after: Option<Duration>,
) -> VaultError {
    if matches!(call, Call::SignIn) && (400..500).contains(&rejection.status) {
        if let Some(reason) = SignInRefusal::of(&rejection) {
            return VaultError::SignInRefused { reason, rejection };
        }
    }
    if rejection.names_token() && !matches!(call, Call::SignIn) {
        return VaultError::Unauthorized(rejection);
    }
    match refusal(rejection.status, call.changes_state()) {
        Some(Refusal::Unauthorized) => VaultError::Unauthorized(rejection),
        Some(Refusal::RateLimited) => VaultError::RateLimited { retry_after },
        Some(Refusal::GatewayUnconfirmed) => VaultError::Unconfirmed {
            status: rejection.status,
            detail: "a gateway answered instead of Vault".into(),
        },
        Some(Refusal::ProviderUnavailable) => VaultError::ProviderUnavailable(rejection),
        Some(Refusal::Rejected) | None => VaultError::Rejected(rejection),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejection_parsing_keeps_what_support_needs_and_drops_the_stack_trace() {
        let body = br#"{"error":"COMMON","errorId":17,"message":"Sorry\u0007 for\ninconvenience","systemId":"core","field":"code","originalMessage":"x","errorStackTrace":"at com.vault.Secret(Foo.java:12)","data":{"a":1}}"#;
        let r = VaultRejection::parse(400, body, &[]);
        assert_eq!(r.status, 400);
        assert_eq!(r.message.as_deref(), Some("Sorry for inconvenience"));
        assert_eq!(r.field.as_deref(), Some("code"));
        assert_eq!(r.error_id, Some(17));
        assert_eq!(r.reference().as_deref(), Some("errorId 17 (COMMON, core)"));
        let e = VaultError::Rejected(Box::new(r));
        assert_eq!(e.category(), Category::Rejected);
        let msg = e.operator_message();
        assert_eq!(
            msg,
            "Vault refused the request: Sorry for inconvenience (field: code)"
        );
        assert!(!format!("{e:?} {e}").contains("Foo.java"));
        assert_eq!(e.field(), Some("code"));
    }

    #[test]
    fn rejection_parsing_is_lenient() {
        let r = VaultRejection::parse(400, br#"{"errorId":"42","message":5,"field":null}"#, &[]);
        assert_eq!(r.error_id, Some(42));
        assert_eq!(r.message.as_deref(), Some("5"));
        assert_eq!(r.field, None);
        assert_eq!(r.reference().as_deref(), Some("errorId 42"));
        let r = VaultRejection::parse(400, b"<html>bad gateway</html>", &[]);
        assert_eq!(
            r,
            VaultRejection {
                status: 400,
                ..Default::default()
            }
        );
        assert_eq!(r.reference(), None);
        assert_eq!(
            VaultError::Rejected(Box::new(r)).operator_message(),
            "Vault refused the request (HTTP 400)"
        );
        let r = VaultRejection::parse(400, br#"{"error":"COMMON"}"#, &[]);
        assert_eq!(r.reference().as_deref(), Some("COMMON"));
    }

    #[test]
    fn rejection_blanks_echoed_secrets() {
        let r = VaultRejection::parse(
            400,
            br#"{"message":"code 987654 is wrong","originalMessage":"passCode pass123"}"#,
            &["987654", "pass123"],
        );
        assert_eq!(r.message.as_deref(), Some("code [redacted] is wrong"));
        assert_eq!(r.original_message.as_deref(), Some("passCode [redacted]"));
    }

    #[test]
    fn key_errors_are_recognised() {
        let by_field = VaultError::Rejected(Box::new(VaultRejection::parse(
            400,
            br#"{"field":"keyId","message":"bad"}"#,
            &[],
        )));
        assert!(by_field.is_key_error());
        let by_message = VaultError::Rejected(Box::new(VaultRejection::parse(
            400,
            br#"{"message":"Unknown key id abc"}"#,
            &[],
        )));
        assert!(by_message.is_key_error());
        let other = VaultError::Rejected(Box::new(VaultRejection::parse(
            400,
            br#"{"field":"code","message":"wrong code"}"#,
            &[],
        )));
        assert!(!other.is_key_error());
        let unauthorized = VaultError::Unauthorized(Box::new(VaultRejection::parse(
            401,
            br#"{"field":"keyId"}"#,
            &[],
        )));
        assert!(!unauthorized.is_key_error());
        assert!(unauthorized.is_unauthorized());
    }

    #[test]
    fn statuses_map_to_errors_by_call() {
        let error = |call, status| {
            refused(
                call,
                Box::new(VaultRejection {
                    status,
                    ..Default::default()
                }),
                Some(Duration::from_secs(3)),
            )
        };
        for call in [Call::SignIn, Call::RsaKey, Call::SetPasscode] {
            for status in [401, 403] {
                assert!(matches!(error(call, status), VaultError::Unauthorized(_)));
            }
            assert_eq!(
                error(call, 429),
                VaultError::RateLimited {
                    retry_after: Some(Duration::from_secs(3))
                }
            );
            assert!(matches!(
                error(call, 503),
                VaultError::ProviderUnavailable(_)
            ));
            for status in [302, 400, 404, 422, 600] {
                assert!(matches!(error(call, status), VaultError::Rejected(_)));
            }
        }
        for call in [Call::SendCode, Call::VerifyCode, Call::SetPasscode] {
            assert!(matches!(
                error(call, 502),
                VaultError::Unconfirmed { status: 502, .. }
            ));
        }
        for call in [Call::SignIn, Call::RsaKey] {
            assert!(matches!(
                error(call, 502),
                VaultError::ProviderUnavailable(_)
            ));
        }
    }

    #[test]
    fn categories_and_messages() {
        use crate::http::{MaybeSentReason, NotSentReason};
        let cases: Vec<(VaultError, Category, &str)> = vec![
            (
                VaultError::Unauthorized(Box::new(VaultRejection {
                    status: 401,
                    ..Default::default()
                })),
                Category::Credentials,
                "Sign in again",
            ),
            (
                VaultError::InvalidCredential,
                Category::Credentials,
                "access token",
            ),
            (
                VaultError::RateLimited {
                    retry_after: Some(Duration::from_secs(30)),
                },
                Category::Rejected,
                "30 seconds",
            ),
            (
                VaultError::ProviderUnavailable(Box::new(VaultRejection {
                    status: 503,
                    ..Default::default()
                })),
                Category::Rejected,
                "Vault had a problem (HTTP 503); try again later.",
            ),
            (
                VaultError::Unconfirmed {
                    status: 200,
                    detail: "empty answer".into(),
                },
                Category::UnknownOutcome,
                "Check the card",
            ),
            (
                VaultError::Malformed {
                    status: 200,
                    detail: "not JSON (3 bytes)".into(),
                },
                Category::Rejected,
                "base URL",
            ),
            (
                VaultError::Transport(TransportError::NotSent {
                    reason: NotSentReason::Refused,
                    detail: String::new(),
                }),
                Category::Network,
                "Nothing was sent",
            ),
            (
                VaultError::Transport(TransportError::MaybeSent {
                    reason: MaybeSentReason::Timeout,
                    detail: String::new(),
                }),
                Category::UnknownOutcome,
                "may have reached Vault",
            ),
            (
                VaultError::Invalid(ValidationError::new("code", "the SMS code is required")),
                Category::Validation,
                "SMS code",
            ),
            (
                VaultError::Rejected(Box::new(VaultRejection {
                    status: 404,
                    ..Default::default()
                })),
                Category::Rejected,
                "could not find",
            ),
        ];
        for (e, cat, needle) in cases {
            assert_eq!(e.category(), cat, "{e:?}");
            assert!(
                e.operator_message().contains(needle),
                "{}",
                e.operator_message()
            );
        }
        assert_eq!(
            refused(
                Call::SetPasscode,
                Box::new(VaultRejection {
                    status: 504,
                    ..Default::default()
                }),
                None
            )
            .category(),
            Category::UnknownOutcome
        );
        assert_eq!(
            refused(
                Call::RsaKey,
                Box::new(VaultRejection {
                    status: 504,
                    ..Default::default()
                }),
                None
            )
            .category(),
            Category::Rejected
        );
        assert_eq!(
            refused(
                Call::SetPasscode,
                Box::new(VaultRejection {
                    status: 503,
                    ..Default::default()
                }),
                None
            )
            .category(),
            Category::Rejected
        );
    }

    proptest! {
        #[test]
        fn error_body_parser_never_panics(status in 0u16..1000, body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let r = VaultRejection::parse(status, &body, &["secret"]);
            let _ = r.reference();
            let _ = VaultError::Rejected(Box::new(r)).operator_message();
        }

        #[test]
        fn error_body_parser_never_panics_on_json(msg in "\\PC{0,500}", id in any::<i64>()) {
            let body = serde_json::json!({"message": msg, "errorId": id, "field": msg, "error": msg}).to_string();
            let r = VaultRejection::parse(400, body.as_bytes(), &[]);
            prop_assert!(r.message.as_ref().map_or(0, |m| m.chars().count()) <= crate::providers::MAX_PROVIDER_TEXT + 1);
            prop_assert_eq!(r.error_id, Some(id));
        }
    }
}
