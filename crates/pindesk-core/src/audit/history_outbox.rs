//! The history database as the audit outbox: its queued events, as [`AuditRecord`]s.

use super::{AuditBody, AuditKind, AuditRecord, Outbox};
use crate::history::{AuditEvent, EventKind, History, HistoryError};

impl Outbox for History {
    type Error = HistoryError;

    fn make_durable(&self) -> Result<(), HistoryError> {
        self.outbox_make_durable()
    }

    fn pending(&self, limit: usize) -> Result<Vec<AuditRecord>, HistoryError> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        Ok(self
            .outbox_pending(limit)?
            .into_iter()
            .map(record)
            .collect())
    }

    fn sent(&self, up_to_seq: u64) -> Result<(), HistoryError> {
        self.outbox_sent(up_to_seq).map(|_| ())
    }

    fn depth(&self) -> Result<u64, HistoryError> {
        self.outbox_depth()
    }
}

/// One event as shipped: the history's body, with the provider and outcome by name.
fn record(event: AuditEvent) -> AuditRecord {
    let body = event.body;
    AuditRecord {
        seq: event.seq,
        entry_id: event.entry_id.0,
        kind: match event.kind {
            EventKind::Started => AuditKind::Started,
            EventKind::Finished => AuditKind::Finished,
            EventKind::Unknown => AuditKind::Unknown,
        },
        at: body.at,
        body: AuditBody {
            operation: body.operation,
            profile: body.profile,
            provider: body.provider.as_str().to_owned(),
            environment: body.environment,
            card_id: body.card_id,
            outcome: body.outcome.as_str().to_owned(),
            reference: body.reference,
            message: body.message,
            os_user: body.os_user,
            host: body.host.unwrap_or_default(),
            app_version: body.app_version.unwrap_or_default(),
            ticket: body.ticket,
        },
        hash: event.hash,
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    use crate::audit::{drain, shipper_from_config, Outbox};
    use crate::history::{Finish, History, NewEntry, Outcome};
    use crate::profile::Provider;
    use crate::system_config::{AuditConfig, Collector, CollectorTransport};

    /// The history commits a `finished` record without its own fsync, so it is not pending
    /// at first; the drain's barrier makes it durable and ships it with its `started`.
    #[tokio::test]
    async fn a_drain_ships_the_unsynced_finished_record_after_its_barrier() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::open(dir.path().join("history.sqlite3")).unwrap();
        history.set_outbox(true);
        let now = time::OffsetDateTime::now_utc();
        let id = history
            .start(&NewEntry {
                started_at: now,
                os_user: "alice".into(),
                profile: "ops".into(),
                provider: Provider::Solid,
                environment: "sandbox".into(),
                operation: "solid.set_pin".into(),
                card_id: Some("crd_1".into()),
                ticket: None,
            })
            .unwrap();
        let finish = Finish {
            outcome: Outcome::Ok,
            reference: None,
            message: None,
            finished_at: now,
            duration: Duration::from_millis(5),
        };
        history.finish(id, &finish).unwrap();
        assert!(history.pending(10).unwrap().is_empty());

        let collector = TcpListener::bind("127.0.0.1:0").unwrap();
        let config = AuditConfig {
            collectors: vec![Collector {
                transport: CollectorTransport::Tcp,
                host: "127.0.0.1".into(),
                port: collector.local_addr().unwrap().port(),
                ca: None,
            }],
            require_ticket: false,
            sd_id: None,
        };
        let mut shipper = shipper_from_config(&config).unwrap().unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let report = drain(&history, &mut shipper, deadline).await;
        assert!(report.error.is_none(), "{:?}", report.error);
        assert_eq!(
            (report.sent, report.remaining, report.last_sent_seq),
            (2, 0, Some(2))
        );
        drop(collector);
    }
}
