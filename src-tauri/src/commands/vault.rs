//! Vault commands: send and verify the SMS code, set the passcode or the card PIN, the
//! passcode policy the UI's live feedback evaluates, and (demo mode) the code the sandbox
//! "sent".

use super::CmdResult;
use crate::ipc::DemoSms;
use crate::state::AppState;
use pindesk_core::api::{OpDone, PolicyDescription};
use pindesk_core::secret::{CardPin, Passcode, SmsCode};
use tauri::State;

/// Texts a verification code to the cardholder.
#[tauri::command]
pub async fn vault_send_code(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
    ticket: Option<String>,
) -> CmdResult<OpDone> {
    let ticket = super::ticket(ticket.as_deref())?;
    Ok(state
        .desk
        .vault_send_code(profile.as_deref(), &card, ticket.as_ref())
        .await?)
}

/// Verifies the code the cardholder read out.
#[tauri::command]
pub async fn vault_verify_code(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
    code: String,
    ticket: Option<String>,
) -> CmdResult<OpDone> {
    let ticket = super::ticket(ticket.as_deref())?;
    let code = SmsCode::new(code);
    Ok(state
        .desk
        .vault_verify_code(profile.as_deref(), &card, code, ticket.as_ref())
        .await?)
}

/// Encrypts and sets the new passcode (the UI has checked the confirmation matches).
#[tauri::command]
pub async fn vault_set_passcode(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
    code: String,
    passcode: String,
    ticket: Option<String>,
) -> CmdResult<OpDone> {
    let ticket = super::ticket(ticket.as_deref())?;
    let (code, passcode) = (SmsCode::new(code), Passcode::new(passcode));
    Ok(state
        .desk
        .vault_set_passcode(profile.as_deref(), &card, code, passcode, ticket.as_ref())
        .await?)
}

/// The passcode policy of the profile as data. The UI evaluates it while the operator types,
/// so no candidate passcode crosses the bridge for feedback; `vault_set_passcode` checks again.
#[tauri::command]
pub fn passcode_policy(
    state: State<'_, AppState>,
    profile: Option<String>,
) -> CmdResult<PolicyDescription> {
    Ok(state.desk.passcode_policy(profile.as_deref())?)
}

/// Demo mode only: the last code the embedded sandbox "sent" to the card.
#[tauri::command]
pub fn demo_sms(state: State<'_, AppState>, card: String) -> CmdResult<Option<DemoSms>> {
    let Some(sandbox) = state.sandbox.get() else {
        return Ok(None);
    };
    let Ok(id) = card.trim().parse::<i64>() else {
        return Ok(None);
    };
    Ok(sandbox.last_sms_code(id).map(|code| DemoSms {
        card_id: card,
        code,
    }))
}

/// Sets or resets the card's PIN (no SMS code or old PIN needed; the UI has checked the
/// confirmation matches).
#[tauri::command]
pub async fn vault_set_card_pin(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
    pin: String,
    ticket: Option<String>,
) -> CmdResult<OpDone> {
    let ticket = super::ticket(ticket.as_deref())?;
    let pin = CardPin::new(pin);
    Ok(state
        .desk
        .vault_set_card_pin(profile.as_deref(), &card, pin, ticket.as_ref())
        .await?)
}
