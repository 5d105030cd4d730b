//! The Vault Card Program 1 client: sign-in, the SMS code, the RSA key and setting a passcode.
//!
//! [`VaultClient`] is a plain struct over one `reqwest::Client`, a [`BaseUrl`] and the
//! optional merchant id; it holds no secret. Every call sends `Accept: application/json`
//! (and `Content-Type: application/json` with a JSON body). Only [`VaultClient::rsa_key`] (a
//! GET) is ever retried, up to twice with a short backoff when the request was not sent, the
//! connection broke before the answer, or Vault answered 5xx; nothing that changes state is
//! retried here.
//!
//! Failures are a [`VaultError`] whose [`category`](VaultError::category) follows the table
//! in [`crate::providers`]. Vault's message, field, `error`, `errorId`, `systemId` and
//! `originalMessage` are kept (cleaned); `errorStackTrace` is dropped on arrival. This module
//! never logs a request body or a header value; bodies holding secrets are serialized into
//! zeroizing buffers and no type holding them implements `Debug`.

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::time::Duration;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::crypto::{encrypt_passcode, RsaPadding, VaultKey};
use crate::error::Category;
use crate::http::{self, Answer, HttpError, MaybeSentReason, TransportError};
use crate::providers::{clean_opt, describe_body};
use crate::secret::{AccessToken, Passcode, Password, RefreshToken, SmsCode};
use crate::validate::{self, BaseUrl, ValidationError, VaultCardId};

/// How many times [`VaultClient::rsa_key`] retries after the first attempt.
pub const RSA_KEY_RETRIES: u32 = 2;

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

    fn field_suffix(&self) -> String {
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
    /// Vault refused the credentials (401/403). Category `credentials`.
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
    /// The transport failed: `network` when not sent, `unknown_outcome` when it may have
    /// arrived.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl VaultError {
    /// The category the UI and the CLI branch on (see [`crate::providers`]).
    pub fn category(&self) -> Category {
        match self {
            VaultError::Invalid(_) => Category::Validation,
            VaultError::Rejected(_)
            | VaultError::RateLimited { .. }
            | VaultError::ProviderUnavailable(_)
            | VaultError::Malformed { .. } => Category::Rejected,
            VaultError::Unauthorized(_) | VaultError::InvalidCredential => Category::Credentials,
            VaultError::Unconfirmed { .. } => Category::UnknownOutcome,
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
            VaultError::Rejected(r) | VaultError::Unauthorized(r) => r.field.as_deref(),
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
            | VaultError::ProviderUnavailable(r) => r.reference(),
            _ => None,
        }
    }
}

/// What a successful sign-in yields.
#[derive(Debug)]
pub struct Tokens {
    /// The bearer access token.
    pub access: AccessToken,
    /// The refresh token, when Vault gave one.
    pub refresh: Option<RefreshToken>,
    /// The access token's lifetime (`expires_in`), when Vault gave it.
    pub expires_in: Option<Duration>,
}

/// Reads a successful sign-in answer (`POST /oauth/token`): `access_token` (required, not
/// blank), `refresh_token` and `expires_in` (a number or a numeric string) when present. Any
/// other shape is [`VaultError::Malformed`], described without its content. Public so the
/// parser can be fuzzed on its own; the client calls it with the answer's status, type and body.
pub fn parse_token_answer(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Tokens, VaultError> {
    let parsed: TokenAnswer = serde_json::from_slice(body).map_err(|_| VaultError::Malformed {
        status,
        detail: describe_body(content_type, body),
    })?;
    if parsed.access_token.trim().is_empty() {
        return Err(VaultError::Malformed {
            status,
            detail: "the answer has an empty access_token".into(),
        });
    }
    let expires_in = parsed.expires_in.as_ref().and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    Ok(Tokens {
        access: AccessToken::new(parsed.access_token),
        refresh: parsed
            .refresh_token
            .filter(|r| !r.trim().is_empty())
            .map(RefreshToken::new),
        expires_in: expires_in.map(Duration::from_secs),
    })
}

/// Reads a successful RSA key answer (`GET /v2/card/rsa-public-key`): `id` (a string or a
/// number) and `publicKey`, parsed with [`VaultKey::parse`]. Any other shape is
/// [`VaultError::Malformed`]. Public so the parser can be fuzzed on its own.
pub fn parse_key_answer(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<VaultKey, VaultError> {
    let malformed = |detail: String| VaultError::Malformed { status, detail };
    let parsed: KeyAnswer =
        serde_json::from_slice(body).map_err(|_| malformed(describe_body(content_type, body)))?;
    let id = match &parsed.id {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(malformed("the key id is missing".into())),
    };
    VaultKey::parse(&id, &parsed.public_key).map_err(|e| malformed(e.to_string()))
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<Value>,
}

#[derive(Deserialize)]
struct KeyAnswer {
    id: Value,
    #[serde(rename = "publicKey")]
    public_key: String,
}

/// The body of `POST /v2/card/{id}/passcode/sms/verify`. No `Debug`: it holds the code.
#[derive(Serialize)]
struct VerifyBody<'a> {
    code: &'a str,
}

/// The body of `POST /v2/card/{id}/passcode/code/set`. No `Debug`: it holds the code.
#[derive(Serialize)]
struct SetBody<'a> {
    #[serde(rename = "keyId")]
    key_id: &'a str,
    code: &'a str,
    #[serde(rename = "passCode")]
    pass_code: &'a str,
}

