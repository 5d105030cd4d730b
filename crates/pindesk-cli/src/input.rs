//! Reading secrets from the operator: a no-echo prompt on a terminal, else one per line on stdin.
//!
//! Secrets never come from arguments or the environment. Every value read is moved straight
//! into a zeroizing secret type; the line buffer is wiped.

use std::io::{self, BufRead, IsTerminal};
use zeroize::Zeroizing;

/// Where secrets come from for this run.
pub struct SecretInput {
    interactive: bool,
    lines: Option<io::StdinLock<'static>>,
}

/// Why a secret could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Stdin ended before the named value was given.
    #[error("{field}: no value given (stdin ended); pass one secret per line on stdin")]
    Missing {
        /// The value that was expected.
        field: &'static str,
    },
    /// The two entries typed on a terminal differ.
    #[error("{field}: the two entries do not match")]
    Mismatch {
        /// The value that was typed twice.
        field: &'static str,
    },
    /// The terminal or stdin failed.
    #[error("{field}: could not read input: {source}")]
    Io {
        /// The value being read.
        field: &'static str,
        /// The I/O failure.
        source: io::Error,
    },
}

impl SecretInput {
    /// Reads from the terminal when stdin is one, else from stdin lines.
    pub fn from_stdin() -> Self {
        let interactive = io::stdin().is_terminal();
        Self {
            interactive,
            lines: None,
        }
    }

    /// Reads one secret; `label` is shown in the prompt, `field` names it in errors.
    pub fn read(
        &mut self,
        label: &str,
        field: &'static str,
    ) -> Result<Zeroizing<String>, InputError> {
        if self.interactive {
            let value = rpassword::prompt_password(format!("{label}: "))
                .map_err(|source| InputError::Io { field, source })?;
            return Ok(Zeroizing::new(value));
        }
        let lines = self.lines.get_or_insert_with(|| io::stdin().lock());
        let mut line = Zeroizing::new(String::new());
        let read = lines
            .read_line(&mut line)
            .map_err(|source| InputError::Io { field, source })?;
        if read == 0 {
            return Err(InputError::Missing { field });
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        Ok(Zeroizing::new(trimmed.to_owned()))
    }

    /// Reads a new secret; on a terminal it is asked twice and must match.
    pub fn read_new(
        &mut self,
        label: &str,
        field: &'static str,
    ) -> Result<Zeroizing<String>, InputError> {
        let first = self.read(label, field)?;
        if self.interactive {
            let again = self.read(&format!("{label} (again)"), field)?;
            if *first != *again {
                return Err(InputError::Mismatch { field });
            }
        }
        Ok(first)
    }

    /// Tells the operator at a terminal why a secret is about to be asked for (stdin gets no
    /// prompt, so no note either).
    pub fn note(&self, text: &str) {
        if self.interactive {
            eprintln!("{text}");
        }
    }

    /// Whether secrets are typed at a terminal (else read from stdin lines).
    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    /// Reads a value that is not secret but still private (a phone number): echoed on a terminal.
    pub fn read_plain(
        &mut self,
        label: &str,
        field: &'static str,
    ) -> Result<Zeroizing<String>, InputError> {
        if self.interactive {
            eprint!("{label}: ");
            let mut line = Zeroizing::new(String::new());
            io::stdin()
                .read_line(&mut line)
                .map_err(|source| InputError::Io { field, source })?;
            return Ok(Zeroizing::new(line.trim().to_owned()));
        }
        self.read(label, field)
    }
}
