//! The Solid client: the PIN token and the PIN set with it, and the exchange that turns an
//! answer's status into the matching error.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, Request};
use serde::Serialize;
use std::fmt;
use std::time::Duration;

use super::answers::SetPinAnswer;
use super::{parse_pin_token_answer, SolidError, SolidRejection};
use crate::http::{self, Answer, HttpClient, HttpError, TransportError};
use crate::providers::describe_body;
use crate::providers::status::{refusal, Refusal};
use crate::secret::{ApiKey, Pin, PinToken};
use crate::validate::{BaseUrl, Expiry, Last4, SolidCardId, ValidationError};

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
    pub(super) http: HttpClient,
    /// The client of the PIN endpoint, whose proxy may differ (`pin_proxy`).
    pub(super) pin_http: HttpClient,
    pub(super) base: BaseUrl,
}

impl fmt::Debug for SolidClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SolidClient")
            .field("base", &self.base)
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Call {
    PinToken,
    SetPin,
    Card,
}

impl SolidClient {
    /// A client over `http` (see [`crate::http::build_client`]) for Solid's API at `base`.
    pub fn new(http: HttpClient, base: BaseUrl) -> Self {
        Self {
            pin_http: http.clone(),
            http,
            base,
        }
    }

    /// This client with `pin_http` for the PIN endpoint's calls.
    pub fn with_pin_client(self, pin_http: HttpClient) -> Self {
        Self { pin_http, ..self }
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
        let path = format!("/v2/issuing/card/{}/set_pin_token", card.as_str());
        let request = self
            .with_api_key(Method::POST, &path, api_key)?
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let key = api_key.expose().trim();
        let answer = self.exchange(Call::PinToken, request, &[key]).await?;
        parse_pin_token_answer(
            answer.status,
            answer.content_type.as_deref(),
            &answer.body,
            card,
        )
    }

    /// A request to the API at `path` carrying the `api-key` header.
    pub(super) fn with_api_key(
        &self,
        method: Method,
        path: &str,
        api_key: &ApiKey,
    ) -> Result<reqwest::RequestBuilder, SolidError> {
        let key = api_key.expose().trim();
        if key.is_empty() {
            return Err(SolidError::InvalidCredential);
        }
        let key_header = http::secret_header("", key).map_err(|_| SolidError::InvalidCredential)?;
        Ok(self
            .http
            .request(method, self.base.join(path))
            .header(ACCEPT, "application/json")
            .header("api-key", key_header))
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
            .pin_http
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
    pub(super) async fn exchange(
        &self,
        call: Call,
        request: Request,
        secrets: &[&str],
    ) -> Result<Answer, SolidError> {
        let route = match call {
            Call::PinToken => "/v2/issuing/card/{card_id}/set_pin_token",
            Call::SetPin => "/v1/card/{card_id}/pin",
            Call::Card => "/v2/issuing/card/{card_id}",
        };
        let client = match call {
            Call::SetPin => &self.pin_http,
            Call::PinToken | Call::Card => &self.http,
        };
        let (status, answer) = match http::execute(client, request, route).await {
            Ok(answer) => (answer.status, Some(answer)),
            Err(HttpError::Transport(TransportError::MaybeSent { reason, .. }))
                if matches!(call, Call::Card) =>
            {
                return Err(SolidError::ReadUnfinished {
                    what: "the card lookup",
                    reason,
                })
            }
            Err(HttpError::Transport(t)) => return Err(SolidError::Transport(t)),
            Err(HttpError::BodyTooLarge { status, limit }) => {
                if refusal(status, call == Call::SetPin).is_none() {
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
            Some(a) if refusal(status, call == Call::SetPin).is_none() => Ok(a),
            answer => {
                let body: &[u8] = answer.as_ref().map_or(&[], |a| &a.body[..]);
                let rejection = Box::new(SolidRejection::parse(status, body, secrets));
                Err(refused(
                    call,
                    rejection,
                    answer.as_ref().and_then(|a| a.retry_after),
                ))
            }
        }
    }
}

/// The error of a call Solid answered with `rejection.status`, other than 2xx, by the shared
/// table ([`refusal`]); a 401/403 to `set_pin` refuses the PIN token, not the API key.
fn refused(
    call: Call,
    rejection: Box<SolidRejection>,
    retry_after: Option<Duration>,
) -> SolidError {
    match refusal(rejection.status, call == Call::SetPin) {
        Some(Refusal::Unauthorized) if call == Call::SetPin => {
            SolidError::PinTokenRefused(rejection)
        }
        Some(Refusal::Unauthorized) => SolidError::Unauthorized(rejection),
        Some(Refusal::RateLimited) => SolidError::RateLimited { retry_after },
        Some(Refusal::GatewayUnconfirmed) => SolidError::Unconfirmed {
            status: rejection.status,
            detail: "a gateway answered instead of Solid".into(),
        },
        Some(Refusal::ProviderUnavailable) => SolidError::ProviderUnavailable(rejection),
        Some(Refusal::Rejected) | None => SolidError::Rejected(rejection),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Category;

    #[test]
    fn statuses_map_to_errors_by_call() {
        let error = |call, status| {
            refused(
                call,
                Box::new(SolidRejection {
                    status,
                    ..Default::default()
                }),
                None,
            )
        };
        for status in [401, 403] {
            assert!(matches!(
                error(Call::PinToken, status),
                SolidError::Unauthorized(_)
            ));
            assert!(matches!(
                error(Call::SetPin, status),
                SolidError::PinTokenRefused(_)
            ));
        }
        assert!(matches!(
            error(Call::SetPin, 429),
            SolidError::RateLimited { retry_after: None }
        ));
        for status in [502, 504] {
            assert!(matches!(
                error(Call::PinToken, status),
                SolidError::ProviderUnavailable(_)
            ));
            assert!(matches!(
                error(Call::SetPin, status),
                SolidError::Unconfirmed { status: s, .. } if s == status
            ));
        }
        assert!(matches!(
            error(Call::SetPin, 503),
            SolidError::ProviderUnavailable(_)
        ));
        for status in [302, 400, 404, 422, 600] {
            assert!(matches!(
                error(Call::SetPin, status),
                SolidError::Rejected(_)
            ));
        }
    }

    #[tokio::test]
    async fn bad_secrets_are_refused_before_sending() {
        let client = SolidClient::new(
            reqwest::Client::new().into(),
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
}
