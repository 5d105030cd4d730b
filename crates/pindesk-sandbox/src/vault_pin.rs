//! Vault's card PIN: `POST /v2/card/{id}/pin` ("Set/Reset PIN Code") sets or resets the PIN
//! of an active card with no SMS code and no old PIN, any number of times (the control
//! `POST /_sandbox/vault/cards/{card_id}/check-pin` tells whether a card holds a PIN).
//!
//! Vault does not publish the body; the sandbox takes PinDesk's decision, `{"pin":"NNNN"}`
//! as JSON, and answers `{"result":"ok"}`. A PIN breaking Vault's published rules (exactly 4
//! digits, no run of 3 consecutive ascending or descending digits, no run of 3 identical
//! digits) is refused with a Vault-shaped validation error naming `pin`. The PIN is never
//! logged or echoed.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use bytes::Bytes;
use serde_json::Value;

use crate::body;
use crate::errors::{VaultError, VaultKind};
use crate::policy;
use crate::state::App;
use crate::vault::{authorize, card_id, ok};

/// The body field that carries the PIN.
const PIN_FIELD: &str = "pin";

/// `POST /v2/card/{id}/pin` with `{"pin"}`.
pub(crate) async fn set_pin(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Json<Value>, VaultError> {
    authorize(&app, &headers)?;
    let id = card_id(path)?;
    let fields = body::json_object(&headers, &body)?;
    let pin = body::string_field(&fields, PIN_FIELD)?;
    let mut world = app.world();
    let card = world
        .vault_cards
        .get_mut(&id)
        .ok_or_else(|| VaultError::new(VaultKind::NotFound, format!("card {id} was not found")))?;
    if !card.active {
        return Err(VaultError::new(
            VaultKind::CardInactive,
            format!("card {id} is not active; its PIN cannot be set"),
        )
        .field("id"));
    }
    policy::check_pin(&pin)
        .map_err(|v| VaultError::new(VaultKind::Validation, v.0).field(PIN_FIELD))?;
    card.pin = Some(pin);
    Ok(ok())
}
