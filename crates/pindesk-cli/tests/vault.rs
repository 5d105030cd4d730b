//! `pindesk-cli vault send-code | verify-code | set-passcode` against the sandbox: the full
//! flow, refusals, bad input, credentials, network failures and unknown outcomes, each with
//! its exit code, its output and no secret in any output or file.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli`.

mod common;

use common::*;
use serde_json::json;

const PASSCODE: &str = "CanaryPass9x";

fn card_args<'a>(cmd: &'a str, profile: &'a str, card: &'a str) -> Vec<&'a str> {
    vec!["vault", cmd, "--profile", profile, "--card", card]
}

fn json_args<'a>(cmd: &'a str, profile: &'a str, card: &'a str) -> Vec<&'a str> {
    let mut args = vec!["--json"];
    args.extend(card_args(cmd, profile, card));
    args
}

#[test]
fn full_passcode_flow_sets_the_passcode() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vflow");
    add_vault_token_profile(&desk, &sb, &name);
    let card = VAULT_CARD.to_string();

    let run = desk.run(&card_args("send-code", &name, &card), "");
    run.expect(0);
    assert!(run.stdout.contains("SMS code sent"), "{}", run.stdout);
    assert!(run.stdout.contains(&card));
    let code = sb.sms_code(VAULT_CARD);

    let run = desk.run(
        &json_args("verify-code", &name, &card),
        &format!("{code}\n"),
    );
    run.expect(0);
    assert_eq!(
        run.json(),
        json!({"result": "ok", "operation": "vault.verify_code", "card_id": card})
    );

    let run = desk.run(
        &card_args("set-passcode", &name, &card),
        &format!("{code}\n{PASSCODE}\n"),
    );
    run.expect(0);
    assert!(
        run.stdout.contains("Passcode set on card"),
        "{}",
        run.stdout
    );
    assert!(sb.passcode_matches(VAULT_CARD, PASSCODE));
    assert!(!sb.passcode_matches(VAULT_CARD, "SomethingElse1"));

    // The same flow with --json throughout, on the active profile (no --profile).
    let card2 = VAULT_CARD_2.to_string();
    let run = desk.run(&["--json", "vault", "send-code", "--card", &card2], "");
    run.expect(0);
    let v = run.json();
    assert_eq!(
        (&v["result"], &v["operation"], &v["card_id"]),
        (&json!("ok"), &json!("vault.send_code"), &json!(card2)),
        "{v}"
    );
    // The card as Vault's card list showed it (the schema's shape, under `balance`).
    assert_eq!(v["card"]["status"], json!("ACTIVE"), "{v}");
    assert_eq!(v["card"]["card_type"], json!("PHYSICAL"), "{v}");
    assert_eq!(
        v["card"]["masked_number"],
        json!("4111 11** **** 3321"),
        "{v}"
    );
    let code2 = sb.sms_code(VAULT_CARD_2);
    desk.run(
        &["vault", "verify-code", "--card", &card2],
        &format!("{code2}\n"),
    )
    .expect(0);
    let run = desk.run(
        &["--json", "vault", "set-passcode", "--card", &card2],
        &format!("{code2}\nCanaryPass8y\n"),
    );
    run.expect(0);
    assert_eq!(
        run.json(),
        json!({"result": "ok", "operation": "vault.set_passcode", "card_id": card2})
    );
    assert!(sb.passcode_matches(VAULT_CARD_2, "CanaryPass8y"));

    let history = desk.history(&[]);
    let ops: Vec<_> = history
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("vault.set_passcode", "ok"),
            ("vault.verify_code", "ok"),
            ("vault.send_code", "ok"),
            ("vault.set_passcode", "ok"),
            ("vault.verify_code", "ok"),
            ("vault.send_code", "ok"),
        ]
    );

    assert!(desk.has_log());
    assert_private(desk.data.path());
    assert_private(desk.config.path());
    desk.assert_no_secrets(&[
        ("access token", &sb.canaries.vault_token),
        ("passcode", PASSCODE),
        ("passcode", "CanaryPass8y"),
        ("SMS code", &code),
        ("SMS code", &code2),
    ]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}

