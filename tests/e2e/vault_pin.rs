//! The Vault card PIN flow in demo mode, keyboard only: card id to "set" in at most three
//! operator actions, the card confirmed with Vault on the way, the PIN confirmed by the sandbox
//! and the history; the same card again warns that its PIN was just set; and no PIN in any IPC
//! reply, log or file.

use crate::operator::{
    assert_no_secret_leaked, assert_page_clean, assert_recorded_ok, assert_repeat_warning,
    assert_sandbox_holds, record_replies, tab_to, wait_focus, wait_profiles, wait_text, Operator,
};
use pindesk_e2e::harness::App;
use pindesk_e2e::webdriver::keys;

/// A card the demo sandbox knows, ACTIVE.
const CARD: &str = "1234435";
/// A PIN Vault's rules accept.
const PIN: &str = "7391";
/// The most operator actions from the card id to "set".
const MAX_ACTIONS: u32 = 3;

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn vault_card_pin_in_three_actions() {
    let app = App::launch("vault_card_pin_in_three_actions", &["--demo"]);
    record_replies(&app);
    app.chord(keys::ALT, '3');
    app.find("[data-screen=\"vault-pin\"]");
    assert_eq!(wait_profiles(&app, "vault-pin"), "DEMO");
    tab_to(&app, "card");
    app.screenshot("1-start");

    let mut op = Operator::new(&app);
    op.type_enter(CARD, "card id + Enter");
    wait_focus(&app, "pin");
    let confirmed = wait_text(&app, "[data-card-summary]");
    assert!(
        confirmed.contains("Confirmed with the provider") && confirmed.contains("ACTIVE"),
        "confirmed card: {confirmed}"
    );
    op.type_enter(PIN, "new PIN + Enter");
    wait_focus(&app, "confirm");
    let rules = wait_text(&app, "[data-rules=\"pin\"]");
    assert!(rules.contains("Meets the policy"), "live rules: {rules}");
    app.screenshot("2-pin");
    op.type_enter(PIN, "confirmation + Enter (Set card PIN)");
    let result = wait_text(&app, "[data-result]");
    assert!(result.contains("Card PIN set"), "result: {result}");
    assert!(result.contains(CARD), "result names the card: {result}");
    app.screenshot("3-done");
    eprintln!(
        "e2e: vault card PIN actions from card id to set: {} ({})",
        op.actions(),
        op.steps()
    );
    assert!(
        op.actions() <= MAX_ACTIONS,
        "{} actions: {}",
        op.actions(),
        op.steps()
    );
    assert_page_clean(&app, &[PIN]);

    assert_sandbox_holds(
        &app,
        &format!("/_sandbox/vault/cards/{CARD}/check-pin"),
        "pin",
        PIN,
        "9517",
    );
    assert_recorded_ok(&app, "vault.set_card_pin", CARD);

    // The same card again: the panel warns that its PIN was just set.
    assert_repeat_warning(
        &app,
        CARD,
        "card PIN",
        "vault.set_card_pin",
        ("set-card-pin", "Set card PIN anyway"),
    );
    app.screenshot("4-repeat-warning");

    assert_no_secret_leaked(
        &app,
        &[PIN],
        &[],
        &["look_up_card", "pin_policy", "vault_set_card_pin"],
    );
}
