//! The sandbox-only endpoints under `/_sandbox/`, never present in a provider: the last SMS
//! code of a card, passcode and PIN checks, key rotation, faults and the virtual clock. They
//! exist so tests and demos can play the cardholder; they answer `{"error"}` on failure.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::time::Duration;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::body;
use crate::clock::rfc3339;
use crate::errors::SandboxError;
use crate::faults::{Fault, FaultSpec};
use crate::keys::VaultKey;
use crate::state::App;

type ControlResult = Result<Json<Value>, SandboxError>;

pub(crate) fn parse<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, SandboxError> {
    let map =
        body::json_object(headers, body).map_err(|e| SandboxError::bad_request(e.to_string()))?;
    serde_json::from_value(Value::Object(map)).map_err(|e| SandboxError::bad_request(e.to_string()))
}

fn path_param(path: Result<Path<String>, PathRejection>) -> Result<String, SandboxError> {
    path.map(|Path(p)| p)
        .map_err(|_| SandboxError::bad_request("malformed path parameter"))
}

pub(crate) fn vault_card(path: Result<Path<String>, PathRejection>) -> Result<i64, SandboxError> {
    path_param(path)?
        .parse::<i64>()
        .map_err(|_| SandboxError::bad_request("card_id must be an integer"))
}

/// `GET /_sandbox/sms/{card_id}`: the last code sent to a Vault card.
pub(crate) async fn last_sms(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
) -> ControlResult {
    let id = vault_card(path)?;
    let world = app.world();
    let card = world
        .vault_cards
        .get(&id)
        .ok_or_else(|| SandboxError::not_found(format!("card {id} was not found")))?;
    let sms = card
        .sms
        .as_ref()
        .ok_or_else(|| SandboxError::not_found(format!("no SMS code was sent to card {id}")))?;
    Ok(Json(json!({
        "card_id": id,
        "code": sms.code,
        "sent_at": rfc3339(sms.sent_at),
    })))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PassCodeCheck {
    pass_code: String,
}

#[derive(serde::Deserialize)]
struct PinCheck {
    pin: String,
}

/// `{"matches"}`: whether the card `id` of `cards` holds (`held`) the secret `asked` about;
/// 404 for a card the sandbox does not know.
fn secret_matches<K, C>(
    cards: &HashMap<K, C>,
    id: &K,
    held: impl Fn(&C) -> Option<&str>,
    asked: &str,
) -> ControlResult
where
    K: Eq + Hash + Display,
{
    let card = cards
        .get(id)
        .ok_or_else(|| SandboxError::not_found(format!("card {id} was not found")))?;
    Ok(Json(json!({ "matches": held(card) == Some(asked) })))
}

/// `POST /_sandbox/vault/cards/{card_id}/check-passcode`.
pub(crate) async fn check_passcode(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ControlResult {
    let id = vault_card(path)?;
    let check: PassCodeCheck = parse(&headers, &body)?;
    let world = app.world();
    secret_matches(
        &world.vault_cards,
        &id,
        |c| c.passcode.as_deref(),
        &check.pass_code,
    )
}

/// `POST /_sandbox/vault/cards/{card_id}/check-pin`: the card PIN set through
/// `/v2/card/{id}/pin`.
pub(crate) async fn check_vault_pin(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ControlResult {
    let id = vault_card(path)?;
    let check: PinCheck = parse(&headers, &body)?;
    let world = app.world();
    secret_matches(&world.vault_cards, &id, |c| c.pin.as_deref(), &check.pin)
}

/// `POST /_sandbox/solid/cards/{card_id}/check-pin`.
pub(crate) async fn check_pin(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> ControlResult {
    let id = path_param(path)?;
    let check: PinCheck = parse(&headers, &body)?;
    let world = app.world();
    secret_matches(&world.solid_cards, &id, |c| c.pin.as_deref(), &check.pin)
}

/// `POST /_sandbox/vault/rotate-key`: a new key pair and `keyId`; the old id is refused.
pub(crate) async fn rotate_key(State(app): State<App>) -> ControlResult {
    let key = VaultKey::generate_async(app.config.key_bits)
        .await
        .map_err(|e| {
            SandboxError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        })?;
    let id = key.id.clone();
    app.world().key = std::sync::Arc::new(key);
    Ok(Json(json!({ "id": id })))
}

/// `POST /_sandbox/faults`: arms a fault.
pub(crate) async fn arm_fault(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> ControlResult {
    let spec: FaultSpec = parse(&headers, &body)?;
    let fault = Fault::new(spec).map_err(|e| SandboxError::bad_request(e.to_string()))?;
    let mut faults = app.faults();
    faults.arm(fault);
    Ok(Json(json!({ "armed": faults.list() })))
}

/// `GET /_sandbox/faults`: what is armed.
pub(crate) async fn list_faults(State(app): State<App>) -> ControlResult {
    Ok(Json(json!({ "armed": app.faults().list() })))
}

/// `DELETE /_sandbox/faults`: disarms everything.
pub(crate) async fn clear_faults(State(app): State<App>) -> ControlResult {
    let cleared = app.faults().clear();
    Ok(Json(json!({ "cleared": cleared })))
}

#[derive(serde::Deserialize)]
struct Advance {
    seconds: u64,
}

/// `POST /_sandbox/clock/advance` with `{"seconds":N}`: moves the virtual clock forward.
pub(crate) async fn advance_clock(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> ControlResult {
    let advance: Advance = parse(&headers, &body)?;
    let offset = app.clock.advance(Duration::from_secs(advance.seconds));
    Ok(Json(json!({ "offset_seconds": offset.as_secs() })))
}

/// `GET /_sandbox/requests`: every provider request received, oldest first, as
/// `{"requests":[{"method","path"}]}` (paths only: no header or body is kept).
pub(crate) async fn requests(State(app): State<App>) -> ControlResult {
    let world = app.world();
    let requests: Vec<Value> = world
        .requests
        .iter()
        .map(|(method, path)| json!({ "method": method, "path": path }))
        .collect();
    Ok(Json(json!({ "requests": requests })))
}
