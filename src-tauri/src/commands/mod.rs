//! The `#[tauri::command]`s the UI invokes. Each one only converts between IPC types and the
//! core services; logic lives in `pindesk-core`. A command never returns a secret (but the
//! Solid PIN token on an explicit reveal) and never logs one. Every command here must also be
//! in the list of commands, `src/command_list.rs` (a test fails otherwise); the handler, the
//! permissions, the capabilities and the UI's wrappers follow from it.

mod app;
mod cards;
mod history;
mod profiles;
mod solid;
mod vault;

pub use app::*;
pub use cards::*;
pub use history::*;
pub use profiles::*;
pub use solid::*;
pub use vault::*;

use pindesk_core::api::{ErrorReport, Ticket};
use pindesk_core::error::Category;

/// What every command returns: its value, or the failure as every surface reports it.
pub type CmdResult<T> = Result<T, ErrorReport>;

/// The operator's ticket reference, checked; a blank one is none.
pub(crate) fn ticket(raw: Option<&str>) -> Result<Option<Ticket>, ErrorReport> {
    Ticket::parse_optional(raw).map_err(|e| invalid(e.field, e.message))
}

/// A validation error about `field`.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> ErrorReport {
    ErrorReport::invalid(field, message)
}

/// An internal failure (a bug or a local fault), in words.
pub(crate) fn internal(message: impl Into<String>) -> ErrorReport {
    ErrorReport::new(Category::Internal, message)
}
