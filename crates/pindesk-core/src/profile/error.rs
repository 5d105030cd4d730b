//! What can go wrong with a profile or the profiles file.

use std::io;
use std::path::PathBuf;

/// What went wrong with a profile or the profiles file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The profiles file (or its folder) could not be read.
    #[error("cannot read the profiles file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The profiles file is not valid TOML or does not match the format. It is left as it is.
    #[error(
        "the profiles file {} is damaged at line {line}, column {column}: {message}. \
         Fix it in a text editor, or reset it (the damaged file is kept beside it)",
        path.display()
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What the parser says (without quoting the file's content).
        message: String,
    },
    /// A write was refused because the file on disk could not be read earlier; writing would
    /// lose what it holds.
    #[error(
        "the profiles file {} is damaged; it will not be overwritten until you fix or reset it",
        path.display()
    )]
    WritesBlocked {
        /// The file.
        path: PathBuf,
    },
    /// The profiles file (or its folder) could not be written.
    #[error("cannot write the profiles file {}: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The lock that serializes changes of the profiles file across processes could not be
    /// created or taken.
    #[error("cannot lock the profiles file for a change ({}): {source}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A profile id is not a valid slug.
    #[error("invalid profile name {value:?}: it {reason}")]
    InvalidId {
        /// The refused value (shortened).
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A profile field breaks a rule.
    #[error("{}{field}: {message}", profile.as_ref().map(|p| format!("profile {p}: ")).unwrap_or_default())]
    Invalid {
        /// The profile concerned, when known.
        profile: Option<String>,
        /// The field at fault, as named in the file.
        field: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// No profile has this id.
    #[error("no profile named {id}")]
    NotFound {
        /// The id asked for.
        id: String,
    },
    /// A profile with this id exists already.
    #[error("a profile named {id} exists already")]
    AlreadyExists {
        /// The id.
        id: String,
    },
}

impl ProfileError {
    /// The error category: bad input for validation errors, `internal` for file trouble.
    pub fn category(&self) -> crate::error::Category {
        use crate::error::Category;
        match self {
            ProfileError::InvalidId { .. }
            | ProfileError::Invalid { .. }
            | ProfileError::NotFound { .. }
            | ProfileError::AlreadyExists { .. } => Category::Validation,
            _ => Category::Internal,
        }
    }

    /// This error, naming the profile it is about when it names none yet.
    pub fn for_profile(self, id: &super::ProfileId) -> Self {
        match self {
            ProfileError::Invalid {
                profile: None,
                field,
                message,
            } => ProfileError::Invalid {
                profile: Some(id.to_string()),
                field,
                message,
            },
            other => other,
        }
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
