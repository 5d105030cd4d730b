//! One connection to one collector, and the set of them a machine ships to.
//!
//! A [`Sender`] connects on first use, keeps the connection, and drops it on any failure so
//! that the next send reconnects. Before writing it checks that the collector has not closed
//! the connection meanwhile (collectors never send anything on a syslog connection, so a
//! readable socket means it was closed or reset): a collector that was restarted is
//! reconnected to instead of written into the void. TLS (RFC 5425) verifies the collector's
//! certificate and host name against the collector's `ca` PEM file when configured, else
//! against the web's public roots bundled with PinDesk; rustls with the `ring` provider only.

use std::fmt;
use std::io;
use std::mem::MaybeUninit;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use socket2::SockRef;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use super::syslog::MessageFormat;
use crate::system_config::{AuditConfig, Collector, CollectorTransport};

/// How long a TLS connection with unread records is read to tell a close from a ticket.
const TLS_PROBE: Duration = Duration::from_millis(50);
/// Longest wait for a connection (and TLS handshake) when the caller's deadline is later.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a collector could not be prepared or written to. Messages name the collector
/// (`tls://host:port`), never what was being sent.
#[derive(Debug, thiserror::Error)]
pub enum SenderError {
    /// The collector's CA file could not be read or holds no certificate.
    #[error("the audit collector {collector}'s CA file {path}: {reason}")]
    CaFile {
        /// The collector.
        collector: String,
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The collector's host is not a valid TLS server name.
    #[error("the audit collector {collector}: {host:?} is not a valid TLS server name")]
    ServerName {
        /// The collector.
        collector: String,
        /// The host.
        host: String,
    },
    /// No TCP connection could be made (down, refused, unreachable, unknown host).
    #[error("the audit collector {collector} cannot be reached: {source}")]
    Connect {
        /// The collector.
        collector: String,
        /// The socket error.
        #[source]
        source: io::Error,
    },
    /// The TLS handshake failed, e.g. a certificate not trusted or not for that host.
    #[error("the audit collector {collector} refused TLS or is not trusted: {source}")]
    Tls {
        /// The collector.
        collector: String,
        /// rustls's error, as an I/O error.
        #[source]
        source: io::Error,
    },
    /// Writing to an open connection failed (it is dropped; the next send reconnects).
    #[error("writing to the audit collector {collector} failed: {source}")]
    Write {
        /// The collector.
        collector: String,
        /// The socket error.
        #[source]
        source: io::Error,
    },
    /// The deadline passed while connecting or writing.
    #[error("the audit collector {collector} did not answer in time")]
    TimedOut {
        /// The collector.
        collector: String,
    },
}

enum Connection {
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A connection to one collector, made when needed and remade after a failure.
pub struct Sender {
    collector: Collector,
    name: String,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    connection: Option<Connection>,
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("collector", &self.name)
            .field("connected", &self.connection.is_some())
            .finish()
    }
}

impl Sender {
    /// A sender for `collector`; for TLS, reads its CA file now (so a bad file is told at
    /// start, not at the first record). Does not connect yet.
    pub fn new(collector: &Collector) -> Result<Sender, SenderError> {
        let name = collector_name(collector);
        let tls = match collector.transport {
            CollectorTransport::Tcp => None,
            CollectorTransport::Tls => {
                let roots = match &collector.ca {
                    Some(path) => roots_from_pem(&name, path)?,
                    None => RootCertStore {
                        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                    },
                };
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                let config = ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| SenderError::Tls {
                        collector: name.clone(),
                        source: io::Error::other(e),
                    })?
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                let server = ServerName::try_from(collector.host.clone()).map_err(|_| {
                    SenderError::ServerName {
                        collector: name.clone(),
                        host: collector.host.clone(),
                    }
                })?;
                Some((TlsConnector::from(Arc::new(config)), server))
            }
        };
        Ok(Sender {
            collector: collector.clone(),
            name,
            tls,
            connection: None,
        })
    }

    /// The collector as configured.
    pub fn collector(&self) -> &Collector {
        &self.collector
    }

    /// The collector as `tcp://host:port` or `tls://host:port`, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a connection is open (it may still turn out closed at the next send).
    pub fn is_connected(&self) -> bool {
        self.connection.is_some()
    }

    /// Closes the connection, if any; the next send reconnects.
    pub fn disconnect(&mut self) {
        self.connection = None;
    }

