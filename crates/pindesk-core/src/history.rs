//! The operation history: one row per provider call, in SQLite at
//! [`Paths::history_db`](crate::paths::Paths::history_db).
//!
//! An entry is written as [`Outcome::Started`] *before* the request leaves ([`History::start`])
//! and completed afterwards ([`History::finish`]), so a crash in between leaves a trace that
//! [`History::recover_interrupted`] turns into [`Outcome::Unknown`]: the operator must check
//! with the provider before retrying. No column can hold a secret (there is none for a PIN,
//! passcode, code, token or key); messages are provider messages, sanitized by the caller and
//! capped here. This module never reads the clock for its logic: every time is passed in.
//!
//! The database runs in WAL mode with `synchronous = FULL`; its schema is versioned through
//! `PRAGMA user_version` and migrated forward on open. A database from a newer PinDesk is
//! refused rather than modified.
//!
//! # Interrupted entries and concurrent processes
//! The desktop app and the CLI may use the same database at once. Each entry records the
//! writer's process id (for support only: process ids are not comparable across sandboxes such
//! as Flatpak, so liveness is not judged by them) and a token unique to the writing process.
//! Before its first entry, a writing process takes an exclusive lock on its own lock file,
//! `<database>.writers/<token>.lock`, and holds it until it exits; the OS releases the lock
//! when the process dies, even by `kill -9` (the lock is on the file, so it holds across PID
//! namespaces). `recover_interrupted` never touches entries of its own process. It flips
//! another process's `started` entry at once when that writer's lock file can be locked (the
//! writer is gone), and otherwise only once the entry is older than a grace period the caller
//! passes (the total HTTP timeout): by then a live writer has finished it, and a writer without
//! a lock file (where locking is unavailable) is judged by age alone. Should a slow writer
//! still call [`finish`](History::finish) afterwards, the real outcome replaces `unknown`.

use std::collections::HashMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};
use time::OffsetDateTime;

use crate::profile::Provider;

/// The message given to entries found interrupted.
pub const INTERRUPTED_MESSAGE: &str = "interrupted — check with the provider before retrying";

/// Longest stored message, in characters; longer ones are cut with `…`.
pub const MAX_MESSAGE_CHARS: usize = 1000;
/// Longest stored text of any other column, in characters.
pub const MAX_FIELD_CHARS: usize = 200;
/// Largest page [`History::query`] returns.
pub const MAX_PAGE: u32 = 1000;

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

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The request is about to leave or is in flight.
    Started,
    /// The provider accepted it.
    Ok,
    /// The provider answered and refused it.
    Rejected,
    /// It failed before reaching the provider (or locally), so nothing happened there.
    Failed,
    /// It may or may not have reached the provider; check before retrying.
    Unknown,
}

impl Outcome {
    /// The stored name: `started`, `ok`, `rejected`, `failed`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Started => "started",
            Outcome::Ok => "ok",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = HistoryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "started" => Outcome::Started,
            "ok" => Outcome::Ok,
            "rejected" => Outcome::Rejected,
            "failed" => Outcome::Failed,
            "unknown" => Outcome::Unknown,
            other => {
                return Err(HistoryError::BadValue {
                    column: "outcome",
                    value: truncate(other, 40),
                })
            }
        })
    }
}

/// An entry's id. Ids grow in the order entries are started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub i64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What is known when an operation starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// When the operation started.
    pub started_at: OffsetDateTime,
    /// The operator's OS account (see [`os_user`]).
    pub os_user: String,
    /// The profile id.
    pub profile: String,
    /// The profile's provider.
    pub provider: Provider,
    /// The profile's environment as text (`sandbox`, `production`, a URL).
    pub environment: String,
    /// What was done: `vault.send_code`, `vault.verify_code`, `vault.set_passcode`,
    /// `solid.pin_token`, `solid.set_pin`, `profile.test`, …
    pub operation: String,
    /// The card concerned, if any.
    pub card_id: Option<String>,
}

/// How an operation ended, for [`History::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finish {
    /// The outcome (not [`Outcome::Started`]).
    pub outcome: Outcome,
    /// The provider's reference (`errorId`, `request_id`), for support.
    pub reference: Option<String>,
    /// The provider's message, already free of secrets; capped at [`MAX_MESSAGE_CHARS`].
    pub message: Option<String>,
    /// When it ended.
    pub finished_at: OffsetDateTime,
    /// How long it took.
    pub duration: Duration,
}

