//! Recovery of interrupted entries: each writing process's lock file, and the `started`
//! entries of writers that are gone (or long silent) turned into `unknown`.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use rusqlite::params;
use time::OffsetDateTime;

use super::chain::{append, latest_body, EventKind};
use super::entry::to_millis;
use super::error::sql;
use super::{EntryId, History, HistoryError, Outcome};

/// The message given to entries found interrupted.
pub const INTERRUPTED_MESSAGE: &str = "interrupted — check with the provider before retrying";

/// A token unique to this process, so recovery never flips this process's own entries.
pub(super) fn process_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| uuid::Uuid::new_v4().to_string())
}

/// The folder of the writers' lock files of a database: `<database>.writers`.
fn writers_dir(db: &Path) -> PathBuf {
    let mut dir = db.as_os_str().to_owned();
    dir.push(".writers");
    PathBuf::from(dir)
}

/// The lock files this process holds, by writers folder: kept open (and locked) until exit.
fn held_writer_locks() -> MutexGuard<'static, HashMap<PathBuf, File>> {
    static HELD: OnceLock<Mutex<HashMap<PathBuf, File>>> = OnceLock::new();
    HELD.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Whether a writer token can name a lock file (tokens are uuids; anything else is ignored).
fn is_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 64
        && token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

impl History {
    /// Takes this process's writer lock for the database once, before its first entry. Best
    /// effort: without it, other processes judge this one's entries by age alone.
    pub(super) fn hold_writer_lock(&self) {
        if self.path.as_os_str() == ":memory:" {
            return;
        }
        let dir = writers_dir(&self.path);
        let mut held = held_writer_locks();
        if held.contains_key(&dir) {
            return;
        }
        if crate::profile::create_private_dir(&dir).is_err() {
            return;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{}.lock", process_token())));
        if let Ok(file) = file {
            if file.try_lock().is_ok() {
                held.insert(dir, file);
            }
        }
    }

    /// The tokens of writers that are gone: their lock file could be locked. Each comes with
    /// the locked file, to be removed once their entries are recovered.
    fn dead_writers(&self) -> Vec<(String, File, PathBuf)> {
        let Ok(entries) = std::fs::read_dir(writers_dir(&self.path)) else {
            return Vec::new();
        };
        let own = process_token();
        let mut dead = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(token) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".lock"))
                .filter(|t| is_token(t) && *t != own)
                .map(str::to_owned)
            else {
                continue;
            };
            let Ok(file) = OpenOptions::new().write(true).open(&path) else {
                continue;
            };
            // Locked by a live process: `WouldBlock`. Any other error: leave it alone.
            if file.try_lock().is_ok() {
                dead.push((token, file, path));
            }
        }
        dead
    }

    /// Turns `started` entries of other processes into `unknown` with [`INTERRUPTED_MESSAGE`]:
    /// at once when their writer is gone (its lock file is free), else once they started at
    /// least `grace` before `now`. Pass the longest one operation may take as `grace` — every
    /// call it makes, not one ([`crate::desk::operation_deadline`]) — so a live writer's slow
    /// operation is not declared interrupted. Each flip is an `unknown` event in the chain.
    /// Removes the lock files of writers that are gone.
    /// Returns how many entries changed.
    pub fn recover_interrupted(
        &self,
        now: OffsetDateTime,
        grace: Duration,
    ) -> Result<usize, HistoryError> {
        let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        let cutoff = to_millis(now).saturating_sub(grace_ms);
        let dead = self.dead_writers();
        let now_ms = to_millis(now);
        let tokens: Vec<String> = dead.iter().map(|(t, _, _)| t.clone()).collect();
        let changed = self.append_with("recovering interrupted operations", |tx| {
            let action = "recovering interrupted operations";
            let mut ids: Vec<i64> = Vec::new();
            {
                let mut stmt = tx
                    .prepare(
                        "SELECT id FROM entries
                         WHERE outcome = 'started' AND writer_token <> ?1 AND started_at <= ?2
                         ORDER BY id",
                    )
                    .map_err(sql(action))?;
                let rows = stmt
                    .query_map(params![process_token(), cutoff], |r| r.get(0))
                    .map_err(sql(action))?;
                for id in rows {
                    ids.push(id.map_err(sql(action))?);
                }
                let mut stmt = tx
                    .prepare(
                        "SELECT id FROM entries WHERE outcome = 'started' AND writer_token = ?1
                         ORDER BY id",
                    )
                    .map_err(sql(action))?;
                for token in &tokens {
                    let rows = stmt
                        .query_map(params![token], |r| r.get(0))
                        .map_err(sql(action))?;
                    for id in rows {
                        ids.push(id.map_err(sql(action))?);
                    }
                }
            }
            ids.sort_unstable();
            ids.dedup();
            for id in &ids {
                let Some(mut body) = latest_body(tx, EntryId(*id))? else {
                    continue;
                };
                body.kind = EventKind::Unknown;
                body.at = now_ms;
                body.outcome = Outcome::Unknown;
                body.message = Some(INTERRUPTED_MESSAGE.to_owned());
                body.finished_at = Some(now_ms);
                append(tx, &mut body, self.outbox_enabled())?;
            }
            Ok(ids.len())
        })?;
        for (_, file, path) in dead {
            // Unlocked and closed first: some systems cannot remove an open file.
            drop(file);
            let _ = std::fs::remove_file(path);
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::history::{Filter, Page};
    use crate::profile::Provider;

    #[test]
    fn recovery_flips_only_old_entries_of_other_processes() {
        let (_dir, h) = open();
        let own = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        let other_old = h.start(&new_entry(T0, Provider::Vault, "2")).unwrap();
        let other_new = h
            .start(&new_entry(
                T0 + time::Duration::minutes(9),
                Provider::Vault,
                "3",
            ))
            .unwrap();
        let finished = h.start(&new_entry(T0, Provider::Vault, "4")).unwrap();
        h.finish(finished, &done(Outcome::Ok, T0)).unwrap();
        // Pretend two entries were written by another process.
        h.conn()
            .execute(
                "UPDATE entries SET writer_token = 'other', writer_pid = 1 WHERE id IN (?1, ?2)",
                params![other_old.0, other_new.0],
            )
            .unwrap();
        let now = T0 + time::Duration::minutes(10);
        let flipped = h
            .recover_interrupted(now, Duration::from_secs(120))
            .unwrap();
        assert_eq!(flipped, 1);
        let by_id = |id: EntryId| {
            h.query(&Filter::default(), Page::first(10))
                .unwrap()
                .into_iter()
                .find(|e| e.id == id)
                .unwrap()
        };
        let e = by_id(other_old);
        assert_eq!(e.outcome, Outcome::Unknown);
        assert_eq!(e.message.as_deref(), Some(INTERRUPTED_MESSAGE));
        assert_eq!(e.finished_at, Some(now));
        assert_eq!(by_id(other_new).outcome, Outcome::Started);
        assert_eq!(by_id(own).outcome, Outcome::Started);
        assert_eq!(by_id(finished).outcome, Outcome::Ok);
        // A late finish by the real writer wins over `unknown`.
        h.finish(other_old, &done(Outcome::Ok, now)).unwrap();
        assert_eq!(by_id(other_old).outcome, Outcome::Ok);
    }

    /// Makes `id` look written by the process with writer token `token`.
    fn written_by(h: &History, id: EntryId, token: &str) {
        h.conn()
            .execute(
                "UPDATE entries SET writer_token = ?2, writer_pid = 1 WHERE id = ?1",
                params![id.0, token],
            )
            .unwrap();
    }

    #[test]
    fn a_writer_holds_its_lock_file_and_recovery_keeps_it() {
        let (_dir, h) = open();
        let own = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
        let lock = writers_dir(h.path()).join(format!("{}.lock", process_token()));
        assert!(lock.is_file());
        // Locked: another open file description cannot take it.
        let other = File::options().write(true).open(&lock).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        h.recover_interrupted(T0 + time::Duration::days(1), Duration::from_secs(20))
            .unwrap();
        assert!(lock.is_file());
        let e = h.query(&Filter::default(), Page::first(1)).unwrap();
        assert_eq!((e[0].id, e[0].outcome), (own, Outcome::Started));
    }

    #[test]
    fn recovery_flips_entries_of_a_gone_writer_at_once() {
        let (_dir, h) = open();
        let gone = "0d0d0d0d-dead-4000-8000-000000000001";
        let live = "0d0d0d0d-11fe-4000-8000-000000000002";
        let (a, b, c) = (
            h.start(&new_entry(T0, Provider::Vault, "1")).unwrap(),
            h.start(&new_entry(T0, Provider::Vault, "2")).unwrap(),
            h.start(&new_entry(T0, Provider::Solid, "3")).unwrap(),
        );
        written_by(&h, a, gone);
        written_by(&h, b, live);
        // c: a writer that never had a lock file, judged by age.
        written_by(&h, c, "0d0d0d0d-0000-4000-8000-000000000003");
        let dir = writers_dir(h.path());
        let gone_lock = dir.join(format!("{gone}.lock"));
        let live_lock = dir.join(format!("{live}.lock"));
        // A stale lock file of a writer that finished everything.
        let stale_lock = dir.join("0d0d0d0d-0000-4000-8000-00000000000f.lock");
        for p in [&gone_lock, &live_lock, &stale_lock] {
            File::create(p).unwrap();
        }
        let held = File::options().write(true).open(&live_lock).unwrap();
        held.try_lock().unwrap();

        // Seconds after the start, well inside the grace period.
        let now = T0 + time::Duration::seconds(2);
        assert_eq!(
            h.recover_interrupted(now, Duration::from_secs(20)).unwrap(),
            1
        );
        let outcome = |id: EntryId| {
            h.query(&Filter::default(), Page::first(10))
                .unwrap()
                .into_iter()
                .find(|e| e.id == id)
                .unwrap()
        };
        assert_eq!(outcome(a).outcome, Outcome::Unknown);
        assert_eq!(outcome(a).message.as_deref(), Some(INTERRUPTED_MESSAGE));
        assert_eq!(outcome(b).outcome, Outcome::Started);
        assert_eq!(outcome(c).outcome, Outcome::Started);
        assert!(!gone_lock.exists() && !stale_lock.exists());
        assert!(live_lock.exists());

        // Past the grace period, age decides for the rest, live or not.
        let later = T0 + time::Duration::seconds(30);
        assert_eq!(
            h.recover_interrupted(later, Duration::from_secs(20))
                .unwrap(),
            2
        );
        assert_eq!(outcome(b).outcome, Outcome::Unknown);
        assert_eq!(outcome(c).outcome, Outcome::Unknown);
        drop(held);
    }

    /// A live writer's entry older than one HTTP call's timeout but younger than the deadline
    /// of a whole operation is left `started`; older than that deadline it is `unknown`.
    #[test]
    fn a_live_writers_entry_is_left_until_its_operation_deadline() {
        let (_dir, h) = open();
        let http = crate::http::HttpSettings::default();
        let deadline = crate::desk::operation_deadline(&http);
        assert!(deadline > http.total_timeout);
        let live = "0d0d0d0d-11fe-4000-8000-0000000000a1";
        let lock = writers_dir(h.path()).join(format!("{live}.lock"));
        crate::profile::create_private_dir(lock.parent().unwrap()).unwrap();
        let held = File::create(&lock).unwrap();
        held.try_lock().unwrap();
        let now = T0 + time::Duration::hours(1);
        let ago = |d: Duration| now - time::Duration::try_from(d).unwrap();
        let second = Duration::from_secs(1);
        let entries = [
            (
                http.total_timeout + Duration::from_secs(5),
                Outcome::Started,
            ),
            (deadline - second, Outcome::Started),
            (deadline + second, Outcome::Unknown),
        ];
        let ids: Vec<EntryId> = entries
            .iter()
            .map(|&(age, _)| {
                let id = h.start(&new_entry(ago(age), Provider::Vault, "1")).unwrap();
                written_by(&h, id, live);
                id
            })
            .collect();
        assert_eq!(h.recover_interrupted(now, deadline).unwrap(), 1);
        let all = h.query(&Filter::default(), Page::first(10)).unwrap();
        for (id, (age, expected)) in ids.iter().zip(entries) {
            let e = all.iter().find(|e| e.id == *id).unwrap();
            assert_eq!(e.outcome, expected, "an entry {age:?} old");
        }
        drop(held);
    }
}
