//! One profile: its provider's settings and the rules a stored profile meets.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::environment::{SOLID_PRODUCTION_URL, SOLID_SANDBOX_URL, VAULT_SANDBOX_URL};
use super::{truncate, Environment, ProfileError, ProfileId};
use crate::crypto::RsaPadding;
use crate::network::NetworkSettings;
use crate::policy::{PasscodePolicy, PinPolicy};
use crate::validate::BaseUrl;

/// The longest display name, in characters.
pub const MAX_DISPLAY_NAME_LEN: usize = 80;

/// The card issuer a profile talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Vault, Card Program 1: card passcodes.
    Vault,
    /// Solid, Issuing v2: card PINs.
    Solid,
}

impl Provider {
    /// `vault` or `solid`, as in the file, the CLI and the history.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Vault => "vault",
            Provider::Solid => "solid",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = ProfileError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "vault" => Ok(Provider::Vault),
            "solid" => Ok(Provider::Solid),
            _ => Err(ProfileError::Invalid {
                profile: None,
                field: "provider",
                message: format!("unknown provider {:?}: use vault or solid", truncate(s, 40)),
            }),
        }
    }
}

/// How a Vault profile obtains its bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum VaultAuth {
    /// A pasted access token, kept in the keyring.
    #[default]
    Token,
    /// A stored sign-in (phone number and password in the keyring) that obtains tokens.
    SignIn,
}

/// A Vault profile's settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct VaultSettings {
    /// The merchant's UUID, sent as `X-Merchant-ID` when signing in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub merchant_id: Option<String>,
    /// The RSA padding for the passcode (`pkcs1` by default).
    #[serde(default)]
    pub rsa_padding: RsaPadding,
    /// How the bearer token is obtained.
    #[serde(default)]
    pub auth: VaultAuth,
    /// Where a stored sign-in signs out (`POST /signout`); the API's base URL when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub signout_url: Option<BaseUrl>,
    /// Tightenings of the default passcode policy (the default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub passcode_policy: Option<PasscodePolicy>,
    /// The body field that carries a card PIN (`POST /v2/card/{cardId}/pin`); `pin` when
    /// absent. Vault does not publish the body, so the name follows what the provider confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub card_pin_field: Option<String>,
}

impl VaultSettings {
    /// The body field of a card PIN: the profile's `card_pin_field`, else `pin`.
    pub fn card_pin_field(&self) -> &str {
        self.card_pin_field
            .as_deref()
            .unwrap_or(crate::providers::vault::DEFAULT_CARD_PIN_FIELD)
    }
}

fn default_token_lifetime_secs() -> u64 {
    300
}

/// A Solid profile's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SolidSettings {
    /// Base URL of Solid's PCI-scoped PIN channel; when set PinDesk sets PINs itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub pin_endpoint: Option<BaseUrl>,
    /// How long a PIN token is shown as usable, in seconds (default 300).
    #[serde(default = "default_token_lifetime_secs")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub token_lifetime_secs: u64,
    /// Tightenings of the default PIN policy (the default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pin_policy: Option<PinPolicy>,
    /// Card statuses usable beside `open` and `activated` (Solid's documents disagree on
    /// the status names; a client Solid told of another one lists it here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<String>>", optional))]
    pub usable_statuses: Vec<String>,
}

impl Default for SolidSettings {
    fn default() -> Self {
        Self {
            pin_endpoint: None,
            token_lifetime_secs: default_token_lifetime_secs(),
            pin_policy: None,
            usable_statuses: Vec::new(),
        }
    }
}

/// A provider's settings: which provider a profile talks to is the variant, so a Vault
/// profile cannot hold Solid settings or the other way round.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderSettings {
    /// A Vault profile.
    Vault(VaultSettings),
    /// A Solid profile.
    Solid(SolidSettings),
}

impl ProviderSettings {
    /// The provider's default settings.
    pub fn defaults(provider: Provider) -> Self {
        match provider {
            Provider::Vault => ProviderSettings::Vault(VaultSettings::default()),
            Provider::Solid => ProviderSettings::Solid(SolidSettings::default()),
        }
    }

