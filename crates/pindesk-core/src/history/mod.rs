//! The operation history: one row per provider call, in SQLite at
//! [`Paths::history_db`](crate::paths::Paths::history_db).
//!
//! The rows (`entries`) are a projection: every change to an operation is an event appended
//! to a SHA-256 hash chain (`events`, see [`EventBody`]), and the row is rewritten from the event
//! in the same `BEGIN IMMEDIATE` transaction. [`History::verify`] recomputes the chain and
//! compares the rows with it; [`History::verify_against`] compares it with an audit
//! collector's copy; retention removes the oldest whole operations behind a checkpoint; an
//! outbox queues events for shipping ([`History::set_outbox`]). An operation may carry the
//! operator's [`Ticket`] reference.
//!
//! An entry is written as [`Outcome::Started`] *before* the request leaves ([`History::start`])
//! and completed afterwards ([`History::finish`]), so a crash in between leaves a trace that
//! [`History::recover_interrupted`] turns into [`Outcome::Unknown`]: the operator must check
//! with the provider before retrying. No column can hold a secret (there is none for a PIN,
//! passcode, code, token or key); messages are provider messages, sanitized by the caller and
//! capped here. This module never reads the clock for its logic: every time is passed in.
//!
//! The database runs in WAL mode; its schema is versioned through `PRAGMA user_version` and
//! migrated forward on open. A database from a newer PinDesk is refused rather than modified.
//!
//! # One durable commit per operation
//! Every commit is durable (`synchronous = FULL`: the WAL is fsynced before it returns) but
//! the one of [`finish`](History::finish), which runs at `synchronous = NORMAL`, set for that
//! commit alone and restored afterwards: it reaches the WAL without waiting for the disk.
//! That is safe because of the direction a loss takes. The `started` record is durable before
//! the request leaves, so a crash at any point leaves a trace. A `finished` record lost at a
//! power cut leaves that `started` record, which recovery marks `unknown`: the operator checks
//! with the provider, the safe direction, and never sees a wrong "succeeded". (A process
//! that dies while the OS keeps running loses nothing: the WAL write is in the OS already.)
//! The loss is bounded, too: the WAL is one file written in order, so the next durable
//! commit (any later `start`) fsyncs it with every earlier unsynced record in it, and a
//! checkpoint fsyncs the WAL before copying it into the database.
//!
//! The audit outbox must not ship what the local chain could still lose, or a collector would
//! hold a record the history forgot and `verify --against` would disagree with it. So
//! [`outbox_pending`](History::outbox_pending) returns only records up to the *durable mark*
//! (a one-row table: the highest seq known to be on disk), and the drain first calls
//! [`outbox_make_durable`](History::outbox_make_durable), which, when records above the mark
//! wait, raises the mark to the chain's tip in one durable commit, whose fsync takes every
//! earlier record to the disk with it: one fsync per drain pass, none when nothing waits.
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
//! passes: the whole deadline of an operation, the HTTP total timeout of each of the calls the
//! longest operation makes ([`crate::desk::operation_deadline`]), not one call's. By then a
//! live writer has finished it, and a writer without a lock file (where locking is
//! unavailable) is judged by age alone. Should a slow writer
//! still call [`finish`](History::finish) afterwards, the real outcome replaces `unknown`.

mod against;
mod chain;
#[cfg(test)]
mod chain_tests;
mod durability;
mod entry;
mod error;
mod export;
mod outbox;
mod query;
mod recovery;
mod schema;
mod store;
#[cfg(test)]
mod test_support;
mod ticket;
mod verify;

pub use chain::{chain_hash, AuditEvent, EventBody, EventKind, GENESIS_HASH};
pub use entry::{
    host_name, os_user, Entry, EntryId, Finish, NewEntry, Outcome, MAX_FIELD_CHARS,
    MAX_MESSAGE_CHARS,
};
pub use error::HistoryError;
pub use query::{Filter, Page, MAX_PAGE};
pub use recovery::INTERRUPTED_MESSAGE;
pub use schema::SCHEMA_VERSION;
pub use store::History;
pub use ticket::{Ticket, MAX_TICKET_CHARS};
pub use verify::{ChainProblem, Checkpoint, CollectorCheck, ProblemKind, VerifyReport};
