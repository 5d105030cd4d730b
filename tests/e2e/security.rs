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
