//! Which certificate authorities a profile trusts for its providers' TLS.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::validate::ValidationError;

/// A profile's trust: written as `bundled`, `os` or the absolute path of a PEM file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum TrustSetting {
    /// The web's public roots bundled with PinDesk (Mozilla's, through `webpki-roots`): the
    /// same on every computer, whatever its trust store holds.
    #[default]
    Bundled,
    /// The operating system's trust store (where a bank's TLS-inspecting root usually is).
    Os,
    /// The bundled roots plus the certificates of this PEM file (a corporate root).
    Pem(PathBuf),
}

impl TrustSetting {
    /// Parses `bundled`, `os` or an absolute file path; errors name `field`.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        match value.trim() {
            "bundled" => Ok(TrustSetting::Bundled),
            "os" => Ok(TrustSetting::Os),
            path if Path::new(path).is_absolute() => Ok(TrustSetting::Pem(PathBuf::from(path))),
            other => Err(ValidationError::new(
                field,
                format!(
                    "{:?} is not bundled, os or the absolute path of a PEM file",
                    crate::profile::truncate(other, 60)
                ),
            )),
        }
    }

    /// The setting as written in the file.
    pub fn as_string(&self) -> String {
        match self {
            TrustSetting::Bundled => "bundled".into(),
            TrustSetting::Os => "os".into(),
            TrustSetting::Pem(path) => path.display().to_string(),
        }
    }
}

impl fmt::Display for TrustSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl Serialize for TrustSetting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_string())
    }
}

impl<'de> Deserialize<'de> for TrustSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TrustSetting::parse("ca", &s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// Reads a PEM file of certificates; errors name `field` and the file (never its content).
pub fn read_pem_certificates(
    field: &'static str,
    path: &Path,
) -> Result<Vec<reqwest::Certificate>, ValidationError> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        ValidationError::new(field, format!("the CA file {shown} cannot be read ({e})"))
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&bytes).map_err(|_| {
        ValidationError::new(
            field,
            format!("the CA file {shown} is not PEM certificates"),
        )
    })?;
    if certs.is_empty() {
        return Err(ValidationError::new(
            field,
            format!("the CA file {shown} holds no certificate (-----BEGIN CERTIFICATE-----)"),
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_parses_as_written_and_a_relative_path_is_refused() {
        for (input, want) in [
            ("bundled", TrustSetting::Bundled),
            ("os", TrustSetting::Os),
            (
                "/etc/pindesk/bank.pem",
                TrustSetting::Pem("/etc/pindesk/bank.pem".into()),
            ),
        ] {
            let parsed = TrustSetting::parse("ca", input).unwrap();
            assert_eq!(parsed, want);
            assert_eq!(parsed.as_string(), input);
        }
        let e = TrustSetting::parse("ca", "bank.pem").unwrap_err();
        assert_eq!(e.field, "ca");
        assert!(e.message.contains("absolute path"), "{}", e.message);
    }

    #[test]
    fn a_missing_or_empty_pem_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.pem");
        let e = read_pem_certificates("ca", &missing).unwrap_err();
        assert!(e.message.contains("cannot be read"), "{}", e.message);
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = read_pem_certificates("ca", &empty).unwrap_err();
        assert!(
            e.message.contains("holds no certificate") || e.message.contains("not PEM"),
            "{}",
            e.message
        );
        assert!(e.message.contains("empty.pem"), "{}", e.message);
    }
}
