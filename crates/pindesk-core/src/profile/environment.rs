//! Which of a provider's hosts a profile calls.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{truncate, ProfileError};
use crate::validate::BaseUrl;

/// Vault's sandbox base URL.
pub const VAULT_SANDBOX_URL: &str = "https://api.vault.sandbox.testessential.net";
/// Solid's sandbox base URL.
pub const SOLID_SANDBOX_URL: &str = "https://api.sandbox.solidfi.com";
/// Solid's production base URL.
pub const SOLID_PRODUCTION_URL: &str = "https://api.prod.solidfi.com";

/// Which of a provider's hosts a profile uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Environment {
    /// The provider's sandbox host.
    Sandbox,
    /// The provider's production host (Solid only; Vault production is a [`Custom`](Self::Custom) URL).
    Production,
    /// A base URL: `https://`, or `http://` to a loopback host (127.0.0.0/8, `::1`, `localhost`).
    /// Any host but the provider's documented sandbox and loopback is production.
    Custom(BaseUrl),
    /// A non-loopback base URL the provider handed out for testing, marked so by the operator
    /// (`test_host = true` in the file): badged as a sandbox.
    TestHost(BaseUrl),
}

impl Environment {
    /// Parses `sandbox`, `production` or a base URL (checked as [`Custom`](Self::Custom) requires).
    pub fn parse(value: &str) -> Result<Self, ProfileError> {
        match value {
            "sandbox" => Ok(Environment::Sandbox),
            "production" => Ok(Environment::Production),
            "demo" => Err(ProfileError::Invalid {
                profile: None,
                field: "environment",
                message: "demo profiles are created by demo mode, not stored".into(),
            }),
            url => check_base_url(url)
                .map(Environment::Custom)
                .map_err(|message| ProfileError::Invalid {
                    profile: None,
                    field: "environment",
                    message,
                }),
        }
    }

    /// `sandbox`, `production` or the URL, as written in the file and the history.
    pub fn as_string(&self) -> String {
        match self {
            Environment::Sandbox => "sandbox".into(),
            Environment::Production => "production".into(),
            Environment::Custom(url) | Environment::TestHost(url) => url.as_str().to_owned(),
        }
    }

    /// This environment, marked as a provider's test host when `marked`. Only a base URL
    /// other than a loopback one can be marked (field `test_host`).
    pub fn marked_test_host(self, marked: bool) -> Result<Self, ProfileError> {
        match (self, marked) {
            (env, false) => Ok(env),
            (Environment::Custom(url), true) if !url.is_loopback() => {
                Ok(Environment::TestHost(url))
            }
            (env @ Environment::TestHost(_), true) => Ok(env),
            (_, true) => Err(ProfileError::Invalid {
                profile: None,
                field: "test_host",
                message: "only a base URL other than a loopback one can be marked a test host"
                    .into(),
            }),
        }
    }

    /// Whether this is a marked test host.
    pub fn is_test_host(&self) -> bool {
        matches!(self, Environment::TestHost(_))
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
