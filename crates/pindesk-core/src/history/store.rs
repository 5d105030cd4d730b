//! The store: the database opened in WAL mode, entries started and finished, old ones deleted.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, Transaction};
use time::OffsetDateTime;

use super::chain::{append, latest_body, next_entry_id, EventBody, EventKind};
use super::durability::Commit;
use super::entry::{host_name, to_millis, truncate};
use super::error::sql;
use super::recovery::process_token;
use super::schema::migrate;
use super::{EntryId, Finish, HistoryError, NewEntry, Outcome, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS};

/// The history database. `Send + Sync`: one connection behind a mutex.
#[derive(Debug)]
pub struct History {
    conn: Mutex<Connection>,
    pub(super) path: PathBuf,
    /// Whether events are queued for shipping ([`History::set_outbox`]).
    pub(super) outbox: AtomicBool,
    /// Whether the connection may still be at `synchronous = NORMAL` (an unsynced commit
    /// could not restore `FULL`); only read and written with the connection locked.
    pub(super) unsynced: AtomicBool,
    /// Test hook: the `synchronous` level of each commit, with its action.
    #[cfg(test)]
    pub(super) commit_levels: Mutex<Vec<(&'static str, i64)>>,
}

/// The last seq (and its hash) of the oldest run of events that retention may remove: every
/// event up to it belongs to an operation started before `cutoff` whose events all lie in the
/// run, and none waits in the outbox.
fn removable_prefix(
    tx: &Transaction<'_>,
    cutoff: i64,
) -> Result<Option<(i64, String)>, HistoryError> {
    let action = "choosing what retention removes";
    let pending: Option<i64> = tx
        .query_row("SELECT MIN(seq) FROM outbox", [], |r| r.get(0))
        .map_err(sql(action))?;
    let mut stmt = tx
        .prepare(
            "SELECT e.seq, e.hash, n.started_at,
                    (SELECT MAX(seq) FROM events l WHERE l.entry_id = e.entry_id)
             FROM events e LEFT JOIN entries n ON n.id = e.entry_id
             ORDER BY e.seq",
        )
        .map_err(sql(action))?;
    let mut rows = stmt.query([]).map_err(sql(action))?;
    let (mut needed, mut found) = (0_i64, None);
    while let Some(row) = rows.next().map_err(sql(action))? {
        let seq: i64 = row.get(0).map_err(sql(action))?;
        let started: Option<i64> = row.get(2).map_err(sql(action))?;
        let old = started.is_some_and(|s| s < cutoff);
        if !old || pending.is_some_and(|p| seq >= p) {
            break;
        }
        needed = needed.max(row.get(3).map_err(sql(action))?);
        if needed == seq {
            found = Some((seq, row.get(1).map_err(sql(action))?));
        }
    }
    Ok(found)
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
            outbox: AtomicBool::new(false),
            unsynced: AtomicBool::new(false),
            #[cfg(test)]
            commit_levels: Mutex::default(),
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

    /// Records an operation as started: appends its `started` event (and writes its row).
    /// Call it before the request leaves.
    pub fn start(&self, entry: &NewEntry) -> Result<EntryId, HistoryError> {
        self.hold_writer_lock();
        let field = |s: &str| truncate(s, MAX_FIELD_CHARS);
        let at = to_millis(entry.started_at);
        self.append_with("recording the start of an operation", |tx| {
            let id = next_entry_id(tx)?;
            let mut body = EventBody {
                seq: 0,
                entry_id: id,
                kind: EventKind::Started,
                at,
                operation: field(&entry.operation),
                profile: field(&entry.profile),
                provider: entry.provider,
                environment: field(&entry.environment),
                card_id: entry.card_id.as_deref().map(field),
                ticket: entry.ticket.as_ref().map(|t| t.as_str().to_owned()),
                outcome: Outcome::Started,
                reference: None,
                message: None,
                started_at: at,
                finished_at: None,
                duration_ms: None,
                os_user: field(&entry.os_user),
                host: Some(host_name()),
                app_version: Some(crate::VERSION.to_owned()),
                writer_pid: i64::from(std::process::id()),
                writer_token: process_token().to_owned(),
            };
            append(tx, &mut body, self.outbox_enabled())?;
            Ok(EntryId(id))
        })
    }

    /// Records how an operation ended: appends its `finished` event (a late one replaces
    /// `unknown` if recovery got there first). Committed without its own fsync: the next
    /// durable commit makes it durable (see the module doc).
    pub fn finish(&self, id: EntryId, finish: &Finish) -> Result<(), HistoryError> {
        if finish.outcome == Outcome::Started {
            return Err(HistoryError::FinishAsStarted);
        }
        let duration_ms = u64::try_from(finish.duration.as_millis()).unwrap_or(u64::MAX);
        let action = "recording the end of an operation";
        self.commit_with(Commit::Unsynced, action, |tx| {
            let mut body = latest_body(tx, id)?.ok_or(HistoryError::NotFound { id })?;
            let at = to_millis(finish.finished_at);
            body.kind = EventKind::Finished;
            body.at = at;
            body.outcome = finish.outcome;
            body.reference = finish
                .reference
                .as_deref()
                .map(|r| truncate(r, MAX_FIELD_CHARS));
            body.message = finish
                .message
                .as_deref()
                .map(|m| truncate(m, MAX_MESSAGE_CHARS));
            body.finished_at = Some(at);
            body.duration_ms = Some(duration_ms);
            append(tx, &mut body, self.outbox_enabled())?;
            Ok(())
        })
    }

    /// Runs `work` in a `BEGIN IMMEDIATE` transaction and commits it durably.
    pub(super) fn append_with<T>(
        &self,
        action: &'static str,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        self.commit_with(Commit::Durable, action, work)
    }

    /// Whether new events are queued in the outbox for shipping.
    pub(super) fn outbox_enabled(&self) -> bool {
        self.outbox.load(Ordering::Relaxed)
    }

    /// Deletes whole operations started more than `days` days before `now` (never all of
    /// them: at least a day is kept), as the oldest part of the chain: it stops at the first
    /// event of a newer operation, at an operation with events after that point, and at an
    /// event still waiting in the outbox. The last removed record becomes the checkpoint, so
    /// [`verify`](Self::verify) still passes. Returns how many operations went.
    pub fn apply_retention(
        &self,
        days: NonZeroU32,
        now: OffsetDateTime,
    ) -> Result<usize, HistoryError> {
        let cutoff = to_millis(now - time::Duration::days(i64::from(days.get())));
        self.append_with("deleting old entries", |tx| {
            let Some((last, hash)) = removable_prefix(tx, cutoff)? else {
                return Ok(0);
            };
            let removed = tx
                .execute(
                    "DELETE FROM entries WHERE id IN
                         (SELECT DISTINCT entry_id FROM events WHERE seq <= ?1)",
                    params![last],
                )
                .map_err(sql("deleting old entries"))?;
            tx.execute("DELETE FROM events WHERE seq <= ?1", params![last])
                .map_err(sql("deleting old entries"))?;
            tx.execute("DELETE FROM chain_checkpoint", [])
                .map_err(sql("moving the chain checkpoint"))?;
            tx.execute(
                "INSERT INTO chain_checkpoint (seq, hash) VALUES (?1, ?2)",
                params![last, hash],
            )
            .map_err(sql("moving the chain checkpoint"))?;
            Ok(removed)
        })
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
                ticket: None,
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
