//! The webview's browser behaviour turned off in every mode, through
//! `tauri-plugin-prevent-default` (a script injected before the page's own that cancels the
//! keys' default action; the page's own handlers still see them):
//!
//! - reload (`F5`, `Ctrl+R`, `Ctrl+Shift+R`, …): it would drop a flow half-way;
//! - find, caret browsing, print, view source, open, downloads, devtools (`Ctrl+Shift+I`,
//!   `F12`, …), zoom (`Ctrl` with `+`, `-`, `0`) and history navigation (`Alt+←/→`);
//! - the context menu (its entries include Reload and, in debug builds, Inspect Element);
//!   copy and paste stay on the keyboard.
//!
//! `Shift+Tab` (the plugin's "focus move") is left alone: keyboard users need it. What only the
//! OS can lock (Alt+Tab, Alt+F4, virtual terminals) is documented for kiosks in the README.

use tauri::plugin::TauriPlugin;
use tauri::Runtime;
use tauri_plugin_prevent_default::{Builder, Flags, KeyboardShortcut, ModifierKey};

/// The plugin's built-in groups PinDesk turns off: all of them but `Shift+Tab`.
pub fn flags() -> Flags {
    Flags::all().difference(Flags::FOCUS_MOVE)
}

/// Keys the plugin has no group for: `(key, modifiers)`.
pub const EXTRA: &[(&str, &[ModifierKey])] = &[
    ("F12", &[]),
    ("j", &[ModifierKey::CtrlKey, ModifierKey::ShiftKey]),
    ("c", &[ModifierKey::CtrlKey, ModifierKey::ShiftKey]),
    ("=", &[ModifierKey::CtrlKey]),
    ("+", &[ModifierKey::CtrlKey]),
    ("+", &[ModifierKey::CtrlKey, ModifierKey::ShiftKey]),
    ("-", &[ModifierKey::CtrlKey]),
    ("0", &[ModifierKey::CtrlKey]),
    ("ArrowLeft", &[ModifierKey::AltKey]),
    ("ArrowRight", &[ModifierKey::AltKey]),
];

/// The plugin, for every window of the app.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    EXTRA
        .iter()
        .fold(
            Builder::new().with_flags(flags()),
            |builder, (key, mods)| builder.shortcut(KeyboardShortcut::with_modifiers(key, mods)),
        )
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_and_the_context_menu_are_off_and_shift_tab_on() {
        let flags = flags();
        for off in [
            Flags::RELOAD,
            Flags::CONTEXT_MENU,
            Flags::DEV_TOOLS,
            Flags::FIND,
            Flags::PRINT,
        ] {
            assert!(flags.contains(off), "{off:?} stays on");
        }
        assert!(!flags.contains(Flags::FOCUS_MOVE));
    }
}
