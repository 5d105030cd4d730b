//! The `#[tauri::command]`s the UI invokes. Each one only converts between IPC types and the
//! app's state or services; logic lives in `pindesk-core`. A command never returns a secret and
//! never logs one. Every command here must also be listed in `build.rs` and granted in
//! `capabilities/default.json`.

use crate::ipc::AppInfo;
use crate::state::{ActiveProfile, LaunchMode, StartedAt};
use tauri::State;

/// The app's version, mode and active profile, for the shell and its status bar.
#[tauri::command]
pub fn app_info(mode: State<'_, LaunchMode>, profile: State<'_, ActiveProfile>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        mode: mode.0,
        active_profile: profile.0.clone(),
    }
}

/// Called by the UI once its first screen is rendered; logs the time since process start
/// (the benchmarks read this line).
#[tauri::command]
pub fn ui_ready(started: State<'_, StartedAt>) {
    let elapsed = started.0.elapsed();
    tracing::info!(elapsed_ms = elapsed.as_secs_f64() * 1000.0, "ui ready");
}
