//! Profile services: list, add, update, remove, make active and test a profile.
//!
//! Secrets go to the keyring first and the profile to the file second, so a keyring failure
//! leaves the file as it was; a file failure takes the new keyring entries back. Taking
//! entries back means restoring what they held before the edit, or deleting them if they held
//! nothing: an edit whose second secret cannot be written leaves the first with its old value,
//! so the profile keeps working with its old credentials. A removed profile's keyring entries
//! go first, so a keyring failure keeps the profile usable.

use super::{Desk, Error};
use crate::api::{EnvironmentKind, ProfileSummary, ProfileView, SecretState};
use crate::credentials::{SecretKind, SecretStore};
use crate::history::Ticket;
use crate::network::MachineNetwork;
use crate::profile::{Profile, ProfileId, Provider, VaultAuth};
use crate::secret::{AccessToken, ApiKey, Password};
use zeroize::Zeroizing;

/// The secrets a new or edited profile brings, to be stored in the keyring.
pub enum NewCredentials {
    /// A pasted Vault access token.
    VaultToken(AccessToken),
    /// A Vault sign-in: phone number and password.
    VaultSignIn {
        /// The sign-in phone number.
        phone: Zeroizing<String>,
        /// The sign-in password.
        password: Password,
    },
    /// A Solid API key.
    SolidApiKey(ApiKey),
}

impl NewCredentials {
    fn entries(&self) -> Vec<(SecretKind, &str)> {
        match self {
            NewCredentials::VaultToken(t) => vec![(SecretKind::AccessToken, t.expose())],
            NewCredentials::VaultSignIn { phone, password } => vec![
                (SecretKind::SignInPhone, phone.as_str()),
                (SecretKind::SignInPassword, password.expose()),
            ],
            NewCredentials::SolidApiKey(k) => vec![(SecretKind::ApiKey, k.expose())],
        }
    }

    fn fits(&self, profile: &Profile) -> Result<(), Error> {
        let ok = matches!(
            (self, profile.vault_auth()),
            (NewCredentials::VaultToken(_), Some(VaultAuth::Token))
                | (NewCredentials::VaultSignIn { .. }, Some(VaultAuth::SignIn))
                | (NewCredentials::SolidApiKey(_), None)
        );
        if !ok {
            return Err(crate::validate::ValidationError::new(
                "credentials",
                "these credentials do not fit the profile's provider and sign-in kind",
            )
            .into());
        }
        for (kind, value) in self.entries() {
            if value.trim().is_empty() {
                return Err(crate::validate::ValidationError::new(
                    kind.as_str(),
                    format!("the {} must not be empty", kind_words(kind)),
                )
                .into());
            }
        }
        Ok(())
    }
}

/// The keyring entries an edit wrote, with what each held before (`None`: no entry), so a
/// failed edit can put them back. Old values stay zeroized-on-drop.
struct Replaced {
    id: ProfileId,
    old: Vec<(SecretKind, Option<Zeroizing<String>>)>,
}

fn kind_words(kind: SecretKind) -> &'static str {
    match kind {
        SecretKind::AccessToken => "access token",
        SecretKind::RefreshToken => "refresh token",
        SecretKind::SignInPhone => "phone number",
        SecretKind::SignInPassword => "password",
        SecretKind::ApiKey => "API key",
        SecretKind::ProxyPassword => "proxy password",
    }
}

/// The secrets a profile needs to work: its provider's, and the proxy password when one of
/// its proxies names a user.
fn needed(profile: &Profile, machine: &MachineNetwork) -> Vec<SecretKind> {
    let provider: &[SecretKind] = match profile.vault_auth() {
        None => &[SecretKind::ApiKey],
        Some(VaultAuth::Token) => &[SecretKind::AccessToken],
        Some(VaultAuth::SignIn) => &[SecretKind::SignInPhone, SecretKind::SignInPassword],
    };
    let mut kinds = provider.to_vec();
    if profile.network.proxy_user(machine).is_some() {
        kinds.push(SecretKind::ProxyPassword);
    }
    kinds
}

impl Desk {
    /// Every profile (demo ones first in demo mode), with its secrets' state.
    pub fn list_profiles(&self) -> Result<Vec<ProfileView>, Error> {
        let file = self.profiles.load()?;
        let active = self.resolve_profile(None).ok().map(|p| p.id);
        let profiles = self.demo_profiles().iter().cloned().chain(file.profiles);
        Ok(profiles.map(|p| self.view(p, active.as_ref())).collect())
    }

