//! Starting and stopping a sandbox: take its RSA key (embedded or generated), bind 127.0.0.1, accept connections
//! (over TLS too, when started with an identity) until stopped. Only loopback is ever bound.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use crate::config::{SandboxConfig, SandboxKey};
use crate::keys::{VaultKey, DEMO_KEY_BITS};
use crate::state::{App, Shared};
use crate::tls::{self, TlsIdentity};
use crate::{conn, routes};

/// A running sandbox. Dropping it stops it too; [`Sandbox::stop`] also waits until it has.
pub struct Sandbox {
    app: App,
    addr: SocketAddr,
    tls: bool,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Takes the RSA key `config.key` names (generating it, or the embedded demo key), binds
    /// `127.0.0.1:config.port` and starts serving.
    ///
    /// Must be called inside a Tokio runtime, which then serves the sandbox until it is stopped
    /// or dropped. Fails if the port cannot be bound or the configuration is unusable (key
    /// size outside 1024–4096 bits or not 2048 with the demo key, merchant id not a uuid:
    /// `ErrorKind::InvalidInput`).
    pub async fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        Sandbox::launch(config, None).await
    }

    /// As [`Sandbox::start`], but every connection is TLS with `identity`'s certificate chain
    /// and key, and [`Sandbox::base_url`] is `https://localhost:PORT`. For tests of clients
    /// that trust a given CA (and of ones that do not); faults and drips work as over plain
    /// HTTP. Fails with `ErrorKind::InvalidInput` if the PEM is unusable.
    pub async fn start_tls(config: SandboxConfig, identity: TlsIdentity) -> io::Result<Sandbox> {
        let acceptor = tls::acceptor(&identity)?;
        Sandbox::launch(config, Some(acceptor)).await
    }

    async fn launch(config: SandboxConfig, tls: Option<TlsAcceptor>) -> io::Result<Sandbox> {
        if uuid::Uuid::parse_str(&config.merchant_id).is_err() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the sandbox merchant id must be a uuid",
            ));
        }
        let key = match config.key {
            SandboxKey::Generate => VaultKey::generate_async(config.key_bits).await?,
            SandboxKey::Demo if config.key_bits != DEMO_KEY_BITS => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("the demo key is {DEMO_KEY_BITS} bits; key_bits must match"),
                ))
            }
            SandboxKey::Demo => {
                VaultKey::demo().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
            }
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let app = Shared::new(config, key);
        let router = routes::router(app.clone());
        let (shutdown, stopped) = oneshot::channel();
        let secure = tls.is_some();
        let task = tokio::spawn(accept(listener, tls, app.clone(), router, stopped));
        tracing::info!(%addr, tls = secure, "sandbox started");
        Ok(Sandbox {
            app,
            addr,
            tls: secure,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, or `https://localhost:PORT` over TLS (the name test
    /// certificates are made for), without a trailing slash.
    pub fn base_url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it was started with (the port as asked, which may be 0).
    pub fn config(&self) -> &SandboxConfig {
        &self.app.config
    }

    /// The current Vault RSA key's id.
    pub fn vault_key_id(&self) -> String {
        self.app.world().key.id.clone()
    }

    /// The last SMS code sent to Vault card `card_id`, as `GET /_sandbox/sms/{card_id}` shows it.
    pub fn last_sms_code(&self, card_id: i64) -> Option<String> {
        let world = self.app.world();
        let sms = world.vault_cards.get(&card_id)?.sms.as_ref()?;
        Some(sms.code.clone())
    }

    /// Whether Vault card `card_id`'s current passcode is `passcode`.
    pub fn passcode_matches(&self, card_id: i64, passcode: &str) -> bool {
        let world = self.app.world();
        world
            .vault_cards
            .get(&card_id)
            .and_then(|card| card.passcode.as_deref())
            == Some(passcode)
    }

    /// Whether Vault card `card_id`'s current PIN is `pin`, as
    /// `POST /_sandbox/vault/cards/{card_id}/check-pin` answers.
    pub fn vault_pin_matches(&self, card_id: i64, pin: &str) -> bool {
        let world = self.app.world();
        world
            .vault_cards
            .get(&card_id)
            .and_then(|card| card.pin.as_deref())
            == Some(pin)
    }

    /// Whether Solid card `card_id`'s current PIN is `pin`.
    pub fn pin_matches(&self, card_id: &str, pin: &str) -> bool {
        let world = self.app.world();
        world
            .solid_cards
            .get(card_id)
            .and_then(|card| card.pin.as_deref())
            == Some(pin)
    }

    /// How many provider requests with this method matched `route` (a path template such as
    /// `/v2/card/{id}/passcode/sms/send`, or a literal path), as `GET /_sandbox/requests` lists them.
    pub fn requests_to(&self, method: &str, route: &str) -> usize {
        self.app
            .world()
            .requests
            .iter()
            .filter(|(m, path)| m == method && crate::faults::route_matches(route, path))
            .count()
    }

    /// Moves the virtual clock forward, as `POST /_sandbox/clock/advance` does.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.app.clock.advance(by);
    }

    /// Stops accepting, closes every connection and waits until it is done.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        tracing::info!(addr = %self.addr, "sandbox stopped");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

async fn accept(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: App,
    router: axum::Router,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let (app, router) = (app.clone(), router.clone());
                    match tls.clone() {
                        None => {
                            connections.spawn(conn::serve(stream, app, router));
                        }
                        // The handshake runs in the connection's task, never holding up accept.
                        Some(acceptor) => {
                            connections.spawn(async move {
                                if let Some(stream) = tls::handshake(acceptor, stream).await {
                                    conn::serve(stream, app, router).await;
                                }
                            });
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "sandbox accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}
