//! Build script: generates Tauri's context and the ACL for the app's own commands.
//!
//! Listing the commands in the app manifest makes Tauri generate one `allow-<command>`
//! permission per command and deny every command not granted by a capability, so
//! `capabilities/default.json` names each command the UI may call.

/// Every `#[tauri::command]` the UI can invoke; keep in step with `commands.rs`.
const COMMANDS: &[&str] = &["app_info", "ui_ready"];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
