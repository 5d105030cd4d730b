//! A test certificate authority: a self-signed root made fresh by rcgen, and the server
//! certificates it signs. A second `TestCa::new` is a CA nobody trusts.

use std::fs;
use std::path::{Path, PathBuf};

use pindesk_sandbox::TlsIdentity;
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};

/// A self-signed root CA, made fresh (ECDSA P-256) and kept only in memory.
///
/// Certificate generation only fails on parameters this type never passes, so the
/// constructors panic rather than return errors; writing the PEM panics with the path.
pub struct TestCa {
    name: String,
    cert: Certificate,
    key: KeyPair,
}

impl TestCa {
    /// A new root CA whose subject common name is `name`, e.g. `"PinDesk Test Root"`.
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("generate the test CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("test CA params");
        let mut subject = DistinguishedName::new();
        subject.push(DnType::CommonName, name);
        params.distinguished_name = subject;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("self-sign the test CA");
        TestCa {
            name: name.to_owned(),
            cert,
            key,
        }
    }

    /// The CA certificate, PEM: what a client adds as its trusted root.
    pub fn ca_pem(&self) -> String {
        self.cert.pem()
    }

    /// Writes the CA certificate as `DIR/<name>.pem` (the name made file-safe) and returns
    /// the path: for settings that take a CA file.
    ///
    /// # Panics
    /// If the file cannot be written (the message names it).
    pub fn write_ca_pem(&self, dir: &Path) -> PathBuf {
        let stem: String = self
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let path = dir.join(format!("{stem}.pem"));
        if let Err(error) = fs::write(&path, self.ca_pem()) {
            panic!("cannot write the test CA to {}: {error}", path.display());
        }
        path
    }

    /// A server certificate signed by this CA for `names` (each an IP address or a DNS name,
    /// e.g. `["localhost", "127.0.0.1"]`), with a fresh key: what a TLS sandbox presents.
    pub fn server_identity(&self, names: &[&str]) -> TlsIdentity {
        let key = KeyPair::generate().expect("generate the server key");
        let sans: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let mut params = CertificateParams::new(sans).expect("server certificate names");
        let mut subject = DistinguishedName::new();
        subject.push(
            DnType::CommonName,
            names.first().copied().unwrap_or("server"),
        );
        params.distinguished_name = subject;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("sign the server certificate");
        TlsIdentity {
            cert_chain_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
