//! `history` and `history verify`: the history printed, exported, and checked for tampering.

use crate::args::{HistoryArgs, HistoryCommand};
use crate::commands::invalid;
use crate::output::{Failure, Report};
use pindesk_core::api::{rfc3339, HistoryQuery};
use pindesk_core::desk::{Desk, Error};
use pindesk_core::history::Entry;
use pindesk_core::profile::Provider;

/// The exit code of `history verify` when the history was altered.
const EXIT_ALTERED: i32 = 6;

fn verify(desk: &Desk, against: Option<&std::path::Path>) -> Result<Report, Failure> {
    let history = desk.history()?;
    let report = match against {
        None => history.verify(),
        Some(path) => {
            let export = std::fs::read_to_string(path).map_err(|e| {
                Failure::validation(
                    "against",
                    format!("cannot read the collector export {}: {e}", path.display()),
                )
            })?;
            let report = history.verify_against(&export);
            if let Ok(r) = &report {
                if r.collector.as_ref().is_some_and(|c| c.messages == 0) {
                    return Err(Failure::validation(
                        "against",
                        format!("{} holds no message with a seq and a hash", path.display()),
                    ));
                }
            }
            report
        }
    }
    .map_err(|e| Failure::from(Error::from(e)))?;
    let code = if report.ok { 0 } else { EXIT_ALTERED };
    let text = report.summary();
    Ok(Report::new(&report, text).exit_with(code))
}

pub(crate) fn history(desk: &Desk, args: HistoryArgs) -> Result<Report, Failure> {
    if let Some(HistoryCommand::Verify { against }) = &args.action {
        return verify(desk, against.as_deref());
    }
    let query = HistoryQuery {
        provider: args.provider.map(Provider::from),
        outcome: args.outcome.clone(),
        card_id: args.card.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        before: None,
        limit: Some(args.limit),
    };
    let (filter, page) = query.parse().map_err(invalid)?;
    if args.csv {
        desk.history()?
            .export_csv(&filter, crate::output::Stdout::lock())
            .map_err(|e| Failure::from(Error::from(e)))?;
        return Ok(Report::new(serde_json::Value::Null, ""));
    }
    let entries = desk.history_page(&filter, page)?;
    let text = if entries.is_empty() {
        "No operations recorded for this filter.".to_owned()
    } else {
        entries
            .iter()
            .map(entry_line)
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok(Report::new(&entries, text))
}

fn entry_line(e: &Entry) -> String {
    let mut line = format!(
        "{}  {:<18} {:<20} {:<36} {:<8}",
        rfc3339(e.started_at),
        e.profile,
        e.operation,
        e.card_id.as_deref().unwrap_or("-"),
        e.outcome.as_str()
    );
    if let Some(r) = &e.reference {
        line.push_str(&format!("  ref {r}"));
    }
    if let Some(m) = &e.message {
        line.push_str(&format!("  {m}"));
    }
    line
}
