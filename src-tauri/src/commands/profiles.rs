//! Credentials commands: list, add or edit (secrets inward only), remove, make active, test.

use super::{invalid, CmdResult};
use crate::ipc::{ProfileInput, ProfileSecrets};
use crate::state::AppState;
use pindesk_core::api::ProfileView;
use pindesk_core::desk::NewCredentials;
use pindesk_core::profile::{
    Environment, Profile, ProfileId, Provider, ProviderSettings, SolidSettings, VaultAuth,
    VaultSettings,
};
use pindesk_core::secret::{AccessToken, ApiKey, Password};
use tauri::State;
use zeroize::Zeroizing;

/// Every profile, demo ones first in demo mode.
#[tauri::command]
pub fn list_profiles(state: State<'_, AppState>) -> CmdResult<Vec<ProfileView>> {
    Ok(state.desk.list_profiles()?)
}

fn profile_from(input: &ProfileInput) -> CmdResult<Profile> {
    let id = ProfileId::new(input.id.trim()).map_err(pindesk_core::desk::Error::from)?;
    let environment =
        Environment::parse(input.environment.trim()).map_err(pindesk_core::desk::Error::from)?;
    let name = match input.display_name.trim() {
        "" => input.id.trim().to_owned(),
        name => name.to_owned(),
    };
    let settings = match input.provider {
        Provider::Vault => ProviderSettings::Vault(vault_settings(input)?),
        Provider::Solid => ProviderSettings::Solid(solid_settings(input)?),
    };
    Ok(Profile {
        id,
        display_name: name,
        environment,
        settings,
    })
}

fn vault_settings(input: &ProfileInput) -> CmdResult<VaultSettings> {
    let mut vault = VaultSettings::default();
    {
        vault.merchant_id = input
            .merchant_id
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        if let Some(padding) = input.rsa_padding.as_deref().filter(|p| !p.is_empty()) {
            vault.rsa_padding = padding.parse().map_err(pindesk_core::desk::Error::from)?;
        }
        if input.sign_in {
            vault.auth = VaultAuth::SignIn;
        }
    }
    Ok(vault)
}

fn solid_settings(input: &ProfileInput) -> CmdResult<SolidSettings> {
    let mut solid = SolidSettings::default();
    {
        if let Some(endpoint) = input
            .pin_endpoint
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            solid.pin_endpoint = Some(endpoint.parse().map_err(
                |e: pindesk_core::validate::ValidationError| invalid("pin_endpoint", e.message),
            )?);
        }
        if let Some(secs) = input.token_lifetime_secs {
            solid.token_lifetime_secs = u64::from(secs);
        }
    }
    Ok(solid)
}

fn credentials_from(profile: &Profile, secrets: ProfileSecrets) -> Option<NewCredentials> {
    let ProfileSecrets {
        access_token,
        phone,
        password,
        api_key,
    } = secrets;
    let filled = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
    match profile.vault_auth() {
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
    }
}

/// Adds a profile (`isNew`) or edits one. A new profile needs its secrets; an edit keeps the
/// stored ones unless new ones are given. Secrets are stored in the keyring and never returned.
#[tauri::command]
pub fn save_profile(
    state: State<'_, AppState>,
    input: ProfileInput,
    secrets: ProfileSecrets,
    is_new: bool,
) -> CmdResult<ProfileView> {
    crate::kiosk::refuse_in_kiosk(&state)?;
    let profile = profile_from(&input)?;
    let credentials = credentials_from(&profile, secrets);
    let id = profile.id.to_string();
    if is_new {
        let credentials = credentials.ok_or_else(|| {
            invalid(
                "credentials",
                "a new profile needs its secret: an access token, a phone number and password, or an API key",
            )
        })?;
        state.desk.add_profile(profile, credentials)?;
    } else {
        state.desk.update_profile(profile, credentials)?;
    }
    Ok(state.desk.show_profile(&id)?)
}

/// Removes a profile and its keyring entries (the UI asks for confirmation first).
#[tauri::command]
pub fn remove_profile(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    crate::kiosk::refuse_in_kiosk(&state)?;
    state.desk.remove_profile(&id)?;
    Ok(())
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
) -> CmdResult<String> {
    let card = card.filter(|c| !c.trim().is_empty());
    Ok(state.desk.test_profile(&id, card.as_deref()).await?)
}
