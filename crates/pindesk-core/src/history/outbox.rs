//! The outbox: the seqs of events waiting to be shipped to the audit collector. A row is
//! queued in the transaction that appends its event, once [`History::set_outbox`] turned
//! queueing on; the shipping makes them durable ([`History::outbox_make_durable`]), reads the
//! oldest durable ones ([`History::outbox_pending`]) and removes what the collector took
//! ([`History::outbox_sent`]).

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

    /// Makes every queued event shippable: when events above the durable mark wait, raises
    /// the mark to the chain's tip in one durable commit. That commit's fsync of the WAL takes
    /// every earlier commit to the disk with it, the unsynced `finished` records included.
    /// Does nothing (and no fsync) when nothing waits above the mark.
    pub fn outbox_make_durable(&self) -> Result<(), HistoryError> {
        self.append_with("making the audit outbox durable", |tx| {
            tx.execute(
                "UPDATE durable_mark SET seq = (SELECT MAX(seq) FROM events)
                 WHERE id = 1 AND seq < (SELECT MAX(seq) FROM outbox)",
                [],
            )
            .map_err(sql("making the audit outbox durable"))?;
            Ok(())
        })
    }

    /// Up to `limit` queued events that are on disk (up to the durable mark), oldest first.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<AuditEvent>, HistoryError> {
        self.queued(limit, true)
    }

    /// The oldest queued event, durable or not (for the audit status).
    pub fn outbox_oldest(&self) -> Result<Option<AuditEvent>, HistoryError> {
        Ok(self.queued(1, false)?.into_iter().next())
    }

    fn queued(&self, limit: u32, durable_only: bool) -> Result<Vec<AuditEvent>, HistoryError> {
        let action = "reading the audit outbox";
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT e.seq, e.body, e.hash FROM outbox o JOIN events e ON e.seq = o.seq
                 WHERE NOT ?2 OR o.seq <= (SELECT seq FROM durable_mark WHERE id = 1)
                 ORDER BY o.seq LIMIT ?1",
            )
            .map_err(sql(action))?;
        let rows = stmt
            .query_map(params![limit, durable_only], |r| {
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
        h.outbox_make_durable().unwrap();
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

    fn pending_seqs(h: &crate::history::History) -> Vec<u64> {
        h.outbox_pending(10)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect()
    }

    /// A `finished` record is committed without its own fsync: it is not shipped before a
    /// durable commit (the drain's barrier) has taken it to the disk.
    #[test]
    fn only_durable_events_are_pending() {
        let (_dir, h) = open();
        h.set_outbox(true);
        let id = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        h.finish(id, &done(Outcome::Ok, T0)).unwrap();
        assert_eq!(h.outbox_depth().unwrap(), 2);
        assert!(pending_seqs(&h).is_empty());
        assert_eq!(h.outbox_oldest().unwrap().map(|e| e.seq), Some(1));
        h.outbox_make_durable().unwrap();
        assert_eq!(pending_seqs(&h), [1, 2]);
        let id = h.start(&new_entry(T0, Provider::Vault, "2")).unwrap();
        h.finish(id, &done(Outcome::Ok, T0)).unwrap();
        assert_eq!(pending_seqs(&h), [1, 2]);
        h.outbox_make_durable().unwrap();
        assert_eq!(pending_seqs(&h), [1, 2, 3, 4]);
        // Nothing above the mark: the barrier writes nothing, so nothing is fsynced.
        let wal = h.path().with_extension("sqlite3-wal");
        let before = std::fs::metadata(&wal).unwrap().len();
        h.outbox_make_durable().unwrap();
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), before);
    }
}
