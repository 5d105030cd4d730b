//! Logging: `tracing` events to stderr and appended to `pindesk.log` in the data dir's `logs/`
//! folder (`PINDESK_DATA_DIR`, else the OS data dir), filtered by `PINDESK_LOG` (tracing
//! syntax, default `info`). Nothing that is logged may contain a secret. A log file that cannot
//! be opened is left out rather than stopping the app.

use pindesk_core::paths::Paths;
use std::fs::{File, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{fmt, EnvFilter};

/// The log file's name inside the log folder.
pub const LOG_FILE_NAME: &str = "pindesk.log";

/// Installs the global subscriber and returns the log file's path, if one could be opened.
/// A second call (as in tests) changes nothing.
pub fn init() -> Option<PathBuf> {
    let filter = EnvFilter::try_from_env("PINDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = open_log_file();
    let file_layer = file.as_ref().map(|(_, file)| {
        fmt::layer()
            .with_ansi(false)
            .with_writer(Mutex::new(file.try_clone().expect("clone log file handle")))
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
    file.map(|(path, _)| path)
}

/// Opens (creating it, mode 0600 on Unix) the log file in the data dir's log folder.
fn open_log_file() -> Option<(PathBuf, File)> {
    let dir = Paths::from_env().ok()?.log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(LOG_FILE_NAME);
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).ok()?;
    Some((path, file))
}