    /// The profile requests go through when none is named, as the status bar names it. Asks
    /// the keyring nothing (its secrets' state is the lists' business), so the first screen
    /// does not wait for the OS keyring.
    pub fn active_profile_summary(&self) -> Result<ProfileSummary, Error> {
        let profile = self.resolve_profile(None)?;
        Ok(ProfileSummary {
            name: profile.display_name.clone(),
            provider: profile.provider(),
            environment: self.environment_kind(&profile, self.secrets.is_demo(&profile.id)),
        })
    }

    /// The badge of a profile's environment: the one place that labels a demo profile's.
    fn environment_kind(&self, profile: &Profile, demo: bool) -> EnvironmentKind {
        if demo {
            EnvironmentKind::Demo
        } else {
            profile.environment_kind()
        }
    }

    /// One profile with its secrets' state.
    pub fn show_profile(&self, name: &str) -> Result<ProfileView, Error> {
        let profile = self.resolve_profile(Some(name))?;
        let active = self.resolve_profile(None).ok().map(|p| p.id);
        Ok(self.view(profile, active.as_ref()))
    }

    /// The view of a profile: the one place that labels a demo profile as such.
    pub(super) fn view(&self, profile: Profile, active: Option<&ProfileId>) -> ProfileView {
        let demo = self.secrets.is_demo(&profile.id);
        let environment_kind = self.environment_kind(&profile, demo);
        let warnings = if demo {
            Vec::new()
        } else {
            crate::api::plain_http_warning(&profile.plain_http_settings())
                .into_iter()
                .collect()
        };
        ProfileView {
            active: active == Some(&profile.id),
            demo,
            environment_kind,
            environment_label: self.environment_label(&profile),
            secrets: self.secret_states(&profile, demo),
            warnings,
            demo_state: if demo { self.demo_state() } else { None },
            profile,
        }
    }

    fn secret_states(&self, profile: &Profile, demo: bool) -> Vec<(SecretKind, SecretState)> {
        let machine = self.machine.clone().unwrap_or_default();
        let kinds = if demo {
            needed(profile, &MachineNetwork::default())
        } else {
            needed(profile, &machine)
        };
        kinds
            .into_iter()
            .map(|kind| {
                let state = if demo {
                    SecretState::Demo
                } else {
                    match self.secrets.get(&profile.id, kind) {
                        Ok(Some(_)) => SecretState::Stored,
                        Ok(None) => SecretState::Missing,
                        Err(_) => SecretState::Unavailable,
                    }
                };
                (kind, state)
            })
            .collect()
    }

    /// Adds a profile with its secrets. The first profile added becomes the active one.
    pub fn add_profile(&self, profile: Profile, credentials: NewCredentials) -> Result<(), Error> {
        self.add_profile_with(profile, credentials, None)
    }

    /// [`add_profile`](Self::add_profile) with the password of a proxy that names a user.
    pub fn add_profile_with(
        &self,
        profile: Profile,
        credentials: NewCredentials,
        proxy_password: Option<Password>,
    ) -> Result<(), Error> {
        profile.validate()?;
        credentials.fits(&profile)?;
        self.check_network(&profile, proxy_password.as_ref(), true)?;
        let file = self.profiles.load()?;
        if file.get(&profile.id).is_some() || self.secrets.is_demo(&profile.id) {
            return Err(crate::profile::ProfileError::AlreadyExists {
                id: profile.id.to_string(),
            }
            .into());
        }
        let mut entries = credentials.entries();
        if let Some(password) = &proxy_password {
            entries.push((SecretKind::ProxyPassword, password.expose()));
        }
        let replaced = self.store_secrets(&profile.id, entries)?;
        if let Err(e) = self.profiles.add_first_active(profile) {
            // Another process may have added the same name meanwhile: what its secrets held
            // before this edit wrote over them is put back.
            self.restore(replaced);
            return Err(e.into());
        }
        Ok(())
    }

    /// Replaces a stored profile's settings, and its secrets when new ones are given. The
    /// settings only the file holds (policies, usable statuses) are kept unless replaced. An
    /// edit that changes where the secrets go (the base URL, a sign-in's merchant id or
    /// sign-out URL, Solid's PIN endpoint) is refused unless the secrets are given again, so
    /// stored secrets are never sent anywhere they were not typed for. A stored sign-in whose
    /// credentials are replaced (or whose kind changes) is signed out first and its obtained
    /// token deleted; a refresh token older builds kept is deleted.
    pub async fn update_profile(
        &self,
        profile: Profile,
        credentials: Option<NewCredentials>,
    ) -> Result<(), Error> {
        self.update_profile_with(profile, credentials, None).await
    }

