//! Sends the outbox to the collectors, oldest first, until it is empty or a deadline passes.
//!
//! A drain first makes the outbox durable (`Outbox::make_durable`: the history's `finished`
//! records are committed without their own fsync, and only durable ones may leave), then
//! sends records in batches: a batch is formatted, written and flushed to every collector, and
//! only then marked sent (`Outbox::sent(last seq of the batch)`). If any collector fails, the
//! batch stays in the outbox and the next drain sends it again, to every collector: at least
//! once, never out of order, with duplicates (same `seq`) at the collectors that had it.
//! A collector that stays down therefore holds the queue back for all of them; the outbox is
//! durable, so nothing is lost, and the records flow again once it is back.
//!
//! The app's background task calls [`drain()`] whenever a record is added and, while the
//! report has an error, again after a pause; the CLI calls it once with a deadline 2 s
//! away and leaves the rest in the outbox.

use std::time::Instant;

use super::record::Outbox;
use super::sender::{SenderError, Shipper};
use super::syslog::{format_message, frame_into};

/// How many records are read and written at once.
pub const BATCH: usize = 100;

/// Why a drain stopped before the outbox was empty.
#[derive(Debug, thiserror::Error)]
pub enum DrainError {
    /// Reading or updating the outbox failed.
    #[error("the audit outbox: {0}")]
    Outbox(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A collector could not be reached or written to.
    #[error(transparent)]
    Send(#[from] SenderError),
    /// The deadline passed with records left.
    #[error("the audit shipping deadline passed with records left in the outbox")]
    Deadline,
}

/// What one drain did.
#[derive(Debug)]
pub struct DrainReport {
    /// Records written to every collector and marked sent.
    pub sent: u64,
    /// Records left in the outbox afterwards (as far as it could be read).
    pub remaining: u64,
    /// The seq of the last record marked sent, if any was.
    pub last_sent_seq: Option<u64>,
    /// Why records are left, if they are.
    pub error: Option<DrainError>,
}

/// Sends `outbox`'s records to every collector of `shipper`, oldest first, until the outbox is
/// empty, a collector fails, or `deadline` passes; marks each batch sent once its bytes were
/// written and flushed to every collector. Never panics on a collector's or the outbox's
/// failure: the report says what happened, and what is left stays queued.
pub async fn drain<O: Outbox + ?Sized>(
    outbox: &O,
    shipper: &mut Shipper,
    deadline: Instant,
) -> DrainReport {
    let mut report = DrainReport {
        sent: 0,
        remaining: 0,
        last_sent_seq: None,
        error: None,
    };
    let until = tokio::time::Instant::from_std(deadline);
    let mut buf = Vec::new();
    if let Err(e) = outbox.make_durable() {
        report.error = Some(DrainError::Outbox(Box::new(e)));
        report.remaining = outbox.depth().unwrap_or(0);
        return report;
    }
    loop {
        let batch = match outbox.pending(BATCH) {
            Ok(batch) if batch.is_empty() => break,
            Ok(batch) => batch,
            Err(e) => {
                report.error = Some(DrainError::Outbox(Box::new(e)));
                break;
            }
        };
        if Instant::now() >= deadline {
            report.error = Some(DrainError::Deadline);
            break;
        }
        buf.clear();
        for record in &batch {
            frame_into(&mut buf, &format_message(record, &shipper.format));
        }
        let mut failed = None;
        for sender in &mut shipper.senders {
            if let Err(e) = sender.send(&buf, until).await {
                failed = Some(e);
                break;
            }
        }
        if let Some(e) = failed {
            report.error = Some(e.into());
            break;
        }
        let last = batch.last().map_or(0, |r| r.seq);
        if let Err(e) = outbox.sent(last) {
            report.error = Some(DrainError::Outbox(Box::new(e)));
            break;
        }
        report.sent += batch.len() as u64;
        report.last_sent_seq = Some(last);
    }
    report.remaining = outbox.depth().unwrap_or(0);
    report
}
