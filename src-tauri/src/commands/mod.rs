//! The `#[tauri::command]`s the UI invokes. Each one only converts between IPC types and the
//! core services; logic lives in `pindesk-core`. A command never returns a secret (but the
//! Solid PIN token on an explicit reveal) and never logs one. Every command here must also be
//! in the list of commands, `src/command_list.rs` (a test fails otherwise); the handler, the
//! permissions, the capabilities and the UI's wrappers follow from it.

mod app;
mod history;
mod profiles;
mod solid;
mod vault;

pub use app::*;
pub use history::*;
pub use profiles::*;
pub use solid::*;
pub use vault::*;

use crate::ipc::{ErrorCategory, IpcError, OpDone};
use pindesk_core::desk::Error;
use pindesk_core::error::Category;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// What every command returns.
pub type CmdResult<T> = Result<T, IpcError>;

impl From<Category> for ErrorCategory {
    fn from(c: Category) -> Self {
        match c {
            Category::Validation => ErrorCategory::Validation,
            Category::Rejected => ErrorCategory::Rejected,
            Category::Credentials => ErrorCategory::Credentials,
            Category::Network => ErrorCategory::Network,
            Category::UnknownOutcome => ErrorCategory::UnknownOutcome,
            _ => ErrorCategory::Internal,
        }
    }
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        IpcError {
            category: e.category().into(),
            message: e.message(),
            field: e.field(),
            reference: e.reference(),
        }
    }
}

/// A validation error about `field`.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> IpcError {
    IpcError {
        category: ErrorCategory::Validation,
        message: message.into(),
        field: Some(field.to_owned()),
        reference: None,
    }
}

/// An internal failure (a bug or a local fault), in words.
pub(crate) fn internal(message: impl Into<String>) -> IpcError {
    IpcError {
        category: ErrorCategory::Internal,
        message: message.into(),
        field: None,
        reference: None,
    }
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

pub(crate) fn done(operation: &str, card: &str) -> OpDone {
    OpDone {
        operation: operation.to_owned(),
        card_id: card.to_owned(),
        at: rfc3339(OffsetDateTime::now_utc()),
    }
}
