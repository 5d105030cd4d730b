//! What can go wrong with the history database.

use std::path::PathBuf;

use super::{EntryId, SCHEMA_VERSION};

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

pub(super) fn sql(action: &'static str) -> impl FnOnce(rusqlite::Error) -> HistoryError {
    move |source| HistoryError::Sqlite { action, source }
}