    /// [`update_profile`](Self::update_profile) with a new password for a proxy that names a
    /// user. A proxy that moves needs its password again, like the provider's secrets; a
    /// profile whose proxies name no user any more loses its stored proxy password.
    pub async fn update_profile_with(
        &self,
        mut profile: Profile,
        credentials: Option<NewCredentials>,
        proxy_password: Option<Password>,
    ) -> Result<(), Error> {
        profile.validate()?;
        let old = self.profiles.get(&profile.id)?;
        profile.keep_file_only_settings(&old);
        if credentials.is_none() {
            if let Some(why) = self.edit_needs_credentials(&old, &profile) {
                return Err(crate::validate::ValidationError::new("credentials", why).into());
            }
        }
        let proxy_moved = old
            .moved_destinations(&profile)
            .iter()
            .any(|f| matches!(*f, "proxy" | "pin_proxy"));
        let stored = self
            .secrets
            .get(&profile.id, SecretKind::ProxyPassword)?
            .is_some();
        self.check_network(&profile, proxy_password.as_ref(), proxy_moved || !stored)?;
        if credentials.is_some() || old.vault_auth() != profile.vault_auth() {
            self.sign_out_quietly(&old).await;
        }
        let mut entries = Vec::new();
        if let Some(credentials) = &credentials {
            credentials.fits(&profile)?;
            entries = credentials.entries();
        }
        if let Some(password) = &proxy_password {
            entries.push((SecretKind::ProxyPassword, password.expose()));
        }
        let replaced = if entries.is_empty() {
            None
        } else {
            Some(self.store_secrets(&profile.id, entries)?)
        };
        let machine = self.machine.clone().unwrap_or_default();
        if needed(&old, &machine).contains(&SecretKind::ProxyPassword)
            && !needed(&profile, &machine).contains(&SecretKind::ProxyPassword)
        {
            self.secrets
                .delete(&profile.id, SecretKind::ProxyPassword)?;
        }
        if old.vault_auth() != profile.vault_auth() {
            // Secrets of the old kind must not linger, nor tokens a sign-in obtained.
            let mut keep = needed(&profile, &machine);
            keep.push(SecretKind::ProxyPassword);
            for kind in SecretKind::ALL.into_iter().filter(|k| !keep.contains(k)) {
                self.secrets.delete(&profile.id, kind)?;
            }
        }
        // No documented call uses a refresh token; older builds stored one.
        self.secrets.delete(&profile.id, SecretKind::RefreshToken)?;
        self.forget_profile_session(profile.id.as_str());
        if let Err(e) = self.profiles.update(profile) {
            if let Some(replaced) = replaced {
                self.restore(replaced);
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// Removes a profile and every keyring entry it has; a stored sign-in is signed out first
    /// (best effort).
    pub async fn remove_profile(&self, name: &str) -> Result<Profile, Error> {
        let id = ProfileId::new(name)?;
        if self.secrets.is_demo(&id) {
            return Err(crate::validate::ValidationError::new(
                "profile",
                "demo profiles cannot be removed; they exist only in demo mode",
            )
            .into());
        }
        let profile = self.profiles.get(&id)?;
        self.sign_out_quietly(&profile).await;
        self.secrets.delete_all(&id)?;
        self.forget_profile_session(id.as_str());
        Ok(self.profiles.remove(&id)?)
    }

    /// Makes a profile the active one.
    pub fn use_profile(&self, name: &str) -> Result<(), Error> {
        let id = ProfileId::new(name)?;
        let demo = self.secrets.is_demo(&id);
        // A demo profile is active when no stored one is: the file's choice is cleared.
        self.profiles
            .set_active(if demo { None } else { Some(&id) })?;
        *self
            .demo_active
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = demo.then_some(id);
        Ok(())
    }

    /// Checks the profile's credentials against the provider: Vault fetches the RSA key,
    /// Solid requests a PIN token for `card` (required for Solid). Recorded in the history,
    /// with the ticket when one is given; `[audit] require_ticket` does not apply, as the
    /// test changes nothing on a card and is an administrator's check, not a customer's call.
    pub async fn test_profile(
        &self,
        name: &str,
        card: Option<&str>,
        ticket: Option<&Ticket>,
    ) -> Result<String, Error> {
        let profile = self.call_profile(Some(name)).await?;
        let tested = self.test_provider(&profile, card, ticket).await?;
        Ok(format!(
            "{tested} Network: {}.",
            self.route_words(&profile)?
        ))
    }

    /// The way the profile's calls go, in words ("no proxy; trusting the bundled web roots").
    pub fn route_words(&self, profile: &Profile) -> Result<String, Error> {
        if self.secrets.is_demo(&profile.id) {
            return Ok(format!(
                "{} (demo)",
                crate::network::Route::direct().describe()
            ));
        }
        let machine = self.machine_network()?;
        let api = profile.network.api_route(machine);
        let pin = profile.network.pin_route(machine);
        let has_pin_endpoint = profile.solid().is_some_and(|s| s.pin_endpoint.is_some());
        Ok(if has_pin_endpoint && pin != api {
            format!("{}; the PIN endpoint: {}", api.describe(), pin.describe())
        } else {
            api.describe()
        })
    }

    async fn test_provider(
        &self,
        profile: &Profile,
        card: Option<&str>,
        ticket: Option<&Ticket>,
    ) -> Result<String, Error> {
        let profile = profile.clone();
        match profile.provider() {
            Provider::Vault => {
                let test = self.vault_test(&profile);
                self.recorded(&profile, "profile.test", None, ticket, test)
                    .await
            }
            Provider::Solid => {
                let card = card.ok_or_else(|| {
                    crate::validate::ValidationError::new(
                        "card_id",
                        "testing a Solid profile needs a card id to request a PIN token for",
                    )
                })?;
                self.recorded(
                    &profile,
                    "profile.test",
                    Some(card),
                    ticket,
                    self.solid_test(&profile, card),
                )
                .await
            }
        }
    }

    /// Why editing the stored profile into `edited` needs its credentials typed again, if it
    /// does: another provider or sign-in kind, or another place the secrets go.
    pub fn edit_needs_credentials(&self, old: &Profile, edited: &Profile) -> Option<String> {
        if old.vault_auth() != edited.vault_auth() {
            return Some(
                "changing the provider or the sign-in kind needs the new credentials".to_owned(),
            );
        }
        let moved = old.moved_destinations(edited);
        (!moved.is_empty()).then(|| {
            format!(
                "this edit changes where the profile's credentials are sent ({}): type them again, so they go only where they were typed for",
                moved.join(", ")
            )
        })
    }

    /// [`Self::edit_needs_credentials`] for the stored profile of the same name.
    pub fn stored_edit_needs_credentials(&self, edited: &Profile) -> Result<Option<String>, Error> {
        let old = self.profiles.get(&edited.id)?;
        Ok(self.edit_needs_credentials(&old, edited))
    }

    /// Writes the credentials' entries, one by one, and returns what they held before. When
    /// one cannot be written, those written before it get their old values back (see
    /// [`restore`](Self::restore)) and the error is returned. Every old value is read before
    /// the first write: if one cannot be read, nothing is written.
    fn store_secrets(
        &self,
        id: &ProfileId,
        entries: Vec<(SecretKind, &str)>,
    ) -> Result<Replaced, Error> {
        let mut old = Vec::with_capacity(entries.len());
        for &(kind, _) in &entries {
            old.push((kind, self.secrets.get(id, kind)?));
        }
        let mut replaced = Replaced {
            id: id.clone(),
            old: Vec::with_capacity(entries.len()),
        };
        for ((kind, value), (_, before)) in entries.into_iter().zip(old) {
            if let Err(e) = self.secrets.set(id, kind, value.trim()) {
                self.restore(replaced);
                return Err(e.into());
            }
            replaced.old.push((kind, before));
        }
        Ok(replaced)
    }

    /// Puts back what the entries held before an edit: the old value, or no entry when there
    /// was none. Best effort: a failure is logged (never a value) and the others still tried.
    fn restore(&self, replaced: Replaced) {
        let Replaced { id, old } = replaced;
        for (kind, before) in old.into_iter().rev() {
            let result = match &before {
                Some(value) => self.secrets.set(&id, kind, value),
                None => self.secrets.delete(&id, kind),
            };
            if let Err(e) = result {
                tracing::warn!(
                    profile = %id,
                    entry = %kind,
                    error = %e,
                    "could not restore a keyring entry after a failed edit"
                );
            }
        }
    }

    /// Checks the profile's network against the machine's rules and its proxy password: one
    /// is given exactly when a proxy names a user (and `password_needed`: a new or moved
    /// proxy, or none stored yet).
    fn check_network(
        &self,
        profile: &Profile,
        password: Option<&Password>,
        password_needed: bool,
    ) -> Result<(), Error> {
        let machine = self.machine_network()?;
        profile.network.check_against(machine)?;
        let invalid = |message: String| {
            Error::from(crate::validate::ValidationError::new(
                "proxy_password",
                message,
            ))
        };
        match (profile.network.proxy_user(machine), password) {
            (None, Some(_)) => Err(invalid(
                "the profile's proxy names no user: a proxy password goes with a proxy URL such as http://USER@proxy.example.com:3128".into(),
            )),
            (Some(_), Some(p)) if p.expose().trim().is_empty() => {
                Err(invalid("the proxy password must not be empty".into()))
            }
            (Some(user), None) if password_needed => Err(invalid(format!(
                "the proxy asks for user {user}: give its password, so it goes only to this proxy"
            ))),
            _ => Ok(()),
        }
    }

    fn forget_profile_session(&self, id: &str) {
        super::lock(&self.vault_sessions).remove(id);
    }
}
