//! Build script: generates Tauri's context and the ACL for the app's own commands.
//!
//! Listing the commands in the app manifest makes Tauri generate one `allow-<command>`
//! permission per command and deny every command not granted by a capability, so
//! `capabilities/default.json` names each command the UI may call.

/// Every `#[tauri::command]` the UI can invoke; keep in step with `commands.rs`.
const COMMANDS: &[&str] = &[
    "app_info",
    "ui_ready",
    "about_info",
    "save_settings",
    "forget_secrets",
    "list_profiles",
    "save_profile",
    "remove_profile",
    "use_profile",
    "test_profile",
    "vault_send_code",
    "vault_verify_code",
    "vault_set_passcode",
    "passcode_rules",
    "demo_sms",
    "solid_pin_token",
    "solid_reveal_token",
    "solid_copy_token",
    "solid_discard_token",
    "solid_set_pin",
    "pin_rules",
    "history_page",
    "history_export_csv",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