#[test]
fn refusals_and_bad_input_have_their_exit_codes() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vref");
    add_vault_token_profile(&desk, &sb, &name);
    let card = VAULT_CARD.to_string();
    desk.run(&card_args("send-code", &name, &card), "")
        .expect(0);
    let code = sb.sms_code(VAULT_CARD);
    let wrong_code = "Zq9CanarySms";

    // A wrong SMS code: Vault refuses, 3, with its reference.
    let run = desk.run(
        &json_args("verify-code", &name, &card),
        &format!("{wrong_code}\n"),
    );
    run.expect(3);
    let e = run.error_json();
    assert_eq!(e["category"], json!("rejected"));
    assert!(
        e["reference"].as_str().is_some_and(|r| r.contains("4102")),
        "{e}"
    );
    let run = desk.run(
        &card_args("verify-code", &name, &card),
        &format!("{wrong_code}\n"),
    );
    run.expect(3);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains("provider reference:"), "{}", run.stderr);

    // A passcode that breaks the policy: 2, the field named, nothing sent, no history entry.
    desk.run(
        &card_args("verify-code", &name, &card),
        &format!("{code}\n"),
    )
    .expect(0);
    let entries = desk.history(&[]).len();
    for bad in ["aaaa", "abc", "Canary-Pass!"] {
        let run = desk.run(
            &json_args("set-passcode", &name, &card),
            &format!("{code}\n{bad}\n"),
        );
        run.expect(2);
        let e = run.error_json();
        assert_eq!(e["category"], json!("validation"));
        assert_eq!(e["field"], json!("passcode"), "{e}");
    }
    assert_eq!(
        desk.history(&[]).len(),
        entries,
        "a refused input was recorded"
    );
    assert!(!sb.passcode_matches(VAULT_CARD, "aaaa"));

    // Missing passcode line: 2 before anything is sent.
    let run = desk.run(
        &json_args("set-passcode", &name, &card),
        &format!("{code}\n"),
    );
    run.expect(2);
    assert_eq!(run.error_json()["field"], json!("passcode"));

    // Bad card ids: 2, field card_id, before any secret is read.
    for bad in ["abc", "12a", "0", "12345678901234567890123"] {
        let run = desk.run(&json_args("send-code", &name, bad), "");
        run.expect(2);
        assert_eq!(run.error_json()["field"], json!("card_id"), "{bad}");
        let run = desk.run(
            &json_args("set-passcode", &name, bad),
            &format!("{code}\n{PASSCODE}\n"),
        );
        run.expect(2);
        assert_eq!(run.error_json()["field"], json!("card_id"), "{bad}");
    }
    // A malformed SMS code: 2, field code.
    let run = desk.run(&json_args("verify-code", &name, &card), "12 34\n");
    run.expect(2);
    assert_eq!(run.error_json()["field"], json!("code"));
    assert_eq!(desk.history(&[]).len(), entries, "bad input was recorded");

    // An inactive card: Vault's card list names it BLOCKED, so no code is sent (3).
    let run = desk.run(&json_args("send-code", &name, "9900001"), "");
    run.expect(3);
    let e = run.error_json();
    assert_eq!(e["category"], json!("rejected"));
    assert_eq!(e["code"], json!("card_not_usable"), "{e}");
    assert_eq!(e["field"], json!("card"), "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("is BLOCKED at Vault"),
        "{e}"
    );
    assert!(!sb.sms_sent(9_900_001));

    // A card that is not the signed-in customer's: no such card (2), nothing sent.
    let run = desk.run(&card_args("send-code", &name, "5550001"), "");
    run.expect(2);
    assert!(
        run.stderr.contains("no such card for this Vault customer"),
        "{}",
        run.stderr
    );
    assert!(!sb.sms_sent(5_550_001));

    // A Solid profile for a Vault command: 2.
    let solid = unique("vref-solid");
    add_solid_profile(&desk, &sb, &solid);
    let run = desk.run(&json_args("send-code", &solid, &card), "");
    run.expect(2);
    assert_eq!(run.error_json()["field"], json!("profile"));
    assert!(run.error_json()["message"]
        .as_str()
        .unwrap()
        .contains("solid profile"));

    // The code is still usable: the refusals above did not disturb the real flow.
    desk.run(
        &card_args("set-passcode", &name, &card),
        &format!("{code}\n{PASSCODE}\n"),
    )
    .expect(0);
    assert!(sb.passcode_matches(VAULT_CARD, PASSCODE));

    desk.assert_no_secrets(&[
        ("access token", &sb.canaries.vault_token),
        ("Solid API key", &sb.canaries.solid_api_key),
        ("passcode", PASSCODE),
        ("refused passcode", "Canary-Pass!"),
        ("SMS code", &code),
        ("wrong SMS code", wrong_code),
    ]);
    desk.run(&["profile", "remove", &name], "").expect(0);
    desk.run(&["profile", "remove", &solid], "").expect(0);
}

