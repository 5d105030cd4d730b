//! `pindesk-cli audit status | flush`: the central audit shipping seen from the command line.

use pindesk_core::api::AuditStatus;
use pindesk_core::desk::Desk;
use pindesk_core::error::Category;
use std::time::Duration;

use crate::args::AuditCommand;
use crate::output::{Failure, Report};

/// How long `audit flush` keeps sending.
const FLUSH_BUDGET: Duration = Duration::from_secs(10);

pub async fn audit(desk: &Desk, cmd: AuditCommand) -> Result<Report, Failure> {
    match cmd {
        AuditCommand::Status => {
            let status = desk.audit_status()?;
            Ok(Report::new(&status, status_text(&status)))
        }
        AuditCommand::Flush => {
            let status = desk.audit_flush(FLUSH_BUDGET).await?;
            if status.collectors.is_empty() {
                return Err(Failure::validation(
                    "collector",
                    "no collector is configured ([audit] collector in the machine-wide config): nothing is shipped",
                ));
            }
            let text = status_text(&status);
            let report = Report::new(&status, text);
            Ok(match (&status.error, status.waiting) {
                (None, 0) => report,
                _ => report.exit_with(Category::Network.exit_code()),
            })
        }
    }
}

fn status_text(status: &AuditStatus) -> String {
    if status.collectors.is_empty() {
        return "No collector is configured: the history is kept on this computer only.".into();
    }
    let mut lines = vec![
        format!("collectors:     {}", status.collectors.join(", ")),
        format!("waiting:        {}", status.waiting),
    ];
    if let Some(secs) = status.oldest_waiting_secs {
        lines.push(format!("oldest waiting: {secs} s"));
    }
    if let Some(seq) = status.last_sent_seq {
        lines.push(format!("last sent:      seq {seq}"));
    }
    if let Some(error) = &status.error {
        lines.push(format!("error:          {error}"));
    }
    lines.join("\n")
}
