//! The History screen's queries on a large history: the first page and filtered pages of a
//! database holding 100 000 entries, against the same queries on a history of 100 entries
//! measured in the same run (the floor: what SQLite costs for a page at all). Goal: each
//! page well under 50 ms.
//!
//! `cargo bench -p pindesk-core --bench history`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pindesk_core::history::{EntryId, Filter, History, Outcome, Page};
use pindesk_core::profile::Provider;
use rusqlite::{params, Connection};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const SIZES: [i64; 2] = [100, 100_000];
const PAGE: u32 = 50;

/// A history of `n` synthetic entries, written in one transaction straight into the file
/// (through `History` it would be two fsynced commits per entry). `History::open` creates
/// the schema first and is reopened after, so the bench reads what the app would.
fn history_of(dir: &Path, n: i64) -> History {
    let path = dir.join(format!("history-{n}.sqlite3"));
    drop(History::open(&path).expect("create the history"));
    let mut conn = Connection::open(&path).expect("open the file");
    let tx = conn.transaction().expect("transaction");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO entries (started_at, finished_at, os_user, profile, provider,
                     environment, operation, card_id, outcome, duration_ms,
                     writer_pid, writer_token)
                 VALUES (?1, ?1, 'operator', ?2, ?2, 'sandbox', ?3, ?4, ?5, 120, 1, 'bench')",
            )
            .expect("prepare");
        let outcomes = ["ok", "ok", "ok", "rejected", "failed", "unknown"];
        let start_ms = 1_750_000_000_000i64;
        for i in 0..n {
            let (provider, operation) = if i % 2 == 0 {
                ("vault", "vault.set_passcode")
            } else {
                ("solid", "solid.set_pin")
            };
            insert
                .execute(params![
                    start_ms + i * 1000,
                    provider,
                    operation,
                    format!("{}", 1_000_000 + i % 5000),
                    outcomes[(i / 2 % 6) as usize],
                ])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    drop(conn);
    History::open(&path).expect("reopen the history")
}

fn pages(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let histories: Vec<(i64, History)> = SIZES
        .iter()
        .map(|&n| (n, history_of(dir.path(), n)))
        .collect();
    let filters = [
        ("first_page", Filter::default()),
        (
            "one_card",
            Filter {
                card_id: Some("1000042".into()),
                ..Filter::default()
            },
        ),
        (
            "solid_failed",
            Filter {
                provider: Some(Provider::Solid),
                outcome: Some(Outcome::Failed),
                ..Filter::default()
            },
        ),
    ];
    let mut group = c.benchmark_group("history_page");
    for (name, filter) in &filters {
        for (n, history) in &histories {
            // Every filter must find rows in both sizes, or the comparison means nothing.
            let rows = history.query(filter, Page::first(PAGE)).expect("query");
            assert!(!rows.is_empty(), "{name} finds nothing in {n} entries");
            group.bench_with_input(BenchmarkId::new(*name, n), filter, |b, filter| {
                b.iter(|| {
                    history
                        .query(black_box(filter), Page::first(PAGE))
                        .expect("query")
                })
            });
        }
    }
    // A page deep in the history (the UI pages by id).
    for (n, history) in &histories {
        let middle = EntryId(n / 2);
        group.bench_with_input(BenchmarkId::new("after_the_middle", n), &middle, |b, m| {
            b.iter(|| {
                history
                    .query(&Filter::default(), Page::after(*m, PAGE))
                    .expect("query")
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

criterion_group! {
    name = history;
    config = config();
    targets = pages
}
criterion_main!(history);
