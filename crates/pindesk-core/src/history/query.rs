//! Queries: filters, keyset pages newest first, counts, and rows read back into entries.

use rusqlite::params_from_iter;
use rusqlite::types::Value;
use time::OffsetDateTime;

use super::entry::{from_millis, to_millis, truncate};
use super::error::sql;
use super::{Entry, EntryId, History, HistoryError, Outcome};
use crate::profile::Provider;

/// Largest page [`History::query`] returns.
pub const MAX_PAGE: u32 = 1000;

/// Which entries to show; every field narrows the result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this provider.
    pub provider: Option<Provider>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Only this card.
    pub card_id: Option<String>,
    /// Only entries started at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only entries started before this time.
    pub until: Option<OffsetDateTime>,
}

/// One page of a query, newest first. The next page starts `before` the last id of this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// How many entries at most (capped at [`MAX_PAGE`]).
    pub limit: u32,
    /// Only entries with a smaller id (the last id of the previous page).
    pub before: Option<EntryId>,
}

impl Page {
    /// The first page of `limit` entries.
    pub fn first(limit: u32) -> Self {
        Self {
            limit,
            before: None,
        }
    }

    /// The page after the one that ended with `last`.
    pub fn after(last: EntryId, limit: u32) -> Self {
        Self {
            limit,
            before: Some(last),
        }
    }
}

impl History {
    /// One page of matching entries, newest first.
    pub fn query(&self, filter: &Filter, page: Page) -> Result<Vec<Entry>, HistoryError> {
        let (sql_text, values) = select(filter, Some(page));
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(&sql_text)
            .map_err(sql("reading the history"))?;
        let rows = stmt
            .query_map(params_from_iter(values), RawRow::read)
            .map_err(sql("reading the history"))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(sql("reading the history"))?.into_entry()?);
        }
        Ok(out)
    }

    /// How many entries match.
    pub fn count(&self, filter: &Filter) -> Result<u64, HistoryError> {
        let (clause, values) = where_clause(filter, None);
        let conn = self.conn();
        let n: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM entries{clause}"),
                params_from_iter(values),
                |r| r.get(0),
            )
            .map_err(sql("counting history entries"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The query plan SQLite picks for a page query (for tests and diagnostics).
    pub fn explain_query(&self, filter: &Filter, page: Page) -> Result<Vec<String>, HistoryError> {
        let (sql_text, values) = select(filter, Some(page));
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql_text}"))
            .map_err(sql("explaining a query"))?;
        let rows = stmt
            .query_map(params_from_iter(values), |r| r.get::<_, String>(3))
            .map_err(sql("explaining a query"))?;
        rows.collect::<Result<_, _>>()
            .map_err(sql("explaining a query"))
    }
}

const COLUMNS: &str = "id, started_at, finished_at, os_user, profile, provider, environment, \
                       operation, card_id, outcome, reference, message, duration_ms, ticket";

fn where_clause(filter: &Filter, before: Option<EntryId>) -> (String, Vec<Value>) {
    let mut terms = Vec::new();
    let mut values = Vec::new();
    if let Some(provider) = filter.provider {
        terms.push("provider = ?");
        values.push(Value::Text(provider.as_str().to_owned()));
    }
    if let Some(outcome) = filter.outcome {
        terms.push("outcome = ?");
        values.push(Value::Text(outcome.as_str().to_owned()));
    }
    if let Some(card) = &filter.card_id {
        terms.push("card_id = ?");
        values.push(Value::Text(card.clone()));
    }
    if let Some(since) = filter.since {
        terms.push("started_at >= ?");
        values.push(Value::Integer(to_millis(since)));
    }
    if let Some(until) = filter.until {
        terms.push("started_at < ?");
        values.push(Value::Integer(to_millis(until)));
    }
    if let Some(before) = before {
        terms.push("id < ?");
        values.push(Value::Integer(before.0));
    }
    if terms.is_empty() {
        (String::new(), values)
    } else {
        (format!(" WHERE {}", terms.join(" AND ")), values)
    }
}

