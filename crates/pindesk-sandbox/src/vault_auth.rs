//! Vault sign-in (`POST /oauth/token`, `grant_type=mobile_phone` only) and sign-out
//! (`POST /signout`), answering refusals exactly as Vault documents them
//! (Authorization/signin-signout.json): HTTP 400, its `error`/`errorId`/message and
//! `"systemId":"core"`.
//!
//! The configured phone and password sign in. Five wrong passwords in a row lock sign-in for
//! a minute of the sandbox clock (273). The phone numbers `+1555999NNNN` answer the documented
//! refusal whose `errorId` is NNNN (see [`SCENARIO_PREFIX`]), so every refusal can be seen.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use bytes::Bytes;
use serde_json::{json, Map, Value};
use std::time::Duration;

use crate::body::{self, BodyProblem};
use crate::config::random_hex;
use crate::errors::{Documented, VaultError};
use crate::state::App;
use crate::vault::{bearer, ok};

type VaultResult = Result<Json<Value>, VaultError>;

/// Wrong passwords in a row after which sign-in is locked.
pub(crate) const MAX_WRONG_SIGN_INS: u32 = 5;
/// How long a lock-out lasts (the documented message says one minute).
pub(crate) const LOCK_OUT: Duration = Duration::from_secs(60);
/// Phone numbers starting so, followed by four digits, answer that documented `errorId`.
pub const SCENARIO_PREFIX: &str = "+1555999";

/// Vault's documented sign-in refusals, with their published messages.
pub const SIGN_IN_REFUSALS: &[(i64, &str, &str)] = &[
    (
        11,
        "WRONG_LOGIN_OR_PASSWORD_EXCEPTION",
        "Invalid login or password",
    ),
    (
        273,
        "LOGIN_ATTEMPTS_EXCEEDED",
        "You have exceeded maximum number of attempts. Please, try again in 1 minute(s)",
    ),
    (
        53,
        "CUSTOMER_EXCEEDED_NUMBER_OF_PIN_ATTEMPTS",
        "Maximum login attempts exceeded",
    ),
    (
        3,
        "CUSTOMER_STATUS_INCORRECT",
        "Your account has been locked due to security reasons. Please contact our support",
    ),
    (
        267,
        "TEMPORARY_PASSWORD_IS_EXPIRED",
        "Password expired. Please, reset password",
    ),
    (8, "CUSTOMER_VERIFICATION_CODE_INCORRECT", "Incorrect code"),
    (
        307,
        "MFA_SESSION_EXPIRED",
        "The code has expired, please resend code",
    ),
    (
        308,
        "MFA_CODE_ALREADY_USED",
        "The code has already been used",
    ),
    (422, "NOT_VALID_REQUEST_DATA", "Not valid request data"),
    (
        429,
        "WAF_LOCK_NOT_IN_LIST",
        "Please wait 30 minutes to sign in or contact our support team via email",
    ),
];

fn documented(error_id: i64) -> VaultError {
    let &(error_id, error, message) = SIGN_IN_REFUSALS
        .iter()
        .find(|(id, _, _)| *id == error_id)
        .expect("a documented errorId");
    VaultError::documented(Documented {
        error,
        error_id,
        message,
    })
}

/// A 422 `NOT_VALID_REQUEST_DATA` naming the field.
fn invalid(field: &'static str) -> VaultError {
    documented(422).field(field)
}

fn invalid_body(problem: BodyProblem) -> VaultError {
    invalid(problem.field().unwrap_or("body"))
}

/// `POST /oauth/token` with `grant_type=mobile_phone`, `number`, `password` and the
/// `X-Merchant-ID` header.
pub(crate) async fn sign_in(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> VaultResult {
    let merchant = headers
        .get("x-merchant-id")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| invalid("X-Merchant-ID"))?;
    if !merchant
        .trim()
        .eq_ignore_ascii_case(&app.config.merchant_id)
    {
        return Err(invalid("X-Merchant-ID"));
    }
    if !body::has_media_type(&headers, "application/x-www-form-urlencoded") {
        return Err(invalid("body"));
    }
    let form: Map<String, Value> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    let grant_type = body::string_field(&form, "grant_type").map_err(invalid_body)?;
    // Vault documents no other grant (no refresh_token grant).
    if grant_type != "mobile_phone" {
        return Err(invalid("grant_type"));
    }
    let number = body::string_field(&form, "number").map_err(invalid_body)?;
    let password = body::string_field(&form, "password").map_err(invalid_body)?;
    let number = number.trim();
    if number.is_empty() {
        return Err(invalid("number"));
    }
    if let Some(id) = number
        .strip_prefix(SCENARIO_PREFIX)
        .filter(|d| d.len() == 4)
        .and_then(|d| d.parse::<i64>().ok())
        .filter(|id| SIGN_IN_REFUSALS.iter().any(|(i, _, _)| i == id))
    {
        // 422 names the field it refused, here the number itself.
        return Err(if id == 422 {
            invalid("number")
        } else {
            documented(id)
        });
    }
    let now = app.clock.now();
    let mut world = app.world();
    if world.sign_in_locked_until.is_some_and(|until| now < until) {
        return Err(documented(273));
    }
    if number != app.config.phone || password != app.config.password {
        world.wrong_sign_ins += 1;
        if world.wrong_sign_ins >= MAX_WRONG_SIGN_INS {
            world.wrong_sign_ins = 0;
            world.sign_in_locked_until = Some(now + LOCK_OUT);
            return Err(documented(273));
        }
        return Err(documented(11));
    }
    world.wrong_sign_ins = 0;
    world.sign_in_locked_until = None;
    let access = format!("sbx_at_{}", random_hex(24));
    let refresh = format!("sbx_rt_{}", random_hex(24));
    let ttl = app.config.access_token_ttl;
    world.access_tokens.insert(access.clone(), now + ttl);
    // The documented answer carries a refresh token (and `jti`); no call accepts it.
    Ok(Json(json!({
        "access_token": access,
        "token_type": "bearer",
        "refresh_token": refresh,
        "expires_in": ttl.as_secs(),
        "scope": "read write",
        "jti": random_hex(16),
    })))
}

/// `POST /signout` with the bearer token and `X-DeviceId`: the token is revoked; using it
/// again is answered 400 `invalid_token`.
pub(crate) async fn sign_out(State(app): State<App>, headers: HeaderMap) -> VaultResult {
    let token = bearer(&app, &headers)?;
    let device = headers
        .get("x-deviceid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if device.is_none() {
        return Err(invalid("X-DeviceId"));
    }
    let mut world = app.world();
    world.access_tokens.remove(&token);
    world.revoked_tokens.insert(token);
    Ok(ok())
}
