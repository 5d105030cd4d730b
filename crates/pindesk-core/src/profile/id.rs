//! A profile's id: the NAME on the command line and part of its keyring accounts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ProfileError;

/// The longest profile id.
pub const MAX_ID_LEN: usize = 40;

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
