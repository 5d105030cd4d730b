//! Shell commands: what the shell shows, start-up timing, settings and forgetting secrets.

use super::CmdResult;
use crate::ipc::{AboutInfo, AppInfo, UiTimings};
use crate::state::AppState;
use pindesk_core::profile::AppSettings;
use pindesk_core::system_config::SystemConfig;
use std::sync::atomic::AtomicBool;
use tauri::{AppHandle, Manager, Runtime, State};

/// Whether the first `app_info` was logged as a start-up phase.
static FIRST_APP_INFO: AtomicBool = AtomicBool::new(false);

/// The app's version, mode, active profile and idle timeout, for the shell and its status bar.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>, system: State<'_, SystemConfig>) -> AppInfo {
    crate::phases::log_once(&FIRST_APP_INFO, state.started, "first app_info");
    let active_profile = state.desk.active_profile_summary().ok();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        mode: state.mode,
        demo: state.desk.is_demo(),
        demo_backend: state.desk.demo_state(),
        active_profile,
        idle_timeout_secs: u32::try_from(idle_secs_of(&state, &system)).unwrap_or(u32::MAX),
        activity_ping_secs: crate::idle::PING_EVERY_SECS as u32,
        require_ticket: state.desk.requires_ticket(),
    }
}

/// The idle timeout in force, in seconds (the settings, or a kiosk's machine config).
pub fn idle_secs<R: Runtime>(app: &AppHandle<R>) -> u64 {
    idle_secs_of(&app.state::<AppState>(), &app.state::<SystemConfig>())
}

fn idle_secs_of(state: &AppState, system: &SystemConfig) -> u64 {
    let configured = state
        .desk
        .profiles_file()
        .map(|f| f.settings.idle_timeout_secs)
        .unwrap_or(AppSettings::default().idle_timeout_secs);
    crate::kiosk::idle_timeout(state.mode, configured, system)
}

/// The page's operator is there (typing, pointing): the app's own idle deadline starts again.
#[tauri::command]
pub fn still_active(activity: State<'_, crate::idle::Activity>) {
    activity.touch();
}

/// Called by the UI once its first screen is rendered; logs the time since process start
/// (the benchmarks read this line) with what the page measured of its own start.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>, timings: Option<UiTimings>) {
    let elapsed_ms = state.started.elapsed().as_secs_f64() * 1000.0;
    match timings {
        Some(t) => tracing::info!(
            elapsed_ms,
            page_script_ms = t.script_ms,
            page_app_info_ms = t.app_info_ms,
            page_mounted_ms = t.mounted_ms,
            page_painted_ms = t.painted_ms,
            "ui ready"
        ),
        None => tracing::info!(elapsed_ms, "ui ready"),
    }
}

/// The settings, the keyring backend and where files live.
#[tauri::command]
pub fn about_info(state: State<'_, AppState>) -> CmdResult<AboutInfo> {
    let settings = state.desk.profiles_file()?.settings;
    let status = match pindesk_core::credentials::KeyringStore::new().probe() {
        Ok(()) => "available".to_owned(),
        Err(e) => e.to_string(),
    };
    Ok(AboutInfo {
        settings,
        secret_backend: state.desk.secret_backend().to_owned(),
        secret_backend_status: status,
        config_dir: state.desk.paths().config_dir().display().to_string(),
        data_dir: state.desk.paths().data_dir().display().to_string(),
    })
}

/// Saves the app-wide settings.
#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: AppSettings) -> CmdResult<()> {
    crate::kiosk::refuse_in_kiosk(&state)?;
    state.desk.save_settings(settings)?;
    Ok(())
}

/// Forgets every secret the app holds (idle timeout, end of a kiosk session), a PIN token it
/// copied to the clipboard included.
#[tauri::command]
pub fn forget_secrets<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) {
    state.desk.forget_secrets();
    crate::clipboard::clear_ours(&app, "the app forgot its secrets");
    tracing::info!("secrets held in memory cleared");
}
