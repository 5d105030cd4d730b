//! Copying a PIN token to the clipboard, and clearing it there after a while if it still holds
//! the token. The token is held in a zeroizing type for that time and never crosses the IPC
//! bridge; the clipboard is never left holding it past the configured seconds while the app runs.

use pindesk_core::secret::PinToken;
use std::time::Duration;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// Puts the token on the clipboard and schedules its removal after `clear_after_secs`.
pub fn copy_then_clear<R: Runtime>(
    app: &AppHandle<R>,
    token: PinToken,
    clear_after_secs: u64,
) -> Result<(), String> {
    app.clipboard()
        .write_text(token.expose().to_owned())
        .map_err(|e| format!("could not copy to the clipboard: {e}"))?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(clear_after_secs)).await;
        let still_ours = app
            .clipboard()
            .read_text()
            .map(|text| zeroize::Zeroizing::new(text).as_str() == token.expose())
            .unwrap_or(false);
        if still_ours {
            let _ = app.clipboard().clear();
            tracing::info!("copied PIN token cleared from the clipboard");
        }
    });
    Ok(())
}
