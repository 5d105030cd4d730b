//! Start-up phases in the app's log: one INFO event per phase, with the milliseconds since
//! the process started, so a slow start shows where its time went (BENCHMARKS.md reads them).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Logs that start-up reached `phase`, `started` being when the process started.
pub fn log(started: Instant, phase: &'static str) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(phase, ms = format_args!("{ms:.1}"), "start-up phase");
}

/// [`log`], only the first time `once` is passed (for phases reached by a repeated event, as
/// the first `app_info`).
pub fn log_once(once: &AtomicBool, started: Instant, phase: &'static str) {
    if !once.swap(true, Ordering::Relaxed) {
        log(started, phase);
    }
}
