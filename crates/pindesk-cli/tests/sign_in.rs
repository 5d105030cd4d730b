//! `pindesk-cli` with a stored Vault sign-in against the sandbox: every documented sign-in
//! refusal (exit code, the operator's wording, the provider reference, sent once and never
//! retried, nothing sent after it) and `profile sign-out` (the token ended at Vault and
//! deleted here, so that the next action signs in again).
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli --test sign_in`.

mod common;

use common::*;
use pindesk_sandbox::{SCENARIO_PREFIX, SIGN_IN_REFUSALS};
use serde_json::json;

const TOKEN: &str = "/oauth/token";
const SIGN_OUT: &str = "/signout";

/// One documented refusal: its `errorId`, the exit code and error code (`--json`) PinDesk
/// gives it, and a phrase of PinDesk's advice that only this kind of refusal shows.
struct Refusal {
    error_id: i64,
    exit: i32,
    code: &'static str,
    advice: &'static str,
}

const REFUSALS: &[Refusal] = &[
    Refusal {
        error_id: 11,
        exit: 4,
        code: "sign_in_wrong_credentials",
        advice: "the profile's stored phone number or password is wrong",
    },
    Refusal {
        error_id: 273,
        exit: 4,
        code: "sign_in_locked_out",
        advice:
            "locked sign-in for now after too many attempts; PinDesk will not try again by itself",
    },
    Refusal {
        error_id: 53,
        exit: 4,
        code: "sign_in_locked_out",
        advice:
            "locked sign-in for now after too many attempts; PinDesk will not try again by itself",
    },
    Refusal {
        error_id: 429,
        exit: 4,
        code: "sign_in_firewall_locked",
        advice: "firewall is blocking sign-in from this computer for 30 minutes",
    },
    Refusal {
        error_id: 3,
        exit: 4,
        code: "sign_in_account_locked",
        advice: "Vault has locked this account: contact Vault's support",
    },
    Refusal {
        error_id: 267,
        exit: 4,
        code: "sign_in_password_expired",
        advice: "The sign-in password has expired: reset it with Vault",
    },
    Refusal {
        error_id: 8,
        exit: 4,
        code: "sign_in_verification_required",
        advice: "a verification step PinDesk cannot complete",
    },
    Refusal {
        error_id: 307,
        exit: 4,
        code: "sign_in_verification_required",
        advice: "a verification step PinDesk cannot complete",
    },
    Refusal {
        error_id: 308,
        exit: 4,
        code: "sign_in_verification_required",
        advice: "a verification step PinDesk cannot complete",
    },
    Refusal {
        error_id: 422,
        exit: 3,
        code: "sign_in_invalid_field",
        advice: "Vault refused a field of the sign-in (field: number)",
    },
];

/// The phone number the sandbox answers with this refusal.
fn scenario_phone(error_id: i64) -> String {
    format!("{SCENARIO_PREFIX}{error_id:04}")
}

/// Vault's documented `error` name and message for this `errorId`, as the sandbox sends them.
fn documented(error_id: i64) -> (&'static str, &'static str) {
    let &(_, error, message) = SIGN_IN_REFUSALS
        .iter()
        .find(|(id, _, _)| *id == error_id)
        .unwrap_or_else(|| panic!("errorId {error_id} is not a documented sign-in refusal"));
    (error, message)
}

/// A distinctive sign-in password, searched for in every output and file.
fn canary_password() -> String {
    unique("CanarySignInPw").replace('-', "")
}

/// Runs one refusal case on its own sandbox and desk; returns what went wrong, if anything.
fn refused_sign_in(case: &Refusal) -> Vec<String> {
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique(&format!("refused{}", case.error_id));
    let phone = scenario_phone(case.error_id);
    let password = canary_password();
    add_vault_sign_in_profile(&desk, &sb, &name, &phone, &password);
    let (error, message) = documented(case.error_id);

    let card = VAULT_CARD.to_string();
    let run = desk.run(
        &["vault", "send-code", "--profile", &name, "--card", &card],
        "",
    );
    let mut wrong = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            wrong.push(format!("errorId {}: {what}", case.error_id));
        }
    };
    check(
        run.code == case.exit,
        format!("exit {} instead of {}", run.code, case.exit),
    );
    check(
        run.stderr.starts_with("error: "),
        format!("stderr is not an error line: {}", run.stderr),
    );
    check(
        run.stderr.contains(case.advice),
        format!("no advice {:?} on stderr: {}", case.advice, run.stderr),
    );
    // Vault's own words follow the advice (for 273 they say for how long).
    check(
        run.stderr
            .contains(&format!("Vault says: \u{201c}{message}\u{201d}")),
        format!("Vault's message {message:?} not shown: {}", run.stderr),
    );
    let reference = format!(
        "provider reference: errorId {} ({error}, core)",
        case.error_id
    );
    check(
        run.stderr.contains(&reference),
        format!("no {reference:?} on stderr: {}", run.stderr),
    );
    check(
        !run.stderr.contains("check before retrying"),
        format!("a refusal is not an unknown outcome: {}", run.stderr),
    );
    check(
        run.stdout.trim().is_empty(),
        format!("stdout is not empty: {}", run.stdout),
    );
    // Signed in exactly once, never retried, and nothing else was sent: no card list, no SMS.
    let requests = sb.requests();
    check(
        requests == [("POST".to_owned(), TOKEN.to_owned())],
        format!("the sandbox received {requests:?}, not one POST {TOKEN}"),
    );
    check(!sb.sms_sent(VAULT_CARD), "an SMS code was sent".to_owned());

    // The same with --json: the error object names the code, the category and the reference.
    let run = desk.run(
        &[
            "--json",
            "vault",
            "send-code",
            "--profile",
            &name,
            "--card",
            &card,
        ],
        "",
    );
    check(
        run.code == case.exit,
        format!("--json: exit {} instead of {}", run.code, case.exit),
    );
    let e = run.error_json();
    let category = if case.exit == 3 {
        "rejected"
    } else {
        "credentials"
    };
    let field = if case.error_id == 422 {
        json!("number")
    } else {
        json!(null)
    };
    let reference = format!("errorId {} ({error}, core)", case.error_id);
    check(
        (&e["code"], &e["category"], &e["reference"], &e["field"])
            == (
                &json!(case.code),
                &json!(category),
                &json!(reference),
                &field,
            ),
        format!("--json: {e}"),
    );
    check(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains(case.advice) && m.contains(message)),
        format!("--json: the message is not the text one: {e}"),
    );
    check(
        run.stdout.trim().is_empty(),
        format!("--json: stdout is not empty: {}", run.stdout),
    );
    let requests = sb.requests();
    check(
        requests.len() == 2 && requests.iter().all(|(m, p)| m == "POST" && p == TOKEN),
        format!("after the --json run the sandbox received {requests:?}"),
    );

    desk.run(&["profile", "remove", &name], "").expect(0);
    check(desk.has_log(), "no log was written to search".to_owned());
    desk.assert_no_secrets(&[("sign-in password", &password)]);
    wrong
}

#[test]
fn every_documented_sign_in_refusal_is_shown_once_and_never_retried() {
    require_secret_service();
    // The table covers exactly the refusals the sandbox documents.
    let mut ours: Vec<i64> = REFUSALS.iter().map(|c| c.error_id).collect();
    let mut theirs: Vec<i64> = SIGN_IN_REFUSALS.iter().map(|(id, _, _)| *id).collect();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs, "the cases are not the documented refusals");

    let wrong: Vec<String> = REFUSALS.iter().flat_map(refused_sign_in).collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn sign_out_ends_the_obtained_token_and_the_next_action_signs_in_again() {
    require_secret_service();
    if !tool("secret-tool") {
        return;
    }
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("signout");
    let (phone, password) = (sb.canaries.phone.clone(), sb.canaries.password.clone());
    add_vault_sign_in_profile(&desk, &sb, &name, &phone, &password);
    assert_eq!(keyring_entry(&name, "access-token"), None);
    let card = VAULT_CARD.to_string();
    let send = ["vault", "send-code", "--profile", &name, "--card", &card];

    desk.run(&send, "").expect(0);
    assert_eq!(sb.requests_to("POST", TOKEN), 1, "{:?}", sb.requests());
    assert!(sb.sms_sent(VAULT_CARD));
    assert!(
        keyring_entry(&name, "access-token").is_some_and(|t| t.contains("sbx_at_")),
        "the obtained token is not in the keyring"
    );

    let run = desk.run(&["profile", "sign-out", &name], "");
    run.expect(0);
    assert_eq!(
        run.stdout.trim(),
        "Signed out of Vault; the token was deleted from this computer.",
        "{}",
        run.stderr
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(sb.requests_to("POST", SIGN_OUT), 1, "{:?}", sb.requests());
    // Signing out does not sign in first.
    assert_eq!(sb.requests_to("POST", TOKEN), 1, "{:?}", sb.requests());
    assert_eq!(
        keyring_entry(&name, "access-token"),
        None,
        "the token stayed"
    );
    // The sign-in itself stays: only the obtained token went.
    let shown = desk.run(&["--json", "profile", "show", &name], "");
    shown.expect(0);
    assert_eq!(
        shown.json()["secrets"],
        json!([["sign-in-phone", "stored"], ["sign-in-password", "stored"]])
    );

    // A second sign-out has nothing to end and sends nothing.
    let run = desk.run(&["--json", "profile", "sign-out", &name], "");
    run.expect(0);
    assert_eq!(
        run.json(),
        json!({"signed_out": name, "message": "Not signed in: there was no token to sign out."})
    );
    assert_eq!(sb.requests_to("POST", SIGN_OUT), 1, "{:?}", sb.requests());

    // The next action signs in again, once, and works.
    desk.run(&send, "").expect(0);
    assert_eq!(sb.requests_to("POST", TOKEN), 2, "{:?}", sb.requests());
    assert_eq!(
        sb.requests_to("POST", &format!("/v2/card/{card}/passcode/sms/send")),
        2,
        "{:?}",
        sb.requests()
    );

    desk.run(&["profile", "remove", &name], "").expect(0);
    assert!(desk.has_log());
    desk.assert_no_secrets(&[
        ("sign-in password", &password),
        ("sign-in phone number", &phone),
    ]);
}

#[test]
fn sign_out_when_never_signed_in_sends_nothing() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("neversigned");
    let password = canary_password();
    add_vault_sign_in_profile(&desk, &sb, &name, &sb.canaries.phone, &password);
    let run = desk.run(&["profile", "sign-out", &name], "");
    run.expect(0);
    assert_eq!(
        run.stdout.trim(),
        "Not signed in: there was no token to sign out."
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let requests = sb.requests();
    assert!(requests.is_empty(), "requests were sent: {requests:?}");
    desk.run(&["profile", "remove", &name], "").expect(0);
    desk.assert_no_secrets(&[("sign-in password", &password)]);
}

#[test]
fn sign_out_is_refused_for_a_pasted_access_token() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("bearer");
    add_vault_token_profile(&desk, &sb, &name);

    let run = desk.run(&["profile", "sign-out", &name], "");
    run.expect(2);
    assert!(
        run.stderr
            .contains("only a Vault profile with a stored sign-in can sign out"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = desk.run(&["--json", "profile", "sign-out", &name], "");
    run.expect(2);
    let e = run.error_json();
    assert_eq!(e["category"], json!("validation"), "{e}");
    assert_eq!(e["field"], json!("profile"), "{e}");
    let requests = sb.requests();
    assert!(requests.is_empty(), "requests were sent: {requests:?}");

    // The pasted token is left alone: the profile still works.
    let card = VAULT_CARD.to_string();
    desk.run(
        &["vault", "send-code", "--profile", &name, "--card", &card],
        "",
    )
    .expect(0);
    desk.run(&["profile", "remove", &name], "").expect(0);
    desk.assert_no_secrets(&[("Vault access token", &sb.canaries.vault_token)]);
}
