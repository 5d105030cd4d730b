//! Serving the sandbox over TLS: the certificate chain and key a test gives (PEM), made into a
//! rustls acceptor with the ring provider (the one reqwest's rustls uses), HTTP/1.1 only.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// How long a client has to finish the TLS handshake before its connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The certificate chain and private key a TLS sandbox presents, both PEM.
///
/// The chain starts with the server's own certificate (its names must cover the host the
/// clients use: `localhost`, and `127.0.0.1` if they connect by address); the key is PKCS#8,
/// PKCS#1 or SEC1.
#[derive(Clone)]
pub struct TlsIdentity {
    /// The server certificate, then any intermediates, PEM.
    pub cert_chain_pem: String,
    /// The server certificate's private key, PEM.
    pub key_pem: String,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity")
            .field("cert_chain_pem", &self.cert_chain_pem)
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// The acceptor for `identity`; `ErrorKind::InvalidInput` if its PEM is unusable.
pub(crate) fn acceptor(identity: &TlsIdentity) -> io::Result<TlsAcceptor> {
    let chain = CertificateDer::pem_slice_iter(identity.cert_chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("the TLS certificate chain is not valid PEM: {e}")))?;
    if chain.is_empty() {
        return Err(invalid(
            "the TLS certificate chain holds no certificate".to_owned(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes())
        .map_err(|e| invalid(format!("the TLS private key is not valid PEM: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("no TLS protocol version is usable: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            invalid(format!(
                "the TLS certificate and key do not go together: {e}"
            ))
        })?;
    // The connection loop serves HTTP/1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Completes the handshake on `stream`; `None` (logged) if it fails or takes too long.
pub(crate) async fn handshake(
    acceptor: TlsAcceptor,
    stream: TcpStream,
) -> Option<tokio_rustls::server::TlsStream<TcpStream>> {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => Some(stream),
        Ok(Err(error)) => {
            tracing::info!(%error, "sandbox TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::info!("sandbox TLS handshake timed out");
            None
        }
    }
}