#[derive(Clone, Copy)]
enum Call {
    SignIn,
    SendCode,
    VerifyCode,
    RsaKey,
    SetPasscode,
}

impl Call {
    fn route(self) -> &'static str {
        match self {
            Call::SignIn => "/oauth/token",
            Call::SendCode => "/v2/card/{id}/passcode/sms/send",
            Call::VerifyCode => "/v2/card/{id}/passcode/sms/verify",
            Call::RsaKey => "/v2/card/rsa-public-key",
            Call::SetPasscode => "/v2/card/{id}/passcode/code/set",
        }
    }

    fn changes_state(self) -> bool {
        matches!(self, Call::SendCode | Call::VerifyCode | Call::SetPasscode)
    }
}

/// A client for one Vault environment.
#[derive(Clone)]
pub struct VaultClient {
    http: Client,
    base: BaseUrl,
    merchant_id: Option<HeaderValue>,
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
        http: Client,
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

    /// `POST /oauth/token` with `grant_type=mobile_phone`: signs in with a phone number and
    /// password.
    pub async fn sign_in(&self, phone: &str, password: &Password) -> Result<Tokens, VaultError> {
        let phone = phone.trim();
        if phone.is_empty() {
            return Err(VaultError::Invalid(ValidationError::new(
                "phone",
                "the phone number is required",
            )));
        }
        if password.is_empty() {
            return Err(VaultError::Invalid(ValidationError::new(
                "password",
                "the password is required",
            )));
        }
        let secrets = [password.expose(), phone];
        // Sized up front (percent-encoding triples a byte at most) so it never regrows.
        let capacity = 3 * (phone.len() + password.expose().len()) + 64;
        let mut form = String::with_capacity(capacity);
        url::form_urlencoded::Serializer::new(&mut form)
            .append_pair("grant_type", "mobile_phone")
            .append_pair("number", phone)
            .append_pair("password", password.expose())
            .finish();
        let body = Zeroizing::new(std::mem::take(&mut form).into_bytes());
        let mut builder = self
            .http
            .request(Method::POST, self.base.join("/oauth/token"))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(http::secret_body(body));
        if let Some(m) = &self.merchant_id {
            builder = builder.header("X-Merchant-ID", m.clone());
        }
        let request = builder
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self.exchange(Call::SignIn, request, &secrets).await?;
        parse_token_answer(answer.status, answer.content_type.as_deref(), &answer.body)
    }

    /// `POST /v2/card/{id}/passcode/sms/send`: Vault texts a verification code to the
    /// cardholder.
    pub async fn send_code(
        &self,
        token: &AccessToken,
        card: VaultCardId,
    ) -> Result<(), VaultError> {
        let path = format!("/v2/card/{}/passcode/sms/send", card.get());
        let request = self
            .authorized(Method::POST, &path, token)?
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(Call::SendCode, request, &[token.expose()])
            .await?;
        confirm_ok(Call::SendCode, &answer)
    }

    /// `POST /v2/card/{id}/passcode/sms/verify` with `{"code"}`.
    pub async fn verify_code(
        &self,
        token: &AccessToken,
        card: VaultCardId,
        code: &SmsCode,
    ) -> Result<(), VaultError> {
        validate::sms_code(code).map_err(VaultError::Invalid)?;
        let body = http::json_secret_body(
            &VerifyBody {
                code: code.expose(),
            },
            code.expose().len(),
        )?;
        let path = format!("/v2/card/{}/passcode/sms/verify", card.get());
        let request = self
            .authorized(Method::POST, &path, token)?
            .header(CONTENT_TYPE, "application/json")
            .body(http::secret_body(body))
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(Call::VerifyCode, request, &[token.expose(), code.expose()])
            .await?;
        confirm_ok(Call::VerifyCode, &answer)
    }

