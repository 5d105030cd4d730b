//! The schema: its version and the migrations that bring a database forward on open.
//!
//! Version 2 adds the chain (`events`, `chain_checkpoint`, `outbox`) and the `ticket` column.
//! A version 1 database keeps its rows: each gets one genesis event holding the row as it
//! stands (`started`, `finished` or `unknown` after its outcome; `host` and `app_version`
//! null, as version 1 did not record them), appended in id order in the migration's
//! transaction, so the chain starts verified with the migration. Genesis events are not
//! queued for shipping.
//!
//! Version 3 adds `durable_mark`, the highest seq known to be on disk (what the outbox may
//! ship, see the module doc of [`super`]); it starts at the chain's tip, since every earlier
//! commit was durable.

use std::path::Path;

use rusqlite::{Connection, Transaction};

use super::chain::{append, EventBody, EventKind, RowView, ROW_COLUMNS};
use super::{HistoryError, Outcome};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 3;

/// A migration's data step.
type DataStep = fn(&Transaction<'_>) -> Result<(), HistoryError>;

/// One migration: statements, then (for data) code run in the same transaction.
struct Migration {
    sql: &'static str,
    data: Option<DataStep>,
}

const MIGRATIONS: [Migration; 3] = [
    Migration {
        sql: V1,
        data: None,
    },
    Migration {
        sql: V2,
        data: Some(genesis),
    },
    Migration {
        sql: V3,
        data: None,
    },
];

pub(super) const V1: &str = "CREATE TABLE entries (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at   INTEGER NOT NULL,              -- Unix milliseconds, UTC
        finished_at  INTEGER,                       -- Unix milliseconds, UTC
        os_user      TEXT    NOT NULL,
        profile      TEXT    NOT NULL,
        provider     TEXT    NOT NULL CHECK (provider IN ('vault', 'solid')),
        environment  TEXT    NOT NULL,
        operation    TEXT    NOT NULL,
        card_id      TEXT,
        outcome      TEXT    NOT NULL
                     CHECK (outcome IN ('started', 'ok', 'rejected', 'failed', 'unknown')),
        reference    TEXT,
        message      TEXT,
        duration_ms  INTEGER,
        writer_pid   INTEGER NOT NULL,
        writer_token TEXT    NOT NULL
     );
     CREATE INDEX entries_provider ON entries (provider, id);
     CREATE INDEX entries_outcome  ON entries (outcome, id);
     CREATE INDEX entries_card     ON entries (card_id, id);
     CREATE INDEX entries_started  ON entries (started_at);";

/// Version 2's statements. `events_entry` serves three look-ups that would otherwise scan the
/// chain: an operation's newest event (`finish`, recovery; the row view lacks the event's
/// `host` and `app_version`), the highest entry id in the chain (`start`), and retention's
/// last event of each operation. It costs one index page per commit.
const V2: &str = "ALTER TABLE entries ADD COLUMN ticket TEXT;
     CREATE TABLE events (
        seq      INTEGER PRIMARY KEY,           -- 1, 2, 3, … without gaps
        entry_id INTEGER NOT NULL,              -- the operation (entries.id)
        kind     TEXT    NOT NULL CHECK (kind IN ('started', 'finished', 'unknown')),
        at       INTEGER NOT NULL,              -- Unix milliseconds, UTC
        body     TEXT    NOT NULL,              -- canonical JSON
        hash     TEXT    NOT NULL               -- hex SHA-256(previous hash, LF, body)
     );
     CREATE INDEX events_entry ON events (entry_id, seq);
     CREATE TABLE chain_checkpoint (
        seq  INTEGER NOT NULL,                  -- the last record retention removed
        hash TEXT    NOT NULL
     );
     CREATE TRIGGER chain_checkpoint_single BEFORE INSERT ON chain_checkpoint
        WHEN (SELECT COUNT(*) FROM chain_checkpoint) > 0
        BEGIN SELECT RAISE(ABORT, 'the chain has one checkpoint'); END;
     CREATE TABLE outbox (seq INTEGER PRIMARY KEY);
     CREATE TABLE outbox_shipped (                -- the last seq shipped, for audit status
        id  INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL
     );";

