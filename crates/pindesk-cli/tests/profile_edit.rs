//! `pindesk-cli profile edit` against two sandboxes and a real Secret Service: an edit that
//! would send the stored secret to another server is refused unless the secret is typed
//! again, and sends nothing there; an edit that moves nothing keeps the secret.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli`; outside it the tests
//! fail, saying so.

mod common;

use common::*;
use serde_json::{json, Value};

/// Every provider request the sandbox has received.
fn received(sb: &TestSandbox) -> Vec<Value> {
    let (status, body) = sb.call("GET", "/_sandbox/requests", None);
    assert_eq!(status, 200);
    body["requests"].as_array().cloned().unwrap_or_default()
}

#[test]
fn an_edit_to_another_server_needs_the_secret_again_and_sends_nothing_there() {
    require_secret_service();
    let here = TestSandbox::start();
    let elsewhere = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("edit");
    let edit = |env: &str, extra: &[&str], stdin: &str| {
        let mut args = vec![
            "--json",
            "profile",
            "edit",
            &name,
            "--provider",
            "solid",
            "--env",
            env,
        ];
        args.extend_from_slice(extra);
        desk.run(&args, stdin)
    };
    desk.run(
        &[
            "profile",
            "add",
            &name,
            "--provider",
            "solid",
            "--env",
            here.base_url(),
        ],
        &format!("{}\n", here.canaries.solid_api_key),
    )
    .expect(0);
    let before = desk.config_files();

    // The base URL moves, no secret on stdin: refused, naming why, nothing written or sent.
    let run = edit(elsewhere.base_url(), &[], "");
    run.expect(2);
    let err = run.error_json();
    assert_eq!(err["field"], json!("credentials"), "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("environment"),
        "{err}"
    );
    // The same with the PIN endpoint.
    let run = edit(
        here.base_url(),
        &["--pin-endpoint", elsewhere.base_url()],
        "",
    );
    run.expect(2);
    assert!(run.error_json()["message"]
        .as_str()
        .unwrap()
        .contains("pin_endpoint"));
    assert_eq!(
        desk.config_files(),
        before,
        "a refused edit wrote something"
    );
    assert_eq!(
        keyring_entry(&name, "api-key").as_deref(),
        Some(here.canaries.solid_api_key.as_str())
    );
    assert_eq!(received(&elsewhere), Vec::<Value>::new());

    // Typed again, the edit is taken and the new secret stored.
    let run = edit(
        elsewhere.base_url(),
        &[],
        &format!("{}\n", elsewhere.canaries.solid_api_key),
    );
    run.expect(0);
    assert_eq!(
        keyring_entry(&name, "api-key").as_deref(),
        Some(elsewhere.canaries.solid_api_key.as_str())
    );
    assert_eq!(
        run.json()["profile"]["environment"],
        json!(elsewhere.base_url())
    );

    // An edit that moves nothing keeps the stored secret, and reads none.
    let run = desk.run(
        &[
            "profile",
            "edit",
            &name,
            "--provider",
            "solid",
            "--env",
            elsewhere.base_url(),
            "--display-name",
            "Front desk",
        ],
        "",
    );
    run.expect(0);
    assert!(
        run.stdout.contains("stored secret is kept"),
        "{}",
        run.stdout
    );
    assert_eq!(
        keyring_entry(&name, "api-key").as_deref(),
        Some(elsewhere.canaries.solid_api_key.as_str())
    );
    assert_eq!(
        received(&here),
        Vec::<Value>::new(),
        "no test call was made"
    );

    // --new-secrets reads it again even so.
    let run = edit(elsewhere.base_url(), &["--new-secrets"], "");
    run.expect(2);
}
