//! Vault Card Program 1: bearer tokens, the RSA public key, and the passcode flow
//! (send SMS code, verify it, set the RSA-encrypted passcode). Every answer and error is in
//! Vault's shape; nothing secret is logged or echoed.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use bytes::Bytes;
use rand::Rng;
use serde_json::{json, Value};

use crate::body::{self, BodyProblem};
use crate::errors::{VaultError, VaultKind};
use crate::policy;
use crate::state::{App, SmsCode, VaultCard, World, SMS_CODE_MAX_WRONG, SMS_CODE_TTL};

type VaultResult = Result<Json<Value>, VaultError>;

pub(crate) fn ok() -> Json<Value> {
    Json(json!({ "result": "ok" }))
}

impl From<BodyProblem> for VaultError {
    fn from(problem: BodyProblem) -> Self {
        let kind = match problem {
            BodyProblem::MediaType(_) => VaultKind::UnsupportedMediaType,
            _ => VaultKind::Validation,
        };
        let error = VaultError::new(kind, problem.to_string());
        match problem.field() {
            Some(field) => error.field(field),
            None => error,
        }
    }
}

/// Refuses a request without a valid, unexpired bearer token.
pub(crate) fn authorize(app: &App, headers: &HeaderMap) -> Result<(), VaultError> {
    bearer(app, headers).map(drop)
}

/// The request's bearer token, when valid and unexpired: 401 when missing, unknown or
/// expired, 400 `invalid_token` when signed out.
pub(crate) fn bearer(app: &App, headers: &HeaderMap) -> Result<String, VaultError> {
    let unauthorized = |m: &str| VaultError::new(VaultKind::Unauthorized, m);
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("the Authorization: Bearer header is required"))?
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is malformed"))?;
    let token = match value.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(unauthorized(
                "the Authorization header must be Bearer <token>",
            ))
        }
    };
    let world = app.world();
    if world.revoked_tokens.contains(token) {
        return Err(
            VaultError::new(VaultKind::TokenRevoked, "the access token is not valid")
                .field("Authorization"),
        );
    }
    if token == app.config.vault_token {
        return Ok(token.to_owned());
    }
    match world.access_tokens.get(token) {
        Some(expires) if app.clock.now() < *expires => Ok(token.to_owned()),
        Some(_) => Err(unauthorized("the access token has expired")),
        None => Err(unauthorized("the access token is not valid")),
    }
}

/// The card id from the path: a positive int64.
pub(crate) fn card_id(path: Result<Path<String>, PathRejection>) -> Result<i64, VaultError> {
    let invalid = || {
        VaultError::new(
            VaultKind::Validation,
            "id must be a positive integer card id",
        )
        .field("id")
    };
    let Path(raw) = path.map_err(|_| invalid())?;
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(invalid()),
    }
}

/// The active card `id`.
fn active_card(world: &mut World, id: i64) -> Result<&mut VaultCard, VaultError> {
    let card = world
        .vault_cards
        .get_mut(&id)
        .ok_or_else(|| VaultError::new(VaultKind::NotFound, format!("card {id} was not found")))?;
    if !card.active {
        return Err(VaultError::new(
            VaultKind::CardInactive,
            format!("card {id} is not active; its passcode cannot be changed"),
        )
        .field("id"));
    }
    Ok(card)
}

/// `GET /v2/card/rsa-public-key`.
pub(crate) async fn public_key(State(app): State<App>, headers: HeaderMap) -> VaultResult {
    authorize(&app, &headers)?;
    let key = app.world().key.clone();
    Ok(Json(
        json!({ "id": key.id, "publicKey": key.public_der_b64 }),
    ))
}

