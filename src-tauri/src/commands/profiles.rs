//! Credentials commands: list, add or edit (secrets inward only), remove, make active, test.

use super::{invalid, CmdResult};
use crate::ipc::{self, ProfileDto, ProfileInput, ProfileSecrets, SecretStatus};
use crate::state::AppState;
use pindesk_core::desk::{NewCredentials, ProfileView};
use pindesk_core::profile::{Environment, Profile, ProfileId, Provider, VaultAuth};
use pindesk_core::secret::{AccessToken, ApiKey, Password};
use tauri::State;
use zeroize::Zeroizing;

/// The environment kind a profile's badge shows.
pub(crate) fn environment_kind(env: &Environment) -> ipc::Environment {
    match env {
        Environment::Demo => ipc::Environment::Demo,
        Environment::Sandbox => ipc::Environment::Sandbox,
        Environment::Production => ipc::Environment::Production,
        Environment::Custom(_) => ipc::Environment::Custom,
    }
}

pub(crate) fn provider_of(p: Provider) -> ipc::Provider {
    match p {
        Provider::Vault => ipc::Provider::Vault,
        Provider::Solid => ipc::Provider::Solid,
    }
}

fn dto(view: ProfileView) -> ProfileDto {
    let p = view.profile;
    let vault = p.vault.as_ref();
    let solid = p.solid.as_ref();
    ProfileDto {
        id: p.id.to_string(),
        display_name: p.display_name.clone(),
        provider: provider_of(p.provider),
        environment: environment_kind(&p.environment),
        environment_value: p.environment.as_string(),
        active: view.active,
        demo: view.demo,
        merchant_id: vault.and_then(|v| v.merchant_id.clone()),
        rsa_padding: vault.map(|v| v.rsa_padding.as_str().to_owned()),
        sign_in: vault.is_some_and(|v| v.auth == VaultAuth::SignIn),
        pin_endpoint: solid.and_then(|s| s.pin_endpoint.as_ref().map(|u| u.to_string())),
        token_lifetime_secs: solid
            .map(|s| u32::try_from(s.token_lifetime_secs).unwrap_or(u32::MAX)),
        secrets: view
            .secrets
            .into_iter()
            .map(|(kind, state)| SecretStatus {
                // The IPC names the secret as its form field does (`api_key`), not as the
                // keyring account does (`api-key`).
                kind: kind.replace('-', "_"),
                state: serde_json::to_value(state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// Every profile, demo ones first in demo mode.
#[tauri::command]
pub fn list_profiles(state: State<'_, AppState>) -> CmdResult<Vec<ProfileDto>> {
    Ok(state.desk.list_profiles()?.into_iter().map(dto).collect())
}

fn profile_from(input: &ProfileInput) -> CmdResult<Profile> {
    let id = ProfileId::new(input.id.trim()).map_err(pindesk_core::desk::Error::from)?;
    let environment =
        Environment::parse(input.environment.trim()).map_err(pindesk_core::desk::Error::from)?;
    let provider = match input.provider {
        ipc::Provider::Vault => Provider::Vault,
        ipc::Provider::Solid => Provider::Solid,
    };
    let name = match input.display_name.trim() {
        "" => input.id.trim().to_owned(),
        name => name.to_owned(),
    };
    let mut profile = Profile::new(id, name, provider, environment);
    if let Some(vault) = profile.vault.as_mut() {
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
    if let Some(solid) = profile.solid.as_mut() {
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
    Ok(profile)
}

fn credentials_from(profile: &Profile, secrets: ProfileSecrets) -> Option<NewCredentials> {
    let ProfileSecrets {
        access_token,
        phone,
        password,
        api_key,
    } = secrets;
    let filled = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
    match (profile.provider, profile.vault_settings().auth) {
        (Provider::Solid, _) => {
            filled(api_key).map(|k| NewCredentials::SolidApiKey(ApiKey::new(k)))
        }
        (Provider::Vault, VaultAuth::Token) => {
            filled(access_token).map(|t| NewCredentials::VaultToken(AccessToken::new(t)))
        }
        (Provider::Vault, VaultAuth::SignIn) => match (filled(phone), filled(password)) {
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
) -> CmdResult<ProfileDto> {
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
    Ok(dto(state.desk.show_profile(&id)?))
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
