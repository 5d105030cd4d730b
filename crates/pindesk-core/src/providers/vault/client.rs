//! The Vault client: its configuration, authorized requests, and the exchange that turns an
//! answer's status into the matching error.

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{Method, Request};
use std::fmt;

use super::errors::refused;
use super::{VaultError, VaultRejection};
use crate::http::{self, Answer, HttpClient, HttpError, TransportError};
use crate::providers::status::refusal;
use crate::secret::AccessToken;
use crate::validate::{BaseUrl, ValidationError};

#[derive(Clone, Copy)]
pub(super) enum Call {
    SignIn,
    SendCode,
    VerifyCode,
    RsaKey,
    SetPasscode,
    SetCardPin,
    SignOut,
    CardList,
}

impl Call {
    pub(super) fn route(self) -> &'static str {
        match self {
            Call::SignIn => "/oauth/token",
            Call::SendCode => "/v2/card/{id}/passcode/sms/send",
            Call::VerifyCode => "/v2/card/{id}/passcode/sms/verify",
            Call::RsaKey => "/v2/card/rsa-public-key",
            Call::SetPasscode => "/v2/card/{id}/passcode/code/set",
            Call::SetCardPin => "/v2/card/{id}/pin",
            Call::SignOut => "/signout",
            Call::CardList => "/v2/card/list",
        }
    }

    /// The call in words, for a message.
    pub(super) fn words(self) -> &'static str {
        match self {
            Call::SignIn => "the sign-in",
            Call::SendCode => "sending the SMS code",
            Call::VerifyCode => "the code check",
            Call::RsaKey => "the request for its RSA key",
            Call::SetPasscode => "the passcode change",
            Call::SetCardPin => "the card PIN change",
            Call::SignOut => "the sign-out",
            Call::CardList => "the request for the card list",
        }
    }

    pub(super) fn changes_state(self) -> bool {
        matches!(
            self,
            Call::SendCode
                | Call::VerifyCode
                | Call::SetPasscode
                | Call::SetCardPin
                | Call::SignOut
        )
    }
}

/// A client for one Vault environment.
#[derive(Clone)]
pub struct VaultClient {
    pub(super) http: HttpClient,
    pub(super) base: BaseUrl,
    pub(super) merchant_id: Option<HeaderValue>,
}

impl fmt::Debug for VaultClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultClient")
            .field("base", &self.base)
            .field("merchant_id", &self.merchant_id.is_some())
            .finish()
    }
}

impl VaultClient {
    /// A client over `http` (see [`crate::http::build_client`]) for Vault at `base`. The
    /// merchant id (sent as `X-Merchant-ID` on sign-in) must be printable ASCII without
    /// spaces, at most 128 characters (field `merchant_id`).
    pub fn new(
        http: HttpClient,
        base: BaseUrl,
        merchant_id: Option<&str>,
    ) -> Result<Self, ValidationError> {
        let merchant_id = match merchant_id.map(str::trim).filter(|m| !m.is_empty()) {
            None => None,
            Some(m) => {
                if m.len() > 128 || !m.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(ValidationError::new(
                        "merchant_id",
                        "the merchant id may contain only printable characters without spaces (at most 128)",
                    ));
                }
                Some(HeaderValue::from_str(m).map_err(|_| {
                    ValidationError::new(
                        "merchant_id",
                        "the merchant id cannot be sent in a header",
                    )
                })?)
            }
        };
        Ok(Self {
            http,
            base,
            merchant_id,
        })
    }

    /// The base URL this client talks to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    pub(super) fn authorized(
        &self,
        method: Method,
        path: &str,
        token: &AccessToken,
    ) -> Result<reqwest::RequestBuilder, VaultError> {
        self.authorized_at(&self.base, method, path, token)
    }

    /// [`authorized`](Self::authorized) on another of Vault's hosts (its sign-out host).
    pub(super) fn authorized_at(
        &self,
        base: &BaseUrl,
        method: Method,
        path: &str,
        token: &AccessToken,
    ) -> Result<reqwest::RequestBuilder, VaultError> {
        if token.expose().trim().is_empty() {
            return Err(VaultError::InvalidCredential);
        }
        let auth = http::secret_header("Bearer ", token.expose().trim())
            .map_err(|_| VaultError::InvalidCredential)?;
        Ok(self
            .http
            .request(method, base.join(path))
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, auth))
    }

    /// Sends, then turns any non-2xx answer into the matching error.
    pub(super) async fn exchange(
        &self,
        call: Call,
        request: Request,
        secrets: &[&str],
    ) -> Result<Answer, VaultError> {
        let answer = match http::execute(&self.http, request, call.route()).await {
            Ok(answer) => answer,
            Err(HttpError::Transport(TransportError::MaybeSent { reason, .. }))
                if !call.changes_state() =>
            {
                return Err(VaultError::ReadUnfinished {
                    what: call.words(),
                    reason,
                })
            }
            Err(HttpError::Transport(t)) => return Err(VaultError::Transport(t)),
            Err(HttpError::BodyTooLarge { status, limit }) => {
                let detail = format!("an answer larger than {limit} bytes");
                return Err(match refusal(status, call.changes_state()) {
                    None if call.changes_state() => VaultError::Unconfirmed { status, detail },
                    None => VaultError::Malformed { status, detail },
                    Some(_) => refused(
                        call,
                        Box::new(VaultRejection {
                            status,
                            ..Default::default()
                        }),
                        None,
                    ),
                });
            }
        };
        let status = answer.status;
        if refusal(status, call.changes_state()).is_none() {
            return Ok(answer);
        }
        let rejection = Box::new(VaultRejection::parse(status, &answer.body, secrets));
        Err(refused(call, rejection, answer.retry_after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    #[test]
    fn client_rejects_bad_merchant_ids() {
        let http: crate::http::HttpClient = reqwest::Client::new().into();
        let base = BaseUrl::parse("http://127.0.0.1:1").unwrap();
        assert!(VaultClient::new(
            http.clone(),
            base.clone(),
            Some("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        )
        .is_ok());
        assert!(VaultClient::new(http.clone(), base.clone(), None).is_ok());
        assert!(VaultClient::new(http.clone(), base.clone(), Some("  ")).is_ok());
        assert_eq!(
            VaultClient::new(http, base, Some("a b")).unwrap_err().field,
            "merchant_id"
        );
    }

    #[test]
    fn requests_never_show_the_token() {
        let base = BaseUrl::parse("http://127.0.0.1:1").unwrap();
        let client = VaultClient::new(reqwest::Client::new().into(), base, None).unwrap();
        let token = AccessToken::new("canary-token-123".into());
        let request = client
            .authorized(Method::POST, "/v2/card/1/passcode/sms/send", &token)
            .unwrap()
            .body(http::secret_body(Zeroizing::new(
                b"{\"code\":\"987654\"}".to_vec(),
            )))
            .build()
            .unwrap();
        let shown = format!("{request:?} {client:?}");
        assert!(!shown.contains("canary-token-123"), "{shown}");
        assert!(!shown.contains("987654"), "{shown}");
    }
}
