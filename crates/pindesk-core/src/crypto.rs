//! RSA encryption of a new Vault passcode with the key Vault hands out.
//!
//! Owns parsing Vault's public key (base64 DER SubjectPublicKeyInfo as documented, also
//! base64 DER PKCS#1 and either form in PEM; 1024–4096 bits) and encrypting a passcode with
//! the profile's padding into standard base64. The plaintext is read straight from the
//! zeroizing [`Passcode`]; this module never copies it into an ordinary buffer, never logs
//! it, and never holds a private key outside tests.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::rand_core::OsRng;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPublicKey};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

use crate::secret::Passcode;
use crate::validate::ValidationError;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_KEY_BITS: usize = 1024;
/// The largest RSA modulus accepted, in bits.
pub const MAX_KEY_BITS: usize = 4096;
/// The longest key id accepted from Vault.
pub const MAX_KEY_ID_LEN: usize = 256;

/// How the passcode is padded before RSA encryption (Vault does not document it, so it is a
/// profile setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RsaPadding {
    /// RSA PKCS#1 v1.5 (what a Java `Cipher.getInstance("RSA")` server expects). The default.
    #[default]
    #[serde(rename = "pkcs1")]
    Pkcs1,
    /// RSA-OAEP with SHA-256 (and MGF1-SHA-256).
    #[serde(rename = "oaep-sha256")]
    OaepSha256,
    /// RSA-OAEP with SHA-1 (and MGF1-SHA-1).
    #[serde(rename = "oaep-sha1")]
    OaepSha1,
}

impl RsaPadding {
    /// Every padding, in the order shown to an operator.
    pub const ALL: [RsaPadding; 3] = [
        RsaPadding::Pkcs1,
        RsaPadding::OaepSha256,
        RsaPadding::OaepSha1,
    ];

    /// The stable name used in profiles and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RsaPadding::Pkcs1 => "pkcs1",
            RsaPadding::OaepSha256 => "oaep-sha256",
            RsaPadding::OaepSha1 => "oaep-sha1",
        }
    }
}

impl fmt::Display for RsaPadding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RsaPadding {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        RsaPadding::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                ValidationError::new(
                    "rsa_padding",
                    "the RSA padding must be one of pkcs1, oaep-sha256, oaep-sha1",
                )
            })
    }
}

/// Why a Vault key could not be read or used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The key id is empty or too long.
    #[error("the key id is empty or longer than {MAX_KEY_ID_LEN} characters")]
    KeyId,
    /// The key text is empty.
    #[error("the public key is empty")]
    EmptyKey,
    /// The key is neither PEM nor base64.
    #[error("the public key is neither PEM nor base64")]
    NotBase64,
    /// The bytes are not an RSA public key (SubjectPublicKeyInfo or PKCS#1).
    #[error("the public key is not an RSA public key (SubjectPublicKeyInfo or PKCS#1)")]
    NotRsaKey,
    /// The key's size is outside 1024–4096 bits.
    #[error("the RSA key has {bits} bits; 1024 to 4096 are accepted")]
    KeySize {
        /// The modulus size found.
        bits: usize,
    },
    /// Encryption failed (for example, the passcode does not fit the key with this padding).
    #[error("the passcode could not be encrypted with this key and padding ({padding})")]
    Encrypt {
        /// The padding that was used.
        padding: RsaPadding,
    },
}

/// Vault's RSA public key and the id Vault gave it (sent back as `keyId`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultKey {
    /// The key id from `GET /v2/card/rsa-public-key`.
    pub id: String,
    /// The public key.
    pub key: RsaPublicKey,
}

