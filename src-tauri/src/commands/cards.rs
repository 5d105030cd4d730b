//! Card confirmation commands: the card as its provider knows it, with what PinDesk recorded
//! on it, and Vault's list of the signed-in customer's cards for the card picker.

use super::CmdResult;
use crate::state::AppState;
use pindesk_core::api::{CardCheck, CardSummary};
use tauri::State;

/// Looks the card up with the profile's provider, with its recent operations and a warning
/// when one is recent or its outcome unknown.
#[tauri::command]
pub async fn look_up_card(
    state: State<'_, AppState>,
    profile: Option<String>,
    card: String,
) -> CmdResult<CardCheck> {
    Ok(state.desk.look_up_card(profile.as_deref(), &card).await?)
}

/// Vault: the signed-in customer's cards, usable ones first.
#[tauri::command]
pub async fn vault_cards(
    state: State<'_, AppState>,
    profile: Option<String>,
) -> CmdResult<Vec<CardSummary>> {
    Ok(state.desk.vault_cards(profile.as_deref()).await?)
}