/// The SELECT for a filter, newest first; with a page, limited and keyed on `id` (always bound,
/// so even the first page is an index search, not a table scan).
pub(super) fn select(filter: &Filter, page: Option<Page>) -> (String, Vec<Value>) {
    match page {
        Some(page) => {
            let before = page.before.unwrap_or(EntryId(i64::MAX));
            let (clause, mut values) = where_clause(filter, Some(before));
            values.push(Value::Integer(i64::from(page.limit.min(MAX_PAGE))));
            (
                format!("SELECT {COLUMNS} FROM entries{clause} ORDER BY id DESC LIMIT ?"),
                values,
            )
        }
        None => {
            let (clause, values) = where_clause(filter, None);
            (
                format!("SELECT {COLUMNS} FROM entries{clause} ORDER BY id DESC"),
                values,
            )
        }
    }
}

pub(super) struct RawRow {
    id: i64,
    started_at: i64,
    finished_at: Option<i64>,
    os_user: String,
    profile: String,
    provider: String,
    environment: String,
    operation: String,
    card_id: Option<String>,
    outcome: String,
    reference: Option<String>,
    message: Option<String>,
    duration_ms: Option<i64>,
    ticket: Option<String>,
}

impl RawRow {
    pub(super) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            started_at: r.get(1)?,
            finished_at: r.get(2)?,
            os_user: r.get(3)?,
            profile: r.get(4)?,
            provider: r.get(5)?,
            environment: r.get(6)?,
            operation: r.get(7)?,
            card_id: r.get(8)?,
            outcome: r.get(9)?,
            reference: r.get(10)?,
            message: r.get(11)?,
            duration_ms: r.get(12)?,
            ticket: r.get(13)?,
        })
    }

    pub(super) fn into_entry(self) -> Result<Entry, HistoryError> {
        Ok(Entry {
            id: EntryId(self.id),
            started_at: from_millis(self.started_at)?,
            finished_at: self.finished_at.map(from_millis).transpose()?,
            os_user: self.os_user,
            profile: self.profile,
            provider: self.provider.parse().map_err(|_| HistoryError::BadValue {
                column: "provider",
                value: truncate(&self.provider, 40),
            })?,
            environment: self.environment,
            operation: self.operation,
            card_id: self.card_id,
            outcome: self.outcome.parse()?,
            reference: self.reference,
            message: self.message,
            duration_ms: self.duration_ms.and_then(|d| u64::try_from(d).ok()),
            ticket: self.ticket,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::history::Outcome;
    use rusqlite::params;

    #[test]
    fn filters_and_keyset_pages() {
        let (_dir, h) = open();
        let mut ids = Vec::new();
        for i in 0..30i64 {
            let provider = if i % 3 == 0 {
                Provider::Solid
            } else {
                Provider::Vault
            };
            let card = if i % 5 == 0 { "777" } else { "123" };
            let id = h
                .start(&new_entry(T0 + time::Duration::minutes(i), provider, card))
                .unwrap();
            let outcome = if i % 2 == 0 {
                Outcome::Ok
            } else {
                Outcome::Failed
            };
            h.finish(id, &done(outcome, T0 + time::Duration::minutes(i)))
                .unwrap();
            ids.push(id);
        }
        // Newest first, pages continue where the last ended, no overlap, nothing missed.
        let mut seen = Vec::new();
        let mut page = Page::first(7);
        loop {
            let rows = h.query(&Filter::default(), page).unwrap();
            if rows.is_empty() {
                break;
            }
            assert!(rows.len() <= 7);
            page = Page::after(rows.last().unwrap().id, 7);
            seen.extend(rows.into_iter().map(|e| e.id));
        }
        let mut expected = ids.clone();
        expected.reverse();
        assert_eq!(seen, expected);

        let solid = Filter {
            provider: Some(Provider::Solid),
            ..Filter::default()
        };
        assert_eq!(h.count(&solid).unwrap(), 10);
        assert!(h
            .query(&solid, Page::first(100))
            .unwrap()
            .iter()
            .all(|e| e.provider == Provider::Solid));

        let card = Filter {
            card_id: Some("777".into()),
            outcome: Some(Outcome::Ok),
            ..Filter::default()
        };
        // i in {0, 10, 20}: multiples of 5 that are even.
        assert_eq!(h.count(&card).unwrap(), 3);

        let window = Filter {
            since: Some(T0 + time::Duration::minutes(10)),
            until: Some(T0 + time::Duration::minutes(20)),
            ..Filter::default()
        };
        let rows = h.query(&window, Page::first(100)).unwrap();
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[0].started_at, T0 + time::Duration::minutes(19));
        assert_eq!(rows[9].started_at, T0 + time::Duration::minutes(10));
        assert_eq!(
            h.query(&Filter::default(), Page::first(5000))
                .unwrap()
                .len(),
            30
        );
    }

    #[test]
    fn pages_use_indexes_on_a_large_history() {
        let (_dir, h) = open();
        {
            let mut conn = h.conn();
            let tx = conn.transaction().unwrap();
            {
                let mut stmt = tx
                    .prepare(
                        "INSERT INTO entries (started_at, finished_at, os_user, profile, provider,
                             environment, operation, card_id, outcome, duration_ms,
                             writer_pid, writer_token)
                         VALUES (?1, ?1, 'u', 'p', ?2, 'sandbox', 'op', ?3, ?4, 10, 1, 't')",
                    )
                    .unwrap();
                let outcomes = ["ok", "rejected", "failed", "unknown"];
                for i in 0..100_000i64 {
                    let provider = if i % 2 == 0 { "vault" } else { "solid" };
                    stmt.execute(params![
                        to_millis(T0) + i * 1000,
                        provider,
                        format!("card-{}", i % 5000),
                        outcomes[(i % 4) as usize],
                    ])
                    .unwrap();
                }
            }
            tx.commit().unwrap();
        }
        let uses_index = |plan: &[String]| {
            plan.iter().all(|line| !line.starts_with("SCAN entries"))
                && plan
                    .iter()
                    .any(|line| line.contains("USING INDEX") || line.contains("PRIMARY KEY"))
        };
        // Without statistics (a real database never runs ANALYZE) and with them.
        for analyze in [false, true] {
            if analyze {
                h.conn().execute_batch("ANALYZE").unwrap();
            }
            check_plans(&h, &uses_index);
        }
    }

    fn check_plans(h: &History, uses_index: &dyn Fn(&[String]) -> bool) {
        let first = Filter::default();
        let plan = h.explain_query(&first, Page::first(50)).unwrap();
        assert!(uses_index(&plan), "{plan:?}");
        assert_eq!(h.query(&first, Page::first(50)).unwrap().len(), 50);

        let by_card = Filter {
            card_id: Some("card-42".into()),
            ..Filter::default()
        };
        let plan = h.explain_query(&by_card, Page::first(50)).unwrap();
        assert!(uses_index(&plan), "{plan:?}");
        assert!(plan.iter().any(|l| l.contains("entries_card")), "{plan:?}");
        assert_eq!(h.query(&by_card, Page::first(50)).unwrap().len(), 20);

        let by_provider = Filter {
            provider: Some(Provider::Solid),
            ..Filter::default()
        };
        let plan = h
            .explain_query(&by_provider, Page::after(EntryId(50_000), 50))
            .unwrap();
        assert!(uses_index(&plan), "{plan:?}");
        let rows = h
            .query(&by_provider, Page::after(EntryId(50_000), 50))
            .unwrap();
        assert_eq!(rows.len(), 50);
        assert!(rows[0].id.0 < 50_000);
    }
}
