//! Starting and stopping a sandbox: generate the RSA key, bind 127.0.0.1, accept connections
//! until stopped. Only loopback is ever bound.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::config::SandboxConfig;
use crate::keys::VaultKey;
use crate::state::{App, Shared};
use crate::{conn, routes};

/// A running sandbox. Dropping it stops it too; [`Sandbox::stop`] also waits until it has.
pub struct Sandbox {
    app: App,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Generates the RSA key, binds `127.0.0.1:config.port` and starts serving.
    ///
    /// Must be called inside a Tokio runtime, which then serves the sandbox until it is stopped
    /// or dropped. Fails if the port cannot be bound or the configuration is unusable (key
    /// size outside 1024–4096 bits, merchant id not a uuid: `ErrorKind::InvalidInput`).
    pub async fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        if uuid::Uuid::parse_str(&config.merchant_id).is_err() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the sandbox merchant id must be a uuid",
            ));
        }
        let key = VaultKey::generate_async(config.key_bits).await?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let app = Shared::new(config, key);
        let router = routes::router(app.clone());
        let (shutdown, stopped) = oneshot::channel();
        let task = tokio::spawn(accept(listener, app.clone(), router, stopped));
        tracing::info!(%addr, "sandbox started");
        Ok(Sandbox {
            app,
            addr,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
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
            .finish_non_exhaustive()
    }
}

async fn accept(
    listener: TcpListener,
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
                    connections.spawn(conn::serve(stream, app.clone(), router.clone()));
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