    /// The provider these settings are for.
    pub fn provider(&self) -> Provider {
        match self {
            ProviderSettings::Vault(_) => Provider::Vault,
            ProviderSettings::Solid(_) => Provider::Solid,
        }
    }
}

/// One profile: an environment and its provider's settings. Holds no secret.
///
/// In the file a profile is written as its provider's name and that provider's block of
/// settings (see the module doc); [`ProfileRecord`] is that shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "ProfileRecord"))]
#[serde(try_from = "ProfileRecord", into = "ProfileRecord")]
pub struct Profile {
    /// The id, also the NAME on the command line.
    pub id: ProfileId,
    /// The name shown in the app.
    pub display_name: String,
    /// The provider's environment.
    pub environment: Environment,
    /// The provider and its settings.
    pub settings: ProviderSettings,
    /// Its proxy and trust.
    pub network: NetworkSettings,
}

impl Profile {
    /// A profile with the provider's default settings.
    pub fn new(
        id: ProfileId,
        display_name: impl Into<String>,
        provider: Provider,
        environment: Environment,
    ) -> Self {
        Self {
            id,
            display_name: display_name.into(),
            environment,
            settings: ProviderSettings::defaults(provider),
            network: NetworkSettings::default(),
        }
    }

    /// The provider this profile talks to.
    pub fn provider(&self) -> Provider {
        self.settings.provider()
    }

    /// Takes from `stored` the settings only the profile file holds (the passcode and PIN
    /// policies, extra usable card statuses) where this profile leaves them unset, so that an
    /// edit through a form that does not show them keeps them. Nothing is taken across
    /// providers.
    pub fn keep_file_only_settings(&mut self, stored: &Profile) {
        match (&mut self.settings, &stored.settings) {
            (ProviderSettings::Vault(new), ProviderSettings::Vault(old)) => {
                new.passcode_policy = new
                    .passcode_policy
                    .take()
                    .or_else(|| old.passcode_policy.clone());
            }
            (ProviderSettings::Solid(new), ProviderSettings::Solid(old)) => {
                new.pin_policy = new.pin_policy.take().or_else(|| old.pin_policy.clone());
                if new.usable_statuses.is_empty() {
                    new.usable_statuses.clone_from(&old.usable_statuses);
                }
            }
            _ => {}
        }
    }

    /// The Vault settings, for a Vault profile.
    pub fn vault(&self) -> Option<&VaultSettings> {
        match &self.settings {
            ProviderSettings::Vault(v) => Some(v),
            ProviderSettings::Solid(_) => None,
        }
    }

    /// The Solid settings, for a Solid profile.
    pub fn solid(&self) -> Option<&SolidSettings> {
        match &self.settings {
            ProviderSettings::Solid(s) => Some(s),
            ProviderSettings::Vault(_) => None,
        }
    }

    /// The Vault settings to change, for a Vault profile.
    pub fn vault_mut(&mut self) -> Option<&mut VaultSettings> {
        match &mut self.settings {
            ProviderSettings::Vault(v) => Some(v),
            ProviderSettings::Solid(_) => None,
        }
    }

    /// The Solid settings to change, for a Solid profile.
    pub fn solid_mut(&mut self) -> Option<&mut SolidSettings> {
        match &mut self.settings {
            ProviderSettings::Solid(s) => Some(s),
            ProviderSettings::Vault(_) => None,
        }
    }

    /// How a Vault profile obtains its bearer token (`None` for Solid).
    pub fn vault_auth(&self) -> Option<VaultAuth> {
        self.vault().map(|v| v.auth)
    }