impl VaultKey {
    /// Parses Vault's key: base64 DER SubjectPublicKeyInfo (documented), base64 DER PKCS#1,
    /// or either in PEM. Whitespace and line breaks inside base64 are ignored.
    pub fn parse(id: &str, public_key: &str) -> Result<Self, CryptoError> {
        if id.is_empty() || id.len() > MAX_KEY_ID_LEN {
            return Err(CryptoError::KeyId);
        }
        let text = public_key.trim();
        if text.is_empty() {
            return Err(CryptoError::EmptyKey);
        }
        let key = if text.starts_with("-----BEGIN") {
            RsaPublicKey::from_public_key_pem(text)
                .or_else(|_| RsaPublicKey::from_pkcs1_pem(text))
                .map_err(|_| CryptoError::NotRsaKey)?
        } else {
            let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let der = STANDARD
                .decode(&compact)
                .or_else(|_| STANDARD_NO_PAD.decode(compact.trim_end_matches('=')))
                .map_err(|_| CryptoError::NotBase64)?;
            RsaPublicKey::from_public_key_der(&der)
                .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
                .map_err(|_| CryptoError::NotRsaKey)?
        };
        let bits = key.n().bits();
        if !(MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits) {
            return Err(CryptoError::KeySize { bits });
        }
        Ok(Self {
            id: id.to_owned(),
            key,
        })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }
}

