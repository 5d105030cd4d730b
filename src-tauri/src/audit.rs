//! The app's audit shipping task: while the machine names a collector, what the history
//! queues is sent in order, every few seconds, and kept waiting (durably, in the history)
//! while a collector is down.

use crate::state::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

/// The pause between two drains while everything goes out.
const EVERY: Duration = Duration::from_secs(2);
/// The pause after a drain that left records waiting (a collector is down).
const AFTER_FAILURE: Duration = Duration::from_secs(10);
/// The longest one drain may take.
const BUDGET: Duration = Duration::from_secs(5);

/// Starts the task, when the machine-wide config names a collector.
pub fn ship<R: Runtime>(app: AppHandle<R>) {
    if !app.state::<AppState>().desk.ships_audit() {
        return;
    }
    tauri::async_runtime::spawn(async move {
        loop {
            let state = app.state::<AppState>();
            let pause = match state.desk.audit_flush(BUDGET).await {
                Ok(status) if status.error.is_none() => EVERY,
                Ok(_) => AFTER_FAILURE,
                Err(error) => {
                    tracing::warn!(%error, "audit shipping failed");
                    AFTER_FAILURE
                }
            };
            tokio::time::sleep(pause).await;
        }
    });
}
