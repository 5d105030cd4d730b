//! Logging for the desktop app and the CLI: `tracing` events written to one file per program in
//! [`Paths::log_dir`], through a field formatter that blanks every secret-looking field.
//!
//! Nothing in PinDesk logs a secret on purpose: the secret types print `[redacted]`, and the
//! HTTP layer logs only the method, the route template, the status and the duration. This
//! module is the second line: [`RedactingFields`] replaces the value of any field whose name
//! looks secret ([`is_secret_field`]: `token`, `password`, `pin`, `passcode`, `code`,
//! `api_key`, `authorization`, `secret`, `key`, …) with [`REDACTED`], whatever its type, in
//! events and in span fields alike. It also escapes control characters in every value, so a
//! provider's text cannot forge a log line. It cannot see inside the free-text message of an
//! event (`info!("… {x}")`), which is why secrets are never formatted into one.
//!
//! Use: `pindesk_core::logging::init(&paths, "pindesk-cli")` once at start-up (the desktop app
//! passes `"pindesk"`). The filter comes from `PINDESK_LOG` (`tracing` syntax, default `info`).
//! The log folder is created with mode 0700 and the file (`<program>.log`, appended to) with
//! mode 0600 on Unix.

use std::fmt::{self, Write as _};
use std::fs::{self, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;
use thiserror::Error;
use tracing::field::{Field, Visit};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FormatFields, MakeWriter};
use tracing_subscriber::EnvFilter;

use crate::paths::Paths;

/// What a secret-looking field's value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The environment variable holding the log filter.
pub const LOG_ENV: &str = "PINDESK_LOG";

/// The filter used when [`LOG_ENV`] is unset or cannot be parsed.
pub const DEFAULT_FILTER: &str = "info";

/// Parts of a field name that mark its value as secret (matched case-insensitively anywhere in
/// the name, with `-` read as `_`). Deliberately broad: a blanked harmless value costs less
/// than a logged secret.
pub const SECRET_NAME_PARTS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "pin",
    "passcode",
    "code",
    "api_key",
    "apikey",
    "authorization",
    "secret",
    "key",
    "credential",
    "cookie",
    "phone",
];

/// Whether a field with this name may carry a secret, so its value must not be logged.
pub fn is_secret_field(name: &str) -> bool {
    let name = name
        .trim_start_matches("r#")
        .to_ascii_lowercase()
        .replace('-', "_");
    SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
}

/// Why logging could not be started.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LogError {
    /// The program name is not usable as a file name.
    #[error("the program name {0:?} may contain only ASCII letters, digits, '-' and '_'")]
    ProgramName(String),
    /// The log folder or file could not be created or opened.
    #[error("cannot open the log file {path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A global `tracing` subscriber is already installed in this process.
    #[error("logging is already set up in this process")]
    AlreadyInitialized,
}

/// The `tracing` field formatter that blanks secret-looking fields (see the module docs).
/// Fields are written `name=value`, separated by spaces; the event message comes first, bare.
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingFields;

impl<'writer> FormatFields<'writer> for RedactingFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = Redacting {
            writer,
            first: true,
            result: Ok(()),
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct Redacting<'w> {
    writer: Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl Redacting<'_> {
    fn write(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        if self.result.is_err() {
            return;
        }
        let separator = if self.first { "" } else { " " };
        self.first = false;
        let name = field.name();
        self.result = if is_secret_field(name) {
            write!(self.writer, "{separator}{name}={REDACTED}")
        } else {
            let text = escape_controls(&value.to_string());
            if name == "message" {
                write!(self.writer, "{separator}{text}")
            } else {
                write!(self.writer, "{separator}{name}={text}")
            }
        };
    }
}

impl Visit for Redacting<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.write(field, format_args!("{value}"));
        } else {
            self.write(field, format_args!("{value:?}"));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.write(field, format_args!("{value:?}"));
    }
}

/// Escapes control characters (newlines, escape sequences, …) so one event stays one line.
fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The filter from [`LOG_ENV`], or [`DEFAULT_FILTER`] when it is unset or invalid.
pub fn env_filter() -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER))
}

/// A subscriber writing plain-text lines (no colours) to `writer`, with `filter` and the
/// [`RedactingFields`] formatter. [`init`] installs one over the log file; tests and other
/// callers may install one over their own writer.
pub fn subscriber<W>(writer: W, filter: EnvFilter) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .fmt_fields(RedactingFields)
        .with_writer(writer)
        .finish()
}

/// The log file of `program` (`<log_dir>/<program>.log`).
pub fn log_file(paths: &Paths, program: &str) -> Result<PathBuf, LogError> {
    let valid = !program.is_empty()
        && program.len() <= 64
        && program
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(LogError::ProgramName(program.to_owned()));
    }
    Ok(paths.log_dir().join(format!("{program}.log")))
}

