//! The steps of the passcode flow: sign in, send and verify the SMS code, fetch the RSA key
//! (the one call retried) and set the encrypted passcode.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use serde::Serialize;
use std::time::Duration;
use zeroize::Zeroizing;

use super::answers::{confirm_ok, parse_key_answer, parse_token_answer};
use super::client::Call;
use super::{Tokens, VaultClient, VaultError};
use crate::crypto::{encrypt_passcode, RsaPadding, VaultKey};
use crate::http::{self, MaybeSentReason, TransportError};
use crate::secret::{AccessToken, Passcode, Password, SmsCode};
use crate::validate::{self, ValidationError, VaultCardId};

/// How many times [`VaultClient::rsa_key`] retries after the first attempt.
pub const RSA_KEY_RETRIES: u32 = 2;

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

impl VaultClient {
    /// `POST /oauth/token` with `grant_type=mobile_phone`: signs in with a phone number and
    /// password. Vault requires `X-Merchant-ID` here: without a merchant id nothing is sent.
    /// A documented refusal is [`VaultError::SignInRefused`]; none is retried.
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
        let Some(merchant_id) = self.merchant_id.clone() else {
            return Err(VaultError::Invalid(ValidationError::new(
                "merchant_id",
                "signing in to Vault needs the merchant id (sent as X-Merchant-ID)",
            )));
        };
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
        let request = self
            .http
            .request(Method::POST, self.base.join("/oauth/token"))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("X-Merchant-ID", merchant_id)
            .body(http::secret_body(body))
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
        self.post_secret_json(Call::VerifyCode, &path, token, body, &[code.expose()])
            .await
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
        let secrets = [code.expose(), passcode.expose()];
        self.post_secret_json(Call::SetPasscode, &path, token, body, &secrets)
            .await
    }

    /// `POST path` with the bearer token and a JSON `body` holding secrets (zeroized once
    /// sent), expecting Vault's success answer. `secrets` (besides the token) are kept out of
    /// anything an error or a log shows. Never retried: these calls change the card.
    pub(super) async fn post_secret_json(
        &self,
        call: Call,
        path: &str,
        token: &AccessToken,
        body: Zeroizing<Vec<u8>>,
        secrets: &[&str],
    ) -> Result<(), VaultError> {
        let request = self
            .authorized(Method::POST, path, token)?
            .header(CONTENT_TYPE, "application/json")
            .body(http::secret_body(body))
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let mut hidden = vec![token.expose()];
        hidden.extend_from_slice(secrets);
        let answer = self.exchange(call, request, &hidden).await?;
        confirm_ok(call, &answer)
    }
}

/// A GET may be repeated safely: retry when it was not sent, when the connection broke
/// before the answer, or on a 5xx; not after a timeout (that already took the whole budget).
fn retryable(e: &VaultError) -> bool {
    match e {
        VaultError::Transport(TransportError::NotSent { .. })
        | VaultError::ProviderUnavailable(_) => true,
        VaultError::Transport(TransportError::MaybeSent { reason, .. })
        | VaultError::ReadUnfinished { reason, .. } => *reason != MaybeSentReason::Timeout,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Category;
    use crate::validate::BaseUrl;

    #[tokio::test]
    async fn bad_inputs_are_refused_before_sending() {
        // The port is closed: anything sent would be a transport error instead.
        let http: crate::http::HttpClient = reqwest::Client::new().into();
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
}
