//! The machine-wide configuration an administrator writes and a user cannot override:
//!
//! | OS | file |
//! | --- | --- |
//! | Linux | `/etc/pindesk/config.toml` |
//! | macOS | `/Library/Application Support/PinDesk/config.toml` |
//! | Windows | `%ProgramData%\PinDesk\config.toml` |
//!
//! ```toml
//! kiosk = true              # start as a kiosk, whatever the command line says
//! idle_timeout_secs = 120   # clear everything after this much inactivity (capped at 900)
//! ```
//!
//! `PINDESK_SYSTEM_CONFIG` names one more file, read *in addition to* the machine's (tests use it
//! to start a kiosk with a short timeout). The two are merged strictly — kiosk if either says so,
//! the shorter idle timeout — so the variable can only tighten, never loosen, what the machine's
//! file says.
//!
//! A file that is absent is no configuration. A file that exists but cannot be read or parsed
//! (bad TOML, an unknown key, a zero timeout) fails closed: the app starts as a kiosk with the
//! kiosk's default timeout, and the error is logged and printed.

use crate::kiosk::{KIOSK_IDLE_SECS, MAX_IDLE_SECS};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The variable naming an extra system config file (it can only tighten the machine's).
pub const EXTRA_VAR: &str = "PINDESK_SYSTEM_CONFIG";

/// What the machine-wide configuration imposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SystemConfig {
    /// Start as a kiosk whatever the command line says.
    pub kiosk: bool,
    /// The longest idle time allowed, already capped at [`MAX_IDLE_SECS`].
    pub idle_timeout_secs: Option<u64>,
}

/// A system config file that exists but cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SystemConfigError {
    /// The file exists but could not be read.
    #[error("the system config {path} cannot be read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has an unknown key or a bad value.
    #[error("the system config {path} is malformed: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The parser's explanation (line and column included).
        message: String,
    },
}

/// The file's keys; anything else is an error, so a typo never silently loosens the machine.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    kiosk: bool,
    idle_timeout_secs: Option<u64>,
}

impl SystemConfig {
    /// What fails closed: a kiosk with the kiosk's default idle timeout.
    pub const FAIL_CLOSED: SystemConfig = SystemConfig {
        kiosk: true,
        idle_timeout_secs: Some(KIOSK_IDLE_SECS),
    };

