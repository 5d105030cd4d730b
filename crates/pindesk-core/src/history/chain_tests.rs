//! The chain against tampering: records changed, removed and inserted behind the app's back
//! (straight through SQLite), rows edited, retention, a v1 database, a collector's copy.

use std::num::NonZeroU32;
use std::time::Duration;

use rusqlite::params;

use super::chain::chain_hash;
use super::test_support::*;
use super::{EntryId, History, Outcome, ProblemKind, VerifyReport};
use crate::profile::Provider;

/// Three operations, interleaved: seq 1 A started, 2 B started, 3 A finished, 4 C started,
/// 5 B finished, 6 C finished.
fn three_operations(h: &History) -> [EntryId; 3] {
    let at = |m| T0 + time::Duration::minutes(m);
    let a = h.start(&new_entry(at(0), Provider::Vault, "1")).unwrap();
    let b = h
        .start(&new_entry(at(1), Provider::Solid, "crd_b"))
        .unwrap();
    h.finish(a, &done(Outcome::Ok, at(2))).unwrap();
    let c = h.start(&new_entry(at(3), Provider::Vault, "3")).unwrap();
    h.finish(b, &done(Outcome::Rejected, at(4))).unwrap();
    h.finish(c, &done(Outcome::Failed, at(5))).unwrap();
    [a, b, c]
}

fn sql(h: &History, statements: &str) {
    h.conn().execute_batch(statements).unwrap();
}

/// A record as a forger who knows the format would write it at `seq`, after `prev`.
fn forged(h: &History, seq: i64, prev_hash: &str) -> (String, String) {
    let body: String = h
        .conn()
        .query_row("SELECT body FROM events WHERE seq = 1", [], |r| r.get(0))
        .unwrap();
    let body = body
        .replacen("\"seq\":1,", &format!("\"seq\":{seq},"), 1)
        .replace("\"card_id\":\"1\"", "\"card_id\":\"999\"");
    let hash = chain_hash(prev_hash, &body);
    (body, hash)
}

fn hash_of(h: &History, seq: i64) -> String {
    h.conn()
        .query_row(
            "SELECT hash FROM events WHERE seq = ?1",
            params![seq],
            |r| r.get(0),
        )
        .unwrap()
}

fn first_problem(report: &VerifyReport) -> (ProblemKind, Option<u64>) {
    let p = report.problem.as_ref().expect("a problem");
    assert!(!report.ok);
    (p.kind, p.seq)
}

#[test]
fn an_untouched_chain_verifies() {
    let (_dir, h) = open();
    let empty = h.verify().unwrap();
    assert!(empty.ok && empty.records == 0 && empty.first_seq.is_none());
    assert_eq!(empty.summary(), "chain verified: 0 records");
    three_operations(&h);
    let report = h.verify().unwrap();
    assert!(report.ok, "{:?}", report.problem);
    assert_eq!(
        (report.records, report.first_seq, report.last_seq),
        (6, Some(1), Some(6))
    );
    assert_eq!(report.summary(), "chain verified: 6 records (seq 1–6)");
    // Every record links to the one before.
    let mut prev = super::GENESIS_HASH.to_owned();
    for seq in 1..=6 {
        let body: String = h
            .conn()
            .query_row(
                "SELECT body FROM events WHERE seq = ?1",
                params![seq],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            body.starts_with(&format!("{{\"seq\":{seq},\"entry_id\":")),
            "{body}"
        );
        prev = chain_hash(&prev, &body);
        assert_eq!(prev, hash_of(&h, seq));
    }
}

