//! Profiles: which provider, environment and settings an operator uses, kept in the profiles
//! file `profiles.toml` in the config dir.
//!
//! This module owns the typed [`ProfilesFile`] and the [`ProfileStore`] that reads and writes
//! it. It never writes a secret: no field for one exists, and the credentials of a profile live
//! in the OS keyring (see [`crate::credentials`]), keyed by the profile's [`ProfileId`].
//!
//! # The file
//! ```toml
//! active = "ops-vault"            # optional: the profile used when none is named
//!
//! [settings]                      # optional, every key has a default
//! history_retention_days = 365
//! idle_timeout_secs = 300
//! clipboard_clear_secs = 30
//!
//! [[profiles]]
//! id = "ops-vault"                # the NAME on the command line: a-z, 0-9, '-', 1 to 40 chars
//! display_name = "Operations (Vault)"
//! provider = "vault"              # vault | solid
//! environment = "sandbox"         # sandbox | production | an https:// URL (http:// to loopback)
//!
//! [profiles.vault]                # only for provider = "vault"; every key optional
//! merchant_id = "0b7f…"           # the X-Merchant-ID sent when signing in (a UUID)
//! rsa_padding = "pkcs1"           # pkcs1 | oaep-sha256 | oaep-sha1
//! auth = "token"                  # token (pasted access token) | sign-in (phone + password)
//! passcode_policy = { min_len = 6 }   # tightens the default passcode policy
//!
//! [[profiles]]
//! id = "ops-solid"
//! display_name = "Operations (Solid)"
//! provider = "solid"
//! environment = "production"
//!
//! [profiles.solid]                # only for provider = "solid"; every key optional
//! pin_endpoint = "https://…"      # where PinDesk sets a PIN itself with the PIN token
//! token_lifetime_secs = 300
//! pin_policy = { }                # tightens the default PIN policy
//! ```
//! Vault has no default production host (the provider assigns one per merchant), so a Vault
//! profile names its production host as a URL; `production` is refused for Vault.
//!
//! # Writing
//! Every change re-reads the file, applies itself and writes the result atomically: a temporary
//! file in the same folder, `fsync`, rename over the old file, `fsync` of the folder. On Unix
//! the file has mode 0600 and a folder created for it 0700. A file that cannot be parsed is
//! reported as [`ProfileError::Corrupt`] with its line and column and is never overwritten:
//! every write re-reads the file first and stops when it cannot, and a [`ProfileStore`] that
//! has seen the file damaged refuses every write ([`ProfileError::WritesBlocked`]) until
//! [`ProfileStore::reset`], the operator's explicit choice, moves the damaged file aside.
//! Two processes changing profiles at the same instant: the last write wins.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::crypto::RsaPadding;
use crate::policy::{PasscodePolicy, PinPolicy};
use crate::validate::BaseUrl;

/// Vault's sandbox base URL.
pub const VAULT_SANDBOX_URL: &str = "https://api.vault.sandbox.testessential.net";
/// Solid's sandbox base URL.
pub const SOLID_SANDBOX_URL: &str = "https://api.sandbox.solidfi.com";
/// Solid's production base URL.
pub const SOLID_PRODUCTION_URL: &str = "https://api.prod.solidfi.com";

/// The longest profile id.
pub const MAX_ID_LEN: usize = 40;
/// The longest display name, in characters.
pub const MAX_DISPLAY_NAME_LEN: usize = 80;

/// A profile's id: lowercase ASCII letters, digits and `-`, 1 to 40 characters, starting with
/// a letter or digit. It is the NAME on the command line and part of the keyring account
/// (`<id>/<kind>`), which is why it cannot hold a `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProfileId(String);

