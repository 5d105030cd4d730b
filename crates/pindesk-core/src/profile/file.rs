//! The whole profiles file: app-wide settings, the profiles and the active one.

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

use super::{Profile, ProfileError, ProfileId};

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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    /// History entries older than this many days are deleted (default 365).
    #[serde(default = "default_retention_days")]
    pub history_retention_days: u32,
    /// After this many idle seconds the app clears its forms and locks (default 300).
    #[serde(default = "default_idle_timeout_secs")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub idle_timeout_secs: u64,
    /// A copied PIN token is cleared from the clipboard after this many seconds (default 30).
    #[serde(default = "default_clipboard_clear_secs")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub clipboard_clear_secs: u64,
}

impl AppSettings {
    /// The settings out of their range: each key as the file names it, and why.
    fn out_of_range(&self) -> Vec<(&'static str, &'static str)> {
        let mut bad = Vec::new();
        if !(1..=3650).contains(&self.history_retention_days) {
            bad.push((
                "history_retention_days",
                "keep history between 1 and 3650 days",
            ));
        }
        if !(30..=900).contains(&self.idle_timeout_secs) {
            bad.push((
                "idle_timeout_secs",
                "the idle timeout must be between 30 and 900 seconds (15 minutes)",
            ));
        }
        if !(5..=120).contains(&self.clipboard_clear_secs) {
            bad.push((
                "clipboard_clear_secs",
                "clear the clipboard after 5 to 120 seconds",
            ));
        }
        bad
    }

    /// Checks each setting's range; the error names the key as the file does.
    pub fn validate(&self) -> Result<(), ProfileError> {
        match self.out_of_range().first() {
            Some(&(field, message)) => Err(ProfileError::Invalid {
                profile: None,
                field,
                message: message.into(),
            }),
            None => Ok(()),
        }
    }

    /// How many days of history to keep: never none, whatever the value says.
    pub fn history_retention(&self) -> NonZeroU32 {
        NonZeroU32::new(self.history_retention_days).unwrap_or(NonZeroU32::MIN)
    }

    /// These settings with every value out of its range replaced by its default (a file
    /// edited by hand must not, say, make retention delete the whole history), and what was
    /// replaced: the key and why.
    pub fn with_safe_defaults(mut self) -> (Self, Vec<(&'static str, &'static str)>) {
        let bad = self.out_of_range();
        let defaults = Self::default();
        for &(key, _) in &bad {
            match key {
                "history_retention_days" => {
                    self.history_retention_days = defaults.history_retention_days;
                }
                "idle_timeout_secs" => self.idle_timeout_secs = defaults.idle_timeout_secs,
                _ => self.clipboard_clear_secs = defaults.clipboard_clear_secs,
            }
        }
        (self, bad)
    }
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