#[test]
fn tampering_is_named() {
    type Tamper = fn(&History, [EntryId; 3]);
    let cases: [(&str, Tamper, ProblemKind, Option<u64>); 11] = [
        (
            "a body edited",
            |h, _| {
                sql(h, "UPDATE events SET body = replace(body, 'card not found', 'fine') WHERE seq = 3")
            },
            ProblemKind::Changed,
            Some(3),
        ),
        (
            "a hash edited",
            |h, _| {
                sql(
                    h,
                    "UPDATE events SET hash = replace(hash, substr(hash, 1, 1), 'x') WHERE seq = 2",
                )
            },
            ProblemKind::Changed,
            Some(2),
        ),
        (
            "a kind column edited",
            |h, _| sql(h, "UPDATE events SET kind = 'unknown' WHERE seq = 5"),
            ProblemKind::Changed,
            Some(5),
        ),
        (
            "a record deleted",
            |h, _| sql(h, "DELETE FROM events WHERE seq = 3"),
            ProblemKind::Removed,
            Some(3),
        ),
        (
            "a record deleted and the rest renumbered",
            |h, _| {
                sql(
                    h,
                    "DELETE FROM events WHERE seq = 3;
                        UPDATE events SET seq = seq - 1 WHERE seq > 3;",
                )
            },
            ProblemKind::Removed,
            Some(3),
        ),
        (
            "a record inserted, the rest renumbered",
            |h, _| {
                sql(
                    h,
                    "UPDATE events SET seq = seq + 10 WHERE seq >= 3;
                        UPDATE events SET seq = seq - 9 WHERE seq >= 13;",
                );
                let (body, hash) = forged(h, 3, &hash_of(h, 2));
                h.conn()
                    .execute(
                        "INSERT INTO events (seq, entry_id, kind, at, body, hash)
                         SELECT 3, entry_id, kind, at, ?1, ?2 FROM events WHERE seq = 1",
                        params![body, hash],
                    )
                    .unwrap();
            },
            ProblemKind::Inserted,
            Some(4),
        ),
        (
            "a record appended with a made-up hash",
            |h, _| {
                let (body, _) = forged(h, 7, &hash_of(h, 6));
                h.conn()
                    .execute(
                        "INSERT INTO events (seq, entry_id, kind, at, body, hash)
                         SELECT 7, entry_id, kind, at, ?1, ?2 FROM events WHERE seq = 1",
                        params![body, "ab".repeat(32)],
                    )
                    .unwrap();
            },
            ProblemKind::Changed,
            Some(7),
        ),
        (
            "a row edited",
            |h, [_, b, _]| {
                h.conn()
                    .execute(
                        "UPDATE entries SET outcome = 'ok' WHERE id = ?1",
                        params![b.0],
                    )
                    .unwrap();
            },
            ProblemKind::RowChanged,
            Some(5),
        ),
        (
            "a row added",
            |h, _| {
                sql(
                    h,
                    "INSERT INTO entries (started_at, os_user, profile, provider, environment,
                            operation, outcome, writer_pid, writer_token)
                        VALUES (1, 'mallory', 'p', 'vault', 'sandbox', 'vault.set_passcode',
                                'ok', 1, 't')",
                )
            },
            ProblemKind::RowAdded,
            None,
        ),
        (
            "a row deleted",
            |h, [a, _, _]| {
                h.conn()
                    .execute("DELETE FROM entries WHERE id = ?1", params![a.0])
                    .unwrap();
            },
            ProblemKind::RowRemoved,
            Some(3),
        ),
        (
            "the last record deleted",
            |h, _| sql(h, "DELETE FROM events WHERE seq = 6"),
            ProblemKind::RowChanged,
            Some(4),
        ),
    ];
    for (what, tamper, kind, seq) in cases {
        let (_dir, h) = open();
        let ids = three_operations(&h);
        assert!(h.verify().unwrap().ok, "{what}: before");
        tamper(&h, ids);
        let report = h.verify().unwrap();
        assert_eq!(
            first_problem(&report),
            (kind, seq),
            "{what}: {:?}",
            report.problem
        );
        assert!(report.summary().starts_with("chain broken"), "{what}");
    }
}

#[test]
fn retention_keeps_a_checkpoint_and_whole_operations() {
    let (_dir, h) = open();
    let days = NonZeroU32::new(30).unwrap();
    let day = time::Duration::days(1);
    // Old A and B; B is still open when new C starts, so B (and all after it) stays.
    let a = h.start(&new_entry(T0, Provider::Vault, "a")).unwrap();
    h.finish(a, &done(Outcome::Ok, T0)).unwrap();
    let b = h.start(&new_entry(T0 + day, Provider::Vault, "b")).unwrap();
    let now = T0 + day * 40;
    let c = h.start(&new_entry(now, Provider::Vault, "c")).unwrap();
    h.finish(b, &done(Outcome::Ok, now)).unwrap();
    h.finish(c, &done(Outcome::Ok, now)).unwrap();
    assert_eq!(h.apply_retention(days, now).unwrap(), 1);
    let report = h.verify().unwrap();
    assert!(report.ok, "{:?}", report.problem);
    let checkpoint = report.checkpoint.clone().unwrap();
    assert_eq!((checkpoint.seq, report.first_seq), (2, Some(3)));
    let cards: Vec<_> = h
        .query(&super::Filter::default(), super::Page::first(10))
        .unwrap()
        .into_iter()
        .map(|e| e.card_id.unwrap())
        .collect();
    assert_eq!(cards, ["c", "b"]);
    // Later, B is old too: it goes, the checkpoint moves, the chain still verifies.
    let later = now + day * 31;
    assert_eq!(h.apply_retention(days, later).unwrap(), 2);
    let report = h.verify().unwrap();
    assert!(report.ok, "{:?}", report.problem);
    assert_eq!((report.records, report.checkpoint.unwrap().seq), (0, 6));
    // New events continue from the checkpoint.
    h.start(&new_entry(later, Provider::Vault, "d")).unwrap();
    let report = h.verify().unwrap();
    assert!(report.ok && report.first_seq == Some(7), "{report:?}");
    // Removing the checkpoint is noticed.
    sql(&h, "DELETE FROM chain_checkpoint");
    assert_eq!(
        first_problem(&h.verify().unwrap()),
        (ProblemKind::Removed, Some(1))
    );
}

