//! The history database as the audit outbox: its queued events, as [`AuditRecord`]s.

use super::{AuditBody, AuditKind, AuditRecord, Outbox};
use crate::history::{AuditEvent, EventKind, History, HistoryError};

impl Outbox for History {
    type Error = HistoryError;

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
