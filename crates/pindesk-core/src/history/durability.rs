//! How each commit reaches the disk: every commit is durable (`synchronous = FULL`, the WAL
//! fsynced before the commit returns) except the one that records how an operation ended,
//! which is written to the WAL without its own fsync (`synchronous = NORMAL` for that commit).
//! The module doc of [`super`] gives the reasoning.

use std::sync::atomic::Ordering;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::error::sql;
use super::{History, HistoryError};

/// How one commit reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Commit {
    /// `synchronous = FULL`: on disk when the commit returns, and with it every commit before.
    Durable,
    /// `synchronous = NORMAL`: in the WAL, on disk at the next durable commit or checkpoint.
    Unsynced,
}

impl Commit {
    fn level(self) -> &'static str {
        match self {
            Commit::Durable => "FULL",
            Commit::Unsynced => "NORMAL",
        }
    }
}

/// Sets the connection's `synchronous` level (never inside a transaction: SQLite refuses).
fn set_level(conn: &Connection, commit: Commit) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", commit.level())
}

impl History {
    /// Runs `work` in a `BEGIN IMMEDIATE` transaction (the write lock is taken first, so the
    /// chain's tip cannot move under it) and commits it as `commit` says. An unsynced commit
    /// lowers the level for itself only and restores `FULL` afterwards, whatever happened;
    /// should restoring fail, the next durable commit sets `FULL` first or does not run.
    pub(super) fn commit_with<T>(
        &self,
        commit: Commit,
        action: &'static str,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        let mut conn = self.conn();
        let lowered = self.unsynced.load(Ordering::Relaxed);
        if commit == Commit::Unsynced || lowered {
            set_level(&conn, commit).map_err(sql(action))?;
            self.unsynced
                .store(commit == Commit::Unsynced, Ordering::Relaxed);
        }
        let result = self.run(&mut conn, action, work);
        if commit == Commit::Unsynced && set_level(&conn, Commit::Durable).is_ok() {
            self.unsynced.store(false, Ordering::Relaxed);
        }
        result
    }

    fn run<T>(
        &self,
        conn: &mut Connection,
        action: &'static str,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(action))?;
        let value = work(&tx)?;
        #[cfg(test)]
        self.note_commit_level(&tx, action);
        tx.commit().map_err(sql(action))?;
        Ok(value)
    }

    /// Test hook: records the `synchronous` level each commit runs with.
    #[cfg(test)]
    fn note_commit_level(&self, tx: &Transaction<'_>, action: &'static str) {
        let level: i64 = tx
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        self.commit_levels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((action, level));
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;
    use std::path::Path;
    use std::time::Duration;

    use super::super::test_support::*;
    use crate::history::{EntryId, Filter, History, HistoryError, Outcome, Page};
    use crate::profile::Provider;

    /// SQLite's numbers for the levels.
    const NORMAL: i64 = 1;
    const FULL: i64 = 2;

    fn level(h: &History) -> i64 {
        h.conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap()
    }

    type Step = fn(&History, EntryId) -> Result<(), HistoryError>;

    /// Every write commits durably but the `finished` record, and the connection is back at
    /// `FULL` after each, a failed finish included.
    #[test]
    fn only_the_finished_record_commits_without_its_own_fsync() {
        let cases: [(&str, Step, &[i64]); 6] = [
            (
                "start",
                |h, _| h.start(&new_entry(T0, Provider::Vault, "2")).map(drop),
                &[FULL],
            ),
            (
                "finish",
                |h, id| h.finish(id, &done(Outcome::Ok, T0)),
                &[NORMAL],
            ),
            (
                "finish of no entry",
                |h, _| h.finish(EntryId(99), &done(Outcome::Ok, T0)),
                &[],
            ),
            (
                "recovery",
                |h, _| h.recover_interrupted(T0, Duration::ZERO).map(drop),
                &[FULL],
            ),
            (
                "retention",
                |h, _| {
                    let later = T0 + time::Duration::days(400);
                    h.apply_retention(NonZeroU32::new(1).unwrap(), later)
                        .map(drop)
                },
                &[FULL],
            ),
            ("outbox barrier", |h, _| h.outbox_make_durable(), &[FULL]),
        ];
        for (name, step, levels) in cases {
            let (_dir, h) = open();
            h.set_outbox(true);
            let id = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
            h.commit_levels.lock().unwrap().clear();
            let _ = step(&h, id);
            let seen: Vec<i64> = h
                .commit_levels
                .lock()
                .unwrap()
                .iter()
                .map(|c| c.1)
                .collect();
            assert_eq!(seen, levels, "{name}: the commits' levels");
            assert_eq!(level(&h), FULL, "{name}: the level afterwards");
        }
    }

    /// Copies the database as a power cut would leave it now: the file and its WAL.
    fn snapshot(db: &Path, to: &Path) {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(db, to).unwrap();
        let wal = |p: &Path| p.with_extension("sqlite3-wal");
        std::fs::copy(wal(db), wal(to)).unwrap();
    }

    /// Fault injection: a `finished` record that never reached the file. What a power cut
    /// leaves after an unsynced commit is what the last durable commit wrote, so the database
    /// is copied then; the operation finishes `ok` on the original afterwards. Another process
    /// opening the copy finds the operation `started`, and recovery marks it `unknown`: never
    /// a wrong `ok`. The next durable commit carries the finished record to the disk with it.
    #[test]
    fn a_lost_finished_record_is_recovered_as_unknown_never_ok() {
        let (dir, h) = open();
        let id = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        let lost = dir.path().join("lost").join("history.sqlite3");
        snapshot(h.path(), &lost);
        h.finish(id, &done(Outcome::Ok, T0)).unwrap();
        let kept = dir.path().join("kept").join("history.sqlite3");
        h.start(&new_entry(T0, Provider::Vault, "2")).unwrap();
        snapshot(h.path(), &kept);

        let later = T0 + time::Duration::hours(1);
        for (name, copy, outcome) in [
            ("power cut after finish", &lost, Outcome::Unknown),
            ("power cut after the next start", &kept, Outcome::Ok),
        ] {
            let other = History::open(copy).unwrap();
            // Written by another process, which is gone.
            other
                .conn()
                .execute(
                    "UPDATE entries SET writer_token = 'gone' WHERE outcome = 'started'",
                    [],
                )
                .unwrap();
            other
                .recover_interrupted(later, Duration::from_secs(60))
                .unwrap();
            let rows = other.query(&Filter::default(), Page::first(10)).unwrap();
            let first = rows.iter().find(|e| e.id == id).unwrap();
            assert_eq!(first.outcome, outcome, "{name}");
            assert!(other.verify().unwrap().ok, "{name}");
        }
    }
}
