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
    Rejected(SolidRejection),
    /// Solid refused the API key (401/403 to `pin_token`). Category `credentials`.
    #[error("Solid refused the API key (HTTP {})", .0.status)]
    Unauthorized(SolidRejection),
    /// Solid refused the PIN token (401/403 to `set_pin`: spent, expired or for another
    /// card). Category `rejected`.
    #[error("Solid refused the PIN token (HTTP {})", .0.status)]
    PinTokenRefused(SolidRejection),
    /// Solid is limiting requests (429). Category `rejected`.
    #[error("Solid is limiting requests (HTTP 429)")]
    RateLimited {
        /// `Retry-After`, when given in seconds.
        retry_after: Option<Duration>,
    },
    /// Solid answered 5xx. Category `rejected`.
    #[error("Solid had a problem (HTTP {})", .0.status)]
    ProviderUnavailable(SolidRejection),
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
        let malformed = |detail: String| SolidError::Malformed {
            status: answer.status,
            detail,
        };
        let parsed: TokenAnswer = serde_json::from_slice(&answer.body)
            .map_err(|_| malformed(describe_body(answer.content_type.as_deref(), &answer.body)))?;
        if parsed.id.as_deref().is_some_and(|id| id != card.as_str()) {
            return Err(malformed("the token was issued for another card".into()));
        }
        if parsed.set_pin_token.trim().is_empty() {
            return Err(malformed("the answer has an empty set_pin_token".into()));
        }
        Ok(PinToken::new(parsed.set_pin_token))
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
                let rejection = SolidRejection::parse(status, body, secrets);
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
