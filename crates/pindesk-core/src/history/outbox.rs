//! The outbox: the seqs of events waiting to be shipped to the audit collector. A row is
//! queued in the transaction that appends its event, once [`History::set_outbox`] turned
//! queueing on; the shipping reads the oldest ([`History::outbox_pending`]) and removes what
//! the collector took ([`History::outbox_sent`]).

use std::sync::atomic::Ordering;

use rusqlite::{params, OptionalExtension};

use super::chain::AuditEvent;
use super::error::sql;
use super::{History, HistoryError};

impl History {
    /// Whether each new event is also queued in the outbox (off until called: turn it on when
    /// a collector is configured). Events appended while it was off are never queued.
    pub fn set_outbox(&self, queue: bool) {
        self.outbox.store(queue, Ordering::Relaxed);
    }

    /// Up to `limit` queued events, oldest first.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<AuditEvent>, HistoryError> {
        let action = "reading the audit outbox";
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT e.seq, e.body, e.hash FROM outbox o JOIN events e ON e.seq = o.seq
                 ORDER BY o.seq LIMIT ?1",
            )
            .map_err(sql(action))?;
        let rows = stmt
            .query_map(params![limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(sql(action))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, body, hash) = row.map_err(sql(action))?;
            out.push(AuditEvent::from_stored(seq, body, hash)?);
        }
        Ok(out)
    }

    /// Removes every queued event up to and including `up_to_seq` (the collector has them).
    /// Returns how many went.
    pub fn outbox_sent(&self, up_to_seq: u64) -> Result<usize, HistoryError> {
        let action = "emptying the audit outbox";
        let seq = i64::try_from(up_to_seq).unwrap_or(i64::MAX);
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(sql(action))?;
        let removed = tx
            .execute("DELETE FROM outbox WHERE seq <= ?1", params![seq])
            .map_err(sql(action))?;
        tx.execute(
            "INSERT INTO outbox_shipped (id, seq) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET seq = max(seq, excluded.seq)",
            params![seq],
        )
        .map_err(sql(action))?;
        tx.commit().map_err(sql(action))?;
        Ok(removed)
    }

    /// The last seq shipped to the collectors, if any was.
    pub fn outbox_last_sent(&self) -> Result<Option<u64>, HistoryError> {
        let seq: Option<i64> = self
            .conn()
            .query_row("SELECT seq FROM outbox_shipped WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql("reading the last shipped seq"))?;
        Ok(seq.and_then(|s| u64::try_from(s).ok()))
    }

    /// How many events wait in the outbox.
    pub fn outbox_depth(&self) -> Result<u64, HistoryError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .map_err(sql("counting the audit outbox"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::history::{EventKind, Outcome};
    use crate::profile::Provider;

    #[test]
    fn events_are_queued_only_while_the_outbox_is_on() {
        let (_dir, h) = open();
        h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        assert_eq!(h.outbox_depth().unwrap(), 0);
        h.set_outbox(true);
        let id = h.start(&new_entry(T0, Provider::Solid, "crd_2")).unwrap();
        h.finish(id, &done(Outcome::Ok, T0)).unwrap();
        assert_eq!(h.outbox_depth().unwrap(), 2);
        let pending = h.outbox_pending(10).unwrap();
        let shape: Vec<_> = pending
            .iter()
            .map(|e| (e.seq, e.entry_id, e.kind, e.body.outcome))
            .collect();
        assert_eq!(
            shape,
            [
                (2, id, EventKind::Started, Outcome::Started),
                (3, id, EventKind::Finished, Outcome::Ok)
            ]
        );
        assert_eq!(pending[1].at, T0);
        assert_eq!(pending[0].body.card_id.as_deref(), Some("crd_2"));
        assert_eq!(
            pending[1].hash,
            crate::history::chain_hash(&pending[0].hash, &pending[1].body_json)
        );
        assert_eq!(h.outbox_pending(1).unwrap().len(), 1);
        assert_eq!(h.outbox_sent(2).unwrap(), 1);
        assert_eq!(h.outbox_depth().unwrap(), 1);
        assert_eq!(h.outbox_pending(10).unwrap()[0].seq, 3);
        h.set_outbox(false);
        h.start(&new_entry(T0, Provider::Vault, "4")).unwrap();
        assert_eq!(h.outbox_depth().unwrap(), 1);
    }
}
