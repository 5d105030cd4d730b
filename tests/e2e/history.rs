//! The History screen after demo flows: the operations are listed newest first with their
//! outcome, the filter narrows them, and "Export CSV" writes the filtered rows (to the folder
//! set with `PINDESK_EXPORT_DIR`, where no save dialog is shown).

use pindesk_e2e::harness::App;
use pindesk_e2e::webdriver::DEFAULT_WAIT;
use serde_json::{json, Value};
use std::ffi::OsStr;
use std::time::Duration;

/// Invokes a command of the app the way the UI does, and returns `{ok}` or `{err}`.
fn invoke(app: &App, command: &str, args: Value) -> Value {
    app.execute_async_with(
        "const [cmd, args, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];\
         window.__TAURI_INTERNALS__.invoke(cmd, args)\
           .then((v) => done({ ok: v }), (e) => done({ err: e }));",
        vec![Value::from(command), args],
    )
}

/// The rows of the history table: (operation, card, outcome) per row, top to bottom.
fn rows(app: &App) -> Vec<(String, String, String)> {
    let value = app.execute(
        "return [...document.querySelectorAll('[data-history-rows] tr')].map((tr) => [\
           tr.querySelector('[data-col=operation]').textContent,\
           tr.querySelector('[data-col=card]').textContent,\
           tr.querySelector('[data-outcome]').dataset.outcome]);",
        vec![],
    );
    value
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let s = |i: usize| r[i].as_str().unwrap_or_default().to_owned();
                    (s(0), s(1), s(2))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until the summary says `total` entries match.
fn wait_total(app: &App, total: usize) {
    app.wait_for(
        &format!("the history to show {total} entries"),
        DEFAULT_WAIT,
        || {
            let summary = app.try_find("[data-summary]")?;
            (app.attribute(&summary, "data-total").as_deref() == Some(&total.to_string()))
                .then_some(())
        },
    );
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn history_shows_demo_flow_and_exports_csv() {
    let export_dir = tempfile::tempdir().expect("export dir");
    let app = App::launch_with(
        "history_shows_demo_flow_and_exports_csv",
        &["--demo"],
        &[("PINDESK_EXPORT_DIR", export_dir.path().as_os_str())],
    );

    // Two Vault operations on the demo sandbox: one goes through, one is refused.
    let sent = invoke(
        &app,
        "vault_send_code",
        json!({ "card": "1234435", "profile": null }),
    );
    assert!(sent.get("ok").is_some(), "send code failed: {sent}");
    let refused = invoke(
        &app,
        "vault_verify_code",
        json!({ "card": "1234435", "profile": null, "code": "918273" }),
    );
    assert!(
        refused.get("err").is_some(),
        "a wrong code was accepted: {refused}"
    );

    app.click(&app.find("[data-nav=\"history\"]"));
    wait_total(&app, 2);
    let listed = rows(&app);
    assert_eq!(listed.len(), 2, "{listed:?}");
    // Newest first.
    assert_eq!(listed[0].0, "vault.verify_code", "{listed:?}");
    assert_ne!(listed[0].2, "ok", "{listed:?}");
    assert_eq!(
        listed[1],
        (
            "vault.send_code".to_owned(),
            "1234435".to_owned(),
            "ok".to_owned()
        )
    );
    // The time column is the local rendering of the stored UTC time.
    let time = app.find("[data-history-rows] tr [data-col=time] time");
    let utc = app.attribute(&time, "datetime").unwrap_or_default();
    assert!(utc.ends_with('Z') || utc.ends_with("+00:00"), "{utc}");
    assert_eq!(app.text(&time).len(), "YYYY-MM-DD HH:MM:SS".len());
    app.screenshot("1-listed");

    // Filter on the outcome: only the code that was sent.
    app.execute(
        "const s = document.querySelector('#history-outcome'); s.value = 'ok';\
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    );
    app.click(&app.find("[data-action=\"apply\"]"));
    wait_total(&app, 1);
    assert_eq!(rows(&app).len(), 1);
    app.screenshot("2-filtered");

    // Export the filtered history.
    app.click(&app.find("[data-action=\"export\"]"));
    let status = app.wait_for("the export to finish", Duration::from_secs(20), || {
        let el = app.try_find("[data-export-status]")?;
        match app.attribute(&el, "data-result").as_deref() {
            Some("written") | Some("failed") | Some("cancelled") => Some(el),
            _ => None,
        }
    });
    assert_eq!(
        app.attribute(&status, "data-result").as_deref(),
        Some("written"),
        "{}",
        app.text(&status)
    );
    assert_eq!(app.text(&status), "Exported 1 row to CSV.");
    app.screenshot("3-exported");

    let files: Vec<_> = std::fs::read_dir(export_dir.path())
        .expect("read the export dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension() == Some(OsStr::new("csv")))
        .collect();
    assert_eq!(files.len(), 1, "one CSV file: {files:?}");
    let csv = std::fs::read_to_string(&files[0]).expect("read the CSV");
    let lines: Vec<&str> = csv.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "a header and one row:\n{csv}");
    assert!(
        lines[0].contains("operation") && lines[0].contains("outcome"),
        "header: {}",
        lines[0]
    );
    assert!(
        lines[1].contains("vault.send_code")
            && lines[1].contains("1234435")
            && lines[1].contains("ok"),
        "row: {}",
        lines[1]
    );
    assert!(
        !csv.contains("918273"),
        "the code typed is not in the export"
    );
}
