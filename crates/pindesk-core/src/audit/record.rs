//! What is shipped and where it waits: [`AuditRecord`], one history event as the history's
//! chain holds it, and [`Outbox`], the durable queue of records not yet shipped.
//!
//! These are the audit module's own plain types, not the history's: the history implements
//! [`Outbox`] for its database (a few lines mapping its event type onto [`AuditRecord`]), and
//! tests use [`MemoryOutbox`].

/// Which history event a record is: an operation's start, its end, or an end that is not
/// known (the app stopped while the request was in flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditKind {
    /// The operation is about to reach the provider.
    Started,
    /// The operation ended with a known outcome.
    Finished,
    /// The operation was interrupted; it may or may not have reached the provider.
    Unknown,
}

impl AuditKind {
    /// The name shipped as the syslog MSGID: `started`, `finished`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Started => "started",
            AuditKind::Finished => "finished",
            AuditKind::Unknown => "unknown",
        }
    }
}

/// What the history knows about the operation, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBody {
    /// What was done (`solid.set_pin`, `vault.set_passcode`, …).
    pub operation: String,
    /// The profile id.
    pub profile: String,
    /// The provider's name.
    pub provider: String,
    /// The environment as text (`sandbox`, `production`, a URL).
    pub environment: String,
    /// The card concerned, as the history shows it.
    pub card_id: Option<String>,
    /// The outcome's stored name (`started`, `ok`, `rejected`, `failed`, `unknown`).
    pub outcome: String,
    /// The provider's reference, for support.
    pub reference: Option<String>,
    /// The provider's (or the interruption) message, free of secrets.
    pub message: Option<String>,
    /// The operator's OS account.
    pub os_user: String,
    /// The computer's host name.
    pub host: String,
    /// PinDesk's version that did it.
    pub app_version: String,
    /// The change ticket the operator gave, if any.
    pub ticket: Option<String>,
}

/// One history event waiting to be shipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// The event's place in the history's chain: grows by one per event, and identifies a
    /// duplicate at the collector.
    pub seq: u64,
    /// The history entry the event belongs to (a start and its end share it).
    pub entry_id: i64,
    /// Which event it is.
    pub kind: AuditKind,
    /// When it happened, in milliseconds since the Unix epoch (UTC).
    pub at: i64,
    /// What happened.
    pub body: AuditBody,
    /// The chain hash after this event (hex SHA-256).
    pub hash: String,
}

/// The durable queue of records not yet shipped, oldest first.
///
/// Only [`drain`](super::drain()) calls it: it makes the queue durable, asks for the oldest
/// records, sends them, and then says up to which `seq` they were written to every collector.
pub trait Outbox {
    /// What reading or updating the queue can fail with.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Makes every record queued so far durable, so that [`pending`](Self::pending) may
    /// return it: a collector must never hold a record a power cut could still take from the
    /// local history. Called once per drain, before the first `pending`.
    fn make_durable(&self) -> Result<(), Self::Error>;

    /// At most `limit` of the oldest unsent records, in `seq` order.
    fn pending(&self, limit: usize) -> Result<Vec<AuditRecord>, Self::Error>;

    /// Marks every record with `seq <= up_to_seq` as sent (they leave the queue).
    fn sent(&self, up_to_seq: u64) -> Result<(), Self::Error>;

    /// How many records are still unsent.
    fn depth(&self) -> Result<u64, Self::Error>;
}

#[cfg(any(test, feature = "test-support"))]
pub use memory::MemoryOutbox;

#[cfg(any(test, feature = "test-support"))]
mod memory {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use super::{AuditBody, AuditKind, AuditRecord, Outbox};

    /// An [`Outbox`] in memory, for tests of the shipping code. Never a product fallback:
    /// what it holds is gone with the process.
    #[derive(Debug, Default)]
    pub struct MemoryOutbox {
        queue: Mutex<Queue>,
    }

    #[derive(Debug, Default)]
    struct Queue {
        records: VecDeque<AuditRecord>,
        /// The seq after the highest ever queued (sent ones included).
        next_seq: u64,
    }

    impl MemoryOutbox {
        /// An empty outbox.
        pub fn new() -> Self {
            Self::default()
        }

        /// Queues `record` (callers keep `seq` growing, as the history does).
        pub fn push(&self, record: AuditRecord) {
            let mut queue = self.lock();
            queue.next_seq = queue.next_seq.max(record.seq + 1);
            queue.records.push_back(record);
        }

        /// Queues `count` [`AuditRecord::sample`]s numbered on from the last one ever queued
        /// (from 1), and returns their seqs.
        pub fn push_samples(&self, count: u64) -> Vec<u64> {
            let first = self.lock().next_seq.max(1);
            let seqs: Vec<u64> = (first..first + count).collect();
            for &seq in &seqs {
                self.push(AuditRecord::sample(seq));
            }
            seqs
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
            self.queue.lock().unwrap_or_else(|e| e.into_inner())
        }
    }

    impl Outbox for MemoryOutbox {
        type Error = std::convert::Infallible;

        /// Nothing to do: a test outbox in memory has no disk to wait for.
        fn make_durable(&self) -> Result<(), Self::Error> {
            Ok(())
        }

        fn pending(&self, limit: usize) -> Result<Vec<AuditRecord>, Self::Error> {
            Ok(self.lock().records.iter().take(limit).cloned().collect())
        }

        fn sent(&self, up_to_seq: u64) -> Result<(), Self::Error> {
            self.lock().records.retain(|r| r.seq > up_to_seq);
            Ok(())
        }

        fn depth(&self) -> Result<u64, Self::Error> {
            Ok(self.lock().records.len() as u64)
        }
    }

    impl AuditRecord {
        /// A plausible record numbered `seq`: odd seqs start entry `(seq + 1) / 2`, even ones
        /// finish it with `ok`.
        pub fn sample(seq: u64) -> AuditRecord {
            let started = seq % 2 == 1;
            AuditRecord {
                seq,
                entry_id: seq.div_ceil(2) as i64,
                kind: if started {
                    AuditKind::Started
                } else {
                    AuditKind::Finished
                },
                at: 1_717_243_200_123 + seq as i64 * 1000,
                body: AuditBody {
                    operation: "solid.set_pin".into(),
                    profile: "solid-sandbox".into(),
                    provider: "solid".into(),
                    environment: "sandbox".into(),
                    card_id: Some("crd_5f1d0000".into()),
                    outcome: if started { "started" } else { "ok" }.into(),
                    reference: (!started).then(|| format!("req_{seq:04}")),
                    message: (!started).then(|| "PIN set".to_owned()),
                    os_user: "alice".into(),
                    host: "desk-07".into(),
                    app_version: "0.1.0".into(),
                    ticket: Some("CHG-1042".into()),
                },
                hash: format!("{seq:064x}"),
            }
        }
    }
}
