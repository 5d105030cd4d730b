//! The main window's shape, set in the app's config before the window is created so that it
//! never shows in another state:
//!
//! - every mode: content protection on for the window's whole life (the simplest rule that is
//!   always right, since a secret may be on screen at any moment of a flow). It keeps the window
//!   out of screenshots and screen sharing on Windows and macOS; on Linux (X11 and Wayland) the
//!   toolkit has no such feature and the call does nothing.
//! - kiosk: fullscreen, without decorations, not resizable, without devtools, and labelled
//!   [`KIOSK`], the window the kiosk capability grants its few commands to: the page of a
//!   kiosk cannot even call the others (the invoke handler refuses them too).

use crate::ipc::Mode;
use tauri::utils::config::WindowConfig;
use tauri::{Manager, Runtime};

/// The label of the app's one window (`tauri.conf.json`), outside a kiosk.
pub const MAIN: &str = "main";

/// The label of a kiosk's window, which only the kiosk capability covers.
pub const KIOSK: &str = "kiosk";

/// Shapes the main window's config for `mode`.
pub fn shape(config: &mut tauri::Config, mode: Mode) {
    for window in config.app.windows.iter_mut().filter(|w| w.label == MAIN) {
        shape_window(window, mode);
    }
}

/// The app's one window, whatever its label.
pub fn the_window<R: Runtime, M: Manager<R>>(app: &M) -> Option<tauri::WebviewWindow<R>> {
    app.webview_windows().into_values().next()
}

fn shape_window(window: &mut WindowConfig, mode: Mode) {
    window.content_protected = true;
    if mode == Mode::Kiosk {
        window.fullscreen = true;
        window.decorations = false;
        window.resizable = false;
        window.devtools = Some(false);
        window.label = KIOSK.to_owned();
    }
}

/// Makes a kiosk's window cover its whole monitor. Fullscreen is only a request to the window
/// manager; a kiosk session often runs without one (a bare X session), where the request is
/// ignored, so the window is also placed and sized to the monitor itself.
pub fn cover_monitor<R: Runtime>(app: &tauri::App<R>) {
    let Some(window) = the_window(app) else {
        return;
    };
    let monitor = window
        .current_monitor()
        .ok()
        .flatten()
        .or_else(|| window.primary_monitor().ok().flatten());
    let Some(monitor) = monitor else {
        tracing::warn!("no monitor to cover");
        return;
    };
    let (position, size) = (*monitor.position(), *monitor.size());
    if let Err(error) = window
        .set_position(position)
        .and_then(|()| window.set_size(size))
    {
        tracing::warn!(%error, "could not cover the monitor");
    }
}

/// Logs the main window's state as the window system reports it (the E2E tests read it).
pub fn log_state<R: Runtime>(app: &tauri::App<R>) {
    let Some(window) = the_window(app) else {
        tracing::warn!("no main window");
        return;
    };
    tracing::info!(
        fullscreen = window.is_fullscreen().unwrap_or(false),
        decorated = window.is_decorated().unwrap_or(true),
        "main window created"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> tauri::Config {
        serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json parses")
    }

    fn main_window(config: &tauri::Config) -> &WindowConfig {
        assert_eq!(config.app.windows.len(), 1, "one window");
        &config.app.windows[0]
    }

    #[test]
    fn a_kiosk_window_is_fullscreen_undecorated_and_protected() {
        let mut config = config();
        shape(&mut config, Mode::Kiosk);
        let window = main_window(&config);
        assert!(window.fullscreen && !window.decorations && !window.resizable);
        assert_eq!(window.devtools, Some(false));
        assert!(window.content_protected);
        assert_eq!(
            window.label, KIOSK,
            "the window only the kiosk capability covers"
        );
    }

    #[test]
    fn other_windows_keep_their_frame_and_are_protected() {
        for mode in [Mode::Normal, Mode::Demo] {
            let mut config = config();
            shape(&mut config, mode);
            let window = main_window(&config);
            assert!(!window.fullscreen && window.decorations);
            assert!(window.content_protected);
            assert_eq!(window.label, MAIN);
        }
    }
}
