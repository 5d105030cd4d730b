//! The tamper-evident history through the CLI: `--ticket` recorded in the history, its JSON
//! and CSV; `[audit] require_ticket`; `history verify` after tampering and against a
//! collector's copy; and two processes appending to the chain at once.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli --test history_chain`.

mod common;

use common::*;
use pindesk_core::history::{History, NewEntry};
use pindesk_core::profile::Provider;
use std::path::PathBuf;

fn db(desk: &Desk) -> PathBuf {
    desk.data.path().join("history.sqlite3")
}

fn sqlite(desk: &Desk, statements: &str) {
    let conn = rusqlite::Connection::open(db(desk)).expect("open the database");
    conn.execute_batch(statements).expect("alter the database");
}

#[test]
fn the_ticket_reaches_history_csv_and_verify_names_tampering() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let vault = unique("tv");
    add_vault_token_profile(&desk, &sb, &vault);
    let card = VAULT_CARD.to_string();
    let send = |ticket: Option<&str>| {
        let mut args = vec![
            "--json",
            "vault",
            "send-code",
            "--profile",
            &vault,
            "--card",
            &card,
        ];
        if let Some(t) = ticket {
            args.extend(["--ticket", t]);
        }
        desk.run(&args, "")
    };
    send(Some("  INC-104233 ")).expect(0);
    desk.run(&["profile", "test", &vault, "--ticket", "CASE 7"], "")
        .expect(0);
    // Refused tickets: nothing is sent.
    let sent = sb.requests_matching("POST", "/passcode/sms/send");
    for bad in ["1234", "4111 1111 1111 1111", "Bearer abc"] {
        let run = send(Some(bad));
        run.expect(2);
        assert_eq!(run.error_json()["field"], "ticket", "{bad}");
        assert!(!run.stderr.contains(bad), "{bad} echoed: {}", run.stderr);
    }
    assert_eq!(sb.requests_matching("POST", "/passcode/sms/send"), sent);
    let entries = desk.history(&[]);
    let tickets: Vec<_> = entries.iter().map(|e| e["ticket"].clone()).collect();
    assert_eq!(
        tickets,
        [serde_json::json!("CASE 7"), serde_json::json!("INC-104233")]
    );
    let csv = desk.run(&["history", "--csv"], "");
    csv.expect(0);
    let mut lines = csv.stdout.lines();
    assert!(lines.next().unwrap().ends_with(",duration_ms,ticket"));
    assert!(lines.next().unwrap().ends_with(",CASE 7"), "{}", csv.stdout);
    assert!(
        lines.next().unwrap().ends_with(",INC-104233"),
        "{}",
        csv.stdout
    );

    let ok = desk.run(&["history", "verify"], "");
    ok.expect(0);
    assert_eq!(ok.stdout.trim(), "chain verified: 4 records (seq 1–4)");
    let json = desk.run(&["--json", "history", "verify"], "");
    json.expect(0);
    assert_eq!(json.json()["ok"], true);
    assert_eq!(json.json()["records"], 4);

    // The row view edited: named, exit 6.
    sqlite(&desk, "UPDATE entries SET ticket = 'INC-1' WHERE id = 1");
    let run = desk.run(&["history", "verify"], "");
    run.expect(6);
    assert!(
        run.stdout
            .contains("entry 1's ticket differs from its events"),
        "{}",
        run.stdout
    );
    sqlite(
        &desk,
        "UPDATE entries SET ticket = 'INC-104233' WHERE id = 1",
    );
    desk.run(&["history", "verify"], "").expect(0);
    // A record edited: named by seq, in JSON too.
    sqlite(
        &desk,
        "UPDATE events SET body = replace(body, 'INC-104233', 'INC-999') WHERE seq = 2",
    );
    let run = desk.run(&["--json", "history", "verify"], "");
    run.expect(6);
    let report = run.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["problem"]["kind"], "changed");
    assert_eq!(report["problem"]["seq"], 2);
    desk.assert_no_secrets(&[("Vault token", &sb.canaries.vault_token)]);
}

#[test]
fn require_ticket_refuses_an_operation_without_one() {
    require_secret_service();
    let sb = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[audit]\nrequire_ticket = true\n").unwrap();
    let desk = Desk::new().env("PINDESK_SYSTEM_CONFIG", config.to_str());
    let vault = unique("rt");
    add_vault_token_profile(&desk, &sb, &vault);
    let card = VAULT_CARD.to_string();
    let cases: [(&[&str], &str); 2] = [
        (
            &["vault", "send-code", "--profile", &vault, "--card", &card],
            "",
        ),
        (
            &["vault", "verify-code", "--profile", &vault, "--card", &card],
            "123456\n",
        ),
    ];
    for (args, stdin) in cases {
        let mut with_json = vec!["--json"];
        with_json.extend_from_slice(args);
        let run = desk.run(&with_json, stdin);
        run.expect(2);
        assert_eq!(run.error_json()["field"], "ticket", "{args:?}");
    }
    assert_eq!(sb.requests_matching("POST", "/passcode/sms/send"), 0);
    assert!(
        desk.history(&[]).is_empty(),
        "a refused operation is not recorded"
    );
    desk.run(
        &[
            "vault",
            "send-code",
            "--profile",
            &vault,
            "--card",
            &card,
            "--ticket",
            "INC-5",
        ],
        "",
    )
    .expect(0);
    assert_eq!(desk.history(&[])[0]["ticket"], "INC-5");
    // Testing a profile changes no card: an administrator's check needs no ticket.
    desk.run(&["profile", "test", &vault], "").expect(0);
}