    /// Checks every rule a stored profile must meet; the error names the profile and the field.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let invalid = |field: &'static str, message: String| ProfileError::Invalid {
            profile: Some(self.id.to_string()),
            field,
            message,
        };
        let name = self.display_name.trim();
        if name.is_empty() {
            return Err(invalid("display_name", "must not be empty".into()));
        }
        if self.display_name.chars().count() > MAX_DISPLAY_NAME_LEN {
            return Err(invalid(
                "display_name",
                format!("must be at most {MAX_DISPLAY_NAME_LEN} characters"),
            ));
        }
        if self.display_name.chars().any(char::is_control) {
            return Err(invalid(
                "display_name",
                "must not contain control characters".into(),
            ));
        }
        match &self.settings {
            ProviderSettings::Vault(vault) => {
                if self.environment == Environment::Production {
                    return Err(invalid(
                        "environment",
                        "Vault has no default production host: set environment to the \
                         https:// base URL your Vault contact gave you"
                            .into(),
                    ));
                }
                if vault.auth == VaultAuth::SignIn
                    && vault
                        .merchant_id
                        .as_deref()
                        .is_none_or(|m| m.trim().is_empty())
                {
                    return Err(invalid(
                        "merchant_id",
                        "a stored sign-in needs the merchant id Vault gave you: Vault requires \
                         it (X-Merchant-ID) to sign in"
                            .into(),
                    ));
                }
                if let Some(field) = &vault.card_pin_field {
                    crate::providers::vault::validate_card_pin_field(field)
                        .map_err(|e| invalid("card_pin_field", e.message))?;
                }
                if let Some(merchant) = &vault.merchant_id {
                    if uuid::Uuid::parse_str(merchant).is_err() {
                        return Err(invalid(
                            "merchant_id",
                            format!("{:?} is not a UUID", truncate(merchant, 60)),
                        ));
                    }
                }
            }
            ProviderSettings::Solid(solid) => {
                if solid.token_lifetime_secs == 0 || solid.token_lifetime_secs > 3600 {
                    return Err(invalid(
                        "token_lifetime_secs",
                        "must be between 1 and 3600 seconds".into(),
                    ));
                }
            }
        }
        if self.network.pin_proxy.is_some() && self.solid().is_none_or(|s| s.pin_endpoint.is_none())
        {
            return Err(invalid(
                "pin_proxy",
                "only a Solid profile with a PIN endpoint has a PIN proxy".into(),
            ));
        }
        for proxy in [Some(&self.network.proxy), self.network.pin_proxy.as_ref()]
            .into_iter()
            .flatten()
        {
            if let crate::network::ProxySetting::Url(url) = proxy {
                if url.user().is_some() && !url.to_string().starts_with("http://") {
                    return Err(invalid(
                        "proxy",
                        "only an http:// proxy can take a user name and password".into(),
                    ));
                }
            }
        }
        if let (Some(a), Some(b)) = (
            self.network.proxy.user(),
            self.network.pin_proxy.as_ref().and_then(|p| p.user()),
        ) {
            if a != b {
                return Err(invalid(
                    "pin_proxy",
                    "both proxies must name the same user: a profile keeps one proxy password"
                        .into(),
                ));
            }
        }
        Ok(())
    }

    /// How the profile's environment is badged: a Vault or Solid base URL that is neither the
    /// provider's documented sandbox host, a loopback address nor a marked test host is
    /// production (real cards). Demo profiles are labelled by the desk.
    pub fn environment_kind(&self) -> crate::api::EnvironmentKind {
        use crate::api::EnvironmentKind;
        let sandbox_host = match self.provider() {
            Provider::Vault => VAULT_SANDBOX_URL,
            Provider::Solid => SOLID_SANDBOX_URL,
        };
        match &self.environment {
            Environment::Sandbox | Environment::TestHost(_) => EnvironmentKind::Sandbox,
            Environment::Production => EnvironmentKind::Production,
            Environment::Custom(url) if url.is_loopback() => EnvironmentKind::Local,
            Environment::Custom(url) => {
                let documented = url::Url::parse(sandbox_host).ok();
                let same_host = documented.is_some_and(|d| {
                    d.host_str() == url.as_url().host_str() && d.scheme() == url.as_url().scheme()
                });
                if same_host {
                    EnvironmentKind::Sandbox
                } else {
                    EnvironmentKind::Production
                }
            }
        }
    }

    /// The settings of this profile whose URL is plain `http://` (its requests, secrets
    /// included, travel unencrypted: fine for a local forwarder or test server only).
    pub fn plain_http_settings(&self) -> Vec<&'static str> {
        let mut plain = Vec::new();
        if self.base_url().is_ok_and(|u| u.is_plain_http()) {
            plain.push("environment");
        }
        let signout = self.vault().and_then(|v| v.signout_url.as_ref());
        if signout.is_some_and(BaseUrl::is_plain_http) {
            plain.push("signout_url");
        }
        let pin = self.solid().and_then(|s| s.pin_endpoint.as_ref());
        if pin.is_some_and(BaseUrl::is_plain_http) {
            plain.push("pin_endpoint");
        }
        plain
    }

    /// The provider base URL this profile calls. Fails for Vault `production`, which has no
    /// default host.
    pub fn base_url(&self) -> Result<BaseUrl, ProfileError> {
        let fixed = match (&self.environment, self.provider()) {
            (Environment::Custom(url) | Environment::TestHost(url), _) => return Ok(url.clone()),
            (Environment::Sandbox, Provider::Vault) => VAULT_SANDBOX_URL,
            (Environment::Sandbox, Provider::Solid) => SOLID_SANDBOX_URL,
            (Environment::Production, Provider::Solid) => SOLID_PRODUCTION_URL,
            (Environment::Production, Provider::Vault) => {
                return Err(ProfileError::Invalid {
                    profile: Some(self.id.to_string()),
                    field: "environment",
                    message: "Vault has no default production host: set environment to a URL"
                        .into(),
                })
            }
        };
        BaseUrl::parse(fixed).map_err(|e| ProfileError::Invalid {
            profile: Some(self.id.to_string()),
            field: "environment",
            message: e.message,
        })
    }
}

