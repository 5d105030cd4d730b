//! Copying a PIN token to the clipboard, and clearing it there while it still holds the token.
//!
//! The token is written as a secret (`write_secret`: on X11 with the password-manager hint and
//! no hand-over to a clipboard manager at exit; excluded from Windows' clipboard history and
//! cloud; the concealed type on macOS). It is cleared — only if the clipboard still holds what
//! PinDesk put there, so the operator's own copy is never lost — when its time is up, when the
//! app forgets its secrets (idle timeout, end of a kiosk session) and when the app is asked to
//! quit. The token is held in a zeroizing type for that time and never crosses the IPC bridge.

use pindesk_core::secret::PinToken;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// How long a clear waits for the clipboard: reading it may need the window's own thread
/// (when the webview holds the selection), so the caller never waits on it for longer.
const CLEAR_WAIT: Duration = Duration::from_secs(1);

/// What PinDesk last put on the clipboard, so that it clears only its own copy.
#[derive(Default)]
pub struct ClipboardGuard {
    placed: Mutex<Option<Placed>>,
    copies: AtomicU64,
}

/// One copy: its number (a later copy replaces it) and the token.
struct Placed {
    copy: u64,
    token: PinToken,
}

impl ClipboardGuard {
    /// Takes the copy to clear: `only` a given copy (its timer), or whichever is there.
    fn take(&self, only: Option<u64>) -> Option<PinToken> {
        let mut placed = self.placed.lock().unwrap_or_else(|p| p.into_inner());
        match (&*placed, only) {
            (Some(p), Some(copy)) if p.copy != copy => None,
            _ => placed.take().map(|p| p.token),
        }
    }
}

/// Puts the token on the clipboard as a secret and schedules its removal after
/// `clear_after_secs`.
pub fn copy_then_clear<R: Runtime>(
    app: &AppHandle<R>,
    token: PinToken,
    clear_after_secs: u64,
) -> Result<(), String> {
    app.clipboard()
        .write_secret(token.expose())
        .map_err(|e| format!("could not copy to the clipboard: {e}"))?;
    let guard = app.state::<ClipboardGuard>();
    let copy = guard.copies.fetch_add(1, Ordering::Relaxed);
    *guard.placed.lock().unwrap_or_else(|p| p.into_inner()) = Some(Placed { copy, token });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(clear_after_secs)).await;
        clear(&app, Some(copy), "its time is up");
    });
    Ok(())
}

/// Clears the token PinDesk put on the clipboard, if it is still there (forgetting secrets,
/// quitting). Safe on the main thread: it waits at most [`CLEAR_WAIT`].
pub fn clear_ours<R: Runtime>(app: &AppHandle<R>, why: &'static str) {
    clear(app, None, why);
}

fn clear<R: Runtime>(app: &AppHandle<R>, only: Option<u64>, why: &'static str) {
    let Some(token) = app.state::<ClipboardGuard>().take(only) else {
        return;
    };
    let (done, wait) = mpsc::channel();
    let app = app.clone();
    std::thread::spawn(move || {
        let still_ours = app
            .clipboard()
            .read_text()
            .map(|text| zeroize::Zeroizing::new(text).as_str() == token.expose())
            .unwrap_or(false);
        if still_ours && app.clipboard().clear().is_ok() {
            tracing::info!(why, "copied PIN token cleared from the clipboard");
        }
        let _ = done.send(());
    });
    if wait.recv_timeout(CLEAR_WAIT).is_err() {
        tracing::warn!(why, "the clipboard did not answer in time to be cleared");
    }
}
