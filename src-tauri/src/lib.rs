//! The PinDesk desktop app: Tauri set-up, state and the thin commands the web UI calls.
//!
//! [`run`] is what `pindesk` does; [`run_app`] takes any Tauri builder so that tests can drive
//! the same set-up with `tauri::test::mock_builder()` through [`configure`]. This crate holds no
//! business logic (that is `pindesk-core`'s) and never hands a secret back to the UI.

mod args;
pub mod commands;
pub mod ipc;
mod logging;
mod profile;
pub mod state;

pub use args::Args;

use clap::Parser;
use ipc::Mode;
use state::{ActiveProfile, LaunchMode, StartedAt};
use std::time::Instant;
use tauri::{Builder, Runtime};

/// How to start the app: what the command line asked for, and when the process started.
#[derive(Debug, Clone, Copy)]
pub struct Launch {
    /// `--demo`, `--kiosk` or neither.
    pub mode: Mode,
    /// The moment `pindesk` started, for the start-to-ready time.
    pub started: Instant,
}

/// Parses the command line (`--version` and `--help` print and exit here, before any window
/// or display is needed), then runs the app until its window closes.
pub fn run() {
    let started = Instant::now();
    let args = Args::parse();
    let log_file = logging::init();
    let launch = Launch {
        mode: args.mode(),
        started,
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        mode = ?launch.mode,
        log_file = ?log_file,
        "pindesk starting"
    );
    run_app(Builder::default(), launch);
}

/// Builds the app from `builder` with the real context (window, CSP, capabilities, embedded
/// UI) and runs it.
pub fn run_app<R: Runtime>(builder: Builder<R>, launch: Launch) {
    configure(builder, launch)
        .run(tauri::generate_context!())
        .expect("PinDesk failed to start");
}

/// Adds PinDesk's state and commands to a builder; shared by [`run_app`] and the tests.
pub fn configure<R: Runtime>(builder: Builder<R>, launch: Launch) -> Builder<R> {
    builder
        .manage(LaunchMode(launch.mode))
        .manage(StartedAt(launch.started))
        .manage(ActiveProfile(profile::initial(launch.mode)))
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::ui_ready
        ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipc::{AppInfo, Environment};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindowBuilder;

    fn invoke(mode: Mode, cmd: &str) -> serde_json::Value {
        let app = configure(
            mock_builder(),
            Launch {
                mode,
                started: Instant::now(),
            },
        )
        .build(mock_context(noop_assets()))
        .expect("build mock app");
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window");
        let response = get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::default(),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .expect("command succeeds");
        response.deserialize::<serde_json::Value>().unwrap()
    }

    #[test]
    fn app_info_reports_version_mode_and_demo_profile() {
        let info = invoke(Mode::Demo, "app_info");
        let expected = serde_json::to_value(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            mode: Mode::Demo,
            active_profile: Some(profile::demo_placeholder()),
        })
        .unwrap();
        assert_eq!(info, expected);
        assert_eq!(info["activeProfile"]["environment"], "demo");
        assert_eq!(profile::demo_placeholder().environment, Environment::Demo);
    }

    #[test]
    fn app_info_reports_kiosk_mode() {
        assert_eq!(invoke(Mode::Kiosk, "app_info")["mode"], "kiosk");
    }

    #[test]
    fn ui_ready_answers_null() {
        assert_eq!(invoke(Mode::Normal, "ui_ready"), serde_json::Value::Null);
    }
}
