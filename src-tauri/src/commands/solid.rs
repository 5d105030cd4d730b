//! Solid PIN commands: get a one-time PIN token, reveal or copy it on request, set the PIN,
//! and the PIN policy the UI's live feedback evaluates.

use super::{internal, CmdResult};
use crate::clipboard;
use crate::state::AppState;
use pindesk_core::api::{OpDone, PinTokenInfo, PolicyDescription};
use pindesk_core::secret::{Pin, PinToken};
use tauri::{AppHandle, Runtime, State};

/// Requests a one-time PIN token and holds it in the app; returns everything but the token.
#[tauri::command]
pub async fn solid_pin_token(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
    ticket: Option<String>,
) -> CmdResult<PinTokenInfo> {
    let ticket = super::ticket(ticket.as_deref())?;
    Ok(state
        .desk
        .solid_pin_token(profile.as_deref(), &card, ticket.as_ref())
        .await?)
}

/// Shows the token held for the profile and card (the operator pressed "Reveal"). The one
/// command that returns a secret, and only this one.
#[tauri::command]
pub fn solid_reveal_token(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
) -> CmdResult<String> {
    Ok(held_token(&state, profile, &card)?.expose().to_owned())
}

/// Copies the token held for the profile and card to the clipboard and clears it there after
/// the configured time if it still holds the token. The token never crosses the IPC bridge.
#[tauri::command]
pub fn solid_copy_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
) -> CmdResult<u32> {
    let token = held_token(&state, profile, &card)?;
    let secs = state
        .desk
        .profiles_file()
        .map(|f| f.settings.clipboard_clear_secs)
        .unwrap_or(30);
    clipboard::copy_then_clear(&app, token, secs).map_err(internal)?;
    Ok(u32::try_from(secs).unwrap_or(u32::MAX))
}

/// Forgets the token held for the profile and card.
#[tauri::command]
pub fn solid_discard_token(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
) -> CmdResult<()> {
    Ok(state.desk.discard_pin_token(profile.as_deref(), &card)?)
}

/// The usable token held for the profile and card, or the error the UI drops its own on.
fn held_token(state: &AppState, profile: Option<String>, card: &str) -> CmdResult<PinToken> {
    state
        .desk
        .reveal_pin_token(profile.as_deref(), card)?
        .ok_or_else(|| {
            super::invalid(
                "token",
                "no usable PIN token for this profile and card: get a new one",
            )
        })
}

/// Sets the PIN through the profile's PIN endpoint with the held (or a new) token.
#[tauri::command]
pub async fn solid_set_pin(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
    pin: String,
    expiry: Option<String>,
    last4: Option<String>,
    ticket: Option<String>,
) -> CmdResult<OpDone> {
    let ticket = super::ticket(ticket.as_deref())?;
    let pin = Pin::new(pin);
    Ok(state
        .desk
        .solid_set_pin(
            profile.as_deref(),
            &card,
            pin,
            expiry.as_deref(),
            last4.as_deref(),
            ticket.as_ref(),
        )
        .await?)
}

/// The PIN policy of the profile as data (a Solid profile's PIN policy, Vault's card PIN
/// rules for a Vault one). The UI evaluates it while the operator types, so no candidate PIN
/// crosses the bridge for feedback; `solid_set_pin` and `vault_set_card_pin` check again.
#[tauri::command]
pub fn pin_policy(
    state: State<'_, AppState>,
    profile: Option<String>,
) -> CmdResult<PolicyDescription> {
    Ok(state.desk.pin_policy(profile.as_deref())?)
}
