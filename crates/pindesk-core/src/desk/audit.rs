//! Audit shipping on the desk: the machine's collectors, the outbox's state, and a drain with
//! a deadline (the app's background task drains continuously; the CLI for at most 2 s before
//! it exits, leaving the rest queued).

use std::time::{Duration, Instant};

use super::{Desk, Error};
use crate::api::AuditStatus;
use crate::audit::{self, Outbox, Shipper};
use crate::system_config::AuditConfig;

/// The CLI's budget for shipping before it exits.
pub const CLI_FLUSH_BUDGET: Duration = Duration::from_secs(2);

/// The desk's shipping state: the shipper (its connections kept between drains) and what the
/// last drain left.
pub(super) struct Shipping {
    shipper: tokio::sync::Mutex<Option<Shipper>>,
    collectors: Vec<String>,
    /// Why shipping cannot start (a collector's CA file cannot be used), or why the last
    /// drain stopped.
    error: std::sync::Mutex<Option<String>>,
}

impl Shipping {
    /// The shipping of `config`: nothing when it names no collector.
    pub(super) fn new(config: &AuditConfig) -> Self {
        let collectors = config
            .collectors
            .iter()
            .map(|c| {
                let scheme = match c.transport {
                    crate::system_config::CollectorTransport::Tcp => "tcp",
                    crate::system_config::CollectorTransport::Tls => "tls",
                };
                format!("{scheme}://{}:{}", c.host, c.port)
            })
            .collect();
        let (shipper, error) = match audit::shipper_from_config(config) {
            Ok(shipper) => (shipper, None),
            Err(e) => {
                tracing::error!(error = %e, "audit shipping cannot start");
                (None, Some(e.to_string()))
            }
        };
        Shipping {
            shipper: tokio::sync::Mutex::new(shipper),
            collectors,
            error: std::sync::Mutex::new(error),
        }
    }

    /// Whether records are queued for shipping at all.
    pub(super) fn enabled(&self) -> bool {
        !self.collectors.is_empty()
    }
}

impl Desk {
    /// Whether the machine names a collector (records are queued and shipped).
    pub fn ships_audit(&self) -> bool {
        self.shipping.enabled()
    }

    /// Where the history goes and what waits to be shipped.
    pub fn audit_status(&self) -> Result<AuditStatus, Error> {
        let shipping = &self.shipping;
        let history = self.history()?;
        let waiting = history.depth()?;
        let oldest = history.outbox_oldest()?;
        let now_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let oldest_waiting_secs = oldest.as_ref().map(|e| {
            u64::try_from((now_ms - i128::from(e.body.at)).max(0) / 1000).unwrap_or(u64::MAX)
        });
        let last_sent_seq = history.outbox_last_sent()?;
        Ok(AuditStatus {
            collectors: shipping.collectors.clone(),
            waiting,
            oldest_waiting_secs,
            last_sent_seq,
            error: super::lock(&shipping.error).clone(),
        })
    }

    /// Ships what waits, oldest first, until the outbox is empty or `budget` has passed;
    /// answers the status afterwards. Nothing to do without collectors.
    pub async fn audit_flush(&self, budget: Duration) -> Result<AuditStatus, Error> {
        let shipping = &self.shipping;
        if shipping.enabled() {
            let deadline = Instant::now() + budget;
            let mut guard = shipping.shipper.lock().await;
            if let Some(shipper) = guard.as_mut() {
                let report = audit::drain(self.history()?, shipper, deadline).await;
                if let Some(error) = &report.error {
                    tracing::warn!(%error, remaining = report.remaining, "audit records left waiting");
                }
                *super::lock(&shipping.error) = report.error.map(|e| e.to_string());
            }
        }
        self.audit_status()
    }
}