/// Starts logging for the process: creates the log folder (0700), opens `<program>.log` in
/// it for appending (0600), and installs the redacting subscriber as the global default with
/// the filter from [`LOG_ENV`], with the `log` bridge, so the events of the crates that log
/// through `log` (reqwest, rustls, keyring, tauri) go through the same redaction into the
/// same file. Returns the log file's path. Call it once; a second call fails with
/// [`LogError::AlreadyInitialized`].
pub fn init(paths: &Paths, program: &str) -> Result<PathBuf, LogError> {
    let file_path = log_file(paths, program)?;
    let dir = paths.log_dir();
    let io = |path: &PathBuf| {
        let path = path.clone();
        move |source| LogError::Io { path, source }
    };
    let mut dirs = fs::DirBuilder::new();
    dirs.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut dirs, 0o700);
    dirs.create(&dir).map_err(io(&dir))?;
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&file_path).map_err(io(&file_path))?;
    // A file left by an older version with wider permissions is narrowed.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(io(&file_path))?;
    }
    tracing_subscriber::util::SubscriberInitExt::try_init(subscriber(
        Mutex::new(file),
        env_filter(),
    ))
    .map_err(|_| LogError::AlreadyInitialized)?;
    Ok(file_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::Arc;

    /// A writer the tests can read back.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    impl Buffer {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn capture(f: impl FnOnce()) -> String {
        let buffer = Buffer::default();
        let sub = subscriber(buffer.clone(), EnvFilter::new("trace"));
        tracing::subscriber::with_default(sub, f);
        buffer.text()
    }

    #[test]
    fn secret_looking_fields_are_redacted_whatever_their_type() {
        let out = capture(|| {
            tracing::info!(
                token = "canary-01",
                password = %"canary-02",
                pin = "canary-03",
                passcode = ?"canary-04",
                code = "canary-05",
                sms_code = "canary-06",
                api_key = "canary-07",
                apiKey = "canary-08",
                authorization = "Bearer canary-09",
                client_secret = "canary-10",
                key = "canary-11",
                access_token = 12_345_678_901_u64,
                refresh_token = "canary-13",
                set_pin_token = "canary-14",
                phone = "canary-15",
                route = "/v2/card/{id}/passcode/code/set",
                status = 503,
                "provider call"
            );
        });
        assert!(!out.contains("canary"), "{out}");
        assert!(!out.contains("12345678901"), "{out}");
        assert_eq!(out.matches(REDACTED).count(), 15, "{out}");
        assert!(out.contains("provider call"), "{out}");
        assert!(
            out.contains(r#"route="/v2/card/{id}/passcode/code/set""#),
            "{out}"
        );
        assert!(out.contains("status=503"), "{out}");
        assert_eq!(out.lines().count(), 1);
    }

    #[test]
    fn span_fields_are_redacted_when_created_and_when_recorded() {
        let out = capture(|| {
            let span = tracing::info_span!(
                "call",
                api_key = "canary-span-1",
                token = tracing::field::Empty,
                card = "1234435"
            );
            span.record("token", "canary-span-2");
            let _entered = span.enter();
            tracing::warn!(error = "provider call failed", "inside");
        });
        assert!(!out.contains("canary"), "{out}");
        assert!(out.contains("api_key=[redacted]"), "{out}");
        assert!(out.contains("token=[redacted]"), "{out}");
        assert!(out.contains(r#"card="1234435""#), "{out}");
        assert!(out.contains("inside"), "{out}");
    }

    #[test]
    fn values_cannot_forge_a_log_line() {
        let out = capture(|| {
            let detail = "boom\n2026-01-01T00:00:00Z  INFO forged: all good\u{1b}[2J";
            tracing::error!(detail, "first\nsecond");
            tracing::error!(error = %detail, "third");
        });
        assert_eq!(out.lines().count(), 2, "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(out.contains(r"first\nsecond"), "{out}");
    }

    #[test]
    fn secret_field_names() {
        for name in [
            "token",
            "Authorization",
            "x-api-key",
            "sd-pin-token",
            "passCode",
            "r#password",
            "bearer_token",
            "keyId",
            "SECRET",
            "pin",
        ] {
            assert!(is_secret_field(name), "{name}");
        }
        for name in [
            "route",
            "status",
            "method",
            "elapsed_ms",
            "error",
            "entry",
            "message",
            "card",
        ] {
            assert!(!is_secret_field(name), "{name}");
        }
    }

    #[test]
    fn program_names_are_file_names() {
        let paths = Paths::new("/tmp/c", "/tmp/d");
        assert_eq!(
            log_file(&paths, "pindesk-cli").unwrap(),
            paths.log_dir().join("pindesk-cli.log")
        );
        for bad in ["", "../x", "a/b", "a b", "x.log", &"a".repeat(65)] {
            assert!(
                matches!(log_file(&paths, bad), Err(LogError::ProgramName(_))),
                "{bad}"
            );
        }
    }
}