#[test]
fn retention_keeps_what_the_outbox_has_not_shipped() {
    let (_dir, h) = open();
    h.set_outbox(true);
    let id = h.start(&new_entry(T0, Provider::Vault, "a")).unwrap();
    h.finish(id, &done(Outcome::Ok, T0)).unwrap();
    let now = T0 + time::Duration::days(40);
    let days = NonZeroU32::new(30).unwrap();
    assert_eq!(h.apply_retention(days, now).unwrap(), 0);
    h.outbox_sent(2).unwrap();
    assert_eq!(h.apply_retention(days, now).unwrap(), 1);
    assert!(h.verify().unwrap().ok);
}

#[test]
fn recovery_appends_unknown_events() {
    let (_dir, h) = open();
    let id = h.start(&new_entry(T0, Provider::Vault, "1")).unwrap();
    sql(&h, "UPDATE entries SET writer_token = 'other'");
    let now = T0 + time::Duration::hours(1);
    assert_eq!(
        h.recover_interrupted(now, Duration::from_secs(60)).unwrap(),
        1
    );
    let kinds: Vec<String> = {
        let conn = h.conn();
        let mut stmt = conn
            .prepare("SELECT kind FROM events ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(kinds, ["started", "unknown"]);
    h.finish(id, &done(Outcome::Ok, now)).unwrap();
    let report = h.verify().unwrap();
    assert!(report.ok, "{:?}", report.problem);
    assert_eq!(report.records, 3);
}

#[test]
fn a_version_1_database_migrates_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(super::schema::V1).unwrap();
        conn.execute_batch(
            "INSERT INTO entries (started_at, finished_at, os_user, profile, provider,
                 environment, operation, card_id, outcome, reference, message, duration_ms,
                 writer_pid, writer_token)
             VALUES (1000, 1250, 'alice', 'ops', 'vault', 'sandbox', 'vault.set_passcode',
                     '1234435', 'ok', 'req_1', NULL, 250, 7, 'tok'),
                    (2000, NULL, 'bob', 'ops-solid', 'solid', 'production', 'solid.set_pin',
                     'crd_1', 'started', NULL, NULL, NULL, 8, 'tok2'),
                    (3000, 3500, 'bob', 'ops', 'vault', 'sandbox', 'vault.send_code',
                     '1234435', 'unknown', NULL, 'interrupted', NULL, 8, 'tok2');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let h = History::open(&path).unwrap();
    let report = h.verify().unwrap();
    assert!(report.ok, "{:?}", report.problem);
    assert_eq!(report.records, 3);
    let rows = h
        .query(&super::Filter::default(), super::Page::first(10))
        .unwrap();
    let shape: Vec<_> = rows
        .iter()
        .map(|e| (e.id.0, e.outcome, e.os_user.as_str(), e.ticket.clone()))
        .collect();
    assert_eq!(
        shape,
        [
            (3, Outcome::Unknown, "bob", None),
            (2, Outcome::Started, "bob", None),
            (1, Outcome::Ok, "alice", None)
        ]
    );
    let kinds: Vec<(String, Option<String>)> = {
        let conn = h.conn();
        let mut stmt = conn
            .prepare("SELECT kind, json_extract(body, '$.host') FROM events ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let kinds: Vec<_> = kinds.iter().map(|(k, h)| (k.as_str(), h.clone())).collect();
    assert_eq!(
        kinds,
        [("finished", None), ("started", None), ("unknown", None)]
    );
    // The next operation continues both the ids and the chain.
    let next = h.start(&new_entry(T0, Provider::Vault, "9")).unwrap();
    assert_eq!(next, EntryId(4));
    assert!(h.verify().unwrap().ok);
}

/// The collector's file: one RFC 5424 line per record, as the shipping would send them.
fn collector_file(h: &History, skip: &[i64]) -> String {
    let conn = h.conn();
    let mut stmt = conn
        .prepare("SELECT seq, kind, hash FROM events ORDER BY seq")
        .unwrap();
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::from("a line without structured data\n");
    for (seq, kind, hash) in rows.into_iter().filter(|(s, _, _)| !skip.contains(s)) {
        out.push_str(&format!(
            "2026-03-01T10:00:00+00:00 collector <110>1 2026-03-01T10:00:00Z desk7 pindesk 42 \
             {kind} [origin ip=\"10.0.0.7\"][acme@99999 kind=\"{kind}\" seq=\"{seq}\" \
             hash=\"{hash}\"] vault.set_passcode\n"
        ));
    }
    out
}

/// Rewrites the body of `from` and recomputes every hash after it, as someone with write
/// access to the file could: the local chain verifies again.
fn rewrite_from(h: &History, from: i64) {
    sql(
        h,
        &format!(
            "UPDATE events SET body = replace(body, '\"outcome\":\"ok\"', '\"outcome\":\"failed\"')
             WHERE seq = {from}"
        ),
    );
    let mut prev = hash_of(h, from - 1);
    for seq in from..=6 {
        let body: String = h
            .conn()
            .query_row(
                "SELECT body FROM events WHERE seq = ?1",
                params![seq],
                |r| r.get(0),
            )
            .unwrap();
        prev = chain_hash(&prev, &body);
        h.conn()
            .execute(
                "UPDATE events SET hash = ?2 WHERE seq = ?1",
                params![seq, prev],
            )
            .unwrap();
    }
    sql(
        h,
        "UPDATE entries SET outcome = 'failed' WHERE outcome = 'ok'",
    );
}

#[test]
fn the_collectors_copy_catches_a_local_rewrite() {
    let (_dir, h) = open();
    three_operations(&h);
    let shipped = collector_file(&h, &[]);
    let report = h.verify_against(&shipped).unwrap();
    assert!(report.ok, "{:?}", report.problem);
    let check = report.collector.clone().unwrap();
    assert_eq!(
        (check.messages, check.compared, check.after_collector),
        (6, 6, 0)
    );
    assert!(
        report.summary().contains("6 seqs match"),
        "{}",
        report.summary()
    );

    rewrite_from(&h, 3);
    assert!(h.verify().unwrap().ok, "a keyless chain can be recomputed");
    let report = h.verify_against(&shipped).unwrap();
    assert_eq!(
        first_problem(&report),
        (ProblemKind::CollectorDiffers, Some(3))
    );

    // Shapes of difference, on a fresh chain each.
    type Change = fn(&History);
    type Case<'a> = (&'a str, &'a [i64], Change, ProblemKind, Option<u64>);
    let cases: [Case<'_>; 4] = [
        (
            "the collector lacks one",
            &[4],
            |_| {},
            ProblemKind::MissingAtCollector,
            Some(4),
        ),
        (
            "the local chain lost its tail",
            &[],
            |h| {
                sql(
                    h,
                    "DELETE FROM events WHERE seq >= 5;
                        UPDATE entries SET outcome = 'started', reference = NULL,
                            message = NULL, finished_at = NULL, duration_ms = NULL
                        WHERE id IN (2, 3)",
                )
            },
            ProblemKind::MissingLocally,
            Some(5),
        ),
        (
            "newer local records",
            &[5, 6],
            |_| {},
            ProblemKind::Changed,
            None,
        ),
        (
            "an older export",
            &[1, 2],
            |_| {},
            ProblemKind::Changed,
            None,
        ),
    ];
    for (what, skip, change, kind, seq) in cases {
        let (_dir, h) = open();
        three_operations(&h);
        let export = collector_file(&h, skip);
        change(&h);
        let report = h.verify_against(&export).unwrap();
        if seq.is_none() {
            assert!(report.ok, "{what}: {:?}", report.problem);
            continue;
        }
        assert_eq!(first_problem(&report), (kind, seq), "{what}");
    }
    let (_dir, h) = open();
    three_operations(&h);
    let report = h.verify_against(&collector_file(&h, &[5, 6])).unwrap();
    assert_eq!(report.collector.unwrap().after_collector, 2);
}
