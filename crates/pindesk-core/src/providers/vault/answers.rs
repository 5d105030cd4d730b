//! Vault's successful answers read: the sign-in's tokens, the RSA key, and the confirmation
//! a state-changing call must carry.

use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

use super::client::Call;
use super::VaultError;
use crate::crypto::VaultKey;
use crate::http::Answer;
use crate::providers::describe_body;
use crate::secret::AccessToken;

/// What a successful sign-in yields.
#[derive(Debug)]
pub struct Tokens {
    /// The bearer access token.
    pub access: AccessToken,
    /// The access token's lifetime (`expires_in`), when Vault gave it.
    pub expires_in: Option<Duration>,
}

/// Reads a successful sign-in answer (`POST /oauth/token`): `access_token` (required, not
/// blank) and `expires_in` (a number or a numeric string) when present. The `refresh_token`
/// it also carries is not read: Vault documents no call that uses it. Any
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
    expires_in: Option<Value>,
}

#[derive(Deserialize)]
struct KeyAnswer {
    id: Value,
    #[serde(rename = "publicKey")]
    public_key: String,
}

/// A 2xx to a state-changing call confirms it only with `{"result":"ok"}`.
pub(super) fn confirm_ok(call: Call, answer: &Answer) -> Result<(), VaultError> {
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
    use crate::error::Category;
    use zeroize::Zeroizing;

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
}
