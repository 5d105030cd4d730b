//! Logging for the CLI: `tracing` events appended to `pindesk-cli.log` in the data dir's log
//! folder, filtered by `PINDESK_LOG` (default `info`). Nothing logged carries a secret; a log
//! that cannot be opened is skipped rather than stopping the command.

use pindesk_core::paths::Paths;
use std::fs::OpenOptions;
use std::sync::Mutex;

/// Starts logging to the log folder; does nothing when the folder cannot be used.
pub fn init(paths: &Paths) {
    let dir = paths.log_dir();
    // Private like every folder PinDesk creates (docs/CONFIG.md): 0700 on Unix.
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    if builder.create(&dir).is_err() {
        return;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let Ok(file) = options.open(dir.join("pindesk-cli.log")) else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PINDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}