#[test]
fn a_wrong_token_is_a_credentials_error() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vbad");
    let wrong = "canary-wrong-vault-token-3k";
    desk.run(
        &[
            "profile",
            "add",
            &name,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
        ],
        &format!("{wrong}\n"),
    )
    .expect(0);
    let card = VAULT_CARD.to_string();
    let run = desk.run(&json_args("send-code", &name, &card), "");
    run.expect(4);
    let e = run.error_json();
    assert_eq!(e["category"], json!("credentials"));
    assert!(!sb.sms_sent(VAULT_CARD));
    let run = desk.run(&["profile", "test", &name], "");
    run.expect(4);
    assert!(run.stderr.starts_with("error: "));
    let history = desk.history(&[]);
    assert_eq!(history[0]["outcome"], json!("rejected"));
    desk.assert_no_secrets(&[("wrong token", wrong)]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}

#[test]
fn a_stopped_sandbox_is_a_network_error() {
    require_secret_service();
    let mut sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vnet");
    add_vault_token_profile(&desk, &sb, &name);
    sb.stop();
    let card = VAULT_CARD.to_string();
    let run = desk.run(&json_args("send-code", &name, &card), "");
    run.expect(5);
    let e = run.error_json();
    assert_eq!(e["category"], json!("network"), "{e}");
    let run = desk.run(&card_args("send-code", &name, &card), "");
    run.expect(5);
    assert!(
        !run.stderr.contains("check before retrying"),
        "a refused connection is not an unknown outcome: {}",
        run.stderr
    );
    let history = desk.history(&[]);
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|e| e["outcome"] == json!("failed")));
    desk.assert_no_secrets(&[("access token", &sb.canaries.vault_token)]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}

#[test]
fn a_dropped_answer_to_set_passcode_is_an_unknown_outcome() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vdrop");
    add_vault_token_profile(&desk, &sb, &name);
    let card = VAULT_CARD.to_string();
    desk.run(&card_args("send-code", &name, &card), "")
        .expect(0);
    let code = sb.sms_code(VAULT_CARD);
    desk.run(
        &card_args("verify-code", &name, &card),
        &format!("{code}\n"),
    )
    .expect(0);
    sb.fault(json!({
        "route": "/v2/card/{id}/passcode/code/set",
        "method": "POST",
        "drop": "before_response",
    }));
    let run = desk.run(
        &card_args("set-passcode", &name, &card),
        &format!("{code}\n{PASSCODE}\n"),
    );
    run.expect(5);
    assert!(
        run.stderr.contains("check before retrying"),
        "{}",
        run.stderr
    );
    // The handler ran: the passcode really is set, which is why the outcome is "unknown".
    assert!(sb.passcode_matches(VAULT_CARD, PASSCODE));

    // The same in JSON, on the other card.
    let card2 = VAULT_CARD_2.to_string();
    desk.run(&card_args("send-code", &name, &card2), "")
        .expect(0);
    let code2 = sb.sms_code(VAULT_CARD_2);
    desk.run(
        &card_args("verify-code", &name, &card2),
        &format!("{code2}\n"),
    )
    .expect(0);
    sb.fault(json!({"route": "/v2/card/{id}/passcode/code/set", "drop": "before_response"}));
    let run = desk.run(
        &json_args("set-passcode", &name, &card2),
        &format!("{code2}\nCanaryPass7z\n"),
    );
    run.expect(5);
    assert_eq!(run.error_json()["category"], json!("unknown_outcome"));

    let history = desk.history(&["--card", &card]);
    assert_eq!(history[0]["operation"], json!("vault.set_passcode"));
    assert_eq!(history[0]["outcome"], json!("unknown"));
    desk.assert_no_secrets(&[
        ("access token", &sb.canaries.vault_token),
        ("passcode", PASSCODE),
        ("passcode", "CanaryPass7z"),
        ("SMS code", &code),
        ("SMS code", &code2),
    ]);
    desk.run(&["profile", "remove", &name], "").expect(0);
}