    /// Writes `bytes` (whole frames) and flushes them, connecting first if there is no open
    /// connection or the collector closed it. On any failure the connection is dropped and
    /// nothing can be assumed about how much of `bytes` arrived.
    pub async fn send(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), SenderError> {
        if let Some(connection) = self.connection.as_mut() {
            if !connection.still_open().await {
                self.connection = None;
            }
        }
        if self.connection.is_none() {
            self.connection = Some(self.connect(deadline).await?);
        }
        let Some(connection) = self.connection.as_mut() else {
            unreachable!("connected above");
        };
        let result = match timeout_at(deadline, connection.write_all_flush(bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(source)) => Err(SenderError::Write {
                collector: self.name.clone(),
                source,
            }),
            Err(_) => Err(SenderError::TimedOut {
                collector: self.name.clone(),
            }),
        };
        if result.is_err() {
            self.connection = None;
        }
        result
    }

    async fn connect(&self, deadline: Instant) -> Result<Connection, SenderError> {
        let deadline = deadline.min(Instant::now() + CONNECT_TIMEOUT);
        let timed_out = || SenderError::TimedOut {
            collector: self.name.clone(),
        };
        let address = (self.collector.host.as_str(), self.collector.port);
        let tcp = timeout_at(deadline, TcpStream::connect(address))
            .await
            .map_err(|_| timed_out())?
            .map_err(|source| SenderError::Connect {
                collector: self.name.clone(),
                source,
            })?;
        let _ = tcp.set_nodelay(true);
        let Some((connector, server)) = &self.tls else {
            return Ok(Connection::Tcp(tcp));
        };
        let tls = timeout_at(deadline, connector.connect(server.clone(), tcp))
            .await
            .map_err(|_| timed_out())?
            .map_err(|source| SenderError::Tls {
                collector: self.name.clone(),
                source,
            })?;
        Ok(Connection::Tls(Box::new(tls)))
    }
}

impl Connection {
    /// False when the peer closed or reset the connection. Asks the socket itself (a
    /// non-blocking peek), not the runtime's cached readiness, which can be older than the
    /// collector's exit. Collectors send nothing on a syslog connection except TLS's own
    /// records (session tickets, close_notify): for TLS those are read through rustls,
    /// briefly, to tell a close from a ticket; for TCP anything readable is discarded.
    async fn still_open(&mut self) -> bool {
        for _ in 0..8 {
            let tcp = match &*self {
                Connection::Tcp(s) => s,
                Connection::Tls(s) => s.get_ref().0,
            };
            let socket = SockRef::from(tcp);
            let mut byte = [MaybeUninit::<u8>::uninit(); 1];
            match socket.peek(&mut byte) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(_) | Ok(0) => return false,
                Ok(_) => {}
            }
            match self {
                Connection::Tcp(_) => {
                    let mut junk = [MaybeUninit::<u8>::uninit(); 4096];
                    if !matches!(socket.recv(&mut junk), Ok(n) if n > 0) {
                        return false;
                    }
                }
                Connection::Tls(s) => {
                    let mut junk = [0u8; 4096];
                    match tokio::time::timeout(TLS_PROBE, s.read(&mut junk)).await {
                        Err(_) => return true,
                        Ok(Ok(0)) | Ok(Err(_)) => return false,
                        Ok(Ok(_)) => {}
                    }
                }
            }
        }
        true
    }

    async fn write_all_flush(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Connection::Tcp(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
            Connection::Tls(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
        }
    }
}

fn collector_name(collector: &Collector) -> String {
    let scheme = match collector.transport {
        CollectorTransport::Tcp => "tcp",
        CollectorTransport::Tls => "tls",
    };
    format!("{scheme}://{}:{}", collector.host, collector.port)
}

fn roots_from_pem(name: &str, path: &Path) -> Result<RootCertStore, SenderError> {
    let error = |reason: String| SenderError::CaFile {
        collector: name.to_owned(),
        path: path.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| error(format!("cannot be read ({e})")))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        let cert = cert.map_err(|_| error("is not PEM certificates".into()))?;
        roots
            .add(cert)
            .map_err(|e| error(format!("holds a certificate rustls refuses ({e})")))?;
    }
    if roots.is_empty() {
        return Err(error("holds no certificate".into()));
    }
    Ok(roots)
}

/// Every collector of the machine, and how messages for them are written.
#[derive(Debug)]
pub struct Shipper {
    /// The message format (the configured SD-ID).
    pub format: MessageFormat,
    /// One sender per collector, in the configuration's order.
    pub senders: Vec<Sender>,
}

/// The shipper for the machine's `[audit]` section; `Ok(None)` when it names no collector
/// (nothing is shipped, the outbox is not needed).
pub fn shipper_from_config(config: &AuditConfig) -> Result<Option<Shipper>, SenderError> {
    if config.collectors.is_empty() {
        return Ok(None);
    }
    let senders = config
        .collectors
        .iter()
        .map(Sender::new)
        .collect::<Result<_, _>>()?;
    Ok(Some(Shipper {
        format: MessageFormat::new(config.sd_id.as_deref()),
        senders,
    }))
}