    /// `GET /v2/card/rsa-public-key`: Vault's current key for encrypting a passcode. Retried
    /// up to [`RSA_KEY_RETRIES`] times with a short backoff when the request was not sent,
    /// the connection broke before the answer, or Vault answered 5xx (a GET changes nothing,
    /// so repeating it is safe); not after a timeout.
    pub async fn rsa_key(&self, token: &AccessToken) -> Result<VaultKey, VaultError> {
        let mut attempt = 0;
        loop {
            match self.rsa_key_once(token).await {
                Err(e) if attempt < RSA_KEY_RETRIES && retryable(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                }
                other => return other,
            }
        }
    }

    async fn rsa_key_once(&self, token: &AccessToken) -> Result<VaultKey, VaultError> {
        let request = self
            .authorized(Method::GET, "/v2/card/rsa-public-key", token)?
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(Call::RsaKey, request, &[token.expose()])
            .await?;
        parse_key_answer(answer.status, answer.content_type.as_deref(), &answer.body)
    }

    /// Encrypts `passcode` with `key` and `padding`, then
    /// `POST /v2/card/{id}/passcode/code/set` with `{"keyId","code","passCode"}`. The caller
    /// checks the passcode against the profile's policy first. On an error for which
    /// [`VaultError::is_key_error`] holds, fetch the key again and retry once.
    pub async fn set_passcode(
        &self,
        token: &AccessToken,
        card: VaultCardId,
        key: &VaultKey,
        code: &SmsCode,
        passcode: &Passcode,
        padding: RsaPadding,
    ) -> Result<(), VaultError> {
        validate::sms_code(code).map_err(VaultError::Invalid)?;
        if passcode.is_empty() {
            return Err(VaultError::Invalid(ValidationError::new(
                "passcode",
                "the passcode is required",
            )));
        }
        let ciphertext = encrypt_passcode(key, passcode, padding).map_err(|e| {
            VaultError::Invalid(ValidationError::new(
                "passcode",
                format!("{e}; it is too long for Vault's key"),
            ))
        })?;
        let set = SetBody {
            key_id: &key.id,
            code: code.expose(),
            pass_code: &ciphertext,
        };
        let body =
            http::json_secret_body(&set, key.id.len() + code.expose().len() + ciphertext.len())?;
        let path = format!("/v2/card/{}/passcode/code/set", card.get());
        let request = self
            .authorized(Method::POST, &path, token)?
            .header(CONTENT_TYPE, "application/json")
            .body(http::secret_body(body))
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(
                Call::SetPasscode,
                request,
                &[token.expose(), code.expose(), passcode.expose()],
            )
            .await?;
        confirm_ok(Call::SetPasscode, &answer)
    }

    fn authorized(
        &self,
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
            .request(method, self.base.join(path))
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, auth))
    }

    /// Sends, then turns any non-2xx answer into the matching error.
    async fn exchange(
        &self,
        call: Call,
        request: Request,
        secrets: &[&str],
    ) -> Result<Answer, VaultError> {
        let answer = match http::execute(&self.http, request, call.route()).await {
            Ok(answer) => answer,
            Err(HttpError::Transport(t)) => return Err(VaultError::Transport(t)),
            Err(HttpError::BodyTooLarge { status, limit }) => {
                let detail = format!("an answer larger than {limit} bytes");
                let bare = || {
                    Box::new(VaultRejection {
                        status,
                        ..Default::default()
                    })
                };
                return Err(match status {
                    200..=299 if call.changes_state() => VaultError::Unconfirmed { status, detail },
                    200..=299 => VaultError::Malformed { status, detail },
                    401 | 403 => VaultError::Unauthorized(bare()),
                    429 => VaultError::RateLimited { retry_after: None },
                    500..=599 => unavailable(call, bare()),
                    _ => VaultError::Rejected(bare()),
                });
            }
        };
        let status = answer.status;
        if (200..=299).contains(&status) {
            return Ok(answer);
        }
        let rejection = Box::new(VaultRejection::parse(status, &answer.body, secrets));
        Err(match status {
            401 | 403 => VaultError::Unauthorized(rejection),
            429 => VaultError::RateLimited {
                retry_after: answer.retry_after,
            },
            500..=599 => unavailable(call, rejection),
            _ => VaultError::Rejected(rejection),
        })
    }
}

