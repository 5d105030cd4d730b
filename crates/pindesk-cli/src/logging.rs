//! Logging for the CLI: `tracing` events appended to `pindesk-cli.log` in the data dir's log
//! folder (0700, the file 0600), filtered by `PINDESK_LOG` (default `info`), through the core's
//! formatter that blanks secret-looking fields. Nothing logged carries a secret; a log that
//! cannot be opened is skipped rather than stopping the command.

use pindesk_core::paths::Paths;

/// Starts logging to the log folder; does nothing when the folder or file cannot be used.
pub fn init(paths: &Paths) {
    let _ = pindesk_core::logging::init(paths, "pindesk-cli");
}
