//! The Vault passcode flow in demo mode, keyboard only: card id to "set" in at most six
//! operator actions, the SMS code read from the demo panel, the passcode confirmed by the
//! sandbox and the history; a wrong code shown at the code field; Esc starting over; and no
//! secret in any IPC reply, log or file.

use crate::operator::{
    assert_no_secret_leaked, assert_page_clean, assert_recorded_ok, assert_repeat_warning,
    assert_sandbox_holds, focused_field, record_replies, shown, tab_to, wait_focus, wait_profiles,
    wait_text, Operator,
};
use pindesk_e2e::harness::App;
use pindesk_e2e::webdriver::{keys, DEFAULT_WAIT};
use serde_json::{json, Value};

/// A card the demo sandbox knows.
const CARD: &str = "1234435";
/// The new passcode (policy: 4–32 letters and digits).
const PASSCODE: &str = "Zq7pLm29";
/// The most operator actions from the card id to "set".
const MAX_ACTIONS: u32 = 6;

const ESCAPE: char = '\u{E00C}';
const SHIFT: char = '\u{E008}';

/// Reads the SMS code from the demo panel.
fn demo_code(app: &App) -> String {
    let panel = wait_text(app, "[data-demo-sms]");
    assert!(
        panel.contains("Demo: SMS sent to the cardholder"),
        "demo panel: {panel}"
    );
    wait_text(app, "[data-demo-code]")
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn vault_flow_keyboard_only_in_six_actions() {
    let app = App::launch("vault_flow_keyboard_only_in_six_actions", &["--demo"]);
    record_replies(&app);
    assert_eq!(wait_profiles(&app, "vault"), "DEMO");
    app.screenshot("1-start");

    // Keyboard only: Tab to the card id (the count starts there).
    tab_to(&app, "card");
    let mut op = Operator::new(&app);

    op.type_enter(CARD, "card id + Enter (Send code)");
    wait_focus(&app, "code");
    let sent = wait_text(&app, "[data-sent]");
    assert!(sent.starts_with("Code sent at "), "sent note: {sent}");
    let resend = app.find("[data-action=\"resend\"]");
    assert!(
        app.attribute(&resend, "disabled").is_some(),
        "Resend waits 30 s"
    );
    // Vault confirmed the card before the code was sent; the panel says what it is.
    let confirmed = wait_text(&app, "[data-card-summary]");
    assert!(
        confirmed.contains("Confirmed with the provider") && confirmed.contains("ACTIVE"),
        "confirmed card: {confirmed}"
    );
    let code = demo_code(&app);
    let code_input = app.find("[data-field=\"code\"]");
    assert_eq!(
        app.attribute(&code_input, "type").as_deref(),
        Some("password")
    );
    app.screenshot("2-code-sent");

    op.type_enter(&code, "SMS code + Enter (Verify)");
    wait_focus(&app, "passcode");
    let pass = app.find("[data-field=\"passcode\"]");
    for (attr, want) in [
        ("type", "password"),
        ("autocomplete", "new-password"),
        ("spellcheck", "false"),
        ("autocapitalize", "none"),
    ] {
        assert_eq!(
            app.attribute(&pass, attr).as_deref(),
            Some(want),
            "passcode {attr}"
        );
    }
    app.screenshot("3-verified");

    op.type_enter(PASSCODE, "new passcode + Enter");
    wait_focus(&app, "confirm");
    let rules = wait_text(&app, "[data-rules=\"passcode\"]");
    assert!(rules.contains("Meets the policy"), "live rules: {rules}");
    app.screenshot("4-passcode");

    op.type_enter(PASSCODE, "confirmation + Enter (Set passcode)");
    let result = wait_text(&app, "[data-result]");
    assert!(result.contains("Passcode set"), "result: {result}");
    assert!(result.contains(CARD), "result names the card: {result}");
    for op_name in ["vault.send_code", "vault.verify_code", "vault.set_passcode"] {
        assert!(
            app.try_find(&format!("[data-result] [data-op=\"{op_name}\"]"))
                .is_some(),
            "the result lists {op_name} with its time"
        );
    }
    app.screenshot("5-done");

    eprintln!(
        "e2e: vault actions from card id to set: {} ({})",
        op.actions(),
        op.steps()
    );
    assert!(
        op.actions() <= MAX_ACTIONS,
        "{} actions: {}",
        op.actions(),
        op.steps()
    );

    // Every secret field is gone from the page.
    assert!(app.find_all("input[type=\"password\"]").is_empty());

    // The same card again: the panel warns that its passcode was just set.
    assert_repeat_warning(
        &app,
        CARD,
        "passcode",
        "vault.set_passcode",
        ("send-code", "Send code anyway"),
    );
    app.screenshot("6-repeat-warning");
    app.press(&[ESCAPE]);
    assert!(!shown(&app, "[data-demo-sms]"), "demo panel cleared");
    assert_page_clean(&app, &[PASSCODE, &code]);

    // The sandbox holds exactly this passcode.
    assert_sandbox_holds(
        &app,
        &format!("/_sandbox/vault/cards/{CARD}/check-passcode"),
        "passCode",
        PASSCODE,
        "Other123",
    );

    // The history says it was done.
    assert_recorded_ok(&app, "vault.set_passcode", CARD);

    assert_no_secret_leaked(
        &app,
        &[PASSCODE, &code],
        &["demo_sms"],
        // (list_profiles may answer before the recorder is installed, so it is not expected.)
        &[
            "look_up_card",
            "vault_send_code",
            "demo_sms",
            "vault_verify_code",
            "passcode_policy",
            "vault_set_passcode",
        ],
    );
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn vault_wrong_code_at_its_field_and_esc_starts_over() {
    let app = App::launch(
        "vault_wrong_code_at_its_field_and_esc_starts_over",
        &["--demo"],
    );
    record_replies(&app);
    wait_profiles(&app, "vault");
    tab_to(&app, "card");
    let mut op = Operator::new(&app);
    op.type_enter(CARD, "card id + Enter");
    wait_focus(&app, "code");
    let code = demo_code(&app);
    let wrong: String = code
        .chars()
        .map(|c| match c {
            '0'..='8' => char::from(c as u8 + 1),
            '9' => '0',
            other => other,
        })
        .collect();

    op.type_enter(&wrong, "wrong code + Enter");
    let error = wait_text(&app, "[data-error-for=\"code\"]");
    assert!(!error.is_empty());
    assert_eq!(
        focused_field(&app).as_deref(),
        Some("code"),
        "focus stays on the code"
    );
    let code_input = app.find("[data-field=\"code\"]");
    assert_eq!(
        app.attribute(&code_input, "aria-invalid").as_deref(),
        Some("true")
    );
    assert!(
        app.try_find("[data-field=\"passcode\"]").is_none(),
        "no passcode step after a wrong code"
    );
    app.screenshot("wrong-code");

    // Esc: back to an empty card id, every field emptied and the code field gone.
    op.press(ESCAPE, "Esc");
    wait_focus(&app, "card");
    app.wait_for("the code field to go", DEFAULT_WAIT, || {
        app.try_find("[data-field=\"code\"]")
            .is_none()
            .then_some(())
    });
    let card = app.find("[data-field=\"card\"]");
    assert_eq!(
        app.execute(
            "return arguments[0].value;",
            vec![json!({"element-6066-11e4-a52e-4f735466cecf": card.0})]
        ),
        Value::from("")
    );
    assert!(!shown(&app, "[data-demo-sms]"), "demo panel cleared");
    assert!(!shown(&app, "[data-error-for=\"code\"]"));
    assert_page_clean(&app, &[&code, &wrong]);
    app.screenshot("after-esc");

    assert_no_secret_leaked(
        &app,
        &[&code, &wrong],
        &["demo_sms"],
        &["vault_send_code", "vault_verify_code", "demo_sms"],
    );
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn vault_already_verified_code_path() {
    let app = App::launch("vault_already_verified_code_path", &["--demo"]);
    record_replies(&app);
    wait_profiles(&app, "vault");
    tab_to(&app, "card");
    let mut op = Operator::new(&app);
    // Send and verify a code, then start over as if the call had dropped.
    op.type_enter(CARD, "card id + Enter");
    wait_focus(&app, "code");
    let code = demo_code(&app);
    op.type_enter(&code, "code + Enter");
    wait_focus(&app, "passcode");
    op.press(ESCAPE, "Esc");
    wait_focus(&app, "card");

    // "I already have a verified code": nothing is sent or verified again.
    let before = crate::operator::replies(&app).len();
    app.press(&[keys::TAB]);
    assert_eq!(focused_field(&app).as_deref(), Some("have-code"));
    app.press(&[keys::SPACE]);
    app.chord(SHIFT, keys::TAB);
    if focused_field(&app).as_deref() != Some("card") {
        app.click(&app.find("[data-field=\"card\"]"));
    }
    let mut op = Operator::new(&app);
    op.type_enter(CARD, "card id + Enter");
    wait_focus(&app, "code");
    op.type_enter(&code, "verified code + Enter");
    wait_focus(&app, "passcode");
    op.type_enter(PASSCODE, "passcode + Enter");
    wait_focus(&app, "confirm");
    op.type_enter(PASSCODE, "confirmation + Enter");
    let result = wait_text(&app, "[data-result]");
    assert!(result.contains("Passcode set"), "result: {result}");
    app.screenshot("done");
    assert!(op.actions() <= MAX_ACTIONS);
    let sent_again = crate::operator::replies(&app)[before..]
        .iter()
        .any(|(cmd, _)| cmd == "vault_send_code" || cmd == "vault_verify_code");
    assert!(
        !sent_again,
        "the verified-code path sends nothing but the set"
    );

    assert_sandbox_holds(
        &app,
        &format!("/_sandbox/vault/cards/{CARD}/check-passcode"),
        "passCode",
        PASSCODE,
        "Other123",
    );
    assert_no_secret_leaked(
        &app,
        &[PASSCODE, &code],
        &["demo_sms"],
        &["vault_set_passcode"],
    );
}
