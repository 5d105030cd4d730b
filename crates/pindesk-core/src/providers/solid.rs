//! The Solid Issuing client: a one-time PIN token, and setting a PIN with it through the
//! profile's PIN endpoint.
//!
//! [`SolidClient`] is a plain struct over one `reqwest::Client` and a [`BaseUrl`]; it holds
//! no secret and retries nothing. `pin_token` authenticates with the `api-key` header;
//! `set_pin` sends only `sd-pin-token` (never the API key) to the PIN endpoint.
//!
//! Failures are a [`SolidError`] whose [`category`](SolidError::category) follows the table
//! in [`crate::providers`]; a 401/403 to `set_pin` is a refused PIN token (spent or expired:
//! get a new one), category `rejected`, not a credentials problem. Solid's `request_id`,
//! code, message and `field_name` are kept, cleaned as hostile input. This module never logs
//! a body or a header value; bodies holding a PIN are serialized into zeroizing buffers and
//! no type holding them implements `Debug`.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Client, Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::time::Duration;
use thiserror::Error;

use crate::error::Category;
use crate::http::{self, Answer, HttpError, TransportError};
use crate::providers::{clean_opt, describe_body};
use crate::secret::{ApiKey, Pin, PinToken};
use crate::validate::{BaseUrl, Expiry, Last4, SolidCardId, ValidationError};

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
        let text = |v: Option<&Value>| clean_opt(v.and_then(Value::as_str), secrets);
        out.request_id = text(map.get("request_id"));
        if let Some(Value::Object(error)) = map.get("error") {
            out.code = text(error.get("code"));
            out.message = text(error.get("message"));
            out.field_name = text(error.get("field_name"));
        } else {
            out.message = text(map.get("error")).or_else(|| text(map.get("message")));
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
    /// The transport failed: `network` when not sent, `unknown_outcome` when it may have
    /// arrived.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl SolidError {
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

/// Reads a successful PIN token answer (`POST …/set_pin_token`): `set_pin_token` (required,
/// not blank) and, when present, `id`, which must be `card`. Any other shape is
/// [`SolidError::Malformed`], described without its content. Public so the parser can be
/// fuzzed on its own; the client calls it with the answer's status, type and body.
pub fn parse_pin_token_answer(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    card: &SolidCardId,
) -> Result<PinToken, SolidError> {
    let malformed = |detail: String| SolidError::Malformed { status, detail };
    let parsed: TokenAnswer =
        serde_json::from_slice(body).map_err(|_| malformed(describe_body(content_type, body)))?;
    if parsed.id.as_deref().is_some_and(|id| id != card.as_str()) {
        return Err(malformed("the token was issued for another card".into()));
    }
    if parsed.set_pin_token.trim().is_empty() {
        return Err(malformed("the answer has an empty set_pin_token".into()));
    }
    Ok(PinToken::new(parsed.set_pin_token))
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    id: Option<String>,
    set_pin_token: String,
}

#[derive(Deserialize)]
struct SetPinAnswer {
    id: String,
}

/// The body of `POST /v1/card/{id}/pin`. No `Debug`: it holds the PIN.
#[derive(Serialize)]
struct SetPinBody<'a> {
    pin: &'a str,
    #[serde(rename = "expiryMonth")]
    expiry_month: &'a str,
    #[serde(rename = "expiryYear")]
    expiry_year: &'a str,
    last4: &'a str,
}

/// A client for one Solid environment.
#[derive(Clone)]
pub struct SolidClient {
    http: Client,
    base: BaseUrl,
}

impl fmt::Debug for SolidClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SolidClient")
            .field("base", &self.base)
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    PinToken,
    SetPin,
}

impl SolidClient {
    /// A client over `http` (see [`crate::http::build_client`]) for Solid's API at `base`.
    pub fn new(http: Client, base: BaseUrl) -> Self {
        Self { http, base }
    }

    /// The base URL this client talks to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// `POST /v2/issuing/card/{card_id}/set_pin_token` with `api-key`: a one-time PIN token.
    pub async fn pin_token(
        &self,
        api_key: &ApiKey,
        card: &SolidCardId,
    ) -> Result<PinToken, SolidError> {
        let key = api_key.expose().trim();
        if key.is_empty() {
            return Err(SolidError::InvalidCredential);
        }
        let key_header = http::secret_header("", key).map_err(|_| SolidError::InvalidCredential)?;
        let url = self
            .base
            .join(&format!("/v2/issuing/card/{}/set_pin_token", card.as_str()));
        let request = self
            .http
            .request(Method::POST, url)
            .header(ACCEPT, "application/json")
            .header("api-key", key_header)
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self.exchange(Call::PinToken, request, &[key]).await?;
        parse_pin_token_answer(
            answer.status,
            answer.content_type.as_deref(),
            &answer.body,
            card,
        )
    }

