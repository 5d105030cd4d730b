//! Logging for the desktop app: `tracing` events appended to `pindesk.log` in the data dir's
//! log folder (0700, the file 0600), filtered by `PINDESK_LOG` (default `info`), through the
//! core's formatter that blanks secret-looking fields. Nothing is logged to the terminal, so
//! the one redacting path is the only one. A log that cannot be opened is reported on stderr
//! and skipped rather than stopping the app.

use pindesk_core::paths::Paths;

/// The program name the log file is named after.
pub const PROGRAM: &str = "pindesk";

/// Starts logging to the log folder of `paths`.
pub fn init(paths: &Paths) {
    if let Err(e) = pindesk_core::logging::init(paths, PROGRAM) {
        eprintln!("pindesk: no log file: {e}");
    }
}
