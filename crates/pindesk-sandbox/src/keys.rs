//! The Vault RSA key pair: the embedded demo key or a generated one at start, a generated one
//! on rotation, served as base64 DER SubjectPublicKeyInfo under a uuid `keyId`, and used to
//! decrypt `passCode` with the configured padding. The private key never leaves this module.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPrivateKey};

use crate::config::Padding;

/// Why a key could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    /// The size is outside what Vault clients accept.
    #[error("RSA key size {0} is not supported: use 1024 to 4096 bits, a multiple of 8")]
    Size(usize),
    /// The RSA library failed.
    #[error("RSA key generation failed: {0}")]
    Generate(#[from] rsa::Error),
    /// The public key could not be encoded.
    #[error("RSA public key encoding failed: {0}")]
    Encode(#[from] rsa::pkcs8::spki::Error),
    /// The embedded demo key could not be read (a broken build).
    #[error("the embedded demo RSA key is unusable: {0}")]
    Demo(#[from] rsa::pkcs8::Error),
}

/// The demo sandbox's RSA key pair (PKCS#8 PEM, 2048 bits), embedded at build time so that the
/// app's demo mode starts without generating a key (a 2048-bit key takes tens to hundreds of
/// milliseconds). It is the demo's key and public by design: it only decrypts passcodes sent
/// to the embedded sandbox on this computer, and it is never a provider's key.
const DEMO_KEY_PEM: &str = include_str!("demo-key.pem");

/// The size of [`DEMO_KEY_PEM`].
pub(crate) const DEMO_KEY_BITS: usize = 2048;

/// Why a `passCode` could not be decrypted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DecryptError {
    /// Not standard base64.
    #[error("passCode is not standard base64 RSA ciphertext")]
    Base64,
    /// Wrong length for this key.
    #[error("passCode ciphertext is {0} bytes; this key needs exactly {1}")]
    Length(usize, usize),
    /// The padding check failed (wrong key, wrong padding, or corrupted).
    #[error("passCode could not be decrypted with the current key and {0} padding")]
    Padding(Padding),
}

/// One RSA key pair and its id.
pub(crate) struct VaultKey {
    /// The `keyId` clients send back.
    pub(crate) id: String,
    /// Base64 (standard) of the DER SubjectPublicKeyInfo.
    pub(crate) public_der_b64: String,
    private: RsaPrivateKey,
}

impl VaultKey {
    /// Generates a new key pair (slow: call it off the async threads).
    pub(crate) fn generate(bits: usize) -> Result<VaultKey, KeyError> {
        if !(1024..=4096).contains(&bits) || !bits.is_multiple_of(8) {
            return Err(KeyError::Size(bits));
        }
        VaultKey::with(RsaPrivateKey::new(&mut rand::rngs::OsRng, bits)?)
    }

    /// The embedded demo key pair ([`DEMO_KEY_PEM`]) under a fresh `keyId`.
    pub(crate) fn demo() -> Result<VaultKey, KeyError> {
        let private = RsaPrivateKey::from_pkcs8_pem(DEMO_KEY_PEM)?;
        VaultKey::with(private)
    }

    fn with(private: RsaPrivateKey) -> Result<VaultKey, KeyError> {
        let der = private.to_public_key().to_public_key_der()?;
        Ok(VaultKey {
            id: uuid::Uuid::new_v4().to_string(),
            public_der_b64: STANDARD.encode(der.as_bytes()),
            private,
        })
    }

    /// Generates a key on the blocking pool.
    pub(crate) async fn generate_async(bits: usize) -> std::io::Result<VaultKey> {
        tokio::task::spawn_blocking(move || VaultKey::generate(bits))
            .await
            .map_err(std::io::Error::other)?
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    }

    /// Decrypts a base64 ciphertext with `padding`.
    pub(crate) fn decrypt(
        &self,
        padding: Padding,
        ciphertext_b64: &str,
    ) -> Result<Vec<u8>, DecryptError> {
        let ciphertext = STANDARD
            .decode(ciphertext_b64.trim())
            .map_err(|_| DecryptError::Base64)?;
        let size = rsa::traits::PublicKeyParts::size(&self.private);
        if ciphertext.len() != size {
            return Err(DecryptError::Length(ciphertext.len(), size));
        }
        let result = match padding {
            Padding::Pkcs1 => self.private.decrypt(Pkcs1v15Encrypt, &ciphertext),
            Padding::OaepSha256 => self
                .private
                .decrypt(Oaep::new::<sha2::Sha256>(), &ciphertext),
            Padding::OaepSha1 => self.private.decrypt(Oaep::new::<sha1::Sha1>(), &ciphertext),
        };
        result.map_err(|_| DecryptError::Padding(padding))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::RsaPublicKey;

    #[test]
    fn round_trips_in_its_padding_and_refuses_another() {
        let key = VaultKey::generate(1024).expect("key");
        let der = STANDARD.decode(&key.public_der_b64).expect("b64");
        let public = RsaPublicKey::from_public_key_der(&der).expect("spki");
        let mut rng = rand::rngs::OsRng;
        let oaep = public
            .encrypt(&mut rng, Oaep::new::<sha2::Sha256>(), b"pass123")
            .expect("encrypt");
        let b64 = STANDARD.encode(&oaep);
        assert_eq!(
            key.decrypt(Padding::OaepSha256, &b64).expect("decrypt"),
            b"pass123"
        );
        assert!(key.decrypt(Padding::OaepSha1, &b64).is_err());
        assert!(matches!(
            key.decrypt(Padding::Pkcs1, "pass123"),
            Err(DecryptError::Base64)
        ));
        assert!(matches!(
            key.decrypt(Padding::Pkcs1, "AAAA"),
            Err(DecryptError::Length(3, 128))
        ));
    }

    #[test]
    fn the_demo_key_is_the_embedded_2048_bit_pair_under_a_fresh_id() {
        let (a, b) = (
            VaultKey::demo().expect("demo key"),
            VaultKey::demo().unwrap(),
        );
        assert_eq!(
            rsa::traits::PublicKeyParts::size(&a.private) * 8,
            DEMO_KEY_BITS
        );
        assert_eq!(a.public_der_b64, b.public_der_b64, "one fixed pair");
        assert_ne!(a.id, b.id, "each start has its own keyId");
    }

    #[test]
    fn refuses_odd_sizes() {
        assert!(matches!(VaultKey::generate(512), Err(KeyError::Size(512))));
    }
}
