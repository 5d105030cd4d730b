//! The Solid PIN flow in demo mode, keyboard only: a PIN token in at most two operator
//! actions from the card id, masked until revealed, a live lifetime countdown, the PIN set and
//! confirmed by the sandbox; a weak PIN shown live and refused; and no PIN or token in any IPC
//! reply (but the explicit reveal), log or file.

use crate::operator::{
    assert_no_secret_leaked, assert_page_clean, assert_recorded_ok, assert_repeat_warning,
    assert_sandbox_holds, field_value, focused_field, record_replies, replies, shown, tab_to,
    wait_focus, wait_profiles, wait_text, Operator,
};
use pindesk_e2e::harness::App;
use pindesk_e2e::webdriver::{keys, DEFAULT_WAIT};

/// The demo sandbox's active Solid card, its expiry and last4.
const CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
const EXPIRY: &str = "11/2029";
const LAST4: &str = "3738";
/// A PIN the default policy accepts.
const PIN: &str = "8264";
/// The most operator actions from the card id to a PIN token.
const MAX_TOKEN_ACTIONS: u32 = 2;
/// What a masked token shows.
const MASK: &str = "••••••••••••••••";

/// Opens the Solid screen with Alt+2 and Tabs to the card id.
fn open_solid(app: &App) {
    app.chord(keys::ALT, '2');
    app.find("[data-screen=\"solid\"]");
    assert_eq!(wait_profiles(app, "solid"), "DEMO");
    tab_to(app, "card");
}

