//! The chain of events: every change to an operation is an event appended to `events`, linked
//! to the one before by a SHA-256 hash, and the `entries` row of the operation is rewritten
//! from the event in the same transaction (the row view is a projection of the events).
//!
//! An event's `body` is its canonical content: JSON with the keys in the order of
//! [`EventBody`]'s fields, holding the event's own `seq`, `entry_id`, `kind` and `at` (so the
//! hash covers the columns too) and the whole state of the operation after the event. Its
//! `hash` is the lowercase hex SHA-256 of the previous record's hash (hex), `"\n"`, and the
//! body. Before seq 1 the previous hash is [`GENESIS_HASH`]; after retention it is the
//! checkpoint's (the last removed record).

use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::entry::from_millis;
use super::error::sql;
use super::{EntryId, HistoryError, Outcome};
use crate::profile::Provider;

/// The hash before the first record: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The operation started: the request is about to leave.
    Started,
    /// The operation ended with its outcome.
    Finished,
    /// Recovery found the operation interrupted: its outcome is unknown.
    Unknown,
}

impl EventKind {
    /// The stored name: `started`, `finished`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Started => "started",
            EventKind::Finished => "finished",
            EventKind::Unknown => "unknown",
        }
    }
}

/// An event's canonical content, and the state of its operation after it. Serialized with
/// the keys in this order; never holds a secret. Times are Unix milliseconds (UTC).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventBody {
    /// The event's position in the chain (1, 2, 3, … without gaps).
    pub seq: u64,
    /// The operation (the `entries` row) it concerns.
    pub entry_id: i64,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub at: i64,
    /// The operation name (`vault.set_passcode`, …).
    pub operation: String,
    /// The profile id.
    pub profile: String,
    /// The provider.
    pub provider: Provider,
    /// The environment as text.
    pub environment: String,
    /// The card concerned, as the history shows it.
    pub card_id: Option<String>,
    /// The operator's case or ticket reference.
    pub ticket: Option<String>,
    /// The operation's outcome after this event.
    pub outcome: Outcome,
    /// The provider's reference.
    pub reference: Option<String>,
    /// The provider's (or the interruption) message.
    pub message: Option<String>,
    /// When the operation started.
    pub started_at: i64,
    /// When it ended, once it has.
    pub finished_at: Option<i64>,
    /// How long it took, once finished.
    pub duration_ms: Option<u64>,
    /// The operator's OS account.
    pub os_user: String,
    /// The computer's host name (`null` for operations recorded before the chain existed).
    pub host: Option<String>,
    /// The PinDesk version that wrote the event (`null` likewise).
    pub app_version: Option<String>,
    /// The writing process's id (for support).
    pub writer_pid: i64,
    /// A token unique to the writing process.
    pub writer_token: String,
}

/// One record of the chain, as the audit shipping reads it from the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Its position in the chain.
    pub seq: u64,
    /// The operation it concerns.
    pub entry_id: EntryId,
    /// What happened.
    pub kind: EventKind,
    /// When (UTC).
    pub at: OffsetDateTime,
    /// Its content.
    pub body: EventBody,
    /// The exact canonical JSON that was hashed (so a collector can recompute the chain).
    pub body_json: String,
    /// Its chain hash (lowercase hex SHA-256).
    pub hash: String,
}

impl AuditEvent {
    pub(super) fn from_stored(
        seq: i64,
        body_json: String,
        hash: String,
    ) -> Result<Self, HistoryError> {
        let body = parse_body(&body_json)?;
        Ok(Self {
            seq: u64::try_from(seq).unwrap_or(0),
            entry_id: EntryId(body.entry_id),
            kind: body.kind,
            at: from_millis(body.at)?,
            body,
            body_json,
            hash,
        })
    }
}

/// The canonical text of a body.
pub(super) fn canonical(body: &EventBody) -> String {
    // Serializing plain strings, numbers and enums cannot fail.
    serde_json::to_string(body).unwrap_or_default()
}

pub(super) fn parse_body(text: &str) -> Result<EventBody, HistoryError> {
    serde_json::from_str(text).map_err(|e| HistoryError::BadValue {
        column: "body",
        value: e.to_string(),
    })
}

/// The chain hash of a record: SHA-256 over the previous hash (hex), `\n`, the body.
pub fn chain_hash(prev: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The last record's seq and hash: the newest event, else the checkpoint, else genesis.
pub(super) fn tip(tx: &Transaction<'_>) -> Result<(u64, String), HistoryError> {
    let last = tx
        .prepare_cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| {
            s.query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .optional()
        })
        .map_err(sql("reading the end of the chain"))?;
    let last = match last {
        Some(l) => Some(l),
        None => checkpoint(tx)?,
    };
    Ok(match last {
        Some((seq, hash)) => (u64::try_from(seq).unwrap_or(0), hash),
        None => (0, GENESIS_HASH.to_owned()),
    })
}

