//! One PinDesk window per user session, through the official single-instance plugin: a second
//! `pindesk` hands over to the first (which comes to the front) and exits with status 0. Its
//! arguments are ignored: a running app's mode never changes.
//!
//! On Linux the first instance owns a name on the session D-Bus. Apps with different
//! `PINDESK_DATA_DIR`s use different names: they keep separate profiles and histories, so they
//! are different apps (this is what lets test runs start several side by side). Without a
//! session bus there is no way to find another instance and the app starts normally.

use crate::window::the_window;
use std::hash::{Hash, Hasher};
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Runtime};

/// The app's identifier (as in `tauri.conf.json`), the base of the D-Bus name.
pub const IDENTIFIER: &str = "app.pindesk.desktop";

/// The plugin; register it before every other plugin.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    let builder =
        tauri_plugin_single_instance::Builder::new().callback(|app, _args, _cwd| focus_main(app));
    #[cfg(target_os = "linux")]
    let builder = builder.dbus_id(dbus_id(std::env::var_os("PINDESK_DATA_DIR").as_deref()));
    builder.build()
}

/// The D-Bus name's base for a data folder (`None`: the OS default one).
pub fn dbus_id(data_dir: Option<&std::ffi::OsStr>) -> String {
    match data_dir.filter(|d| !d.is_empty()) {
        None => IDENTIFIER.to_owned(),
        Some(dir) => {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            dir.hash(&mut hasher);
            format!("{IDENTIFIER}.d{:016x}", hasher.finish())
        }
    }
}

/// Brings the main window to the front (a second start asked for it).
fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = the_window(app) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    tracing::info!("second start: focused the running window");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn the_identifier_is_the_app_s() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], IDENTIFIER);
    }

    #[test]
    fn each_data_dir_has_its_own_valid_name() {
        assert_eq!(dbus_id(None), IDENTIFIER);
        assert_eq!(dbus_id(Some(OsStr::new(""))), IDENTIFIER);
        let a = dbus_id(Some(OsStr::new("/tmp/a")));
        assert_eq!(a, dbus_id(Some(OsStr::new("/tmp/a"))));
        assert_ne!(a, dbus_id(Some(OsStr::new("/tmp/b"))));
        // D-Bus name elements: letters, digits, `_` and `-`, not starting with a digit.
        for element in a.split('.') {
            assert!(!element.starts_with(|c: char| c.is_ascii_digit()), "{a}");
            assert!(element
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        }
    }
}