impl ProfileId {
    /// Checks and wraps an id.
    pub fn new(value: impl Into<String>) -> Result<Self, ProfileError> {
        let value = value.into();
        let reason = if value.is_empty() {
            Some("is empty")
        } else if value.len() > MAX_ID_LEN {
            Some("is longer than 40 characters")
        } else if !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            Some("may only hold lowercase letters a-z, digits and '-'")
        } else if value.starts_with('-') {
            Some("must start with a letter or a digit")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(ProfileError::InvalidId {
                value: value.chars().take(60).collect(),
                reason,
            }),
            None => Ok(Self(value)),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ProfileId {
    type Err = ProfileError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for ProfileId {
    type Error = ProfileError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<ProfileId> for String {
    fn from(id: ProfileId) -> Self {
        id.0
    }
}

impl AsRef<str> for ProfileId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The card issuer a profile talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// Which of a provider's hosts a profile uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Environment {
    /// The provider's sandbox host.
    Sandbox,
    /// The provider's production host (Solid only; Vault production is a [`Custom`](Self::Custom) URL).
    Production,
    /// A base URL: `https://`, or `http://` to a loopback host (127.0.0.0/8, `::1`, `localhost`).
    Custom(BaseUrl),
    /// The embedded sandbox of demo mode, whose URL is known only while it runs. Demo profiles
    /// live in memory; [`ProfileStore`] refuses to write one.
    Demo,
}

impl Environment {
    /// Parses `sandbox`, `production`, `demo` or a base URL (checked as [`Custom`](Self::Custom) requires).
    pub fn parse(value: &str) -> Result<Self, ProfileError> {
        match value {
            "sandbox" => Ok(Environment::Sandbox),
            "production" => Ok(Environment::Production),
            "demo" => Ok(Environment::Demo),
            url => check_base_url(url)
                .map(Environment::Custom)
                .map_err(|message| ProfileError::Invalid {
                    profile: None,
                    field: "environment",
                    message,
                }),
        }
    }

    /// `sandbox`, `production`, `demo` or the URL, as written in the file and the history.
    pub fn as_string(&self) -> String {
        match self {
            Environment::Sandbox => "sandbox".into(),
            Environment::Production => "production".into(),
            Environment::Demo => "demo".into(),
            Environment::Custom(url) => url.as_str().to_owned(),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl FromStr for Environment {
    type Err = ProfileError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Environment {
    type Error = ProfileError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Environment> for String {
    fn from(env: Environment) -> Self {
        env.as_string()
    }
}

/// Checks a base URL with [`BaseUrl::parse`], the error text naming the value.
fn check_base_url(value: &str) -> Result<BaseUrl, String> {
    BaseUrl::parse(value).map_err(|e| {
        let shown = truncate(value, 80);
        format!("{shown:?}: {}", e.message)
    })
}

/// How a Vault profile obtains its bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
#[serde(deny_unknown_fields)]
pub struct VaultSettings {
    /// The merchant's UUID, sent as `X-Merchant-ID` when signing in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// The RSA padding for the passcode (`pkcs1` by default).
    #[serde(default)]
    pub rsa_padding: RsaPadding,
    /// How the bearer token is obtained.
    #[serde(default)]
    pub auth: VaultAuth,
    /// Tightenings of the default passcode policy (the default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode_policy: Option<PasscodePolicy>,
}

fn default_token_lifetime_secs() -> u64 {
    300
}

/// A Solid profile's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolidSettings {
    /// Base URL of Solid's PCI-scoped PIN channel; when set PinDesk sets PINs itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_endpoint: Option<BaseUrl>,
    /// How long a PIN token is shown as usable, in seconds (default 300).
    #[serde(default = "default_token_lifetime_secs")]
    pub token_lifetime_secs: u64,
    /// Tightenings of the default PIN policy (the default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_policy: Option<PinPolicy>,
}

impl Default for SolidSettings {
    fn default() -> Self {
        Self {
            pin_endpoint: None,
            token_lifetime_secs: default_token_lifetime_secs(),
            pin_policy: None,
        }
    }
}

/// One profile: a provider, an environment and their settings. Holds no secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The id, also the NAME on the command line.
    pub id: ProfileId,
    /// The name shown in the app.
    pub display_name: String,
    /// The provider.
    pub provider: Provider,
    /// The provider's environment.
    pub environment: Environment,
    /// Vault settings (for `provider = "vault"` only; defaults when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultSettings>,
    /// Solid settings (for `provider = "solid"` only; defaults when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solid: Option<SolidSettings>,
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
            provider,
            environment,
            vault: (provider == Provider::Vault).then(VaultSettings::default),
            solid: (provider == Provider::Solid).then(SolidSettings::default),
        }
    }

    /// The Vault settings in force (the defaults when the profile has none).
    pub fn vault_settings(&self) -> VaultSettings {
        self.vault.clone().unwrap_or_default()
    }

    /// The Solid settings in force (the defaults when the profile has none).
    pub fn solid_settings(&self) -> SolidSettings {
        self.solid.clone().unwrap_or_default()
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
        match self.provider {
            Provider::Vault => {
                if self.solid.is_some() {
                    return Err(invalid(
                        "solid",
                        "a Vault profile cannot have Solid settings".into(),
                    ));
                }
                if self.environment == Environment::Production {
                    return Err(invalid(
                        "environment",
                        "Vault has no default production host: set environment to the \
                         https:// base URL your Vault contact gave you"
                            .into(),
                    ));
                }
                let vault = self.vault_settings();
                if let Some(merchant) = &vault.merchant_id {
                    if uuid::Uuid::parse_str(merchant).is_err() {
                        return Err(invalid(
                            "merchant_id",
                            format!("{:?} is not a UUID", truncate(merchant, 60)),
                        ));
                    }
                }
            }
            Provider::Solid => {
                if self.vault.is_some() {
                    return Err(invalid(
                        "vault",
                        "a Solid profile cannot have Vault settings".into(),
                    ));
                }
                let solid = self.solid_settings();
                if solid.token_lifetime_secs == 0 || solid.token_lifetime_secs > 3600 {
                    return Err(invalid(
                        "token_lifetime_secs",
                        "must be between 1 and 3600 seconds".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The provider base URL this profile calls. Fails for a Demo profile (its URL is the
    /// running sandbox's) and for Vault `production`, which has no default host.
    pub fn base_url(&self) -> Result<BaseUrl, ProfileError> {
        let fixed = match (&self.environment, self.provider) {
            (Environment::Custom(url), _) => return Ok(url.clone()),
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
            (Environment::Demo, _) => {
                return Err(ProfileError::Invalid {
                    profile: Some(self.id.to_string()),
                    field: "environment",
                    message: "a demo profile's base URL is the running sandbox's".into(),
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

fn default_retention_days() -> u32 {
    365
}
fn default_idle_timeout_secs() -> u64 {
    300
}
fn default_clipboard_clear_secs() -> u64 {
    30
}

/// Application-wide settings kept in the profiles file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    /// History entries older than this many days are deleted (default 365).
    #[serde(default = "default_retention_days")]
    pub history_retention_days: u32,
    /// After this many idle seconds the app clears its forms and locks (default 300).
    #[serde(default = "default_idle_timeout_secs")]
    pub idle_timeout_secs: u64,
    /// A copied PIN token is cleared from the clipboard after this many seconds (default 30).
    #[serde(default = "default_clipboard_clear_secs")]
    pub clipboard_clear_secs: u64,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            history_retention_days: default_retention_days(),
            idle_timeout_secs: default_idle_timeout_secs(),
            clipboard_clear_secs: default_clipboard_clear_secs(),
        }
    }
}

/// The whole profiles file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilesFile {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<ProfileId>,
    /// Application settings.
    #[serde(default)]
    pub settings: AppSettings,
    /// The profiles, in the order they were added.
    #[serde(default)]
    pub profiles: Vec<Profile>,
}

impl ProfilesFile {
    /// The profile with this id.
    pub fn get(&self, id: &ProfileId) -> Option<&Profile> {
        self.profiles.iter().find(|p| &p.id == id)
    }

    /// The active profile, if one is set and exists.
    pub fn active_profile(&self) -> Option<&Profile> {
        self.active.as_ref().and_then(|id| self.get(id))
    }

    /// Checks every profile and that ids are unique and `active` names one of them.
    pub fn validate(&self) -> Result<(), ProfileError> {
        for (i, profile) in self.profiles.iter().enumerate() {
            profile.validate()?;
            if self.profiles[..i].iter().any(|p| p.id == profile.id) {
                return Err(ProfileError::AlreadyExists {
                    id: profile.id.to_string(),
                });
            }
        }
        if let Some(active) = &self.active {
            if self.get(active).is_none() {
                return Err(ProfileError::Invalid {
                    profile: None,
                    field: "active",
                    message: format!("names {active}, which is not a profile in the file"),
                });
            }
        }
        Ok(())
    }
}

/// What went wrong with a profile or the profiles file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The profiles file (or its folder) could not be read.
    #[error("cannot read the profiles file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The profiles file is not valid TOML or does not match the format. It is left as it is.
    #[error(
        "the profiles file {} is damaged at line {line}, column {column}: {message}. \
         Fix it in a text editor, or reset it (the damaged file is kept beside it)",
        path.display()
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What the parser says (without quoting the file's content).
        message: String,
    },
    /// A write was refused because the file on disk could not be read earlier; writing would
    /// lose what it holds.
    #[error(
        "the profiles file {} is damaged; it will not be overwritten until you fix or reset it",
        path.display()
    )]
    WritesBlocked {
        /// The file.
        path: PathBuf,
    },
    /// The profiles file (or its folder) could not be written.
    #[error("cannot write the profiles file {}: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A profile id is not a valid slug.
    #[error("invalid profile name {value:?}: it {reason}")]
    InvalidId {
        /// The refused value (shortened).
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A profile field breaks a rule.
    #[error("{}{field}: {message}", profile.as_ref().map(|p| format!("profile {p}: ")).unwrap_or_default())]
    Invalid {
        /// The profile concerned, when known.
        profile: Option<String>,
        /// The field at fault, as named in the file.
        field: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// No profile has this id.
    #[error("no profile named {id}")]
    NotFound {
        /// The id asked for.
        id: String,
    },
    /// A profile with this id exists already.
    #[error("a profile named {id} exists already")]
    AlreadyExists {
        /// The id.
        id: String,
    },
    /// Demo profiles live in memory only.
    #[error("profile {id} is a demo profile; demo profiles are never written to disk")]
    DemoNotStored {
        /// The id.
        id: String,
    },
}

impl ProfileError {
    /// The error category: bad input for validation errors, `internal` for file trouble.
    pub fn category(&self) -> crate::error::Category {
        use crate::error::Category;
        match self {
            ProfileError::InvalidId { .. }
            | ProfileError::Invalid { .. }
            | ProfileError::NotFound { .. }
            | ProfileError::AlreadyExists { .. }
            | ProfileError::DemoNotStored { .. } => Category::Validation,
            _ => Category::Internal,
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Reads and writes the profiles file. Cheap to create; holds no profile in memory.
#[derive(Debug)]
pub struct ProfileStore {
    path: PathBuf,
    /// Set once a read found the file damaged; cleared only by [`reset`](Self::reset).
    blocked: Mutex<bool>,
}

impl ProfileStore {
    /// A store over the profiles file at `path` (usually [`Paths::profiles_file`](crate::paths::Paths::profiles_file)).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            blocked: Mutex::new(false),
        }
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, bool> {
        // A panic while holding the lock leaves a plain bool behind: still meaningful.
        self.blocked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the file. A missing file is an empty [`ProfilesFile`]; a damaged one is
    /// [`ProfileError::Corrupt`] and blocks every later write of this store until
    /// [`reset`](Self::reset).
    pub fn load(&self) -> Result<ProfilesFile, ProfileError> {
        let mut blocked = self.lock();
        self.read(&mut blocked)
    }

    fn read(&self, blocked: &mut bool) -> Result<ProfilesFile, ProfileError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ProfilesFile::default()),
            Err(source) => {
                return Err(ProfileError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        let corrupt = |line, column, message: String| ProfileError::Corrupt {
            path: self.path.clone(),
            line,
            column,
            message,
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                *blocked = true;
                let bytes = e.as_bytes();
                let offset = e.utf8_error().valid_up_to();
                let valid = String::from_utf8_lossy(&bytes[..offset]);
                let (line, column) = line_column(&valid, valid.len());
                return Err(corrupt(line, column, "the file is not UTF-8 text".into()));
            }
        };
        let file: ProfilesFile = match toml::from_str(&text) {
            Ok(file) => file,
            Err(e) => {
                *blocked = true;
                let (line, column) = e
                    .span()
                    .map_or((1, 1), |span| line_column(&text, span.start));
                return Err(corrupt(line, column, e.message().trim().to_owned()));
            }
        };
        if let Err(e) = file.validate() {
            *blocked = true;
            return Err(corrupt(1, 1, e.to_string()));
        }
        Ok(file)
    }

    /// Re-reads the file, applies `change` and writes the result atomically. Nothing is
    /// written when reading fails, when a damaged file was seen before, or when `change` fails.
    fn modify<T>(
        &self,
        change: impl FnOnce(&mut ProfilesFile) -> Result<T, ProfileError>,
    ) -> Result<T, ProfileError> {
        let mut blocked = self.lock();
        if *blocked {
            return Err(ProfileError::WritesBlocked {
                path: self.path.clone(),
            });
        }
        let mut file = self.read(&mut blocked)?;
        let out = change(&mut file)?;
        file.validate()?;
        self.write(&file)?;
        Ok(out)
    }

    fn write(&self, file: &ProfilesFile) -> Result<(), ProfileError> {
        let text = toml::to_string_pretty(file).map_err(|e| ProfileError::Write {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        let content = format!(
            "# PinDesk profiles. Holds no secret: credentials live in the OS keyring.\n\
             # Format: docs/CONFIG.md.\n\n{text}"
        );
        write_atomically(&self.path, content.as_bytes())
    }

    /// Adds a profile. Fails if the id is taken or the profile breaks a rule.
    pub fn add(&self, profile: Profile) -> Result<(), ProfileError> {
        refuse_demo(&profile)?;
        profile.validate()?;
        self.modify(|file| {
            if file.get(&profile.id).is_some() {
                return Err(ProfileError::AlreadyExists {
                    id: profile.id.to_string(),
                });
            }
            file.profiles.push(profile);
            Ok(())
        })
    }

    /// Replaces the profile with the same id.
    pub fn update(&self, profile: Profile) -> Result<(), ProfileError> {
        refuse_demo(&profile)?;
        profile.validate()?;
        self.modify(|file| {
            let slot = file
                .profiles
                .iter_mut()
                .find(|p| p.id == profile.id)
                .ok_or_else(|| ProfileError::NotFound {
                    id: profile.id.to_string(),
                })?;
            *slot = profile;
            Ok(())
        })
    }

    /// Removes a profile and returns it; clears `active` if it named it. The caller deletes
    /// the profile's keyring entries ([`SecretStore::delete_all`](crate::credentials::SecretStore::delete_all)).
    pub fn remove(&self, id: &ProfileId) -> Result<Profile, ProfileError> {
        self.modify(|file| {
            let index = file
                .profiles
                .iter()
                .position(|p| &p.id == id)
                .ok_or_else(|| ProfileError::NotFound { id: id.to_string() })?;
            if file.active.as_ref() == Some(id) {
                file.active = None;
            }
            Ok(file.profiles.remove(index))
        })
    }

    /// Makes a profile the active one (`None` clears it).
    pub fn set_active(&self, id: Option<&ProfileId>) -> Result<(), ProfileError> {
        self.modify(|file| {
            if let Some(id) = id {
                if file.get(id).is_none() {
                    return Err(ProfileError::NotFound { id: id.to_string() });
                }
            }
            file.active = id.cloned();
            Ok(())
        })
    }

    /// Replaces the application settings.
    pub fn set_settings(&self, settings: AppSettings) -> Result<(), ProfileError> {
        self.modify(|file| {
            file.settings = settings;
            Ok(())
        })
    }

    /// The profile with this id.
    pub fn get(&self, id: &ProfileId) -> Result<Profile, ProfileError> {
        self.load()?
            .get(id)
            .cloned()
            .ok_or_else(|| ProfileError::NotFound { id: id.to_string() })
    }

    /// Every profile, in file order.
    pub fn list(&self) -> Result<Vec<Profile>, ProfileError> {
        Ok(self.load()?.profiles)
    }

    /// The operator's explicit reset: moves the current file aside to
    /// `profiles.toml.damaged-<unix seconds>` (when one exists) and allows writes again.
    /// Returns where the old file went.
    pub fn reset(&self, now: time::OffsetDateTime) -> Result<Option<PathBuf>, ProfileError> {
        let mut blocked = self.lock();
        if !self.path.exists() {
            *blocked = false;
            return Ok(None);
        }
        let mut aside = self.path.as_os_str().to_owned();
        aside.push(format!(".damaged-{}", now.unix_timestamp()));
        let aside = PathBuf::from(aside);
        fs::rename(&self.path, &aside).map_err(|source| ProfileError::Write {
            path: aside.clone(),
            source,
        })?;
        *blocked = false;
        Ok(Some(aside))
    }
}

fn refuse_demo(profile: &Profile) -> Result<(), ProfileError> {
    if profile.environment == Environment::Demo {
        Err(ProfileError::DemoNotStored {
            id: profile.id.to_string(),
        })
    } else {
        Ok(())
    }
}

/// Creates `dir` (and missing parents) with mode 0700 on Unix.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to `path` atomically: temporary file in the same folder (mode 0600 on
/// Unix), fsync, rename, fsync of the folder.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ProfileError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ProfileError::Write { path, source }
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    create_private_dir(dir).map_err(err(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".profiles.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err(dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(err(tmp.path()))?;
    }
    tmp.write_all(bytes).map_err(err(path))?;
    tmp.as_file().sync_all().map_err(err(path))?;
    tmp.persist(path).map_err(|e| ProfileError::Write {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(err(dir))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ProfileId {
        ProfileId::new(s).unwrap()
    }

    fn vault(name: &str) -> Profile {
        Profile::new(id(name), "Ops Vault", Provider::Vault, Environment::Sandbox)
    }

    fn solid(name: &str) -> Profile {
        Profile::new(
            id(name),
            "Ops Solid",
            Provider::Solid,
            Environment::Production,
        )
    }

    fn store() -> (tempfile::TempDir, ProfileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().join("conf").join("profiles.toml"));
        (dir, store)
    }

    #[test]
    fn profile_ids_are_slugs() {
        for ok in ["a", "ops-vault", "x1", &"a".repeat(40)] {
            assert!(ProfileId::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Ops", "a/b", "a b", "-a", "é", &"a".repeat(41), "a_b"] {
            assert!(ProfileId::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn environments_parse_and_check_urls() {
        assert_eq!(Environment::parse("sandbox").unwrap(), Environment::Sandbox);
        assert_eq!(
            Environment::parse("production").unwrap(),
            Environment::Production
        );
        assert!(Environment::parse("https://vault.example.com").is_ok());
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.2.3.4",
            "http://[::1]:9",
            "http://localhost:1",
        ] {
            assert!(Environment::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "ftp://x",
            "staging",
            "https://u:p@h.example",
            "https://h.example/?a=1",
        ] {
            let err = Environment::parse(bad).unwrap_err();
            assert!(err.to_string().starts_with("environment:"), "{err}");
        }
    }

    #[test]
    fn base_urls_follow_the_provider_contract() {
        assert_eq!(
            vault("v").base_url().unwrap().as_str(),
            "https://api.vault.sandbox.testessential.net"
        );
        assert_eq!(
            solid("s").base_url().unwrap().as_str(),
            "https://api.prod.solidfi.com"
        );
        let mut s = solid("s");
        s.environment = Environment::Sandbox;
        assert_eq!(
            s.base_url().unwrap().as_str(),
            "https://api.sandbox.solidfi.com"
        );
    }

    #[test]
    fn vault_production_is_refused_naming_environment() {
        let mut p = vault("v");
        p.environment = Environment::Production;
        let err = p.validate().unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("environment") && text.contains("URL"),
            "{text}"
        );
        p.environment = Environment::parse("https://vault.prod.example").unwrap();
        p.validate().unwrap();
    }

    #[test]
    fn settings_are_checked() {
        let mut p = vault("v");
        p.vault.as_mut().unwrap().merchant_id = Some("not-a-uuid".into());
        assert!(p
            .validate()
            .unwrap_err()
            .to_string()
            .contains("merchant_id"));
        p.vault.as_mut().unwrap().merchant_id = Some("0b7f4e4a-3f2c-4d8e-9a2b-1c2d3e4f5a6b".into());
        p.validate().unwrap();
        let mut s = solid("s");
        s.solid.as_mut().unwrap().token_lifetime_secs = 0;
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("token_lifetime_secs"));
        s.solid.as_mut().unwrap().token_lifetime_secs = 300;
        s.solid = None;
        s.vault = Some(VaultSettings::default());
        assert!(s.validate().is_err());
    }

    #[test]
    fn missing_file_is_empty_and_round_trips() {
        let (_dir, store) = store();
        assert_eq!(store.load().unwrap(), ProfilesFile::default());
        let mut v = vault("ops-vault");
        v.vault.as_mut().unwrap().auth = VaultAuth::SignIn;
        v.vault.as_mut().unwrap().passcode_policy = Some(toml::from_str("min_len = 6").unwrap());
        assert_eq!(v.vault_settings().passcode_policy.unwrap().min_len, 6);
        store.add(v.clone()).unwrap();
        store.add(solid("ops-solid")).unwrap();
        store.set_active(Some(&id("ops-solid"))).unwrap();
        let file = store.load().unwrap();
        assert_eq!(file.profiles, vec![v.clone(), solid("ops-solid")]);
        assert_eq!(file.active_profile().unwrap().id, id("ops-solid"));
        assert_eq!(file.settings, AppSettings::default());
        assert_eq!(store.get(&id("ops-vault")).unwrap(), v);
        assert_eq!(store.list().unwrap().len(), 2);
        let text = fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("auth = \"sign-in\""), "{text}");
        assert!(text.contains("environment = \"production\""), "{text}");
    }

    #[test]
    fn add_update_remove_and_active() {
        let (_dir, store) = store();
        store.add(vault("a")).unwrap();
        assert!(matches!(
            store.add(vault("a")),
            Err(ProfileError::AlreadyExists { .. })
        ));
        let mut a = vault("a");
        a.display_name = "Renamed".into();
        store.update(a).unwrap();
        assert_eq!(store.get(&id("a")).unwrap().display_name, "Renamed");
        assert!(matches!(
            store.update(vault("b")),
            Err(ProfileError::NotFound { .. })
        ));
        assert!(matches!(
            store.set_active(Some(&id("zz"))),
            Err(ProfileError::NotFound { .. })
        ));
        store.set_active(Some(&id("a"))).unwrap();
        let removed = store.remove(&id("a")).unwrap();
        assert_eq!(removed.display_name, "Renamed");
        let file = store.load().unwrap();
        assert!(file.active.is_none() && file.profiles.is_empty());
        assert!(matches!(
            store.remove(&id("a")),
            Err(ProfileError::NotFound { .. })
        ));
    }

    #[test]
    fn demo_and_invalid_profiles_are_not_written() {
        let (_dir, store) = store();
        let mut d = vault("demo-vault");
        d.environment = Environment::Demo;
        assert!(matches!(
            store.add(d),
            Err(ProfileError::DemoNotStored { .. })
        ));
        let mut bad = vault("v");
        bad.display_name = " ".into();
        assert!(store.add(bad).is_err());
        assert!(!store.path().exists());
    }

    #[test]
    fn defaults_fill_a_minimal_file() {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(
            store.path(),
            "[[profiles]]\nid = \"s\"\ndisplay_name = \"S\"\nprovider = \"solid\"\nenvironment = \"sandbox\"\n\
             [profiles.solid]\n",
        )
        .unwrap();
        let file = store.load().unwrap();
        assert_eq!(file.settings.history_retention_days, 365);
        assert_eq!(file.profiles[0].solid_settings().token_lifetime_secs, 300);
        assert_eq!(
            file.profiles[0].vault_settings().rsa_padding,
            RsaPadding::Pkcs1
        );
    }

    #[test]
    fn corrupt_file_reports_position_and_is_never_overwritten() {
        let (_dir, store) = store();
        store.add(vault("a")).unwrap();
        let damaged = "active = \"a\"\n\n[[profiles]]\nid = \"a\"\ndisplay_name = = \"x\"\n";
        fs::write(store.path(), damaged).unwrap();
        match store.load() {
            Err(ProfileError::Corrupt { line, column, .. }) => {
                assert_eq!(line, 5);
                assert!(column > 1, "{column}");
            }
            other => panic!("{other:?}"),
        }
        // This store refuses every write until the operator resets: the damaged content
        // stays on disk.
        assert!(matches!(
            store.add(vault("b")),
            Err(ProfileError::WritesBlocked { .. })
        ));
        assert!(matches!(
            store.set_active(None),
            Err(ProfileError::WritesBlocked { .. })
        ));
        assert_eq!(fs::read_to_string(store.path()).unwrap(), damaged);

        let aside = store
            .reset(time::macros::datetime!(2026-01-02 03:04:05 UTC))
            .unwrap()
            .unwrap();
        assert_eq!(fs::read_to_string(&aside).unwrap(), damaged);
        assert!(aside.to_string_lossy().ends_with(".damaged-1767323045"));
        store.add(vault("b")).unwrap();
        assert_eq!(store.list().unwrap().len(), 1);
    }

    #[test]
    fn unknown_field_and_invalid_value_are_corrupt_with_position() {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(
            store.path(),
            "[[profiles]]\nid = \"s\"\ndisplay_name = \"S\"\nprovider = \"solid\"\nenvironment = \"sandbox\"\napi_key = \"x\"\n",
        )
        .unwrap();
        match store.load() {
            Err(ProfileError::Corrupt { line, message, .. }) => {
                assert!(line >= 1);
                assert!(message.contains("api_key"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        fs::write(store.path(), b"active = \"\xff\"\n").unwrap();
        let fresh = ProfileStore::new(store.path());
        assert!(matches!(
            fresh.load(),
            Err(ProfileError::Corrupt { line: 1, .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn file_is_0600_and_new_dir_0700_and_no_temp_left() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, store) = store();
        store.add(vault("a")).unwrap();
        let mode = fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir = store.path().parent().unwrap();
        let mode = fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("profiles.toml")]);
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("", 0), (1, 1));
    }
}