    /// `POST {pin_endpoint}/v1/card/{card_id}/pin` with `sd-pin-token` (and no API key), body
    /// `{"pin","expiryMonth":"MM","expiryYear":"YYYY","last4"}`. The caller checks the PIN
    /// against the profile's policy first. The token is spent whatever the outcome.
    pub async fn set_pin(
        &self,
        pin_endpoint: &BaseUrl,
        token: &PinToken,
        card: &SolidCardId,
        pin: &Pin,
        expiry: Expiry,
        last4: &Last4,
    ) -> Result<(), SolidError> {
        let token_value = token.expose().trim();
        if token_value.is_empty() {
            return Err(SolidError::InvalidPinToken);
        }
        if pin.is_empty() {
            return Err(SolidError::Invalid(ValidationError::new(
                "pin",
                "the PIN is required",
            )));
        }
        let token_header =
            http::secret_header("", token_value).map_err(|_| SolidError::InvalidPinToken)?;
        let month = expiry.month_2digits();
        let year = expiry.year_4digits();
        let body = SetPinBody {
            pin: pin.expose(),
            expiry_month: &month,
            expiry_year: &year,
            last4: last4.as_str(),
        };
        let body =
            http::json_secret_body(&body, pin.expose().len() + month.len() + year.len() + 4)?;
        let url = pin_endpoint.join(&format!("/v1/card/{}/pin", card.as_str()));
        let request = self
            .http
            .request(Method::POST, url)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json")
            .header("sd-pin-token", token_header)
            .body(http::secret_body(body))
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(Call::SetPin, request, &[pin.expose(), token_value])
            .await?;
        match serde_json::from_slice::<SetPinAnswer>(&answer.body) {
            Ok(a) if a.id == card.as_str() => Ok(()),
            Ok(_) => Err(SolidError::Unconfirmed {
                status: answer.status,
                detail: "the answer names another card".into(),
            }),
            Err(_) => Err(SolidError::Unconfirmed {
                status: answer.status,
                detail: describe_body(answer.content_type.as_deref(), &answer.body),
            }),
        }
    }

    /// Sends, then turns any non-2xx answer into the matching error.
    async fn exchange(
        &self,
        call: Call,
        request: Request,
        secrets: &[&str],
    ) -> Result<Answer, SolidError> {
        let route = match call {
            Call::PinToken => "/v2/issuing/card/{card_id}/set_pin_token",
            Call::SetPin => "/v1/card/{card_id}/pin",
        };
        let (status, answer) = match http::execute(&self.http, request, route).await {
            Ok(answer) => (answer.status, Some(answer)),
            Err(HttpError::Transport(t)) => return Err(SolidError::Transport(t)),
            Err(HttpError::BodyTooLarge { status, limit }) => {
                if (200..=299).contains(&status) {
                    let detail = format!("an answer larger than {limit} bytes");
                    return Err(if call == Call::SetPin {
                        SolidError::Unconfirmed { status, detail }
                    } else {
                        SolidError::Malformed { status, detail }
                    });
                }
                (status, None)
            }
        };
        match answer {
            Some(a) if (200..=299).contains(&status) => Ok(a),
            answer => {
                let body: &[u8] = answer.as_ref().map_or(&[], |a| &a.body[..]);
                let rejection = Box::new(SolidRejection::parse(status, body, secrets));
                Err(match status {
                    401 | 403 if call == Call::SetPin => SolidError::PinTokenRefused(rejection),
                    401 | 403 => SolidError::Unauthorized(rejection),
                    429 => SolidError::RateLimited {
                        retry_after: answer.as_ref().and_then(|a| a.retry_after),
                    },
                    502 | 504 if call == Call::SetPin => SolidError::Unconfirmed {
                        status,
                        detail: "a gateway answered instead of Solid".into(),
                    },
                    500..=599 => SolidError::ProviderUnavailable(rejection),
                    _ => SolidError::Rejected(rejection),
                })
            }
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

    #[tokio::test]
    async fn bad_secrets_are_refused_before_sending() {
        let client = SolidClient::new(
            reqwest::Client::new(),
            BaseUrl::parse("http://127.0.0.1:1").unwrap(),
        );
        let card: SolidCardId = "crd_1".parse().unwrap();
        let e = client
            .pin_token(&ApiKey::new(" ".into()), &card)
            .await
            .unwrap_err();
        assert_eq!(e, SolidError::InvalidCredential);
        let e = client
            .pin_token(&ApiKey::new("k\r\nx: y".into()), &card)
            .await
            .unwrap_err();
        assert_eq!(e, SolidError::InvalidCredential);
        let today = time::macros::date!(2026 - 01 - 01);
        let expiry = Expiry::parse("11/2029", today).unwrap();
        let last4: Last4 = "3738".parse().unwrap();
        let base = BaseUrl::parse("http://127.0.0.1:1").unwrap();
        let e = client
            .set_pin(
                &base,
                &PinToken::new("".into()),
                &card,
                &Pin::new("6644".into()),
                expiry,
                &last4,
            )
            .await
            .unwrap_err();
        assert_eq!(e, SolidError::InvalidPinToken);
        let e = client
            .set_pin(
                &base,
                &PinToken::new("t".into()),
                &card,
                &Pin::new("".into()),
                expiry,
                &last4,
            )
            .await
            .unwrap_err();
        assert_eq!(e.category(), Category::Validation);
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
