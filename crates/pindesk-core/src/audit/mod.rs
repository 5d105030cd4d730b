//! Central audit shipping: every history record is also sent to the machine's collectors
//! (`[audit]` in the machine-wide config) as an RFC 5424 syslog message over TCP or TLS,
//! at least once and in order.
//!
//! The pieces, one job each:
//! - [`record`]: what is shipped ([`AuditRecord`]) and where it waits ([`Outbox`]): the history
//!   keeps an outbox written in the same transaction as the record it carries, so a record
//!   exists in the outbox if and only if it exists in the history.
//! - [`syslog`]: one record as an RFC 5424 message with one structured-data element, and the
//!   octet-counted framing of RFC 6587 §3.4.1 / RFC 5425 §4.3.
//! - [`sender`]: one connection to one collector (TCP, or TLS verified against the collector's
//!   CA or the bundled web roots), kept open and re-opened after a failure; [`Shipper`] is the
//!   set of collectors built from [`AuditConfig`](crate::system_config::AuditConfig).
//! - [`drain`](mod@drain): sends the outbox oldest first until it is empty or a deadline
//!   passes, and marks records sent only once their bytes are written to every collector.
//!
//! # Delivery: at least once, and what "sent" means
//! Plain TCP and TLS syslog have no application-level acknowledgement: the collector never
//! says "stored". The best a sender can know is that the bytes were written (and, for TLS,
//! flushed) into the kernel's socket buffer. So:
//! - A record is marked sent only after that; anything not yet marked is sent again on the
//!   next drain, after a reconnect. A collector can therefore receive a record twice; the
//!   `seq` parameter identifies the duplicate, and the chain `hash` proves it is the same one.
//! - Before each batch the sender checks whether the collector has closed the connection
//!   (a restarted or stopped collector does), and reconnects instead of writing into a dead
//!   socket; that closes the common gap of a record written after the peer went away.
//! - What remains: bytes accepted by the kernel just before the collector's host crashes, or
//!   still unread in the collector's socket buffer when it is killed, are lost by the
//!   collector, and the sender cannot tell. Closing that gap needs an acknowledging protocol
//!   (RELP), which is out of scope; a collector that keeps the chain's `seq` and `hash` lets an
//!   auditor see any gap, because the history database keeps every record regardless.

pub mod drain;
mod history_outbox;
pub mod record;
pub mod sender;
pub mod syslog;

pub use drain::{drain, DrainError, DrainReport};
#[cfg(any(test, feature = "test-support"))]
pub use record::MemoryOutbox;
pub use record::{AuditBody, AuditKind, AuditRecord, Outbox};
pub use sender::{shipper_from_config, Sender, SenderError, Shipper};
pub use syslog::{format_message, frame, MessageFormat};