/// A profile as the file writes it: the provider's name beside one optional block of that
/// provider's settings (defaults when absent). Files written before [`ProviderSettings`]
/// existed have exactly this shape, so they still load.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ProfileRecord {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    id: ProfileId,
    display_name: String,
    provider: Provider,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    environment: Environment,
    /// The base URL is a test host the provider handed out (badged as a sandbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    test_host: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    vault: Option<VaultSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    solid: Option<SolidSettings>,
    /// The proxy and trust; the defaults (no proxy, bundled roots) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    network: Option<NetworkSettings>,
}

impl TryFrom<ProfileRecord> for Profile {
    type Error = ProfileError;
    fn try_from(r: ProfileRecord) -> Result<Self, Self::Error> {
        let mismatch = |field: &'static str, message: &str| ProfileError::Invalid {
            profile: Some(r.id.to_string()),
            field,
            message: message.into(),
        };
        let settings = match (r.provider, r.vault, r.solid) {
            (Provider::Vault, _, Some(_)) => {
                return Err(mismatch(
                    "solid",
                    "a Vault profile cannot have Solid settings",
                ))
            }
            (Provider::Solid, Some(_), _) => {
                return Err(mismatch(
                    "vault",
                    "a Solid profile cannot have Vault settings",
                ))
            }
            (Provider::Vault, vault, None) => ProviderSettings::Vault(vault.unwrap_or_default()),
            (Provider::Solid, None, solid) => ProviderSettings::Solid(solid.unwrap_or_default()),
        };
        let environment = r
            .environment
            .marked_test_host(r.test_host.unwrap_or(false))
            .map_err(|e| e.for_profile(&r.id))?;
        Ok(Profile {
            id: r.id,
            display_name: r.display_name,
            environment,
            settings,
            network: r.network.unwrap_or_default(),
        })
    }
}

impl From<Profile> for ProfileRecord {
    fn from(p: Profile) -> Self {
        let provider = p.provider();
        let (vault, solid) = match p.settings {
            ProviderSettings::Vault(v) => (Some(v), None),
            ProviderSettings::Solid(s) => (None, Some(s)),
        };
        ProfileRecord {
            id: p.id,
            display_name: p.display_name,
            provider,
            test_host: p.environment.is_test_host().then_some(true),
            environment: p.environment,
            vault,
            solid,
            network: (p.network != NetworkSettings::default()).then_some(p.network),
        }
    }
}
