//! Where PinDesk keeps its files: the config dir (the profiles file) and the data dir (the
//! history database and logs).
//!
//! `PINDESK_CONFIG_DIR` and `PINDESK_DATA_DIR` override the OS locations (see docs/INTERFACES.md);
//! otherwise the OS dirs for the app `pindesk` are used (`~/.config/pindesk` and
//! `~/.local/share/pindesk` on Linux, `~/Library/Application Support/…` on macOS,
//! `%APPDATA%\…` on Windows). This module only computes paths: it never creates a directory,
//! reads a file or writes one, and no path it returns ever holds a secret.

use std::path::{Path, PathBuf};

/// The environment variable naming the folder of the profiles file.
pub const CONFIG_DIR_ENV: &str = "PINDESK_CONFIG_DIR";
/// The environment variable naming the folder of the history database and logs.
pub const DATA_DIR_ENV: &str = "PINDESK_DATA_DIR";

/// The file name of the profiles file inside the config dir.
pub const PROFILES_FILE_NAME: &str = "profiles.toml";
/// The file name of the history database inside the data dir.
pub const HISTORY_DB_NAME: &str = "history.sqlite3";

/// The config and data directories PinDesk uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The folder of the profiles file.
    pub config_dir: PathBuf,
    /// The folder of the history database and the logs.
    pub data_dir: PathBuf,
}

/// Why the directories could not be determined.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PathsError {
    /// Neither the override variable is set nor can the OS tell the user's home directory.
    #[error(
        "cannot determine the {what} directory: the OS reports no home directory; \
         set {variable} to a folder PinDesk may use"
    )]
    NoHome {
        /// `config` or `data`.
        what: &'static str,
        /// The variable that would fix it.
        variable: &'static str,
    },
    /// An override variable is set but empty or relative.
    #[error("{variable} must be an absolute path, got {value:?}")]
    NotAbsolute {
        /// The variable at fault.
        variable: &'static str,
        /// Its value.
        value: PathBuf,
    },
}

impl Paths {
    /// Uses exactly these two directories (tests, or a caller with its own choice).
    pub fn new(config_dir: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            config_dir: config_dir.into(),
            data_dir: data_dir.into(),
        }
    }

    /// The directories from `PINDESK_CONFIG_DIR` / `PINDESK_DATA_DIR`, each falling back to
    /// the OS directory for the app `pindesk`.
    pub fn from_env() -> Result<Self, PathsError> {
        Self::from_vars(
            std::env::var_os(CONFIG_DIR_ENV).map(PathBuf::from),
            std::env::var_os(DATA_DIR_ENV).map(PathBuf::from),
        )
    }

    /// [`from_env`](Self::from_env) with the two variables' values passed in.
    fn from_vars(config: Option<PathBuf>, data: Option<PathBuf>) -> Result<Self, PathsError> {
        let checked = |variable: &'static str, value: PathBuf| {
            if value.as_os_str().is_empty() || !value.is_absolute() {
                Err(PathsError::NotAbsolute { variable, value })
            } else {
                Ok(value)
            }
        };
        let config = config.map(|v| checked(CONFIG_DIR_ENV, v)).transpose()?;
        let data = data.map(|v| checked(DATA_DIR_ENV, v)).transpose()?;
        if let (Some(config_dir), Some(data_dir)) = (&config, &data) {
            return Ok(Self::new(config_dir, data_dir));
        }
        let os = directories::ProjectDirs::from("", "", "pindesk");
        let config_dir = match config {
            Some(dir) => dir,
            None => {
                os.as_ref()
                    .map(|d| d.config_dir().to_path_buf())
                    .ok_or(PathsError::NoHome {
                        what: "config",
                        variable: CONFIG_DIR_ENV,
                    })?
            }
        };
        let data_dir = match data {
            Some(dir) => dir,
            None => os
                .as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .ok_or(PathsError::NoHome {
                    what: "data",
                    variable: DATA_DIR_ENV,
                })?,
        };
        Ok(Self {
            config_dir,
            data_dir,
        })
    }

    /// The profiles file, `profiles.toml` in the config dir.
    pub fn profiles_file(&self) -> PathBuf {
        self.config_dir.join(PROFILES_FILE_NAME)
    }

    /// The history database, `history.sqlite3` in the data dir.
    pub fn history_db(&self) -> PathBuf {
        self.data_dir.join(HISTORY_DB_NAME)
    }

    /// This installation's device id, `device-id` in the data dir.
    pub fn device_id_file(&self) -> PathBuf {
        self.data_dir.join("device-id")
    }

    /// The folder for log files, `logs` in the data dir.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// The config dir.
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// The data dir.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_and_files_sit_inside() {
        let paths =
            Paths::from_vars(Some("/tmp/pd-conf".into()), Some("/tmp/pd-data".into())).unwrap();
        assert_eq!(paths, Paths::new("/tmp/pd-conf", "/tmp/pd-data"));
        assert_eq!(
            paths.profiles_file(),
            Path::new("/tmp/pd-conf/profiles.toml")
        );
        assert_eq!(
            paths.history_db(),
            Path::new("/tmp/pd-data/history.sqlite3")
        );
        assert_eq!(paths.log_dir(), Path::new("/tmp/pd-data/logs"));
    }

    #[test]
    fn relative_or_empty_override_is_refused_naming_the_variable() {
        let err = Paths::from_vars(Some("relative/dir".into()), None).unwrap_err();
        assert!(err.to_string().contains(CONFIG_DIR_ENV), "{err}");
        let err = Paths::from_vars(None, Some(PathBuf::new())).unwrap_err();
        assert!(err.to_string().contains(DATA_DIR_ENV), "{err}");
    }

    #[test]
    fn os_dirs_are_used_without_overrides() {
        // The OS dirs need a home directory; skip quietly where the test runner has none.
        if directories::BaseDirs::new().is_none() {
            return;
        }
        let paths = Paths::from_vars(None, Some("/tmp/pd-data".into())).unwrap();
        assert!(paths.config_dir.is_absolute());
        assert!(paths.config_dir.to_string_lossy().contains("pindesk"));
        assert_eq!(paths.data_dir, Path::new("/tmp/pd-data"));
    }
}