fn token_text(app: &App) -> String {
    app.text(&app.find("[data-token]"))
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn solid_token_in_two_actions_reveal_and_set_pin() {
    let app = App::launch("solid_token_in_two_actions_reveal_and_set_pin", &["--demo"]);
    record_replies(&app);
    open_solid(&app);
    app.screenshot("1-start");

    let mut op = Operator::new(&app);
    op.type_enter(CARD, "card id + Enter (Get PIN token)");
    let life = wait_text(&app, "[data-countdown]");
    assert!(life.starts_with("Expires in "), "countdown: {life}");
    eprintln!(
        "e2e: solid actions from card id to a PIN token: {} ({})",
        op.actions(),
        op.steps()
    );
    assert!(op.actions() <= MAX_TOKEN_ACTIONS, "{}", op.steps());
    assert_eq!(token_text(&app), MASK, "the token is masked by default");
    wait_focus(&app, "pin");
    app.screenshot("2-token");

    // The countdown runs.
    app.wait_for("the countdown to tick", DEFAULT_WAIT, || {
        let now = app.text(&app.find("[data-countdown]"));
        (now != life).then_some(())
    });

    // Reveal shows it; Hide masks it again.
    let reveal = app.find("[data-action=\"reveal\"]");
    app.click(&reveal);
    let token = app.wait_for("the revealed token", DEFAULT_WAIT, || {
        let text = token_text(&app);
        (text != MASK && !text.is_empty()).then_some(text)
    });
    assert_eq!(
        app.attribute(&reveal, "aria-pressed").as_deref(),
        Some("true")
    );
    app.screenshot("3-revealed");
    app.click(&reveal);
    app.wait_for("the token masked again", DEFAULT_WAIT, || {
        (token_text(&app) == MASK).then_some(())
    });
    assert_page_clean(&app, &[&token]);

    // Copy: the clipboard is cleared later, the page says when.
    app.click(&app.find("[data-action=\"copy\"]"));
    let copied = wait_text(&app, "[data-copy-status]");
    assert!(
        copied.starts_with("Copied — clipboard clears in "),
        "copy status: {copied}"
    );
    app.screenshot("4-copied");

    // Solid confirmed the card before the token was asked for, and its record filled in
    // the expiry and last 4: the operator types only the PIN, twice.
    let confirmed = wait_text(&app, "[data-card-summary]");
    assert!(
        confirmed.contains(LAST4) && confirmed.contains("activated") && confirmed.contains(EXPIRY),
        "confirmed card: {confirmed}"
    );
    for (name, want) in [("expiry", EXPIRY), ("last4", LAST4)] {
        let value = field_value(&app, &format!("[data-field=\"{name}\"]"));
        assert_eq!(
            value.as_deref(),
            Some(want),
            "{name} filled in from Solid's record"
        );
    }
    app.click(&app.find("[data-field=\"pin\"]"));
    let mut op = Operator::new(&app);
    op.type_enter(PIN, "PIN + Enter");
    wait_focus(&app, "confirm");
    let rules = wait_text(&app, "[data-rules=\"pin\"]");
    assert!(rules.contains("Meets the policy"), "live rules: {rules}");
    app.screenshot("5-pin-form");
    op.type_enter(PIN, "confirmation + Enter (Set PIN)");
    let result = wait_text(&app, "[data-result]");
    assert!(result.contains("PIN set"), "result: {result}");
    app.screenshot("6-done");
    eprintln!(
        "e2e: solid actions from token to PIN set: {} ({})",
        op.actions(),
        op.steps()
    );

    // The token and the PIN are gone from the page.
    assert!(!shown(&app, "[data-token-panel]"), "token panel closed");
    assert!(app.find_all("input[type=\"password\"]").is_empty());
    assert_page_clean(&app, &[&token, PIN]);

    assert_sandbox_holds(
        &app,
        &format!("/_sandbox/solid/cards/{CARD}/check-pin"),
        "pin",
        PIN,
        "9517",
    );

    assert_recorded_ok(&app, "solid.set_pin", CARD);

    // The same card again: the panel warns that its PIN was just set, and the button says so.
    assert_repeat_warning(
        &app,
        CARD,
        "PIN",
        "solid.set_pin",
        ("get-token", "Get PIN token anyway"),
    );
    app.screenshot("7-repeat-warning");

    assert_no_secret_leaked(
        &app,
        &[PIN, &token],
        &["solid_reveal_token"],
        &[
            "look_up_card",
            "solid_pin_token",
            "solid_reveal_token",
            "solid_copy_token",
            "pin_policy",
            "solid_set_pin",
        ],
    );
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn solid_weak_pin_shown_live_and_refused() {
    let app = App::launch("solid_weak_pin_shown_live_and_refused", &["--demo"]);
    record_replies(&app);
    open_solid(&app);
    let mut op = Operator::new(&app);
    op.type_enter(CARD, "card id + Enter");
    wait_focus(&app, "pin");

    // A run like 1234 breaks the policy: the rule is listed while typing.
    app.press(&['1', '2', '3', '4']);
    let rules = app.wait_for("the broken rule listed", DEFAULT_WAIT, || {
        let value = app.execute(
            "return [...document.querySelectorAll('[data-rules=\"pin\"] [data-rule]')]\
               .map((li) => li.dataset.rule).join(',');",
            vec![],
        );
        value
            .as_str()
            .filter(|s| !s.is_empty() && *s != "ok")
            .map(str::to_owned)
    });
    assert!(!rules.contains("ok"), "rules: {rules}");
    app.screenshot("weak-live");

    app.press(&[keys::ENTER]);
    wait_focus(&app, "confirm");
    op.type_enter("1234", "confirmation + Enter (Set PIN)");
    let error = wait_text(&app, "[data-error-for=\"pin\"]");
    assert!(error.contains("policy"), "error at the PIN: {error}");
    assert_eq!(focused_field(&app).as_deref(), Some("pin"));
    assert!(!shown(&app, "[data-result]"));
    assert!(
        !replies(&app).iter().any(|(cmd, _)| cmd == "solid_set_pin"),
        "Set PIN sent nothing"
    );
    app.screenshot("weak-refused");

    // The token is still held and usable.
    assert!(shown(&app, "[data-token-panel]"));
    let copy = app.find("[data-action=\"copy\"]");
    assert!(app.attribute(&copy, "disabled").is_none());

    assert_no_secret_leaked(&app, &["1234"], &[], &["solid_pin_token", "pin_policy"]);
}
