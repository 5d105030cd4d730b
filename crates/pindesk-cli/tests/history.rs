//! `pindesk-cli history` after real flows (ok, rejected, failed, unknown), its filters, CSV and
//! JSON; and an operation whose process is killed mid-request, which the next run reports as
//! unknown.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli`.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn outcomes(entries: &[Value]) -> Vec<(String, String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap().to_owned(),
                e["card_id"].as_str().unwrap_or("-").to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn history_lists_outcomes_newest_first_with_filters_csv_and_json() {
    require_secret_service();
    let mut sb = TestSandbox::start();
    let desk = Desk::new();
    let vault = unique("hv");
    let solid = unique("hs");
    add_vault_token_profile(&desk, &sb, &vault);
    add_solid_profile(&desk, &sb, &solid);
    let card = VAULT_CARD.to_string();
    let card2 = VAULT_CARD_2.to_string();

    // ok: send, verify, set.
    desk.run(
        &["vault", "send-code", "--profile", &vault, "--card", &card],
        "",
    )
    .expect(0);
    let code = sb.sms_code(VAULT_CARD);
    desk.run(
        &["vault", "verify-code", "--profile", &vault, "--card", &card],
        &format!("{code}\n"),
    )
    .expect(0);
    // rejected: a wrong code.
    desk.run(
        &[
            "vault",
            "verify-code",
            "--profile",
            &vault,
            "--card",
            &card2,
        ],
        "Zq9CanarySms\n",
    )
    .expect(3);
    // ok: a Solid PIN.
    desk.run(
        &[
            "solid",
            "set-pin",
            "--profile",
            &solid,
            "--card",
            SOLID_CARD,
            "--expiry",
            SOLID_EXPIRY,
            "--last4",
            SOLID_LAST4,
        ],
        "6085\n",
    )
    .expect(0);
    // unknown: the answer to a send is dropped.
    sb.fault(json!({"route": "/v2/card/{id}/passcode/sms/send", "drop": "before_response"}));
    desk.run(
        &["vault", "send-code", "--profile", &vault, "--card", &card2],
        "",
    )
    .expect(5);
    // failed: the sandbox is gone.
    sb.stop();
    desk.run(
        &["vault", "send-code", "--profile", &vault, "--card", &card],
        "",
    )
    .expect(5);

    let all = desk.history(&[]);
    let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert_eq!(
        outcomes(&all),
        [
            s("vault.send_code", &card, "failed"),
            s("vault.send_code", &card2, "unknown"),
            s("solid.set_pin", SOLID_CARD, "ok"),
            s("solid.pin_token", SOLID_CARD, "ok"),
            s("vault.verify_code", &card2, "rejected"),
            s("vault.verify_code", &card, "ok"),
            s("vault.send_code", &card, "ok"),
        ]
    );
    // The JSON shape of an entry.
    let e = &all[4];
    for key in [
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
    ] {
        assert!(e.get(key).is_some(), "entry has no {key}: {e}");
    }
    assert_eq!(e["profile"], json!(vault));
    assert_eq!(e["provider"], json!("vault"));
    assert_eq!(e["environment"], json!(sb.base_url()));
    assert!(
        e["reference"]
            .as_str()
            .is_some_and(|r| r.contains("errorId 410")),
        "{e}"
    );
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(all[1]["message"].as_str().is_some());
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "not newest first: {ids:?}"
    );

    // --card.
    let only = desk.history(&["--card", &card2]);
    assert_eq!(
        outcomes(&only),
        [
            s("vault.send_code", &card2, "unknown"),
            s("vault.verify_code", &card2, "rejected")
        ]
    );
    // --since: today (UTC) keeps all, tomorrow none, a day long past all.
    let day = all[0]["started_at"].as_str().unwrap()[..10].to_owned();
    assert_eq!(desk.history(&["--since", &day]).len(), all.len());
    assert_eq!(
        desk.history(&["--since", "2999-01-01"]),
        Vec::<Value>::new()
    );
    assert_eq!(desk.history(&["--since", "2000-01-01"]).len(), all.len());
    assert_eq!(
        desk.history(&["--until", "2000-01-01"]),
        Vec::<Value>::new()
    );
    // Other filters.
    assert_eq!(desk.history(&["--provider", "solid"]).len(), 2);
    assert_eq!(desk.history(&["--outcome", "unknown"]).len(), 1);
    assert_eq!(desk.history(&["--limit", "2"]).len(), 2);

    // Text: one line per entry, newest first, with the outcome.
    let run = desk.run(&["history"], "");
    run.expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), all.len(), "{}", run.stdout);
    assert!(lines[0].contains("vault.send_code") && lines[0].contains("failed"));
    assert!(lines[1].contains("unknown"), "{}", lines[1]);
    assert!(lines[1].to_lowercase().contains("check"), "{}", lines[1]);
    let run = desk.run(&["history", "--since", "2999-01-01"], "");
    run.expect(0);
    assert!(run.stdout.contains("No operations"), "{}", run.stdout);

    // CSV: a header and one row per entry.
    let run = desk.run(&["history", "--csv"], "");
    run.expect(0);
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(rows.len(), all.len() + 1, "{}", run.stdout);
    let header = rows[0];
    for column in ["operation", "card_id", "outcome"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(rows[1].contains("vault.send_code") && rows[1].contains("failed"));
    assert!(rows[2].contains(&card2) && rows[2].contains("unknown"));
    // --json does not add anything to the CSV.
    let json_csv = desk.run(&["--json", "history", "--csv"], "");
    json_csv.expect(0);
    assert_eq!(json_csv.stdout, run.stdout);
    let run = desk.run(&["history", "--csv", "--card", SOLID_CARD], "");
    run.expect(0);
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);

    // Bad --since / --until / --outcome: 2, the field named.
    for (flag, value, field) in [
        ("--since", "2024-13-01", "since"),
        ("--since", "yesterday", "since"),
        ("--since", "01/02/2024", "since"),
        ("--until", "2024-02-30", "until"),
        ("--outcome", "maybe", "outcome"),
    ] {
        let run = desk.run(&["--json", "history", flag, value], "");
        run.expect(2);
        assert_eq!(run.error_json()["field"], json!(field), "{flag} {value}");
        let run = desk.run(&["history", "--csv", flag, value], "");
        run.expect(2);
        assert!(run.stdout.is_empty(), "CSV printed before the error");
    }

    desk.assert_no_secrets(&[
        ("access token", &sb.canaries.vault_token),
        ("Solid API key", &sb.canaries.solid_api_key),
        ("SMS code", &code),
        ("wrong SMS code", "Zq9CanarySms"),
        ("PIN", "6085"),
    ]);
    desk.run(&["profile", "remove", &vault], "").expect(0);
    desk.run(&["profile", "remove", &solid], "").expect(0);
}

