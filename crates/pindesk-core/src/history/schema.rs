//! The schema: its version and the migrations that bring a database forward on open.

use std::path::Path;

use rusqlite::Connection;

use super::HistoryError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

const MIGRATIONS: [&str; 1] = [
    // Version 1.
    "CREATE TABLE entries (
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
     CREATE INDEX entries_started  ON entries (started_at);",
];

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
        let tx = conn.transaction().map_err(open_err)?;
        tx.execute_batch(step).map_err(open_err)?;
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
}
