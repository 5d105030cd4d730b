//! The CSV export, with spreadsheet formulas neutralised.

use crate::api::rfc3339;
use std::io::Write;

use rusqlite::params_from_iter;

use super::error::sql;
use super::query::{select, RawRow};
use super::{Filter, History, HistoryError};

impl History {
    /// Writes every matching entry as CSV (with a header row), newest first. Text that a
    /// spreadsheet would run as a formula is prefixed with `'`.
    pub fn export_csv(&self, filter: &Filter, out: impl Write) -> Result<u64, HistoryError> {
        let export = |source| HistoryError::Export { source };
        let mut writer = csv::Writer::from_writer(out);
        writer
            .write_record([
                "id",
                "started_at",
                "finished_at",
                "os_user",
                "profile",
                "provider",
                "environment",
                "operation",
                "card_id",
                "outcome",
                "reference",
                "message",
                "duration_ms",
                "ticket",
            ])
            .map_err(export)?;
        let (sql_text, values) = select(filter, None);
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&sql_text)
            .map_err(sql("exporting the history"))?;
        let rows = stmt
            .query_map(params_from_iter(values), RawRow::read)
            .map_err(sql("exporting the history"))?;
        let mut written = 0;
        for row in rows {
            let e = row.map_err(sql("exporting the history"))?.into_entry()?;
            let opt = |s: &Option<String>| s.as_deref().map(csv_safe).unwrap_or_default();
            writer
                .write_record([
                    e.id.to_string(),
                    rfc3339(e.started_at),
                    e.finished_at.map(rfc3339).unwrap_or_default(),
                    csv_safe(&e.os_user),
                    csv_safe(&e.profile),
                    e.provider.as_str().to_owned(),
                    csv_safe(&e.environment),
                    csv_safe(&e.operation),
                    opt(&e.card_id),
                    e.outcome.as_str().to_owned(),
                    opt(&e.reference),
                    opt(&e.message),
                    e.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
                    opt(&e.ticket),
                ])
                .map_err(export)?;
            written += 1;
        }
        writer.flush().map_err(|e| export(e.into()))?;
        Ok(written)
    }
}

/// Neutralises spreadsheet formulas: text starting with `=`, `+`, `-`, `@`, tab or CR gets a
/// leading `'`.
fn csv_safe(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::history::Outcome;
    use crate::profile::Provider;

    #[test]
    fn csv_export_has_header_rows_and_no_formulas() {
        let (_dir, h) = open();
        let a = h.start(&new_entry(T0, Provider::Vault, "1234435")).unwrap();
        h.finish(a, &done(Outcome::Ok, T0 + time::Duration::seconds(1)))
            .unwrap();
        let b = h
            .start(&new_entry(
                T0 + time::Duration::minutes(1),
                Provider::Solid,
                "crd_x",
            ))
            .unwrap();
        let mut f = done(Outcome::Rejected, T0 + time::Duration::minutes(1));
        f.message = Some("=HYPERLINK(\"x\")".into());
        h.finish(b, &f).unwrap();
        let mut out = Vec::new();
        assert_eq!(h.export_csv(&Filter::default(), &mut out).unwrap(), 2);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("id,started_at,finished_at,os_user,profile,provider"));
        assert!(lines[1].starts_with(&format!("{},2026-03-01T10:01:00Z,", b.0)));
        assert!(lines[1].contains("'=HYPERLINK"), "{}", lines[1]);
        assert!(lines[2].contains(",vault,sandbox,vault.set_passcode,1234435,ok,req_123,"));
        let mut only_vault = Vec::new();
        let filter = Filter {
            provider: Some(Provider::Vault),
            ..Filter::default()
        };
        assert_eq!(h.export_csv(&filter, &mut only_vault).unwrap(), 1);
    }
}
