//! Solid's successful answers read: the PIN token, and the card a set PIN names.

use serde::Deserialize;

use super::SolidError;
use crate::providers::describe_body;
use crate::secret::PinToken;
use crate::validate::SolidCardId;

/// Reads a successful PIN token answer (`POST …/set_pin_token`): `set_pin_token` (required,
/// not blank) and, when present, `id`, which must be `card`. Any other shape is
/// [`SolidError::Malformed`], described without its content. Public so the parser can be
/// fuzzed on its own; the client calls it with the answer's status, type and body.
pub fn parse_pin_token_answer(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    card: &SolidCardId,
) -> Result<PinToken, SolidError> {
    let malformed = |detail: String| SolidError::Malformed { status, detail };
    let parsed: TokenAnswer =
        serde_json::from_slice(body).map_err(|_| malformed(describe_body(content_type, body)))?;
    if parsed.id.as_deref().is_some_and(|id| id != card.as_str()) {
        return Err(malformed("the token was issued for another card".into()));
    }
    if parsed.set_pin_token.trim().is_empty() {
        return Err(malformed("the answer has an empty set_pin_token".into()));
    }
    Ok(PinToken::new(parsed.set_pin_token))
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    id: Option<String>,
    set_pin_token: String,
}

#[derive(Deserialize)]
pub(super) struct SetPinAnswer {
    pub(super) id: String,
}
