//! `pindesk-cli vault set-pin` against the sandbox: the PIN set and confirmed, Vault's PIN
//! rules refused before sending (exit 2, field pin), the card confirmed first (unknown 2,
//! inactive 3), and the PIN in no output or file.

mod common;

use common::*;
use serde_json::json;

fn set_pin_args<'a>(profile: &'a str, card: &'a str) -> Vec<&'a str> {
    vec![
        "--json",
        "vault",
        "set-pin",
        "--profile",
        profile,
        "--card",
        card,
    ]
}

#[test]
fn vault_set_pin_sets_the_card_pin_and_refuses_weak_ones_before_sending() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vpin");
    add_vault_token_profile(&desk, &sb, &name);
    let card = VAULT_CARD.to_string();

    let run = desk.run(&set_pin_args(&name, &card), "6044\n");
    run.expect(0);
    let v = run.json();
    assert_eq!(v["operation"], json!("vault.set_card_pin"), "{v}");
    assert_eq!(v["card"]["status"], json!("ACTIVE"), "{v}");
    assert!(sb.vault_pin_matches(VAULT_CARD, "6044"));

    // Reset, in text mode: the confirmed card is printed before the result.
    let run = desk.run(
        &["vault", "set-pin", "--profile", &name, "--card", &card],
        "1122\n",
    );
    run.expect(0);
    assert!(
        run.stdout
            .starts_with(&format!("Confirmed with the provider: card {card}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("PIN set on card"), "{}", run.stdout);
    assert!(sb.vault_pin_matches(VAULT_CARD, "1122"));

    // Vault's rules: 4 digits, no run of 3 consecutive or repeated digits. Refused with exit 2
    // naming pin; the card keeps its PIN and nothing is recorded.
    let entries = desk.history(&[]).len();
    for weak in ["1234", "4321", "1112", "12345", "12a4"] {
        let run = desk.run(&set_pin_args(&name, &card), &format!("{weak}\n"));
        run.expect(2);
        assert_eq!(run.error_json()["field"], json!("pin"), "{weak}");
    }
    assert!(sb.vault_pin_matches(VAULT_CARD, "1122"));
    assert_eq!(
        desk.history(&[]).len(),
        entries,
        "a refused PIN was recorded"
    );

    // The card is confirmed first: unknown 2, inactive 3; nothing set.
    let run = desk.run(&set_pin_args(&name, "5550001"), "6044\n");
    run.expect(2);
    assert_eq!(run.error_json()["code"], json!("no_such_card"));
    let run = desk.run(&set_pin_args(&name, "9900001"), "6044\n");
    run.expect(3);
    assert_eq!(run.error_json()["code"], json!("card_not_usable"));
    assert!(!sb.vault_pin_matches(9_900_001, "6044"));

    desk.assert_no_secrets(&[
        ("access token", &sb.canaries.vault_token),
        ("card PIN", "6044"),
        ("card PIN", "1122"),
    ]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}