/// One row of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The id.
    pub id: EntryId,
    /// When the operation started (UTC).
    pub started_at: OffsetDateTime,
    /// When it ended (UTC), if it has.
    pub finished_at: Option<OffsetDateTime>,
    /// The operator's OS account.
    pub os_user: String,
    /// The profile id.
    pub profile: String,
    /// The provider.
    pub provider: Provider,
    /// The environment as text.
    pub environment: String,
    /// The operation name.
    pub operation: String,
    /// The card concerned, if any.
    pub card_id: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// The provider's reference.
    pub reference: Option<String>,
    /// The provider's (or the interruption) message.
    pub message: Option<String>,
    /// How long it took, in milliseconds, once finished.
    pub duration_ms: Option<u64>,
}

/// Which entries to show; every field narrows the result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this provider.
    pub provider: Option<Provider>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Only this card.
    pub card_id: Option<String>,
    /// Only entries started at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only entries started before this time.
    pub until: Option<OffsetDateTime>,
}

/// One page of a query, newest first. The next page starts `before` the last id of this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// How many entries at most (capped at [`MAX_PAGE`]).
    pub limit: u32,
    /// Only entries with a smaller id (the last id of the previous page).
    pub before: Option<EntryId>,
}

impl Page {
    /// The first page of `limit` entries.
    pub fn first(limit: u32) -> Self {
        Self {
            limit,
            before: None,
        }
    }

    /// The page after the one that ended with `last`.
    pub fn after(last: EntryId, limit: u32) -> Self {
        Self {
            limit,
            before: Some(last),
        }
    }
}

/// What went wrong with the history database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The database could not be opened or set up.
    #[error("cannot open the history database {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// SQLite would not switch the database to WAL mode (for example on a network file
    /// system without shared memory).
    #[error(
        "the history database {} cannot use WAL mode (it stays in {mode:?} mode); \
         put PINDESK_DATA_DIR on a local disk",
        path.display()
    )]
    NoWal {
        /// The database file.
        path: PathBuf,
        /// The journal mode SQLite kept.
        mode: String,
    },
    /// The folder of the database could not be created.
    #[error("cannot create the folder {} for the history database: {source}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The database was written by a newer PinDesk; it is left untouched.
    #[error(
        "the history database {} has schema version {found}, newer than this PinDesk \
         understands ({SCHEMA_VERSION}); update PinDesk",
        path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
    },
    /// A statement failed.
    #[error("history database error while {action}: {source}")]
    Sqlite {
        /// What was being done.
        action: &'static str,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// No entry has this id.
    #[error("no history entry {id}")]
    NotFound {
        /// The id.
        id: EntryId,
    },
    /// `finish` was asked to record `started`.
    #[error("an entry cannot be finished as `started`")]
    FinishAsStarted,
    /// A stored value is not one this build knows.
    #[error("the history database holds an unexpected {column} value {value:?}")]
    BadValue {
        /// The column.
        column: &'static str,
        /// The value (shortened).
        value: String,
    },
    /// Writing the CSV export failed.
    #[error("cannot write the history export: {source}")]
    Export {
        /// The cause.
        #[source]
        source: csv::Error,
    },
}

impl HistoryError {
    /// History trouble is local: the `internal` category.
    pub fn category(&self) -> crate::error::Category {
        crate::error::Category::Internal
    }
}

fn sql(action: &'static str) -> impl FnOnce(rusqlite::Error) -> HistoryError {
    move |source| HistoryError::Sqlite { action, source }
}

/// The operator's OS account name from the environment (`USER`, `USERNAME`, `LOGNAME`), or
/// `unknown`.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .map(|s| truncate(&s, MAX_FIELD_CHARS))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A token unique to this process, so recovery never flips this process's own entries.
fn process_token() -> &'static str {
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

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn to_millis(t: OffsetDateTime) -> i64 {
    let ms = t.unix_timestamp_nanos() / 1_000_000;
    i64::try_from(ms).unwrap_or(if ms < 0 { i64::MIN } else { i64::MAX })
}

fn from_millis(ms: i64) -> Result<OffsetDateTime, HistoryError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map_err(|_| {
        HistoryError::BadValue {
            column: "time",
            value: ms.to_string(),
        }
    })
}

