//! This installation's device id: a random UUID made once and kept in `device-id` in the data
//! dir (a file of its own, so older builds still read `profiles.toml`). Vault's sign-out
//! names the device it signs out (`X-DeviceId`).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The device id file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot keep the device id in {}: {source}", path.display())]
pub struct DeviceIdError {
    /// The file.
    pub path: PathBuf,
    /// The OS error.
    #[source]
    pub source: io::Error,
}

/// The id sent as `X-DeviceId`. Not a secret: it only names this installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId(String);

impl DeviceId {
    /// The id as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id kept at `path`; made and written there when missing or unreadable.
    pub fn load_or_create(path: &Path) -> Result<Self, DeviceIdError> {
        let err = |source| DeviceIdError {
            path: path.to_path_buf(),
            source,
        };
        match fs::read_to_string(path) {
            Ok(text) => {
                if let Ok(id) = uuid::Uuid::parse_str(text.trim()) {
                    return Ok(DeviceId(id.hyphenated().to_string()));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(err(source)),
        }
        let id = uuid::Uuid::new_v4().hyphenated().to_string();
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
        tmp.write_all(format!("{id}\n").as_bytes()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(path).map_err(|e| err(e.error))?;
        Ok(DeviceId(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_kept_and_a_damaged_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("device-id");
        let first = DeviceId::load_or_create(&path).unwrap();
        assert!(uuid::Uuid::parse_str(first.as_str()).is_ok());
        assert_eq!(DeviceId::load_or_create(&path).unwrap(), first);
        fs::write(&path, "not an id").unwrap();
        let replaced = DeviceId::load_or_create(&path).unwrap();
        assert_ne!(replaced, first);
        assert_eq!(DeviceId::load_or_create(&path).unwrap(), replaced);
    }
}
