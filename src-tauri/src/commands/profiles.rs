//! Credentials commands: list, add or edit (secrets inward only), remove, make active, test.

use super::{invalid, CmdResult};
use crate::ipc::ProfileSecrets;
use crate::state::AppState;
use pindesk_core::api::{ProfileInput, ProfileView};
use pindesk_core::desk::NewCredentials;
use pindesk_core::profile::{Profile, VaultAuth};
use pindesk_core::secret::{AccessToken, ApiKey, Password};
use tauri::State;
use zeroize::Zeroizing;

/// Every profile, demo ones first in demo mode.
#[tauri::command]
pub fn list_profiles(state: State<'_, AppState>) -> CmdResult<Vec<ProfileView>> {
    Ok(state.desk.list_profiles()?)
}

fn filled(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

fn credentials_from(
    profile: &Profile,
    secrets: ProfileSecrets,
) -> (Option<NewCredentials>, Option<Password>) {
    let ProfileSecrets {
        access_token,
        phone,
        password,
        api_key,
        proxy_password,
    } = secrets;
    let proxy_password = filled(proxy_password).map(Password::new);
    let credentials = match profile.vault_auth() {
        None => filled(api_key).map(|k| NewCredentials::SolidApiKey(ApiKey::new(k))),
        Some(VaultAuth::Token) => {
            filled(access_token).map(|t| NewCredentials::VaultToken(AccessToken::new(t)))
        }
        Some(VaultAuth::SignIn) => match (filled(phone), filled(password)) {
            (Some(phone), Some(password)) => Some(NewCredentials::VaultSignIn {
                phone: Zeroizing::new(phone),
                password: Password::new(password),
            }),
            _ => None,
        },
    };
    (credentials, proxy_password)
}

/// Adds a profile (`isNew`) or edits one. A new profile needs its secrets; an edit keeps the
/// stored ones unless new ones are given. Secrets are stored in the keyring and never returned.
#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    input: ProfileInput,
    secrets: ProfileSecrets,
    is_new: bool,
) -> CmdResult<ProfileView> {
    crate::kiosk::refuse_in_kiosk(&state)?;
    let profile = input.to_profile()?;
    let (credentials, proxy_password) = credentials_from(&profile, secrets);
    let id = profile.id.to_string();
    if is_new {
        let credentials = credentials.ok_or_else(|| {
            invalid(
                "credentials",
                "a new profile needs its secret: an access token, a phone number and password, or an API key",
            )
        })?;
        state
            .desk
            .add_profile_with(profile, credentials, proxy_password)?;
    } else {
        state
            .desk
            .update_profile_with(profile, credentials, proxy_password)
            .await?;
    }
    Ok(state.desk.show_profile(&id)?)
}

/// Removes a profile and its keyring entries (the UI asks for confirmation first); a stored
/// sign-in is signed out of Vault first.
#[tauri::command]
pub async fn remove_profile(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    crate::kiosk::refuse_in_kiosk(&state)?;
    state.desk.remove_profile(&id).await?;
    Ok(())
}

/// Signs the profile's stored sign-in out of Vault and deletes its token; answers what
/// happened in words.
#[tauri::command]
pub async fn sign_out_profile(state: State<'_, AppState>, id: String) -> CmdResult<String> {
    Ok(state.desk.vault_sign_out(Some(&id)).await?)
}

/// Makes a profile the active one.
#[tauri::command]
pub fn use_profile(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    state.desk.use_profile(&id)?;
    Ok(())
}

/// Checks a profile's credentials against the provider; the answer in plain words.
#[tauri::command]
pub async fn test_profile(
    state: State<'_, AppState>,
    id: String,
    card: Option<String>,
    ticket: Option<String>,
) -> CmdResult<String> {
    let ticket = super::ticket(ticket.as_deref())?;
    let card = card.filter(|c| !c.trim().is_empty());
    Ok(state
        .desk
        .test_profile(&id, card.as_deref(), ticket.as_ref())
        .await?)
}
