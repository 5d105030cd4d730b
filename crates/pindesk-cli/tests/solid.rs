//! `pindesk-cli solid pin-token | set-pin` against the sandbox: the token on stdout, the PIN
//! set through the PIN endpoint, refusals and bad input, and no secret in outputs or files.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli`.

mod common;

use common::*;
use pindesk_sandbox::demo::INACTIVE_SOLID_CARD;
use serde_json::json;

/// A PIN that meets the default policy; PINs are digits, so the leak check looks for it as a
/// whole run of digits.
const PIN: &str = "6085";

fn set_pin_args<'a>(
    profile: &'a str,
    card: &'a str,
    expiry: &'a str,
    last4: &'a str,
) -> Vec<&'a str> {
    vec![
        "solid",
        "set-pin",
        "--profile",
        profile,
        "--card",
        card,
        "--expiry",
        expiry,
        "--last4",
        last4,
    ]
}

#[test]
fn pin_token_and_set_pin() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("sflow");
    add_solid_profile(&desk, &sb, &name);

    // The token is printed on stdout (by design), with its expiry.
    let run = desk.run(
        &[
            "solid",
            "pin-token",
            "--profile",
            &name,
            "--card",
            SOLID_CARD,
        ],
        "",
    );
    run.expect(0);
    let token = run.stdout.lines().next().unwrap_or_default().to_owned();
    assert!(token.starts_with("card_pin_test_"), "{}", run.stdout);
    assert!(run.stdout.contains("one use; expires at"));
    let printed = run.stdout.clone();
    let run = desk.run(
        &[
            "--json",
            "solid",
            "pin-token",
            "--profile",
            &name,
            "--card",
            SOLID_CARD,
        ],
        "",
    );
    run.expect(0);
    let v = run.json();
    assert_eq!(v["card_id"], json!(SOLID_CARD));
    let token2 = v["set_pin_token"].as_str().expect("a token").to_owned();
    assert!(token2.starts_with("card_pin_test_") && token2 != token);
    assert!(
        v["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{v}"
    );

    // set-pin: the PIN from stdin, set through the PIN endpoint.
    let run = desk.run(
        &set_pin_args(&name, SOLID_CARD, SOLID_EXPIRY, SOLID_LAST4),
        &format!("{PIN}\n"),
    );
    run.expect(0);
    assert!(run.stdout.contains("PIN set on card"), "{}", run.stdout);
    assert!(sb.pin_matches(SOLID_CARD, PIN));
    assert!(!sb.pin_matches(SOLID_CARD, "6086"));

    let mut args = vec!["--json"];
    args.extend(set_pin_args(&name, SOLID_CARD, SOLID_EXPIRY, SOLID_LAST4));
    let run = desk.run(&args, "1122\n");
    run.expect(0);
    let v = run.json();
    assert_eq!(
        (&v["result"], &v["operation"], &v["card_id"]),
        (&json!("ok"), &json!("solid.set_pin"), &json!(SOLID_CARD)),
        "{v}"
    );
    // The card as Solid confirmed it: its example's status, last 4 and expiry.
    assert_eq!(v["card"]["status"], json!("activated"), "{v}");
    assert_eq!(v["card"]["last4"], json!(SOLID_LAST4), "{v}");
    assert_eq!(v["card"]["expiry"], json!(SOLID_EXPIRY), "{v}");
    assert!(sb.pin_matches(SOLID_CARD, "1122"));

    // Without --expiry and --last4 they come from Solid; the confirmed card is printed first.
    let run = desk.run(
        &["solid", "set-pin", "--profile", &name, "--card", SOLID_CARD],
        "6644\n",
    );
    run.expect(0);
    let confirmed =
        format!("Confirmed with the provider: card {SOLID_CARD}, •••• {SOLID_LAST4}, activated");
    assert!(run.stdout.starts_with(&confirmed), "{}", run.stdout);
    assert!(sb.pin_matches(SOLID_CARD, "6644"));

    // Everything but the pin-token outputs is searched for every secret; the tokens must be
    // in no file and in no other output.
    let outputs: Vec<String> = desk.outputs.borrow().clone();
    desk.outputs
        .borrow_mut()
        .retain(|o| !o.contains("card_pin_test_"));
    assert_eq!(outputs.len() - desk.outputs.borrow().len(), 2);
    assert!(printed.contains(&token));
    desk.assert_no_secrets(&[
        ("Solid API key", &sb.canaries.solid_api_key),
        ("PIN", PIN),
        ("PIN", "1122"),
        ("PIN", "6644"),
        ("PIN token", &token),
        ("PIN token", &token2),
        ("PIN token prefix", "card_pin_test_"),
    ]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}

#[test]
fn solid_refusals_and_bad_input() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("sref");
    add_solid_profile(&desk, &sb, &name);
    let weak = "4321";

    // A weak PIN: 2, field pin, nothing sent and nothing recorded.
    let mut args = vec!["--json"];
    args.extend(set_pin_args(&name, SOLID_CARD, SOLID_EXPIRY, SOLID_LAST4));
    for bad in [weak, "1112", "12345", "12a4"] {
        let run = desk.run(&args, &format!("{bad}\n"));
        run.expect(2);
        let e = run.error_json();
        assert_eq!(e["category"], json!("validation"));
        assert_eq!(e["field"], json!("pin"), "{e}");
    }
    assert_eq!(desk.history(&[]), Vec::<serde_json::Value>::new());

    // Bad expiry or last4: 2 before the PIN is read (stdin is empty, yet the field named is
    // the flag's, not the PIN's).
    for (expiry, last4, field) in [
        ("13/2029", SOLID_LAST4, "expiry"),
        ("11-2029", SOLID_LAST4, "expiry"),
        ("01/2001", SOLID_LAST4, "expiry"),
        (SOLID_EXPIRY, "373", "last4"),
        (SOLID_EXPIRY, "37a8", "last4"),
    ] {
        let mut args = vec!["--json"];
        args.extend(set_pin_args(&name, SOLID_CARD, expiry, last4));
        let run = desk.run(&args, "");
        run.expect(2);
        assert_eq!(run.error_json()["field"], json!(field), "{expiry} {last4}");
    }
    // A malformed card id: 2.
    let run = desk.run(
        &[
            "--json",
            "solid",
            "pin-token",
            "--profile",
            &name,
            "--card",
            "card 1",
        ],
        "",
    );
    run.expect(2);
    assert_eq!(run.error_json()["field"], json!("card_id"));
    assert_eq!(desk.history(&[]), Vec::<serde_json::Value>::new());

    // An unknown card: Solid answers 404, so no such card: 2, with Solid's request id.
    let unknown = "crd_00000000000000000000000000000000";
    let run = desk.run(
        &[
            "--json",
            "solid",
            "pin-token",
            "--profile",
            &name,
            "--card",
            unknown,
        ],
        "",
    );
    run.expect(2);
    let e = run.error_json();
    assert_eq!(e["category"], json!("validation"));
    assert_eq!(e["field"], json!("card"));
    assert!(
        e["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("req_")),
        "{e}"
    );
    let run = desk.run(
        &set_pin_args(&name, unknown, SOLID_EXPIRY, SOLID_LAST4),
        &format!("{PIN}\n"),
    );
    run.expect(2);
    assert!(
        run.stderr.contains("no such card") && run.stderr.contains("provider reference: req_"),
        "{}",
        run.stderr
    );

    // A last4 or expiry that is not the card's: stopped before a token is asked for (2),
    // naming the field; the PIN is unchanged.
    for (expiry, last4, field) in [
        (SOLID_EXPIRY, "0000", "last4"),
        ("12/2029", SOLID_LAST4, "expiry"),
    ] {
        let mut args = vec!["--json"];
        args.extend(set_pin_args(&name, SOLID_CARD, expiry, last4));
        let run = desk.run(&args, &format!("{PIN}\n"));
        run.expect(2);
        let e = run.error_json();
        assert_eq!(e["field"], json!(field), "{e}");
        assert!(
            e["message"].as_str().unwrap().contains("is not the card's"),
            "{e}"
        );
    }
    assert!(!sb.pin_matches(SOLID_CARD, PIN));

    // The inactive card: Solid names it blocked, so nothing is asked for (3).
    let run = desk.run(
        &[
            "solid",
            "pin-token",
            "--profile",
            &name,
            "--card",
            INACTIVE_SOLID_CARD,
        ],
        "",
    );
    run.expect(3);
    assert!(run.stderr.contains("is blocked at Solid"), "{}", run.stderr);

    // A Vault profile for a Solid command: 2.
    let vault = unique("sref-vault");
    add_vault_token_profile(&desk, &sb, &vault);
    let run = desk.run(
        &set_pin_args(&vault, SOLID_CARD, SOLID_EXPIRY, SOLID_LAST4),
        &format!("{PIN}\n"),
    );
    run.expect(2);

    // A Solid profile without a PIN endpoint cannot set the PIN: 2.
    let bare = unique("sref-bare");
    desk.run(
        &[
            "profile",
            "add",
            &bare,
            "--provider",
            "solid",
            "--env",
            sb.base_url(),
        ],
        &format!("{}\n", sb.canaries.solid_api_key),
    )
    .expect(0);
    let run = desk.run(
        &set_pin_args(&bare, SOLID_CARD, SOLID_EXPIRY, SOLID_LAST4),
        &format!("{PIN}\n"),
    );
    run.expect(2);
    assert!(run.stderr.contains("no PIN endpoint"), "{}", run.stderr);

    desk.assert_no_secrets(&[
        ("Solid API key", &sb.canaries.solid_api_key),
        ("Vault token", &sb.canaries.vault_token),
        ("PIN", PIN),
        ("weak PIN", weak),
        ("PIN token prefix", "card_pin_test_"),
    ]);
    for p in [&name, &vault, &bare] {
        desk.run(&["profile", "remove", p], "").expect(0);
    }
}

#[test]
fn a_wrong_api_key_is_a_credentials_error() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("skey");
    let wrong = "canary-wrong-solid-key-5t";
    desk.run(
        &[
            "profile",
            "add",
            &name,
            "--provider",
            "solid",
            "--env",
            sb.base_url(),
            "--pin-endpoint",
            sb.base_url(),
        ],
        &format!("{wrong}\n"),
    )
    .expect(0);
    let run = desk.run(
        &[
            "--json",
            "solid",
            "pin-token",
            "--profile",
            &name,
            "--card",
            SOLID_CARD,
        ],
        "",
    );
    run.expect(4);
    assert_eq!(run.error_json()["category"], json!("credentials"));
    let run = desk.run(
        &set_pin_args(&name, SOLID_CARD, SOLID_EXPIRY, SOLID_LAST4),
        &format!("{PIN}\n"),
    );
    run.expect(4);
    assert!(!sb.pin_matches(SOLID_CARD, PIN));
    let history = desk.history(&[]);
    assert!(
        history.iter().all(|e| e["outcome"] == json!("rejected")),
        "{history:?}"
    );
    desk.assert_no_secrets(&[("wrong API key", wrong), ("PIN", PIN)]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}
