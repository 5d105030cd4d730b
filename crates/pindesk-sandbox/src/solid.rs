//! Solid Issuing: `set_pin_token` (api-key authenticated) and the PCI-scoped v1 set-PIN call
//! (authenticated by the single-use, five-minute `sd-pin-token`). Every answer and error is
//! in Solid's shape; nothing secret is logged or echoed.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use bytes::Bytes;
use serde_json::{json, Value};

use crate::body::{self, BodyProblem};
use crate::config::random_hex;
use crate::errors::{SolidError, SolidKind};
use crate::policy;
use crate::state::{App, PinToken, SolidCard, PIN_TOKEN_TTL};

type SolidResult = Result<Json<Value>, SolidError>;

impl From<BodyProblem> for SolidError {
    fn from(problem: BodyProblem) -> Self {
        let kind = match problem {
            BodyProblem::MediaType(_) => SolidKind::UnsupportedMediaType,
            _ => SolidKind::InvalidRequest,
        };
        let error = SolidError::new(kind, problem.to_string());
        match problem.field() {
            Some(field) => error.field(field),
            None => error,
        }
    }
}

fn card_path(path: Result<Path<String>, PathRejection>) -> Result<String, SolidError> {
    path.map(|Path(id)| id).map_err(|_| {
        SolidError::new(SolidKind::InvalidRequest, "card_id is malformed").field("card_id")
    })
}

fn not_found() -> SolidError {
    SolidError::new(SolidKind::NotFound, "cannot find card by id")
}

fn inactive() -> SolidError {
    SolidError::new(
        SolidKind::CardInactive,
        "the card is not active; its PIN cannot be set",
    )
    .field("card_id")
}

/// Refuses a request without the sandbox's API key.
fn authorize(app: &App, headers: &HeaderMap) -> Result<(), SolidError> {
    let key = headers.get("api-key").and_then(|v| v.to_str().ok());
    if key.map(str::trim) != Some(app.config.solid_api_key.as_str()) {
        return Err(SolidError::new(SolidKind::Unauthorized, "unauthorized"));
    }
    Ok(())
}

/// `GET /v2/issuing/card/{card_id}` ("Retrieve a Card"). The active card answers as the
/// page's example does (`activated`, `card_holder_id`), the inactive one as its schema does
/// (`blocked`, `cardholder_id`), so clients meet both.
pub(crate) async fn card(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> SolidResult {
    authorize(&app, &headers)?;
    let card_id = card_path(path)?;
    let world = app.world();
    let card = world.solid_cards.get(&card_id).ok_or_else(not_found)?;
    let holder_field = if card.active {
        "card_holder_id"
    } else {
        "cardholder_id"
    };
    let mut answer = json!({
        "id": card_id,
        "account_id": "acc_5f8e1b1e2c3d4a5b6c7d8e9f0a1b2c3d",
        "business_id": "bus_5f8e1b1e2c3d4a5b6c7d8e9f0a1b2c3d",
        "label": "Sandbox card",
        "limit_amount": "500.00",
        "limit_interval": "monthly",
        "type": "physical",
        "status": card.status,
        "last4": card.last4,
        "expiry_month": format!("{:02}", card.exp_month),
        "expiry_year": card.exp_year.to_string(),
        "currency": "USD",
        "created_at": "2026-01-15T10:00:00Z",
        "modified_at": "2026-01-15T10:00:00Z",
    });
    answer[holder_field] = json!("crh_5f8e1b1e2c3d4a5b6c7d8e9f0a1b2c3d");
    Ok(Json(answer))
}

/// `POST /v2/issuing/card/{card_id}/set_pin_token`: a single-use PIN token.
pub(crate) async fn pin_token(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> SolidResult {
    authorize(&app, &headers)?;
    let card_id = card_path(path)?;
    let mut world = app.world();
    let card = world.solid_cards.get(&card_id).ok_or_else(not_found)?;
    if !card.active {
        return Err(inactive());
    }
    let token = format!("card_pin_test_{}", random_hex(16));
    world.pin_tokens.insert(
        token.clone(),
        PinToken {
            card_id: card_id.clone(),
            expires_at: app.clock.now() + PIN_TOKEN_TTL,
            used: false,
        },
    );
    Ok(Json(json!({ "id": card_id, "set_pin_token": token })))
}

/// `POST /v1/card/{card_id}/pin` with `sd-pin-token` and `{"pin","expiryMonth","expiryYear","last4"}`.
/// Errors are in v1's flat shape, as Solid's v1 endpoint answers.
pub(crate) async fn set_pin(
    State(app): State<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> SolidResult {
    set_pin_answer(app, headers, path, body)
        .await
        .map_err(SolidError::v1)
}

async fn set_pin_answer(
    app: App,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> SolidResult {
    let card_id = card_path(path)?;
    let now = app.clock.now();
    let mut world = app.world();
    let card_active = world
        .solid_cards
        .get(&card_id)
        .ok_or_else(not_found)?
        .active;
    let unauthorized = |m: &str| SolidError::new(SolidKind::Unauthorized, m).field("sd-pin-token");
    let presented = headers
        .get("sd-pin-token")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .ok_or_else(|| unauthorized("the sd-pin-token header is required"))?;
    let token = world
        .pin_tokens
        .get_mut(presented)
        .ok_or_else(|| unauthorized("the PIN token is not valid"))?;
    if token.card_id != card_id {
        return Err(unauthorized("the PIN token was issued for another card"));
    }
    if token.used {
        return Err(unauthorized(
            "the PIN token was already used; request a new one",
        ));
    }
    if now >= token.expires_at {
        token.used = true;
        return Err(unauthorized("the PIN token has expired; request a new one"));
    }
    // From here on the token has been presented: it is spent whatever happens next.
    token.used = true;
    if !card_active {
        return Err(inactive());
    }
    let fields = body::json_object(&headers, &body)?;
    let pin = body::string_field(&fields, "pin")?;
    let month = body::string_field(&fields, "expiryMonth")?;
    let year = body::string_field(&fields, "expiryYear")?;
    let last4 = body::string_field(&fields, "last4")?;
    let card: &mut SolidCard = world.solid_cards.get_mut(&card_id).ok_or_else(not_found)?;
    let invalid = |m: &str, f| SolidError::new(SolidKind::InvalidRequest, m).field(f);
    match month.trim().parse::<u8>() {
        Ok(m) if (1..=12).contains(&m) => {
            if m != card.exp_month {
                return Err(invalid(
                    "expiryMonth does not match the card",
                    "expiryMonth",
                ));
            }
        }
        _ => {
            return Err(invalid(
                "expiryMonth must be a month number 1 to 12",
                "expiryMonth",
            ))
        }
    }
    match year.trim().parse::<u16>() {
        Ok(y) if year.trim().len() == 4 => {
            if y != card.exp_year {
                return Err(invalid("expiryYear does not match the card", "expiryYear"));
            }
        }
        _ => {
            return Err(invalid(
                "expiryYear must be a four-digit year",
                "expiryYear",
            ))
        }
    }
    if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("last4 must be the card's last 4 digits", "last4"));
    }
    if last4 != card.last4 {
        return Err(invalid("last4 does not match the card", "last4"));
    }
    policy::check_pin(&pin).map_err(|v| SolidError::new(SolidKind::PinPolicy, v.0).field("pin"))?;
    card.pin = Some(pin);
    Ok(Json(json!({ "id": card_id })))
}
