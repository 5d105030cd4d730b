//! History commands: a filtered page, newest first, and CSV export through a save dialog.

use super::{internal, CmdResult};
use crate::state::AppState;
use pindesk_core::api::{AuditStatus, HistoryPage, HistoryQuery, HistoryVerifyReport};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// A page of history for the filter, newest first, with the total count.
#[tauri::command]
pub fn history_page(state: State<'_, AppState>, query: HistoryQuery) -> CmdResult<HistoryPage> {
    Ok(state.desk.history_query(&query)?)
}

/// Asks where to save, then writes every entry matching the filter as CSV. Returns the number
/// of rows written, or `None` when the operator cancelled.
#[tauri::command]
pub async fn history_export_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: HistoryQuery,
) -> CmdResult<Option<u32>> {
    let (filter, _) = query.parse().map_err(pindesk_core::desk::Error::from)?;
    let path = match crate::export::target_override() {
        Some(path) => path,
        None => {
            let chosen = app
                .dialog()
                .file()
                .add_filter("CSV", &["csv"])
                .set_file_name("pindesk-history.csv")
                .blocking_save_file();
            match chosen.and_then(|p| p.into_path().ok()) {
                Some(path) => path,
                None => return Ok(None),
            }
        }
    };
    let rows = crate::export::write_csv(state.desk.history()?, &filter, &path).map_err(internal)?;
    Ok(Some(u32::try_from(rows).unwrap_or(u32::MAX)))
}

/// Checks the history's hash chain and its rows.
#[tauri::command]
pub fn history_verify(state: State<'_, AppState>) -> CmdResult<HistoryVerifyReport> {
    Ok(state
        .desk
        .history()?
        .verify()
        .map_err(pindesk_core::desk::Error::from)?)
}

/// Where the history is shipped and how many records wait. Async, so that opening the
/// history on its first use (the first screen asks this) runs off the main thread.
#[tauri::command]
pub async fn audit_status(state: State<'_, AppState>) -> CmdResult<AuditStatus> {
    Ok(state.desk.audit_status()?)
}