/// The checkpoint: the seq and hash of the last record retention removed.
pub(super) fn checkpoint(
    conn: &rusqlite::Connection,
) -> Result<Option<(i64, String)>, HistoryError> {
    conn.query_row(
        "SELECT seq, hash FROM chain_checkpoint ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .map_err(sql("reading the chain checkpoint"))
}

/// The id the next operation gets: above every id ever used (rows removed by retention
/// included, through `sqlite_sequence`).
pub(super) fn next_entry_id(tx: &Transaction<'_>) -> Result<i64, HistoryError> {
    let max: i64 = tx
        .prepare_cached(
            "SELECT MAX(
                 COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'entries'), 0),
                 COALESCE((SELECT MAX(id) FROM entries), 0),
                 COALESCE((SELECT MAX(entry_id) FROM events), 0))",
        )
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(sql("choosing the next entry id"))?;
    Ok(max + 1)
}

/// The newest event body of an operation.
pub(super) fn latest_body(
    conn: &rusqlite::Connection,
    entry: EntryId,
) -> Result<Option<EventBody>, HistoryError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT body FROM events WHERE entry_id = ?1 ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row(params![entry.0], |r| r.get(0)).optional())
        .map_err(sql("reading an operation's events"))?;
    text.as_deref().map(parse_body).transpose()
}

/// Appends `body` as the next record (setting its `seq`), queues it in the outbox when asked,
/// and rewrites the operation's row from it. Call inside a `BEGIN IMMEDIATE` transaction, so
/// no other writer appends between reading the tip and writing.
pub(super) fn append(
    tx: &Transaction<'_>,
    body: &mut EventBody,
    outbox: bool,
) -> Result<u64, HistoryError> {
    let (last, prev) = tip(tx)?;
    body.seq = last + 1;
    let text = canonical(body);
    let hash = chain_hash(&prev, &text);
    let seq = i64::try_from(body.seq).unwrap_or(i64::MAX);
    tx.prepare_cached(
        "INSERT INTO events (seq, entry_id, kind, at, body, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq,
            body.entry_id,
            body.kind.as_str(),
            body.at,
            text,
            hash
        ])
    })
    .map_err(sql("appending to the history chain"))?;
    if outbox {
        tx.prepare_cached("INSERT INTO outbox (seq) VALUES (?1)")
            .and_then(|mut s| s.execute(params![seq]))
            .map_err(sql("queueing an audit event"))?;
    }
    project(tx, body)?;
    Ok(body.seq)
}

/// The `entries` columns a body determines, in [`ROW_COLUMNS`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowView {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub os_user: String,
    pub profile: String,
    pub provider: String,
    pub environment: String,
    pub operation: String,
    pub card_id: Option<String>,
    pub outcome: String,
    pub reference: Option<String>,
    pub message: Option<String>,
    pub duration_ms: Option<i64>,
    pub writer_pid: i64,
    pub writer_token: String,
    pub ticket: Option<String>,
}

pub(super) const ROW_COLUMNS: &str = "id, started_at, finished_at, os_user, profile, provider, \
     environment, operation, card_id, outcome, reference, message, duration_ms, writer_pid, \
     writer_token, ticket";

impl RowView {
    pub(super) fn of(body: &EventBody) -> Self {
        Self {
            id: body.entry_id,
            started_at: body.started_at,
            finished_at: body.finished_at,
            os_user: body.os_user.clone(),
            profile: body.profile.clone(),
            provider: body.provider.as_str().to_owned(),
            environment: body.environment.clone(),
            operation: body.operation.clone(),
            card_id: body.card_id.clone(),
            outcome: body.outcome.as_str().to_owned(),
            reference: body.reference.clone(),
            message: body.message.clone(),
            duration_ms: body
                .duration_ms
                .map(|d| i64::try_from(d).unwrap_or(i64::MAX)),
            writer_pid: body.writer_pid,
            writer_token: body.writer_token.clone(),
            ticket: body.ticket.clone(),
        }
    }

    pub(super) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
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
            writer_pid: r.get(13)?,
            writer_token: r.get(14)?,
            ticket: r.get(15)?,
        })
    }
}

/// Writes the operation's row as its newest event says.
fn project(tx: &Transaction<'_>, body: &EventBody) -> Result<(), HistoryError> {
    let v = RowView::of(body);
    let mut statement = tx
        .prepare_cached(&format!(
            "INSERT OR REPLACE INTO entries ({ROW_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        ))
        .map_err(sql("updating the history row of an operation"))?;
    statement
        .execute(params![
            v.id,
            v.started_at,
            v.finished_at,
            v.os_user,
            v.profile,
            v.provider,
            v.environment,
            v.operation,
            v.card_id,
            v.outcome,
            v.reference,
            v.message,
            v.duration_ms,
            v.writer_pid,
            v.writer_token,
            v.ticket,
        ])
        .map_err(sql("updating the history row of an operation"))?;
    Ok(())
}
