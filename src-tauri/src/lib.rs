//! The PinDesk desktop app: Tauri set-up, state and the thin commands the web UI calls.
//!
//! [`run`] is what `pindesk` does; [`run_app`] takes any Tauri builder so that tests can drive
//! the same set-up with `tauri::test::mock_builder()` through [`configure`]. This crate holds no
//! business logic (that is `pindesk-core`'s) and never hands a secret back to the UI.

// The list of commands comes first: its macros are used below and in `command_gen`.
#[macro_use]
mod command_list;
#[macro_use]
mod command_gen;

mod args;
mod audit;
mod clipboard;
pub mod commands;
mod export;
mod idle;
pub mod ipc;
mod kiosk;
mod logging;
mod phases;
mod shortcuts;
mod single_instance;
pub mod state;
mod window;

pub use args::Args;

use clap::Parser;
use pindesk_core::credentials::KeyringStore;
use pindesk_core::paths::Paths;
use pindesk_core::system_config::{self, SystemConfig};
use state::AppState;
use std::time::Instant;
use tauri::{Builder, Manager, Runtime};

/// Parses the command line (`--version` and `--help` print and exit here, before any window
/// or display is needed), opens the core services, then runs the app until its window closes.
pub fn run() {
    let started = Instant::now();
    let args = Args::parse();
    let paths = Paths::from_env();
    if let Ok(paths) = &paths {
        logging::init(paths);
    }
    phases::log(started, "args, paths and logging");
    let system = load_system_config();
    phases::log(started, "system config");
    let mode = kiosk::mode(args.mode(), &system);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        ?mode,
        "pindesk starting"
    );
    let state = paths.map_err(state::StartError::from).and_then(|paths| {
        AppState::open(
            paths,
            Box::new(KeyringStore::new()),
            mode,
            args.demo,
            started,
        )
    });
    match state {
        Ok(state) => {
            phases::log(started, "state open");
            run_app(Builder::default(), state, system)
        }
        Err(e) => {
            tracing::error!(error = %e, "pindesk could not start");
            eprintln!("pindesk: {e}");
            std::process::exit(1);
        }
    }
}

/// The machine-wide configuration (see [`system_config`]); a file that cannot be used is
/// reported and fails closed (a kiosk).
fn load_system_config() -> SystemConfig {
    let (system, errors) = SystemConfig::load(&system_config::paths_from_env());
    for error in &errors {
        tracing::error!(%error, "unusable system config: starting as a kiosk");
        eprintln!("pindesk: {error}; starting as a kiosk");
    }
    if system != SystemConfig::default() {
        tracing::info!(?system, "system config in force");
    }
    system
}

/// Builds the app from `builder` with the real context (window, CSP, capabilities, embedded
/// UI) and runs it: a single instance per session, the window shaped for the mode, the demo
/// sandbox started once the window exists (the first screen does not wait for it). On quitting,
/// a PIN token PinDesk copied is cleared from the clipboard and stored Vault sign-ins are
/// signed out (best effort, at most two seconds).
pub fn run_app<R: Runtime>(builder: Builder<R>, state: AppState, system: SystemConfig) {
    let mut context = tauri::generate_context!();
    let mode = state.mode;
    let started = state.started;
    window::shape(context.config_mut(), mode);
    let builder = configure_with(builder.plugin(single_instance::plugin()), state, system);
    phases::log(started, "builder and plugins");
    builder
        .on_page_load(move |_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                phases::log(started, "page loaded");
            }
        })
        .setup(move |app| {
            phases::log(started, "window created");
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<AppState>().start_demo().await;
            });
            if mode == ipc::Mode::Kiosk {
                window::cover_monitor(app);
            }
            idle::watch(app.handle().clone());
            audit::ship(app.handle().clone());
            window::log_state(app);
            Ok(())
        })
        .build(context)
        .expect("PinDesk failed to start")
        .run(|app, event| {
            if let tauri::RunEvent::ExitRequested { .. } = event {
                // Here, not at `Exit`: by then the clipboard plugin has let the clipboard go.
                clipboard::clear_ours(app, "the app is quitting");
                let state = app.state::<AppState>();
                tauri::async_runtime::block_on(
                    state
                        .desk
                        .sign_out_all(pindesk_core::desk::BEST_EFFORT_SIGN_OUT),
                );
            }
        });
}

/// [`configure_with`] and no machine-wide configuration; what the tests use.
pub fn configure<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    configure_with(builder, state, SystemConfig::default())
}

/// Adds PinDesk's plugins, state and commands to a builder; shared by [`run_app`] and the tests.
pub fn configure_with<R: Runtime>(
    builder: Builder<R>,
    state: AppState,
    system: SystemConfig,
) -> Builder<R> {
    let kiosk = state.mode == ipc::Mode::Kiosk;
    let handler: Box<dyn Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync> =
        Box::new(for_each_command!(command_handler));
    builder
        .plugin(shortcuts::plugin())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state)
        .manage(system)
        .manage(clipboard::ClipboardGuard::default())
        .manage(idle::Activity::default())
        .invoke_handler(move |invoke| {
            // Any command the page calls shows the operator is there.
            if let Some(activity) = invoke.message.webview().try_state::<idle::Activity>() {
                activity.touch();
            }
            // A kiosk's limits hold in Rust too, whatever the page calls: every command the
            // list does not mark `kiosk: true` is refused before it runs.
            if kiosk && !command_gen::kiosk_allows(invoke.message.command()) {
                invoke.resolver.reject(kiosk::refusal());
                return true;
            }
            handler(invoke)
        })
}

#[cfg(test)]
mod tests;