#[test]
fn verify_against_a_collector_file_names_the_first_difference() {
    let desk = Desk::new();
    let history = History::open(db(&desk)).unwrap();
    let entry = |card: &str| NewEntry {
        started_at: time::OffsetDateTime::now_utc(),
        os_user: "operator".into(),
        profile: "ops".into(),
        provider: Provider::Vault,
        environment: "sandbox".into(),
        operation: "vault.send_code".into(),
        card_id: Some(card.into()),
        ticket: None,
    };
    for card in ["1", "2", "3"] {
        history.start(&entry(card)).unwrap();
    }
    drop(history);
    let hashes: Vec<(i64, String)> = {
        let conn = rusqlite::Connection::open(db(&desk)).unwrap();
        let mut stmt = conn
            .prepare("SELECT seq, hash FROM events ORDER BY seq")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    // As rsyslog's file output writes them: its own prefix, then the message.
    let export: String = hashes
        .iter()
        .map(|(seq, hash)| {
            format!(
                "2026-03-01T10:00:0{seq}+00:00 desk7 <110>1 2026-03-01T10:00:0{seq}.000Z desk7 \
                 pindesk 4242 started [pindesk@32473 seq=\"{seq}\" hash=\"{hash}\" \
                 kind=\"started\"] vault.send_code\n"
            )
        })
        .collect();
    let file = desk.data.path().join("collector.log");
    std::fs::write(&file, &export).unwrap();
    let path = file.to_str().unwrap();
    let run = desk.run(&["history", "verify", "--against", path], "");
    run.expect(0);
    assert!(run.stdout.contains("3 seqs match"), "{}", run.stdout);

    // A local rewrite of record 2, with every hash after it recomputed.
    rewrite_event(&desk, 2, "\"card_id\":\"2\"", "\"card_id\":\"9\"");
    sqlite(&desk, "UPDATE entries SET card_id = '9' WHERE id = 2");
    desk.run(&["history", "verify"], "").expect(0);
    let run = desk.run(&["--json", "history", "verify", "--against", path], "");
    run.expect(6);
    let report = run.json();
    assert_eq!(report["problem"]["kind"], "collector_differs");
    assert_eq!(report["problem"]["seq"], 2);
    // A file without any chain message is refused, not passed.
    std::fs::write(&file, "hello\n").unwrap();
    let run = desk.run(&["--json", "history", "verify", "--against", path], "");
    run.expect(2);
    assert_eq!(run.error_json()["field"], "against");
}

/// Several CLI processes and this one (as the desktop app would) append at the same time:
/// the chain stays gap-free and verifies.
#[test]
fn concurrent_appends_keep_a_valid_chain() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let vault = unique("cv");
    add_vault_token_profile(&desk, &sb, &vault);
    const PROCESSES: usize = 6;
    const OWN: usize = 20;
    let children: Vec<_> = (0..PROCESSES)
        .map(|i| {
            let ticket = format!("INC-{i}");
            desk.spawn(&["profile", "test", &vault, "--ticket", &ticket], "")
        })
        .collect();
    let history = History::open(db(&desk)).unwrap();
    for i in 0..OWN {
        let id = history
            .start(&NewEntry {
                started_at: time::OffsetDateTime::now_utc(),
                os_user: "operator".into(),
                profile: "app".into(),
                provider: Provider::Vault,
                environment: "sandbox".into(),
                operation: "vault.send_code".into(),
                card_id: Some(format!("{i}")),
                ticket: None,
            })
            .unwrap();
        history
            .finish(
                id,
                &pindesk_core::history::Finish {
                    outcome: pindesk_core::history::Outcome::Ok,
                    reference: None,
                    message: None,
                    finished_at: time::OffsetDateTime::now_utc(),
                    duration: std::time::Duration::from_millis(1),
                },
            )
            .unwrap();
    }
    for child in children {
        let out = wait_output(child, std::time::Duration::from_secs(60));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report = history.verify().unwrap();
    assert!(report.ok, "{:?}", report.problem);
    let records = u64::try_from(2 * (PROCESSES + OWN)).unwrap();
    assert_eq!((report.records, report.last_seq), (records, Some(records)));
    let run = desk.run(&["--json", "history", "verify"], "");
    run.expect(0);
    assert_eq!(run.json()["records"], records);
}
