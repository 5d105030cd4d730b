//! The store: the database opened in WAL mode, entries started and finished, old ones deleted.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection};
use time::OffsetDateTime;

use super::entry::{to_millis, truncate};
use super::error::sql;
use super::recovery::process_token;
use super::schema::migrate;
use super::{EntryId, Finish, HistoryError, NewEntry, Outcome, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS};

/// The history database. `Send + Sync`: one connection behind a mutex.
#[derive(Debug)]
pub struct History {
    conn: Mutex<Connection>,
    pub(super) path: PathBuf,
}

impl History {
    /// Opens (creating if needed, with a 0700 folder and a 0600 file on Unix) and migrates the
    /// database. Call [`recover_interrupted`](Self::recover_interrupted) next.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, HistoryError> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::profile::create_private_dir(dir).map_err(|source| HistoryError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let open_err = |source| HistoryError::Open {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(open_err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Best effort: the file exists now; WAL files inherit its mode.
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_err)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") && path.as_os_str() != ":memory:" {
            return Err(HistoryError::NoWal {
                path: path.clone(),
                mode,
            });
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        migrate(&mut conn, &path)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        // The connection stays usable after a panic elsewhere; SQLite keeps it consistent.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records an operation as started. Call it before the request leaves.
    pub fn start(&self, entry: &NewEntry) -> Result<EntryId, HistoryError> {
        self.hold_writer_lock();
        let conn = self.conn();
        conn.execute(
            "INSERT INTO entries (started_at, os_user, profile, provider, environment, operation,
                                  card_id, outcome, writer_pid, writer_token)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'started', ?8, ?9)",
            params![
                to_millis(entry.started_at),
                truncate(&entry.os_user, MAX_FIELD_CHARS),
                truncate(&entry.profile, MAX_FIELD_CHARS),
                entry.provider.as_str(),
                truncate(&entry.environment, MAX_FIELD_CHARS),
                truncate(&entry.operation, MAX_FIELD_CHARS),
                entry
                    .card_id
                    .as_deref()
                    .map(|c| truncate(c, MAX_FIELD_CHARS)),
                i64::from(std::process::id()),
                process_token(),
            ],
        )
        .map_err(sql("recording the start of an operation"))?;
        Ok(EntryId(conn.last_insert_rowid()))
    }

    /// Records how an operation ended (replacing `unknown` if recovery got there first).
    pub fn finish(&self, id: EntryId, finish: &Finish) -> Result<(), HistoryError> {
        if finish.outcome == Outcome::Started {
            return Err(HistoryError::FinishAsStarted);
        }
        let duration_ms = i64::try_from(finish.duration.as_millis()).unwrap_or(i64::MAX);
        let changed = self
            .conn()
            .execute(
                "UPDATE entries SET outcome = ?2, reference = ?3, message = ?4,
                                    finished_at = ?5, duration_ms = ?6
                 WHERE id = ?1",
                params![
                    id.0,
                    finish.outcome.as_str(),
                    finish
                        .reference
                        .as_deref()
                        .map(|r| truncate(r, MAX_FIELD_CHARS)),
                    finish
                        .message
                        .as_deref()
                        .map(|m| truncate(m, MAX_MESSAGE_CHARS)),
                    to_millis(finish.finished_at),
                    duration_ms,
                ],
            )
            .map_err(sql("recording the end of an operation"))?;
        if changed == 0 {
            return Err(HistoryError::NotFound { id });
        }
        Ok(())
    }

    /// Deletes entries started more than `days` days before `now` (never all of them: at
    /// least a day is kept). Returns how many went.
    pub fn apply_retention(
        &self,
        days: NonZeroU32,
        now: OffsetDateTime,
    ) -> Result<usize, HistoryError> {
        let cutoff = now - time::Duration::days(i64::from(days.get()));
        self.conn()
            .execute(
                "DELETE FROM entries WHERE started_at < ?1",
                params![to_millis(cutoff)],
            )
            .map_err(sql("deleting old entries"))
    }

    /// SQLite's journal mode (`wal` once open).
    pub fn journal_mode(&self) -> Result<String, HistoryError> {
        self.conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(sql("reading the journal mode"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::history::{Entry, Filter, Page};
    use crate::profile::Provider;

    #[test]
    fn start_finish_round_trip() {
        let (_dir, h) = open();
        let id = h.start(&new_entry(T0, Provider::Solid, "crd_1")).unwrap();
        let started = h.query(&Filter::default(), Page::first(10)).unwrap();
        assert_eq!(started.len(), 1);
        assert_eq!(started[0].outcome, Outcome::Started);
        assert_eq!(started[0].finished_at, None);
        let end = T0 + time::Duration::milliseconds(250);
        h.finish(id, &done(Outcome::Rejected, end)).unwrap();
        let e = &h.query(&Filter::default(), Page::first(10)).unwrap()[0];
        assert_eq!(
            e,
            &Entry {
                id,
                started_at: T0,
                finished_at: Some(end),
                os_user: "alice".into(),
                profile: "ops-solid".into(),
                provider: Provider::Solid,
                environment: "sandbox".into(),
                operation: "solid.set_pin".into(),
                card_id: Some("crd_1".into()),
                outcome: Outcome::Rejected,
                reference: Some("req_123".into()),
                message: Some("card not found".into()),
                duration_ms: Some(250),
            }
        );
        assert!(matches!(
            h.finish(EntryId(999), &done(Outcome::Ok, end)),
            Err(HistoryError::NotFound { .. })
        ));
        assert!(matches!(
            h.finish(id, &done(Outcome::Started, end)),
            Err(HistoryError::FinishAsStarted)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn database_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, h) = open();
        let mode = std::fs::metadata(h.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(h.path().parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
    }

    #[test]
    fn retention_deletes_only_old_entries() {
        let (_dir, h) = open();
        let now = T0 + time::Duration::days(400);
        h.start(&new_entry(T0, Provider::Vault, "old")).unwrap();
        h.start(&new_entry(
            now - time::Duration::days(364),
            Provider::Vault,
            "kept",
        ))
        .unwrap();
        assert_eq!(
            h.apply_retention(NonZeroU32::new(365).unwrap(), now)
                .unwrap(),
            1
        );
        let rows = h.query(&Filter::default(), Page::first(10)).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].card_id.as_deref(), Some("kept"));
    }

    #[test]
    fn long_text_is_capped() {
        let (_dir, h) = open();
        let id = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        let mut f = done(Outcome::Failed, T0);
        f.message = Some("é".repeat(5000));
        h.finish(id, &f).unwrap();
        let e = &h.query(&Filter::default(), Page::first(1)).unwrap()[0];
        let message = e.message.as_deref().unwrap();
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS);
        assert!(message.ends_with('…'));
    }
}
