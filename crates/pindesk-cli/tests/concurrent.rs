//! `pindesk-cli` beside another process using the same files: profile edits made at the same
//! instant by several processes are all kept, and an operation another live process still has
//! in flight is not declared interrupted before it could have ended.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli --test concurrent`.

mod common;

use common::*;
use pindesk_core::history::{History, NewEntry};
use pindesk_core::paths::Paths;
use pindesk_core::profile::Provider;
use serde_json::{json, Value};
use std::time::Duration;
use time::OffsetDateTime;

/// How many processes add a profile at the same instant.
const WRITERS: usize = 16;

/// Many `profile add` processes started together, each adding its own profile: every profile
/// ends up in the file (none is lost to another's write), with its key in the keyring, and
/// exactly one of them is the active one.
#[test]
fn concurrent_edits_from_two_processes_are_all_kept() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    // The history database is created (and migrated) once before the writers start.
    desk.run(&["profile", "list"], "").expect(0);
    let names: Vec<String> = (0..WRITERS).map(|i| unique(&format!("cc{i}"))).collect();
    let key = format!("{}\n", sb.canaries.solid_api_key);
    run_together(
        &desk,
        &names,
        |name| {
            vec![
                "profile",
                "add",
                name,
                "--provider",
                "solid",
                "--env",
                sb.base_url(),
            ]
        },
        &key,
    );

    let run = desk.run(&["--json", "profile", "list"], "");
    run.expect(0);
    let listed = run.json();
    let listed = listed.as_array().expect("a JSON array");
    let mut ids: Vec<&str> = listed
        .iter()
        .map(|v| v["profile"]["id"].as_str().expect("an id"))
        .collect();
    ids.sort_unstable();
    let mut expected: Vec<&str> = names.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected, "a concurrent write lost a profile");
    let active: Vec<&Value> = listed.iter().filter(|v| v["active"] == true).collect();
    assert_eq!(active.len(), 1, "{listed:?}");
    for view in listed {
        assert_eq!(view["secrets"], json!([["api-key", "stored"]]), "{view}");
    }

    // Removed at the same instant too: none is left behind.
    run_together(&desk, &names, |name| vec!["profile", "remove", name], "");
    let run = desk.run(&["--json", "profile", "list"], "");
    run.expect(0);
    assert_eq!(run.json(), json!([]), "a concurrent write lost a removal");
}

/// Starts one CLI per name at once (`args` of the name, `stdin` written to each) and asserts
/// that each exits 0.
fn run_together<'a>(
    desk: &Desk,
    names: &'a [String],
    args: impl Fn(&'a str) -> Vec<&'a str>,
    stdin: &str,
) {
    let children: Vec<_> = names
        .iter()
        .map(|name| desk.spawn(&args(name), stdin))
        .collect();
    for (name, child) in names.iter().zip(children) {
        let out = wait_output(child, Duration::from_secs(60));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{:?}: {}",
            args(name),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// This test process plays the desktop app with operations in flight: it holds its history
/// writer lock (it is alive) and has two `started` entries. One started 25 s ago — longer
/// than one HTTP call may take, but a Vault operation makes several calls — and is left
/// alone by the CLI's recovery; one started 10 minutes ago, past any operation's deadline, is
/// turned into `unknown`.
#[test]
fn a_live_writers_operation_is_left_alone_until_its_deadline() {
    let desk = Desk::new();
    let paths = Paths::new(desk.config.path(), desk.data.path());
    let history = History::open(paths.history_db()).expect("open the history");
    let now = OffsetDateTime::now_utc();
    let entry = |ago: time::Duration, card: &str| NewEntry {
        started_at: now - ago,
        os_user: "operator".into(),
        profile: "ops-vault".into(),
        provider: Provider::Vault,
        environment: "sandbox".into(),
        operation: "vault.set_passcode".into(),
        card_id: Some(card.into()),
        ticket: None,
    };
    history
        .start(&entry(time::Duration::seconds(25), "111"))
        .expect("start an entry");
    history
        .start(&entry(time::Duration::minutes(10), "222"))
        .expect("start an entry");

    let entries = desk.history(&[]);
    let outcome = |card: &str| {
        entries
            .iter()
            .find(|e| e["card_id"] == json!(card))
            .map(|e| e["outcome"].clone())
            .unwrap_or_else(|| panic!("no entry for card {card}: {entries:?}"))
    };
    assert_eq!(
        outcome("111"),
        json!("started"),
        "a live writer's 25-s-old operation was declared interrupted"
    );
    assert_eq!(outcome("222"), json!("unknown"));
    drop(history);
}
