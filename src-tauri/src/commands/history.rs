//! History commands: a filtered page, newest first, and CSV export through a save dialog.

use super::{internal, invalid, CmdResult};
use crate::ipc::{HistoryEntry, HistoryPage, HistoryQuery};
use crate::state::AppState;
use pindesk_core::api::rfc3339;
use pindesk_core::history::{Entry, EntryId, Filter, Outcome, Page};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use time::{Date, Time};

fn day(value: &str, field: &str) -> CmdResult<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value.trim(), &format).map_err(|_| invalid(field, "enter a date as YYYY-MM-DD"))
}

fn filter_of(q: &HistoryQuery) -> CmdResult<Filter> {
    let mut f = Filter {
        card_id: q.card_id.clone().filter(|c| !c.trim().is_empty()),
        ..Filter::default()
    };
    f.provider = q.provider;
    if let Some(o) = q.outcome.as_deref().filter(|o| !o.is_empty()) {
        f.outcome = Some(
            o.parse::<Outcome>()
                .map_err(|_| invalid("outcome", "unknown outcome"))?,
        );
    }
    if let Some(s) = q.since.as_deref().filter(|s| !s.is_empty()) {
        f.since = Some(day(s, "since")?.with_time(Time::MIDNIGHT).assume_utc());
    }
    if let Some(u) = q.until.as_deref().filter(|u| !u.is_empty()) {
        f.until = day(u, "until")?
            .next_day()
            .map(|d| d.with_time(Time::MIDNIGHT).assume_utc());
    }
    Ok(f)
}

fn entry(e: Entry) -> HistoryEntry {
    HistoryEntry {
        id: e.id.0,
        started_at: rfc3339(e.started_at),
        os_user: e.os_user,
        profile: e.profile,
        provider: e.provider,
        environment: e.environment,
        operation: e.operation,
        card_id: e.card_id,
        outcome: e.outcome.as_str().to_owned(),
        reference: e.reference,
        message: e.message,
        duration_ms: e.duration_ms.map(|d| u32::try_from(d).unwrap_or(u32::MAX)),
    }
}

/// A page of history for the filter, newest first, with the total count.
#[tauri::command]
pub fn history_page(state: State<'_, AppState>, query: HistoryQuery) -> CmdResult<HistoryPage> {
    let filter = filter_of(&query)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 1000);
    let page = match query.before {
        Some(id) => Page::after(EntryId(id), limit),
        None => Page::first(limit),
    };
    let entries = state.desk.history_page(&filter, page)?;
    let total = state
        .desk
        .history()
        .count(&filter)
        .map_err(pindesk_core::desk::Error::from)?;
    Ok(HistoryPage {
        entries: entries.into_iter().map(entry).collect(),
        total: u32::try_from(total).unwrap_or(u32::MAX),
    })
}

/// Asks where to save, then writes every entry matching the filter as CSV. Returns the number
/// of rows written, or `None` when the operator cancelled.
#[tauri::command]
pub async fn history_export_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: HistoryQuery,
) -> CmdResult<Option<u32>> {
    let filter = filter_of(&query)?;
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
    let rows = crate::export::write_csv(state.desk.history(), &filter, &path).map_err(internal)?;
    Ok(Some(u32::try_from(rows).unwrap_or(u32::MAX)))
}
