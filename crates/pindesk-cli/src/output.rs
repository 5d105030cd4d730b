//! How results and errors leave the CLI: human text, or JSON on stdout and stderr.
//!
//! Errors carry their category, which decides the exit code. Nothing printed here may hold a
//! secret: callers hand over values that are already safe to show.

use pindesk_core::api::ErrorReport;
use pindesk_core::error::Category;
use serde::Serialize;
use serde_json::{json, Value};
use std::io::{self, Write};

/// Standard output that a reader going away does not break: once the pipe is closed (`|
/// head`), further output is dropped instead of failing (or panicking in `println!`), so the
/// exit code still tells how the operation went.
pub struct Stdout {
    inner: io::StdoutLock<'static>,
    closed: bool,
}

impl Stdout {
    /// Locks the process's stdout.
    pub fn lock() -> Self {
        Self {
            inner: io::stdout().lock(),
            closed: false,
        }
    }

    fn quiet(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.quiet(result)
    }
}

/// An error as the CLI reports it: the core's [`ErrorReport`], printed on stderr.
#[derive(Debug)]
pub struct Failure(pub ErrorReport);

impl Failure {
    /// A failure with just a category and a message.
    pub fn new(category: Category, message: impl Into<String>) -> Self {
        Self(ErrorReport::new(category, message))
    }

    /// Bad input or usage, concerning `field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self(ErrorReport::invalid(field, message))
    }

    /// Prints the failure on stderr and returns the exit code.
    pub fn report(&self, json_mode: bool) -> i32 {
        let report = &self.0;
        let exit_code = report.category.exit_code();
        if json_mode {
            let mut error = serde_json::to_value(report).unwrap_or_default();
            error["exit_code"] = json!(exit_code);
            eprintln!("{}", json!({ "error": error }));
        } else {
            eprintln!("error: {}", report.message);
            if let Some(reference) = &report.reference {
                eprintln!("provider reference: {reference}");
            }
            if report.category == Category::UnknownOutcome {
                eprintln!("The request may have reached the provider: check before retrying.");
            }
        }
        exit_code
    }
}

/// A successful result: a JSON value for `--json`, and its human rendering.
pub struct Report {
    /// What `--json` prints.
    pub json: Value,
    /// What a person reads.
    pub text: String,
    /// The exit code (0 unless a check found a problem).
    pub exit_code: i32,
}

impl Report {
    /// A report from a serializable value and its text.
    pub fn new(value: impl Serialize, text: impl Into<String>) -> Self {
        Self {
            json: serde_json::to_value(value).unwrap_or(Value::Null),
            text: text.into(),
            exit_code: 0,
        }
    }

    /// The same report, ending the CLI with `code`.
    pub fn exit_with(self, code: i32) -> Self {
        Self {
            exit_code: code,
            ..self
        }
    }

    /// Prints the report on stdout (a closed stdout is not an error: see [`Stdout`]).
    pub fn print(&self, json_mode: bool) {
        let mut out = Stdout::lock();
        // A null report (the CSV export, which wrote its own output) prints nothing more.
        let _ = if json_mode && !self.json.is_null() {
            writeln!(out, "{}", self.json)
        } else if json_mode {
            Ok(())
        } else if !self.text.is_empty() {
            writeln!(out, "{}", self.text)
        } else {
            Ok(())
        };
        let _ = out.flush();
    }
}