/// `kill -9` of the CLI while Vault is answering `set-passcode` leaves the history entry
/// `started`; the next run (a new process) reports it as unknown, asking to check with the
/// provider before retrying, without waiting out any timeout.
#[test]
fn an_operation_killed_mid_request_is_reported_unknown_by_the_next_run() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("hkill");
    add_vault_token_profile(&desk, &sb, &name);
    let card = VAULT_CARD.to_string();
    desk.run(
        &["vault", "send-code", "--profile", &name, "--card", &card],
        "",
    )
    .expect(0);
    let code = sb.sms_code(VAULT_CARD);
    desk.run(
        &["vault", "verify-code", "--profile", &name, "--card", &card],
        &format!("{code}\n"),
    )
    .expect(0);

    // Vault handles the set at once but answers only after 30 s.
    sb.fault(json!({
        "route": "/v2/card/{id}/passcode/code/set",
        "method": "POST",
        "delay_ms": 30_000,
    }));
    let started = Instant::now();
    let mut child = desk.spawn(
        &["vault", "set-passcode", "--profile", &name, "--card", &card],
        &format!("{code}\nCanaryPass9x\n"),
    );
    // Wait until the sandbox has received (and handled) the request.
    while !sb.passcode_matches(VAULT_CARD, "CanaryPass9x") {
        assert!(
            child.try_wait().expect("poll the CLI").is_none(),
            "the CLI ended before the request was handled"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the request never arrived"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the CLI did not wait for the answer"
    );
    child.kill().expect("kill -9 the CLI");
    let status = child.wait().unwrap();
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9)
    );

    let entries = desk.history(&[]);
    let e = &entries[0];
    assert_eq!(e["operation"], json!("vault.set_passcode"));
    assert_eq!(e["outcome"], json!("unknown"), "{e}");
    assert_eq!(e["message"], json!(INTERRUPTED));
    assert!(e["finished_at"].is_string());
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "recovery waited for a timeout"
    );
    let run = desk.run(&["history", "--card", &card], "");
    run.expect(0);
    let line = run.stdout.lines().next().unwrap();
    assert!(
        line.contains("unknown") && line.contains(INTERRUPTED),
        "{line}"
    );

    // A later run still shows it once, as unknown.
    let again = desk.history(&["--outcome", "unknown"]);
    assert_eq!(again.len(), 1);
    desk.assert_no_secrets(&[
        ("access token", &sb.canaries.vault_token),
        ("passcode", "CanaryPass9x"),
        ("SMS code", &code),
    ]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}