/// `POST /v2/card/{id}/passcode/sms/send`: a fresh code, valid for five minutes.
pub(crate) async fn send_code(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> VaultResult {
    authorize(&app, &headers)?;
    let id = card_id(path)?;
    let mut world = app.world();
    let card = active_card(&mut world, id)?;
    let mut rng = rand::thread_rng();
    let len = rng.gen_range(4..=6);
    let code: String = (0..len)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect();
    card.sms = Some(SmsCode {
        code,
        sent_at: app.clock.wall(),
        expires_at: app.clock.now() + SMS_CODE_TTL,
        verified: false,
        wrong_attempts: 0,
        spent: false,
    });
    Ok(ok())
}

/// Checks `given` against the card's live SMS code, counting a wrong attempt.
fn check_code<'a>(
    sms: Option<&'a mut SmsCode>,
    given: &str,
    now: std::time::Instant,
) -> Result<&'a mut SmsCode, VaultError> {
    let err = |kind, message: String| VaultError::new(kind, message).field("code");
    let Some(sms) = sms else {
        return Err(err(
            VaultKind::CodeNotSent,
            "no verification code was sent to this card; send one first".into(),
        ));
    };
    if sms.spent && sms.wrong_attempts >= SMS_CODE_MAX_WRONG {
        return Err(err(
            VaultKind::CodeAttemptsExceeded,
            "the verification code was entered wrongly too many times; send a new one".into(),
        ));
    }
    if sms.spent {
        return Err(err(
            VaultKind::CodeNotSent,
            "the verification code was already used; send a new one".into(),
        ));
    }
    if now >= sms.expires_at {
        return Err(err(
            VaultKind::CodeExpired,
            "the verification code has expired; send a new one".into(),
        ));
    }
    if given.trim() != sms.code {
        sms.wrong_attempts += 1;
        if sms.wrong_attempts >= SMS_CODE_MAX_WRONG {
            sms.spent = true;
            return Err(err(
                VaultKind::CodeAttemptsExceeded,
                format!(
                    "the verification code is incorrect; after {SMS_CODE_MAX_WRONG} wrong attempts it is no longer valid, send a new one"
                ),
            ));
        }
        let left = SMS_CODE_MAX_WRONG - sms.wrong_attempts;
        return Err(err(
            VaultKind::CodeInvalid,
            format!("the verification code is incorrect ({left} attempts left)"),
        ));
    }
    Ok(sms)
}

/// `POST /v2/card/{id}/passcode/sms/verify` with `{"code"}`.
pub(crate) async fn verify_code(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> VaultResult {
    authorize(&app, &headers)?;
    let id = card_id(path)?;
    let fields = body::json_object(&headers, &body)?;
    let code = body::string_field(&fields, "code")?;
    let now = app.clock.now();
    let mut world = app.world();
    let card = active_card(&mut world, id)?;
    let sms = check_code(card.sms.as_mut(), &code, now)?;
    sms.verified = true;
    Ok(ok())
}

/// `POST /v2/card/{id}/passcode/code/set` with `{"keyId","code","passCode"}`.
pub(crate) async fn set_passcode(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> VaultResult {
    authorize(&app, &headers)?;
    let id = card_id(path)?;
    let fields = body::json_object(&headers, &body)?;
    let key_id = body::string_field(&fields, "keyId")?;
    let code = body::string_field(&fields, "code")?;
    let pass_code = body::string_field(&fields, "passCode")?;
    let now = app.clock.now();
    let mut world = app.world();
    let key = world.key.clone();
    let card = active_card(&mut world, id)?;
    if key_id != key.id {
        return Err(VaultError::new(
            VaultKind::KeyIdInvalid,
            "keyId is not the current RSA key; fetch the public key again",
        )
        .field("keyId"));
    }
    let sms = check_code(card.sms.as_mut(), &code, now)?;
    if !sms.verified {
        return Err(VaultError::new(
            VaultKind::CodeNotVerified,
            "the verification code must be verified before setting the passcode",
        )
        .field("code"));
    }
    let plain = key
        .decrypt(app.config.vault_padding, &pass_code)
        .map_err(|e| {
            VaultError::new(VaultKind::PassCodeUndecryptable, e.to_string()).field("passCode")
        })?;
    let passcode = String::from_utf8(plain).map_err(|_| {
        VaultError::new(
            VaultKind::PassCodePolicy,
            "the passcode may contain only ASCII letters and digits",
        )
        .field("passCode")
    })?;
    policy::check_passcode(&passcode)
        .map_err(|v| VaultError::new(VaultKind::PassCodePolicy, v.0).field("passCode"))?;
    sms.spent = true;
    card.passcode = Some(passcode);
    Ok(ok())
}
