//! Build script: generates Tauri's context and the ACL for the app's own commands.
//!
//! Listing the commands in the app manifest makes Tauri generate one `allow-<command>`
//! permission per command and deny every command not granted by a capability, so
//! `capabilities/default.json` (generated from the same list) names each command the UI may
//! call.

// The one list of commands (`for_each_command!`) and `command_names!`.
include!("src/command_list.rs");

/// Every `#[tauri::command]` the UI can invoke, from `src/command_list.rs`.
const COMMANDS: &[&str] = for_each_command!(command_names);

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
