//! The history shipped to a real rsyslog (Debian's rsyslogd on loopback) by `pindesk-cli`:
//! every record in RFC 5424 form with its structured data; a collector down during 20
//! operations loses none of them once it is back; `history verify --against` the collector's
//! file after a local rewrite names the record; no secret reaches the collector's file.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli --test audit`.

mod common;

use common::*;
use pindesk_testkit::{Rsyslog, RsyslogOptions};
use std::time::Duration;

/// A desk whose machine-wide config ships to `collector`.
fn shipping_desk(collector: &Rsyslog, dir: &tempfile::TempDir) -> Desk {
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[audit]\ncollector = \"tcp://{}\"\n", collector.addr()),
    )
    .unwrap();
    Desk::new().env("PINDESK_SYSTEM_CONFIG", config.to_str())
}

fn pin_token(desk: &Desk, name: &str, ticket: &str) {
    desk.run(
        &[
            "solid",
            "pin-token",
            "--profile",
            name,
            "--card",
            SOLID_CARD,
            "--ticket",
            ticket,
        ],
        "",
    )
    .expect(0);
}

/// The value of structured-data parameter `name` in an rsyslog line.
fn param(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let rest = &line[start..];
    let end = rest.find('"')?;
    Some(rest[..end].to_owned())
}

/// The seqs the collector holds, duplicates removed, in the order first received.
fn seqs(lines: &[String]) -> Vec<u64> {
    let mut seen = Vec::new();
    for line in lines {
        if let Some(seq) = param(line, "seq").and_then(|s| s.parse().ok()) {
            if !seen.contains(&seq) {
                seen.push(seq);
            }
        }
    }
    seen
}

#[test]
fn each_record_reaches_rsyslog_in_rfc5424_form_and_verifies_against_its_file() {
    require_secret_service();
    let sb = TestSandbox::start();
    let collector = Rsyslog::start(RsyslogOptions::default()).expect("start rsyslogd");
    let dir = tempfile::tempdir().unwrap();
    let desk = shipping_desk(&collector, &dir);
    let name = unique("audit");
    add_solid_profile(&desk, &sb, &name);
    pin_token(&desk, &name, "CHG-1001");
    pin_token(&desk, &name, "CHG-1002");

    let lines = collector
        .wait_for_lines(4, Duration::from_secs(10))
        .expect("four records at the collector");
    let first = &lines[0];
    assert!(
        first.starts_with('<') && first.contains(">1 "),
        "RFC 5424: {first}"
    );
    assert!(
        first.contains(" pindesk - started [pindesk@32473 "),
        "{first}"
    );
    for (key, want) in [
        ("operation", "solid.pin_token"),
        ("provider", "solid"),
        ("card", SOLID_CARD),
        ("outcome", "started"),
        ("ticket", "CHG-1001"),
    ] {
        assert_eq!(param(first, key).as_deref(), Some(want), "{key} in {first}");
    }
    for key in ["operator", "host", "version", "hash", "environment", "seq"] {
        assert!(param(first, key).is_some(), "{key} in {first}");
    }
    assert_eq!(
        param(&lines[1], "outcome").as_deref(),
        Some("ok"),
        "{}",
        lines[1]
    );
    assert_eq!(seqs(&lines), [1, 2, 3, 4]);
    let status = desk.run(&["--json", "audit", "status"], "");
    status.expect(0);
    assert_eq!(status.json()["waiting"], 0, "{}", status.stdout);

    let file = dir.path().join("collector.log");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let path = file.to_str().unwrap();
    desk.run(&["history", "verify", "--against", path], "")
        .expect(0);
    rewrite_event(&desk, 3, "CHG-1002", "CHG-6666");
    let sqlite = rusqlite::Connection::open(history_db(&desk)).unwrap();
    sqlite
        .execute(
            "UPDATE entries SET ticket = 'CHG-6666' WHERE ticket = 'CHG-1002'",
            [],
        )
        .unwrap();
    drop(sqlite);
    desk.run(&["history", "verify"], "").expect(0);
    let run = desk.run(&["--json", "history", "verify", "--against", path], "");
    run.expect(6);
    assert_eq!(run.json()["problem"]["seq"], 3, "{}", run.stdout);

    desk.assert_no_secrets(&[("API key", &sb.canaries.solid_api_key)]);
    let collected = lines.join("\n");
    assert!(
        !collected.contains(&sb.canaries.solid_api_key),
        "the collector holds the API key"
    );
    assert!(
        !collected.contains("card_pin_"),
        "the collector holds a PIN token"
    );
}

#[test]
fn twenty_operations_while_the_collector_is_down_all_arrive_in_order_once_it_is_back() {
    require_secret_service();
    let sb = TestSandbox::start();
    let mut collector = Rsyslog::start(RsyslogOptions::default()).expect("start rsyslogd");
    let dir = tempfile::tempdir().unwrap();
    let desk = shipping_desk(&collector, &dir);
    let name = unique("outage");
    add_solid_profile(&desk, &sb, &name);
    collector.stop().unwrap();
    for n in 0..20 {
        pin_token(&desk, &name, &format!("INC-{n}"));
    }
    let status = desk.run(&["--json", "audit", "status"], "");
    status.expect(0);
    assert_eq!(status.json()["waiting"], 40, "{}", status.stdout);
    let flush = desk.run(&["--json", "audit", "flush"], "");
    flush.expect(5);

    collector.restart().unwrap();
    desk.run(&["--json", "audit", "flush"], "").expect(0);
    let lines = collector
        .wait_for_lines(40, Duration::from_secs(10))
        .expect("every record at the collector");
    assert_eq!(
        seqs(&lines),
        (1..=40).collect::<Vec<u64>>(),
        "all 40, in order, none lost"
    );
    let tickets: Vec<String> = lines
        .iter()
        .filter(|l| l.contains(" started ["))
        .filter_map(|l| param(l, "ticket"))
        .collect();
    let want: Vec<String> = (0..20).map(|n| format!("INC-{n}")).collect();
    assert_eq!(tickets, want);
    let status = desk.run(&["--json", "audit", "status"], "");
    assert_eq!(status.json()["waiting"], 0, "{}", status.stdout);
    assert_eq!(status.json()["last_sent_seq"], 40, "{}", status.stdout);
}
