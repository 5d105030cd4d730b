//! The security defaults as the page lives them: the CSP refuses `eval`, inline scripts and
//! remote origins, and the UI reaches only the commands its capability grants.

use pindesk_e2e::harness::App;
use serde_json::Value;

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn csp_refuses_eval_inline_script_and_remote_fetch() {
    let app = App::launch(
        "csp_refuses_eval_inline_script_and_remote_fetch",
        &["--demo"],
    );

    let eval = app.execute(
        "try { return String(eval('1 + 1')); } catch (e) { return 'blocked: ' + e.name; }",
        vec![],
    );
    assert!(
        eval.as_str().is_some_and(|s| s.starts_with("blocked")),
        "eval ran: {eval}"
    );

    let inline = app.execute(
        "const s = document.createElement('script');\
         s.textContent = 'window.__pindeskInline = true;';\
         document.head.appendChild(s);\
         return window.__pindeskInline === true;",
        vec![],
    );
    assert_eq!(inline, Value::Bool(false), "an inline script ran");

    // Any origin but the app's own is refused before a request is made (a loopback port
    // here, so that even a broken policy sends nothing off the machine).
    let remote = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         let violated = null;\
         document.addEventListener('securitypolicyviolation',\
           (e) => { violated = e.effectiveDirective || e.violatedDirective; });\
         const started = Date.now();\
         const settle = () => violated ? done('blocked by ' + violated)\
           : Date.now() - started > 5000 ? done('no CSP violation reported')\
           : setTimeout(settle, 20);\
         fetch('http://127.0.0.1:9/').then(() => done('fetched'), settle);",
    );
    assert_eq!(
        remote.as_str(),
        Some("blocked by connect-src"),
        "a fetch to another origin was not refused by the CSP"
    );
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn commands_outside_the_capability_are_refused() {
    let app = App::launch("commands_outside_the_capability_are_refused", &["--demo"]);
    let invoke = "const [cmd, done] = [arguments[0], arguments[arguments.length - 1]];\
                  window.__TAURI_INTERNALS__.invoke(cmd, {})\
                    .then((v) => done({ ok: v }), (e) => done({ err: String(e) }));";

    let allowed = app.execute_async_with(invoke, vec![Value::from("app_info")]);
    assert_eq!(allowed["ok"]["mode"], "demo", "app_info answers: {allowed}");

    // A core command the UI has no use for, so the capability does not grant it.
    let refused = app.execute_async_with(invoke, vec![Value::from("plugin:window|close")]);
    assert!(
        refused.get("err").is_some(),
        "a command outside the capability was allowed: {refused}"
    );
}

/// Item 3 of the hardening: in a kiosk, the page itself cannot call what the kiosk does not
/// offer. Each command is called straight through `__TAURI_INTERNALS__` and refused by the
/// kiosk capability (the window is labelled `kiosk`); what a kiosk needs still answers.
#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn a_kiosk_page_cannot_call_the_commands_a_kiosk_does_not_offer() {
    let app = App::launch(
        "a_kiosk_page_cannot_call_the_commands_a_kiosk_does_not_offer",
        &["--kiosk", "--demo"],
    );
    app.find("[data-status-bar] [data-mode=\"kiosk\"]");
    let invoke = "const [cmd, args, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];\
                  window.__TAURI_INTERNALS__.invoke(cmd, args)\
                    .then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ err: e }));";
    let call =
        |cmd: &str, args: Value| app.execute_async_with(invoke, vec![Value::from(cmd), args]);

    for (cmd, args) in [
        ("use_profile", serde_json::json!({"id": "demo-solid"})),
        (
            "test_profile",
            serde_json::json!({"id": "demo-vault", "card": null}),
        ),
        ("history_page", serde_json::json!({"query": {}})),
        ("history_export_csv", serde_json::json!({"query": {}})),
        ("about_info", serde_json::json!({})),
        ("save_settings", serde_json::json!({"settings": {}})),
        ("remove_profile", serde_json::json!({"id": "demo-vault"})),
        ("sign_out_profile", serde_json::json!({"id": "demo-vault"})),
    ] {
        let answer = call(cmd, args);
        let err = answer
            .get("err")
            .unwrap_or_else(|| panic!("{cmd} was allowed in a kiosk: {answer}"));
        assert!(
            err.to_string().contains("not allowed"),
            "{cmd} was not refused by the kiosk capability: {err}"
        );
    }
    // The active profile did not change, and what the kiosk needs still answers.
    let info = call("app_info", serde_json::json!({}));
    assert_eq!(info["ok"]["mode"], "kiosk", "{info}");
    assert_eq!(info["ok"]["active_profile"]["provider"], "vault", "{info}");
    let profiles = call("list_profiles", serde_json::json!({}));
    assert!(profiles["ok"].is_array(), "{profiles}");
}