/// A 5xx: the provider's own failure, except a gateway's 502/504 to a state-changing call,
/// where the provider behind the gateway may have acted.
fn unavailable(call: Call, rejection: Box<VaultRejection>) -> VaultError {
    match rejection.status {
        502 | 504 if call.changes_state() => VaultError::Unconfirmed {
            status: rejection.status,
            detail: "a gateway answered instead of Vault".into(),
        },
        _ => VaultError::ProviderUnavailable(rejection),
    }
}

/// A GET may be repeated safely: retry when it was not sent, when the connection broke
/// before the answer, or on a 5xx; not after a timeout (that already took the whole budget).
fn retryable(e: &VaultError) -> bool {
    match e {
        VaultError::Transport(TransportError::NotSent { .. })
        | VaultError::ProviderUnavailable(_) => true,
        VaultError::Transport(TransportError::MaybeSent { reason, .. }) => {
            *reason != MaybeSentReason::Timeout
        }
        _ => false,
    }
}

/// A 2xx to a state-changing call confirms it only with `{"result":"ok"}`.
fn confirm_ok(call: Call, answer: &Answer) -> Result<(), VaultError> {
    #[derive(Deserialize)]
    struct Result_ {
        result: Option<Value>,
    }
    let result = serde_json::from_slice::<Result_>(&answer.body)
        .ok()
        .and_then(|r| r.result);
    match result {
        Some(Value::String(s)) if s.eq_ignore_ascii_case("ok") => Ok(()),
        other => {
            let detail = match other {
                // Its value is never quoted: it may echo what the request carried.
                Some(_) => "a result other than \"ok\"".to_owned(),
                None => describe_body(answer.content_type.as_deref(), &answer.body),
            };
            if call.changes_state() {
                Err(VaultError::Unconfirmed {
                    status: answer.status,
                    detail,
                })
            } else {
                Err(VaultError::Malformed {
                    status: answer.status,
                    detail,
                })
            }
        }
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
            unavailable(
                Call::SetPasscode,
                Box::new(VaultRejection {
                    status: 504,
                    ..Default::default()
                })
            )
            .category(),
            Category::UnknownOutcome
        );
        assert_eq!(
            unavailable(
                Call::RsaKey,
                Box::new(VaultRejection {
                    status: 504,
                    ..Default::default()
                })
            )
            .category(),
            Category::Rejected
        );
        assert_eq!(
            unavailable(
                Call::SetPasscode,
                Box::new(VaultRejection {
                    status: 503,
                    ..Default::default()
                })
            )
            .category(),
            Category::Rejected
        );
    }

    fn answer(status: u16, body: &[u8]) -> Answer {
        Answer {
            status,
            retry_after: None,
            content_type: None,
            body: Zeroizing::new(body.to_vec()),
        }
    }

    #[test]
    fn only_result_ok_confirms_a_change() {
        assert!(confirm_ok(Call::SetPasscode, &answer(200, br#"{"result":"ok"}"#)).is_ok());
        assert!(confirm_ok(Call::SetPasscode, &answer(200, br#"{"result":"OK","x":1}"#)).is_ok());
        for body in [
            &b""[..],
            b"{}",
            b"<html>",
            br#"{"result":"error"}"#,
            br#"{"result":1}"#,
        ] {
            let e = confirm_ok(Call::SetPasscode, &answer(200, body)).unwrap_err();
            assert_eq!(e.category(), Category::UnknownOutcome, "{body:?}");
        }
    }

    #[test]
    fn client_rejects_bad_merchant_ids() {
        let http = reqwest::Client::new();
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
        let client = VaultClient::new(reqwest::Client::new(), base, None).unwrap();
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

    #[tokio::test]
    async fn bad_inputs_are_refused_before_sending() {
        // The port is closed: anything sent would be a transport error instead.
        let http = reqwest::Client::new();
        let client =
            VaultClient::new(http, BaseUrl::parse("http://127.0.0.1:1").unwrap(), None).unwrap();
        let token = AccessToken::new("t".into());
        let card: VaultCardId = "1234435".parse().unwrap();
        let e = client
            .verify_code(&token, card, &SmsCode::new("12 34".into()))
            .await
            .unwrap_err();
        assert_eq!(e.category(), Category::Validation);
        let e = client
            .send_code(&AccessToken::new(" ".into()), card)
            .await
            .unwrap_err();
        assert_eq!(e, VaultError::InvalidCredential);
        let e = client
            .send_code(&AccessToken::new("a\nb".into()), card)
            .await
            .unwrap_err();
        assert_eq!(e, VaultError::InvalidCredential);
        let e = client
            .sign_in("", &Password::new("pw".into()))
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("phone"));
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