/// A CLI run that is still waiting for Vault is not declared interrupted by another run.
#[test]
fn a_live_operation_is_not_reported_unknown_by_another_run() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("hlive");
    add_vault_token_profile(&desk, &sb, &name);
    let card = VAULT_CARD.to_string();
    sb.fault(json!({
        "route": "/v2/card/{id}/passcode/sms/send",
        "delay_ms": 3_000,
    }));
    let child = desk.spawn(
        &["vault", "send-code", "--profile", &name, "--card", &card],
        "",
    );
    let started = Instant::now();
    while !sb.sms_sent(VAULT_CARD) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the request never arrived"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let entries = desk.history(&[]);
    assert_eq!(entries[0]["outcome"], json!("started"), "{entries:?}");
    let out = wait_output(child, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(desk.history(&[])[0]["outcome"], json!("ok"));
    desk.run(&["profile", "remove", &name], "").expect(0);
}

/// A reader that goes away (`pindesk-cli history | head -1`) is not an error: no panic, and the
/// exit code is the command's.
#[test]
fn a_closed_stdout_is_not_a_failure() {
    let desk = Desk::new();
    for args in [
        &["history"][..],
        &["history", "--csv"],
        &["--json", "history"],
        &["profile", "list"],
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let mut cmd = desk.command(args);
        cmd.stdout(writer).stdin(std::process::Stdio::null());
        let out = cmd.output().expect("run pindesk-cli");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// The leak check itself: a secret planted in a log or an output is found; a PIN-like run of
/// digits only as a whole number, not inside a longer one.
#[test]
fn the_leak_check_finds_a_planted_secret() {
    let desk = Desk::new();
    std::fs::create_dir_all(desk.data.path().join("logs")).unwrap();
    std::fs::write(
        desk.data.path().join("logs").join("pindesk-cli.log"),
        "port 16085 at 2026-11-23T11:49:26.920Z\n",
    )
    .unwrap();
    desk.assert_no_secrets(&[("PIN", "6085"), ("PIN", "1149")]);
    let found = |canary: &'static str| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            desk.assert_no_secrets(&[("secret", canary)])
        }))
        .is_err()
    };
    std::fs::write(
        desk.data.path().join("logs").join("pindesk-cli.log"),
        "x canary-planted-token y; pin=6085;\n",
    )
    .unwrap();
    assert!(found("canary-planted-token"));
    assert!(found("6085"));
    std::fs::remove_file(desk.data.path().join("logs").join("pindesk-cli.log")).unwrap();
    assert!(!found("6085"));
    desk.outputs.borrow_mut().push("error: 6085 refused".into());
    assert!(found("6085"));
}
