//! The sandbox's configuration: port, the credentials it accepts, the RSA padding it expects
//! for passcodes, its key size and token lifetime. Defaults are random credentials, so two
//! sandboxes never accept each other's tokens.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use rand::distributions::Alphanumeric;
use rand::Rng;

/// How the Vault sandbox expects `passCode` to be RSA-encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Padding {
    /// RSA PKCS#1 v1.5 encryption (`pkcs1`), what a Java `Cipher.getInstance("RSA")` expects.
    #[default]
    Pkcs1,
    /// RSA-OAEP with SHA-256 and MGF1-SHA-256 (`oaep-sha256`).
    OaepSha256,
    /// RSA-OAEP with SHA-1 and MGF1-SHA-1 (`oaep-sha1`).
    OaepSha1,
}

impl Padding {
    /// Every padding, in the order they are documented.
    pub const ALL: [Padding; 3] = [Padding::Pkcs1, Padding::OaepSha256, Padding::OaepSha1];

    /// The name used on command lines and in profiles.
    pub fn as_str(self) -> &'static str {
        match self {
            Padding::Pkcs1 => "pkcs1",
            Padding::OaepSha256 => "oaep-sha256",
            Padding::OaepSha1 => "oaep-sha1",
        }
    }
}

impl fmt::Display for Padding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A padding name that is none of `pkcs1`, `oaep-sha256`, `oaep-sha1`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown RSA padding {0:?}: expected pkcs1, oaep-sha256 or oaep-sha1")]
pub struct ParsePaddingError(String);

impl FromStr for Padding {
    type Err = ParsePaddingError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Padding::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParsePaddingError(s.to_owned()))
    }
}

/// Which RSA key pair a sandbox starts with. Rotation (`POST /_sandbox/vault/rotate-key`)
/// always generates a fresh `key_bits` pair, whichever this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SandboxKey {
    /// A fresh pair of `key_bits` bits, generated at start: what tests and the standalone
    /// `pindesk-cli sandbox` use, so no two sandboxes share a key.
    #[default]
    Generate,
    /// The fixed 2048-bit demo pair embedded in this crate (public by design, never a
    /// provider's): the desktop app's demo mode starts without generating a key. `key_bits`
    /// must then be 2048.
    Demo,
}

/// Everything a sandbox is started with.
#[derive(Clone)]
pub struct SandboxConfig {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// A pre-issued Vault bearer token that is always valid (like a pasted token).
    pub vault_token: String,
    /// The Solid `api-key` every Solid Issuing call must carry.
    pub solid_api_key: String,
    /// The merchant uuid `/oauth/token` requires in `X-Merchant-ID`.
    pub merchant_id: String,
    /// The phone number `/oauth/token` accepts as `number`.
    pub phone: String,
    /// The password `/oauth/token` accepts.
    pub password: String,
    /// How `passCode` must be encrypted.
    pub vault_padding: Padding,
    /// Size of the Vault RSA key pair (1024 to 4096 bits).
    pub key_bits: usize,
    /// The key pair it starts with.
    pub key: SandboxKey,
    /// Lifetime of the access tokens `/oauth/token` issues (its `expires_in`).
    pub access_token_ttl: Duration,
}

impl SandboxConfig {
    /// The desktop app's embedded demo sandbox: random credentials, the embedded demo key.
    pub fn demo() -> Self {
        SandboxConfig {
            key: SandboxKey::Demo,
            ..SandboxConfig::default()
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let mut rng = rand::thread_rng();
        // Never under the scenario prefix (+1555999…), whose numbers answer documented refusals.
        let phone_digits: u32 = rng.gen_range(0..9_990_000);
        SandboxConfig {
            port: 0,
            vault_token: format!("sbx_vault_{}", random_alnum(40)),
            solid_api_key: format!("sk_test_{}", random_alnum(32)),
            merchant_id: uuid::Uuid::new_v4().to_string(),
            phone: format!("+1555{phone_digits:07}"),
            password: random_alnum(16),
            vault_padding: Padding::Pkcs1,
            key_bits: 2048,
            key: SandboxKey::Generate,
            access_token_ttl: Duration::from_secs(86_399),
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("port", &self.port)
            .field("vault_token", &"[redacted]")
            .field("solid_api_key", &"[redacted]")
            .field("merchant_id", &self.merchant_id)
            .field("phone", &"[redacted]")
            .field("password", &"[redacted]")
            .field("vault_padding", &self.vault_padding)
            .field("key_bits", &self.key_bits)
            .field("key", &self.key)
            .field("access_token_ttl", &self.access_token_ttl)
            .finish()
    }
}

/// A random string of ASCII letters and digits.
pub(crate) fn random_alnum(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// `n` random bytes as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.gen::<u8>()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_names_round_trip() {
        for p in Padding::ALL {
            assert_eq!(p.to_string().parse::<Padding>(), Ok(p));
        }
        assert!("oaep".parse::<Padding>().is_err());
    }

    #[test]
    fn defaults_are_random_and_redacted() {
        let a = SandboxConfig::default();
        let b = SandboxConfig::default();
        assert_ne!(a.vault_token, b.vault_token);
        assert!(uuid::Uuid::parse_str(&a.merchant_id).is_ok());
        assert_eq!(a.access_token_ttl.as_secs(), 86_399);
        assert!(!format!("{a:?}").contains(&a.vault_token));
        assert_eq!(random_hex(16).len(), 32);
    }
}