/// Encrypts `passcode` with Vault's key and `padding`; returns the ciphertext in standard
/// base64, ready for the `passCode` field.
pub fn encrypt_passcode(
    key: &VaultKey,
    passcode: &Passcode,
    padding: RsaPadding,
) -> Result<String, CryptoError> {
    let plaintext = passcode.expose().as_bytes();
    let mut rng = OsRng;
    let ciphertext = match padding {
        RsaPadding::Pkcs1 => key.key.encrypt(&mut rng, Pkcs1v15Encrypt, plaintext),
        RsaPadding::OaepSha256 => key
            .key
            .encrypt(&mut rng, Oaep::new::<sha2::Sha256>(), plaintext),
        RsaPadding::OaepSha1 => key
            .key
            .encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), plaintext),
    }
    .map_err(|_| CryptoError::Encrypt { padding })?;
    Ok(STANDARD.encode(ciphertext))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::RsaPrivateKey;
    use std::sync::OnceLock;

    /// One 1024-bit key pair shared by the tests of this crate (generation is slow).
    pub(crate) fn test_key() -> &'static RsaPrivateKey {
        static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
        KEY.get_or_init(|| RsaPrivateKey::new(&mut OsRng, 1024).expect("generate a test key"))
    }

    fn spki_b64(private: &RsaPrivateKey) -> String {
        let der = private.to_public_key().to_public_key_der().unwrap();
        STANDARD.encode(der.as_bytes())
    }

    fn decrypt(private: &RsaPrivateKey, b64: &str, padding: RsaPadding) -> Vec<u8> {
        let ct = STANDARD.decode(b64).unwrap();
        match padding {
            RsaPadding::Pkcs1 => private.decrypt(Pkcs1v15Encrypt, &ct),
            RsaPadding::OaepSha256 => private.decrypt(Oaep::new::<sha2::Sha256>(), &ct),
            RsaPadding::OaepSha1 => private.decrypt(Oaep::new::<sha1::Sha1>(), &ct),
        }
        .unwrap()
    }

    #[test]
    fn padding_names() {
        for p in RsaPadding::ALL {
            assert_eq!(p.as_str().parse::<RsaPadding>().unwrap(), p);
            assert_eq!(p.to_string(), p.as_str());
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<RsaPadding>(&json).unwrap(), p);
        }
        assert_eq!(RsaPadding::default(), RsaPadding::Pkcs1);
        assert_eq!(
            "OAEP-SHA256".parse::<RsaPadding>().unwrap(),
            RsaPadding::OaepSha256
        );
        assert_eq!(
            "oaep".parse::<RsaPadding>().unwrap_err().field,
            "rsa_padding"
        );
    }

    #[test]
    fn encrypts_with_each_padding() {
        let private = test_key();
        let key = VaultKey::parse("key-1", &spki_b64(private)).unwrap();
        assert_eq!(key.bits(), 1024);
        assert_eq!(key.id, "key-1");
        let passcode = Passcode::new("pass123".into());
        for padding in RsaPadding::ALL {
            let b64 = encrypt_passcode(&key, &passcode, padding).unwrap();
            assert!(!b64.contains("pass123"));
            assert_eq!(STANDARD.decode(&b64).unwrap().len(), 128);
            assert_eq!(decrypt(private, &b64, padding), b"pass123");
        }
        // The longest passcode any policy allows fits a 1024-bit key with every padding.
        let long = Passcode::new("x".repeat(crate::policy::PASSCODE_MAX_LEN));
        for padding in RsaPadding::ALL {
            assert!(encrypt_passcode(&key, &long, padding).is_ok());
        }
        let too_long = Passcode::new("x".repeat(100));
        assert_eq!(
            encrypt_passcode(&key, &too_long, RsaPadding::OaepSha256).unwrap_err(),
            CryptoError::Encrypt {
                padding: RsaPadding::OaepSha256
            }
        );
    }

    #[test]
    fn parses_every_accepted_form() {
        let private = test_key();
        let public = private.to_public_key();
        let spki_pem = public.to_public_key_pem(LineEnding::LF).unwrap();
        let pkcs1_pem = public.to_pkcs1_pem(LineEnding::CRLF).unwrap();
        let pkcs1_b64 = STANDARD.encode(public.to_pkcs1_der().unwrap().as_bytes());
        let spki = spki_b64(private);
        let wrapped: String = spki
            .as_bytes()
            .chunks(64)
            .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
            .collect();
        for text in [
            spki.clone(),
            format!("  {spki}\n"),
            wrapped,
            spki_pem,
            pkcs1_pem,
            pkcs1_b64,
            spki.trim_end_matches('=').to_owned(),
        ] {
            let key = VaultKey::parse("id", &text).unwrap_or_else(|e| panic!("{e}: {text}"));
            assert_eq!(key.key, public);
        }
    }

    #[test]
    fn rejects_bad_keys() {
        let spki = spki_b64(test_key());
        assert_eq!(VaultKey::parse("", &spki).unwrap_err(), CryptoError::KeyId);
        assert_eq!(
            VaultKey::parse(&"k".repeat(300), &spki).unwrap_err(),
            CryptoError::KeyId
        );
        assert_eq!(
            VaultKey::parse("id", " ").unwrap_err(),
            CryptoError::EmptyKey
        );
        assert_eq!(
            VaultKey::parse("id", "%%%").unwrap_err(),
            CryptoError::NotBase64
        );
        assert_eq!(
            VaultKey::parse("id", "aGVsbG8gd29ybGQ=").unwrap_err(),
            CryptoError::NotRsaKey
        );
        assert_eq!(
            VaultKey::parse(
                "id",
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"
            )
            .unwrap_err(),
            CryptoError::NotRsaKey
        );
        let small = RsaPrivateKey::new(&mut OsRng, 512).unwrap();
        assert_eq!(
            VaultKey::parse("id", &spki_b64(&small)).unwrap_err(),
            CryptoError::KeySize { bits: 512 }
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(id in ".{0,10}", s in "\\PC{0,300}") {
            let _ = VaultKey::parse(&id, &s);
        }

        #[test]
        fn parse_never_panics_on_base64_of_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = VaultKey::parse("id", &STANDARD.encode(&bytes));
            let pem = format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----", STANDARD.encode(&bytes));
            let _ = VaultKey::parse("id", &pem);
        }

        #[test]
        fn parse_never_panics_on_mutated_keys(pos in 0usize..162, byte in any::<u8>()) {
            let der = test_key().to_public_key().to_public_key_der().unwrap();
            let mut bytes = der.as_bytes().to_vec();
            let i = pos % bytes.len();
            bytes[i] = byte;
            let _ = VaultKey::parse("id", &STANDARD.encode(&bytes));
        }
    }
}