const V3: &str = "CREATE TABLE durable_mark (
        id  INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL                    -- every event up to it is on disk
     );
     INSERT INTO durable_mark (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events;";

/// Version 2's data step: one genesis event per existing row.
fn genesis(tx: &Transaction<'_>) -> Result<(), HistoryError> {
    let action = super::error::sql("migrating the history to the chain");
    let rows: Vec<RowView> = {
        let mut stmt = tx
            .prepare(&format!("SELECT {ROW_COLUMNS} FROM entries ORDER BY id"))
            .map_err(super::error::sql("migrating the history to the chain"))?;
        let rows = stmt.query_map([], RowView::read).map_err(action)?;
        rows.collect::<Result<_, _>>()
            .map_err(super::error::sql("migrating the history to the chain"))?
    };
    for row in rows {
        let outcome: Outcome = row.outcome.parse()?;
        let kind = match outcome {
            Outcome::Started => EventKind::Started,
            Outcome::Unknown => EventKind::Unknown,
            _ => EventKind::Finished,
        };
        let mut body = EventBody {
            seq: 0,
            entry_id: row.id,
            kind,
            at: row.finished_at.unwrap_or(row.started_at),
            operation: row.operation,
            profile: row.profile,
            provider: match row.provider.as_str() {
                "solid" => crate::profile::Provider::Solid,
                _ => crate::profile::Provider::Vault,
            },
            environment: row.environment,
            card_id: row.card_id,
            ticket: None,
            outcome,
            reference: row.reference,
            message: row.message,
            started_at: row.started_at,
            finished_at: row.finished_at,
            duration_ms: row.duration_ms.and_then(|d| u64::try_from(d).ok()),
            os_user: row.os_user,
            host: None,
            app_version: None,
            writer_pid: row.writer_pid,
            writer_token: row.writer_token,
        };
        append(tx, &mut body, false)?;
    }
    Ok(())
}

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), HistoryError> {
    let open_err = |source| HistoryError::Open {
        path: path.to_path_buf(),
        source,
    };
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(open_err)?;
    if version > SCHEMA_VERSION {
        return Err(HistoryError::TooNew {
            path: path.to_path_buf(),
            found: version,
        });
    }
    for (index, step) in MIGRATIONS.iter().enumerate() {
        let target = i64::try_from(index).unwrap_or(i64::MAX) + 1;
        if target <= version {
            continue;
        }
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(open_err)?;
        // Another process may have migrated while this one waited for the lock.
        let now: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open_err)?;
        if target <= now {
            continue;
        }
        tx.execute_batch(step.sql).map_err(open_err)?;
        if let Some(data) = step.data {
            data(&tx)?;
        }
        tx.pragma_update(None, "user_version", target)
            .map_err(open_err)?;
        tx.commit().map_err(open_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::history::{Filter, History, HistoryError};
    use crate::profile::Provider;

    #[test]
    fn wal_mode_schema_version_and_reopen() {
        let (dir, h) = open();
        assert_eq!(h.journal_mode().unwrap(), "wal");
        h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        let path = h.path().to_path_buf();
        drop(h);
        let h = History::open(&path).unwrap();
        assert_eq!(h.count(&Filter::default()).unwrap(), 1);
        let version: i64 = h
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        h.conn().pragma_update(None, "user_version", 99).unwrap();
        drop(h);
        assert!(matches!(
            History::open(&path),
            Err(HistoryError::TooNew { found: 99, .. })
        ));
        drop(dir);
    }

    /// A version 2 database (this schema without `durable_mark`) with queued events: its
    /// commits were all durable, so the mark starts at its tip and they ship at once.
    #[test]
    fn a_version_2_database_gets_its_durable_mark() {
        let (_dir, h) = open();
        h.set_outbox(true);
        let id = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        h.finish(id, &done(crate::history::Outcome::Ok, T0))
            .unwrap();
        h.conn()
            .execute_batch("DROP TABLE durable_mark; PRAGMA user_version = 2;")
            .unwrap();
        let path = h.path().to_path_buf();
        drop(h);
        let h = History::open(&path).unwrap();
        let version: i64 = h
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 3);
        let seqs: Vec<u64> = h
            .outbox_pending(10)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, [1, 2]);
        assert!(h.verify().unwrap().ok);
    }
}