    /// Reads one file: `Ok(None)` when it does not exist.
    pub fn read(path: &Path) -> Result<Option<SystemConfig>, SystemConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(SystemConfigError::Read {
                    path: path.to_owned(),
                    source,
                })
            }
        };
        let malformed = |message: String| SystemConfigError::Malformed {
            path: path.to_owned(),
            message,
        };
        let file: File = toml::from_str(&text).map_err(|e| malformed(e.to_string()))?;
        if file.idle_timeout_secs == Some(0) {
            return Err(malformed("idle_timeout_secs must be at least 1".into()));
        }
        Ok(Some(SystemConfig {
            kiosk: file.kiosk,
            idle_timeout_secs: file.idle_timeout_secs.map(|s| s.min(MAX_IDLE_SECS)),
        }))
    }

    /// Reads every file in `paths` and merges them strictly. A file that cannot be used counts
    /// as [`FAIL_CLOSED`](Self::FAIL_CLOSED); its error is returned beside the result.
    pub fn load(paths: &[PathBuf]) -> (SystemConfig, Vec<SystemConfigError>) {
        let mut merged = SystemConfig::default();
        let mut errors = Vec::new();
        for path in paths {
            let one = match Self::read(path) {
                Ok(one) => one.unwrap_or_default(),
                Err(e) => {
                    errors.push(e);
                    Self::FAIL_CLOSED
                }
            };
            merged = merged.strictest(one);
        }
        (merged, errors)
    }

    /// The stricter of two configurations, field by field.
    pub fn strictest(self, other: SystemConfig) -> SystemConfig {
        SystemConfig {
            kiosk: self.kiosk || other.kiosk,
            idle_timeout_secs: match (self.idle_timeout_secs, other.idle_timeout_secs) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

/// The machine's system config file on this OS (`None` where it cannot be determined).
pub fn machine_path() -> Option<PathBuf> {
    if cfg!(target_os = "windows") {
        std::env::var_os("ProgramData")
            .map(|dir| PathBuf::from(dir).join("PinDesk").join("config.toml"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from(
            "/Library/Application Support/PinDesk/config.toml",
        ))
    } else {
        Some(PathBuf::from("/etc/pindesk/config.toml"))
    }
}

/// The files to read: the machine's, then the one `PINDESK_SYSTEM_CONFIG` names, if set.
pub fn paths_from_env() -> Vec<PathBuf> {
    machine_path()
        .into_iter()
        .chain(
            std::env::var_os(EXTRA_VAR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn an_absent_file_imposes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("config.toml");
        assert_eq!(SystemConfig::read(&missing).unwrap(), None);
        let (config, errors) = SystemConfig::load(&[missing]);
        assert_eq!(config, SystemConfig::default());
        assert!(errors.is_empty());
    }

    #[test]
    fn kiosk_is_forced_and_the_timeout_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(&dir, "c.toml", "kiosk = true\nidle_timeout_secs = 120\n");
        assert_eq!(
            SystemConfig::read(&path).unwrap(),
            Some(SystemConfig {
                kiosk: true,
                idle_timeout_secs: Some(120)
            })
        );
    }

    #[test]
    fn the_idle_timeout_is_capped_at_15_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(&dir, "c.toml", "idle_timeout_secs = 86400\n");
        let config = SystemConfig::read(&path).unwrap().unwrap();
        assert_eq!(config.idle_timeout_secs, Some(MAX_IDLE_SECS));
        assert!(!config.kiosk);
    }

    #[test]
    fn a_malformed_file_is_a_clear_error_and_fails_closed() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text, expect) in [
            ("syntax.toml", "kiosk = tru\n", "line 1"),
            ("typo.toml", "kiosK = false\n", "unknown field"),
            ("type.toml", "kiosk = \"no\"\n", "invalid type"),
            ("zero.toml", "idle_timeout_secs = 0\n", "at least 1"),
        ] {
            let path = file(&dir, name, text);
            let err = SystemConfig::read(&path).unwrap_err().to_string();
            assert!(err.contains("malformed"), "{name}: {err}");
            assert!(
                err.contains(name),
                "{name}: the error names the file: {err}"
            );
            assert!(err.contains(expect), "{name}: {err}");
            let (config, errors) = SystemConfig::load(&[path]);
            assert_eq!(config, SystemConfig::FAIL_CLOSED, "{name}");
            assert_eq!(errors.len(), 1);
        }
    }

    #[test]
    fn an_unreadable_file_fails_closed() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: it exists but cannot be read as a file.
        let path = dir.path().join("config.toml");
        std::fs::create_dir(&path).unwrap();
        let (config, errors) = SystemConfig::load(&[path]);
        assert_eq!(config, SystemConfig::FAIL_CLOSED);
        assert!(errors[0].to_string().contains("cannot be read"));
    }

    #[test]
    fn a_second_file_can_only_tighten() {
        let dir = tempfile::tempdir().unwrap();
        let machine = file(&dir, "m.toml", "kiosk = true\nidle_timeout_secs = 300\n");
        let loose = file(&dir, "l.toml", "kiosk = false\nidle_timeout_secs = 900\n");
        let tight = file(&dir, "t.toml", "idle_timeout_secs = 3\n");
        let (config, _) = SystemConfig::load(&[machine.clone(), loose]);
        assert_eq!(
            config,
            SystemConfig {
                kiosk: true,
                idle_timeout_secs: Some(300)
            }
        );
        let (config, _) = SystemConfig::load(&[machine, tight]);
        assert_eq!(config.idle_timeout_secs, Some(3));
        assert!(config.kiosk);
    }

    #[test]
    fn the_machine_file_is_at_the_documented_place() {
        let path = machine_path().unwrap();
        #[cfg(target_os = "linux")]
        assert_eq!(path, PathBuf::from("/etc/pindesk/config.toml"));
        assert!(path.ends_with("config.toml"));
    }
}