/// The history database. `Send + Sync`: one connection behind a mutex.
#[derive(Debug)]
pub struct History {
    conn: Mutex<Connection>,
    path: PathBuf,
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

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // The connection stays usable after a panic elsewhere; SQLite keeps it consistent.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes this process's writer lock for the database once, before its first entry. Best
    /// effort: without it, other processes judge this one's entries by age alone.
    fn hold_writer_lock(&self) {
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

    /// Turns `started` entries of other processes into `unknown` with [`INTERRUPTED_MESSAGE`]:
    /// at once when their writer is gone (its lock file is free), else once they started at
    /// least `grace` before `now`. Pass the total HTTP timeout as `grace`. Removes the lock
    /// files of writers that are gone. Returns how many entries changed.
    pub fn recover_interrupted(
        &self,
        now: OffsetDateTime,
        grace: Duration,
    ) -> Result<usize, HistoryError> {
        let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        let cutoff = to_millis(now).saturating_sub(grace_ms);
        let dead = self.dead_writers();
        let mut changed = 0;
        {
            let conn = self.conn();
            changed += conn
                .execute(
                    "UPDATE entries SET outcome = 'unknown', message = ?1, finished_at = ?2
                     WHERE outcome = 'started' AND writer_token <> ?3 AND started_at <= ?4",
                    params![INTERRUPTED_MESSAGE, to_millis(now), process_token(), cutoff],
                )
                .map_err(sql("recovering interrupted operations"))?;
            for (token, _, _) in &dead {
                changed += conn
                    .execute(
                        "UPDATE entries SET outcome = 'unknown', message = ?1, finished_at = ?2
                         WHERE outcome = 'started' AND writer_token = ?3",
                        params![INTERRUPTED_MESSAGE, to_millis(now), token],
                    )
                    .map_err(sql("recovering interrupted operations"))?;
            }
        }
        for (_, file, path) in dead {
            // Unlocked and closed first: some systems cannot remove an open file.
            drop(file);
            let _ = std::fs::remove_file(path);
        }
        Ok(changed)
    }

    /// Deletes entries started more than `days` days before `now`. Returns how many went.
    pub fn apply_retention(&self, days: u32, now: OffsetDateTime) -> Result<usize, HistoryError> {
        let cutoff = now - time::Duration::days(i64::from(days));
        self.conn()
            .execute(
                "DELETE FROM entries WHERE started_at < ?1",
                params![to_millis(cutoff)],
            )
            .map_err(sql("deleting old entries"))
    }

    /// One page of matching entries, newest first.
    pub fn query(&self, filter: &Filter, page: Page) -> Result<Vec<Entry>, HistoryError> {
        let (sql_text, values) = select(filter, Some(page));
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(&sql_text)
            .map_err(sql("reading the history"))?;
        let rows = stmt
            .query_map(params_from_iter(values), RawRow::read)
            .map_err(sql("reading the history"))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(sql("reading the history"))?.into_entry()?);
        }
        Ok(out)
    }

    /// How many entries match.
    pub fn count(&self, filter: &Filter) -> Result<u64, HistoryError> {
        let (clause, values) = where_clause(filter, None);
        let conn = self.conn();
        let n: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM entries{clause}"),
                params_from_iter(values),
                |r| r.get(0),
            )
            .map_err(sql("counting history entries"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Writes every matching entry as CSV (with a header row), newest first. Text that a
    /// spreadsheet would run as a formula is prefixed with `'`.
    pub fn export_csv(&self, filter: &Filter, out: impl Write) -> Result<u64, HistoryError> {
        let export = |source| HistoryError::Export { source };
        let mut writer = csv::Writer::from_writer(out);
        writer
            .write_record([
                "id",
                "started_at",
                "finished_at",
                "os_user",
                "profile",
                "provider",
                "environment",
                "operation",
                "card_id",
                "outcome",
                "reference",
                "message",
                "duration_ms",
            ])
            .map_err(export)?;
        let (sql_text, values) = select(filter, None);
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&sql_text)
            .map_err(sql("exporting the history"))?;
        let rows = stmt
            .query_map(params_from_iter(values), RawRow::read)
            .map_err(sql("exporting the history"))?;
        let mut written = 0;
        for row in rows {
            let e = row.map_err(sql("exporting the history"))?.into_entry()?;
            let opt = |s: &Option<String>| s.as_deref().map(csv_safe).unwrap_or_default();
            writer
                .write_record([
                    e.id.to_string(),
                    rfc3339(e.started_at),
                    e.finished_at.map(rfc3339).unwrap_or_default(),
                    csv_safe(&e.os_user),
                    csv_safe(&e.profile),
                    e.provider.as_str().to_owned(),
                    csv_safe(&e.environment),
                    csv_safe(&e.operation),
                    opt(&e.card_id),
                    e.outcome.as_str().to_owned(),
                    opt(&e.reference),
                    opt(&e.message),
                    e.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
                ])
                .map_err(export)?;
            written += 1;
        }
        writer.flush().map_err(|e| export(e.into()))?;
        Ok(written)
    }

    /// The query plan SQLite picks for a page query (for tests and diagnostics).
    pub fn explain_query(&self, filter: &Filter, page: Page) -> Result<Vec<String>, HistoryError> {
        let (sql_text, values) = select(filter, Some(page));
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql_text}"))
            .map_err(sql("explaining a query"))?;
        let rows = stmt
            .query_map(params_from_iter(values), |r| r.get::<_, String>(3))
            .map_err(sql("explaining a query"))?;
        rows.collect::<Result<_, _>>()
            .map_err(sql("explaining a query"))
    }

    /// SQLite's journal mode (`wal` once open).
    pub fn journal_mode(&self) -> Result<String, HistoryError> {
        self.conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(sql("reading the journal mode"))
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), HistoryError> {
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

const COLUMNS: &str = "id, started_at, finished_at, os_user, profile, provider, environment, \
                       operation, card_id, outcome, reference, message, duration_ms";

fn where_clause(filter: &Filter, before: Option<EntryId>) -> (String, Vec<Value>) {
    let mut terms = Vec::new();
    let mut values = Vec::new();
    if let Some(provider) = filter.provider {
        terms.push("provider = ?");
        values.push(Value::Text(provider.as_str().to_owned()));
    }
    if let Some(outcome) = filter.outcome {
        terms.push("outcome = ?");
        values.push(Value::Text(outcome.as_str().to_owned()));
    }
    if let Some(card) = &filter.card_id {
        terms.push("card_id = ?");
        values.push(Value::Text(card.clone()));
    }
    if let Some(since) = filter.since {
        terms.push("started_at >= ?");
        values.push(Value::Integer(to_millis(since)));
    }
    if let Some(until) = filter.until {
        terms.push("started_at < ?");
        values.push(Value::Integer(to_millis(until)));
    }
    if let Some(before) = before {
        terms.push("id < ?");
        values.push(Value::Integer(before.0));
    }
    if terms.is_empty() {
        (String::new(), values)
    } else {
        (format!(" WHERE {}", terms.join(" AND ")), values)
    }
}

/// The SELECT for a filter, newest first; with a page, limited and keyed on `id` (always bound,
/// so even the first page is an index search, not a table scan).
fn select(filter: &Filter, page: Option<Page>) -> (String, Vec<Value>) {
    match page {
        Some(page) => {
            let before = page.before.unwrap_or(EntryId(i64::MAX));
            let (clause, mut values) = where_clause(filter, Some(before));
            values.push(Value::Integer(i64::from(page.limit.min(MAX_PAGE))));
            (
                format!("SELECT {COLUMNS} FROM entries{clause} ORDER BY id DESC LIMIT ?"),
                values,
            )
        }
        None => {
            let (clause, values) = where_clause(filter, None);
            (
                format!("SELECT {COLUMNS} FROM entries{clause} ORDER BY id DESC"),
                values,
            )
        }
    }
}

struct RawRow {
    id: i64,
    started_at: i64,
    finished_at: Option<i64>,
    os_user: String,
    profile: String,
    provider: String,
    environment: String,
    operation: String,
    card_id: Option<String>,
    outcome: String,
    reference: Option<String>,
    message: Option<String>,
    duration_ms: Option<i64>,
}

impl RawRow {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            started_at: r.get(1)?,
            finished_at: r.get(2)?,
            os_user: r.get(3)?,
            profile: r.get(4)?,
            provider: r.get(5)?,
            environment: r.get(6)?,
            operation: r.get(7)?,
            card_id: r.get(8)?,
            outcome: r.get(9)?,
            reference: r.get(10)?,
            message: r.get(11)?,
            duration_ms: r.get(12)?,
        })
    }

    fn into_entry(self) -> Result<Entry, HistoryError> {
        Ok(Entry {
            id: EntryId(self.id),
            started_at: from_millis(self.started_at)?,
            finished_at: self.finished_at.map(from_millis).transpose()?,
            os_user: self.os_user,
            profile: self.profile,
            provider: self.provider.parse().map_err(|_| HistoryError::BadValue {
                column: "provider",
                value: truncate(&self.provider, 40),
            })?,
            environment: self.environment,
            operation: self.operation,
            card_id: self.card_id,
            outcome: self.outcome.parse()?,
            reference: self.reference,
            message: self.message,
            duration_ms: self.duration_ms.and_then(|d| u64::try_from(d).ok()),
        })
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Neutralises spreadsheet formulas: text starting with `=`, `+`, `-`, `@`, tab or CR gets a
/// leading `'`.
fn csv_safe(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-01 10:00:00 UTC);

    fn open() -> (tempfile::TempDir, History) {
        let dir = tempfile::tempdir().unwrap();
        let history = History::open(dir.path().join("data").join("history.sqlite3")).unwrap();
        (dir, history)
    }

    fn new_entry(at: OffsetDateTime, provider: Provider, card: &str) -> NewEntry {
        NewEntry {
            started_at: at,
            os_user: "alice".into(),
            profile: format!("ops-{provider}"),
            provider,
            environment: "sandbox".into(),
            operation: match provider {
                Provider::Vault => "vault.set_passcode".into(),
                Provider::Solid => "solid.set_pin".into(),
            },
            card_id: Some(card.into()),
        }
    }

    fn done(outcome: Outcome, at: OffsetDateTime) -> Finish {
        Finish {
            outcome,
            reference: Some("req_123".into()),
            message: Some("card not found".into()),
            finished_at: at,
            duration: Duration::from_millis(250),
        }
    }

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
    fn filters_and_keyset_pages() {
        let (_dir, h) = open();
        let mut ids = Vec::new();
        for i in 0..30i64 {
            let provider = if i % 3 == 0 {
                Provider::Solid
            } else {
                Provider::Vault
            };
            let card = if i % 5 == 0 { "777" } else { "123" };
            let id = h
                .start(&new_entry(T0 + time::Duration::minutes(i), provider, card))
                .unwrap();
            let outcome = if i % 2 == 0 {
                Outcome::Ok
            } else {
                Outcome::Failed
            };
            h.finish(id, &done(outcome, T0 + time::Duration::minutes(i)))
                .unwrap();
            ids.push(id);
        }
        // Newest first, pages continue where the last ended, no overlap, nothing missed.
        let mut seen = Vec::new();
        let mut page = Page::first(7);
        loop {
            let rows = h.query(&Filter::default(), page).unwrap();
            if rows.is_empty() {
                break;
            }
            assert!(rows.len() <= 7);
            page = Page::after(rows.last().unwrap().id, 7);
            seen.extend(rows.into_iter().map(|e| e.id));
        }
        let mut expected = ids.clone();
        expected.reverse();
        assert_eq!(seen, expected);

        let solid = Filter {
            provider: Some(Provider::Solid),
            ..Filter::default()
        };
        assert_eq!(h.count(&solid).unwrap(), 10);
        assert!(h
            .query(&solid, Page::first(100))
            .unwrap()
            .iter()
            .all(|e| e.provider == Provider::Solid));

        let card = Filter {
            card_id: Some("777".into()),
            outcome: Some(Outcome::Ok),
            ..Filter::default()
        };
        // i in {0, 10, 20}: multiples of 5 that are even.
        assert_eq!(h.count(&card).unwrap(), 3);

        let window = Filter {
            since: Some(T0 + time::Duration::minutes(10)),
            until: Some(T0 + time::Duration::minutes(20)),
            ..Filter::default()
        };
        let rows = h.query(&window, Page::first(100)).unwrap();
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[0].started_at, T0 + time::Duration::minutes(19));
        assert_eq!(rows[9].started_at, T0 + time::Duration::minutes(10));
        assert_eq!(
            h.query(&Filter::default(), Page::first(5000))
                .unwrap()
                .len(),
            30
        );
    }

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
        assert_eq!(h.apply_retention(365, now).unwrap(), 1);
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

    #[test]
    fn csv_export_has_header_rows_and_no_formulas() {
        let (_dir, h) = open();
        let a = h.start(&new_entry(T0, Provider::Vault, "1234435")).unwrap();
        h.finish(a, &done(Outcome::Ok, T0 + time::Duration::seconds(1)))
            .unwrap();
        let b = h
            .start(&new_entry(
                T0 + time::Duration::minutes(1),
                Provider::Solid,
                "crd_x",
            ))
            .unwrap();
        let mut f = done(Outcome::Rejected, T0 + time::Duration::minutes(1));
        f.message = Some("=HYPERLINK(\"x\")".into());
        h.finish(b, &f).unwrap();
        let mut out = Vec::new();
        assert_eq!(h.export_csv(&Filter::default(), &mut out).unwrap(), 2);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("id,started_at,finished_at,os_user,profile,provider"));
        assert!(lines[1].starts_with(&format!("{},2026-03-01T10:01:00Z,", b.0)));
        assert!(lines[1].contains("'=HYPERLINK"), "{}", lines[1]);
        assert!(lines[2].contains(",vault,sandbox,vault.set_passcode,1234435,ok,req_123,"));
        let mut only_vault = Vec::new();
        let filter = Filter {
            provider: Some(Provider::Vault),
            ..Filter::default()
        };
        assert_eq!(h.export_csv(&filter, &mut only_vault).unwrap(), 1);
    }

    #[test]
    fn pages_use_indexes_on_a_large_history() {
        let (_dir, h) = open();
        {
            let mut conn = h.conn();
            let tx = conn.transaction().unwrap();
            {
                let mut stmt = tx
                    .prepare(
                        "INSERT INTO entries (started_at, finished_at, os_user, profile, provider,
                             environment, operation, card_id, outcome, duration_ms,
                             writer_pid, writer_token)
                         VALUES (?1, ?1, 'u', 'p', ?2, 'sandbox', 'op', ?3, ?4, 10, 1, 't')",
                    )
                    .unwrap();
                let outcomes = ["ok", "rejected", "failed", "unknown"];
                for i in 0..100_000i64 {
                    let provider = if i % 2 == 0 { "vault" } else { "solid" };
                    stmt.execute(params![
                        to_millis(T0) + i * 1000,
                        provider,
                        format!("card-{}", i % 5000),
                        outcomes[(i % 4) as usize],
                    ])
                    .unwrap();
                }
            }
            tx.commit().unwrap();
        }
        let uses_index = |plan: &[String]| {
            plan.iter().all(|line| !line.starts_with("SCAN entries"))
                && plan
                    .iter()
                    .any(|line| line.contains("USING INDEX") || line.contains("PRIMARY KEY"))
        };
        // Without statistics (a real database never runs ANALYZE) and with them.
        for analyze in [false, true] {
            if analyze {
                h.conn().execute_batch("ANALYZE").unwrap();
            }
            check_plans(&h, &uses_index);
        }
    }

    fn check_plans(h: &History, uses_index: &dyn Fn(&[String]) -> bool) {
        let first = Filter::default();
        let plan = h.explain_query(&first, Page::first(50)).unwrap();
        assert!(uses_index(&plan), "{plan:?}");
        assert_eq!(h.query(&first, Page::first(50)).unwrap().len(), 50);

        let by_card = Filter {
            card_id: Some("card-42".into()),
            ..Filter::default()
        };
        let plan = h.explain_query(&by_card, Page::first(50)).unwrap();
        assert!(uses_index(&plan), "{plan:?}");
        assert!(plan.iter().any(|l| l.contains("entries_card")), "{plan:?}");
        assert_eq!(h.query(&by_card, Page::first(50)).unwrap().len(), 20);

        let by_provider = Filter {
            provider: Some(Provider::Solid),
            ..Filter::default()
        };
        let plan = h
            .explain_query(&by_provider, Page::after(EntryId(50_000), 50))
            .unwrap();
        assert!(uses_index(&plan), "{plan:?}");
        let rows = h
            .query(&by_provider, Page::after(EntryId(50_000), 50))
            .unwrap();
        assert_eq!(rows.len(), 50);
        assert!(rows[0].id.0 < 50_000);
    }
}
