//! `pindesk-cli profile …` against a sandbox and a real Secret Service: add (access token,
//! sign-in, Solid API key), list, show, use, test, remove, and bad input that must write nothing.
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli`; outside it the tests
//! that need the keyring fail, saying so.

mod common;

use common::*;
use serde_json::json;

#[test]
fn vault_token_profile_lifecycle() {
    require_secret_service();
    if !tool("secret-tool") {
        return;
    }
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vt");

    // Add: the token is read from stdin and lands in the keyring, not on disk.
    let run = desk.run(
        &[
            "--json",
            "profile",
            "add",
            &name,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
            "--rsa-padding",
            "pkcs1",
        ],
        &format!("{}\n", sb.canaries.vault_token),
    );
    run.expect(0);
    let view = run.json();
    assert_eq!(view["profile"]["id"], json!(name));
    assert_eq!(view["profile"]["provider"], json!("vault"));
    assert_eq!(
        view["active"],
        json!(true),
        "the first profile becomes active"
    );
    assert_eq!(view["secrets"], json!([["access-token", "stored"]]));
    assert_eq!(
        keyring_entry(&name, "access-token").as_deref(),
        Some(sb.canaries.vault_token.as_str()),
        "the access token is not in the keyring under service pindesk"
    );
    assert!(desk.config.path().join("profiles.toml").is_file());

    // Human add output names the profile and the keyring.
    let second = unique("vt2");
    let run = desk.run(
        &[
            "profile",
            "add",
            &second,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
        ],
        &format!("{}\n", sb.canaries.vault_token),
    );
    run.expect(0);
    assert!(run.stdout.contains(&second) && run.stdout.contains("keyring"));

    // List: both, the first one active.
    let run = desk.run(&["--json", "profile", "list"], "");
    run.expect(0);
    let list = run.json();
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["profile"]["id"], json!(name));
    assert_eq!(list[0]["active"], json!(true));
    assert_eq!(list[1]["active"], json!(false));
    let run = desk.run(&["profile", "list"], "");
    run.expect(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains(&name))
        .expect("the profile is listed");
    assert!(
        line.starts_with('*'),
        "the active profile is marked: {line}"
    );
    assert!(line.contains("access-token: stored"), "{line}");

    // Show: the secret only as "stored".
    let run = desk.run(&["profile", "show", &name], "");
    run.expect(0);
    assert!(run.stdout.contains("provider:     vault"), "{}", run.stdout);
    assert!(run.stdout.contains(sb.base_url()));
    assert!(
        run.stdout.contains("access-token: stored"),
        "{}",
        run.stdout
    );
    let run = desk.run(&["--json", "profile", "show", &second], "");
    run.expect(0);
    assert_eq!(run.json()["secrets"], json!([["access-token", "stored"]]));
    assert_eq!(run.json()["active"], json!(false));

    // Use: the second becomes active.
    let run = desk.run(&["--json", "profile", "use", &second], "");
    run.expect(0);
    assert_eq!(run.json(), json!({"active": second}));
    let list = desk.run(&["--json", "profile", "list"], "").json();
    assert_eq!(list[0]["active"], json!(false));
    assert_eq!(list[1]["active"], json!(true));
    let run = desk.run(&["profile", "use", "no-such-profile"], "");
    run.expect(2);
    assert!(run.stderr.contains("no-such-profile"), "{}", run.stderr);

    // Test: Vault fetches the RSA key with the stored token.
    let run = desk.run(&["--json", "profile", "test", &name], "");
    run.expect(0);
    let v = run.json();
    assert_eq!(v["ok"], json!(true));
    assert_eq!(v["profile"], json!(name));
    assert!(v["message"].as_str().unwrap().contains("RSA key"), "{v}");
    let run = desk.run(&["profile", "test", &second], "");
    run.expect(0);
    assert!(run.stdout.contains("1024 bits"), "{}", run.stdout);

    // Remove: the keyring entry goes with it; the profile is then unknown (bad input, 2).
    let run = desk.run(&["--json", "profile", "remove", &name], "");
    run.expect(0);
    assert_eq!(run.json(), json!({"removed": name}));
    assert_eq!(keyring_entry(&name, "access-token"), None);
    let run = desk.run(
        &[
            "vault",
            "send-code",
            "--profile",
            &name,
            "--card",
            &VAULT_CARD.to_string(),
        ],
        "",
    );
    run.expect(2);
    assert!(run.stderr.contains(&format!("no profile named {name}")));
    assert!(!sb.sms_sent(VAULT_CARD), "nothing may be sent");
    let run = desk.run(&["profile", "show", &name], "");
    run.expect(2);

    // A keyring entry lost behind PinDesk's back: credentials missing, 4, nothing sent.
    clear_keyring_entry(&second, "access-token");
    let run = desk.run(
        &[
            "--json",
            "vault",
            "send-code",
            "--profile",
            &second,
            "--card",
            &VAULT_CARD.to_string(),
        ],
        "",
    );
    run.expect(4);
    let e = run.error_json();
    assert_eq!(e["category"], json!("credentials"));
    assert!(
        e["message"].as_str().unwrap().contains("access token"),
        "{e}"
    );
    assert!(!sb.sms_sent(VAULT_CARD), "nothing may be sent");
    let shown = desk.run(&["--json", "profile", "show", &second], "");
    assert_eq!(
        shown.json()["secrets"],
        json!([["access-token", "missing"]])
    );
    desk.run(&["profile", "remove", &second], "").expect(0);

    desk.assert_no_secrets(&[("Vault access token", &sb.canaries.vault_token)]);
}

#[test]
fn vault_sign_in_profile_reads_phone_then_password_and_signs_in() {
    require_secret_service();
    if !tool("secret-tool") {
        return;
    }
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vs");
    let run = desk.run(
        &[
            "--json",
            "profile",
            "add",
            &name,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
            "--sign-in",
            "--merchant-id",
            &sb.canaries.merchant_id,
            "--rsa-padding",
            "pkcs1",
        ],
        // Windows line endings are not part of the secrets.
        &format!("{}\r\n{}\r\n", sb.canaries.phone, sb.canaries.password),
    );
    run.expect(0);
    let view = run.json();
    assert_eq!(
        view["secrets"],
        json!([["sign-in-phone", "stored"], ["sign-in-password", "stored"]])
    );
    assert_eq!(
        view["profile"]["vault"]["merchant_id"],
        json!(sb.canaries.merchant_id)
    );
    assert_eq!(
        keyring_entry(&name, "sign-in-phone").as_deref(),
        Some(sb.canaries.phone.as_str())
    );
    assert_eq!(
        keyring_entry(&name, "sign-in-password").as_deref(),
        Some(sb.canaries.password.as_str())
    );

    let run = desk.run(&["profile", "show", &name], "");
    run.expect(0);
    assert!(
        run.stdout.contains("auth:         sign-in"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("sign-in-phone: stored, sign-in-password: stored"));

    // Test signs in (the sandbox accepts only its phone and password) and fetches the key.
    let run = desk.run(&["profile", "test", &name], "");
    run.expect(0);
    assert!(run.stdout.contains("RSA key"), "{}", run.stdout);
    // The obtained token is kept in the keyring for the next run (it carries the sandbox's prefix,
    // which assert_no_secrets searches every output and file for).
    assert!(keyring_entry(&name, "access-token").is_some_and(|t| t.contains("sbx_at_")));

    // Remove deletes every entry, the obtained tokens included.
    desk.run(&["profile", "remove", &name], "").expect(0);
    for kind in [
        "sign-in-phone",
        "sign-in-password",
        "access-token",
        "refresh-token",
    ] {
        assert_eq!(keyring_entry(&name, kind), None, "{kind} left behind");
    }

    desk.assert_no_secrets(&[
        ("sign-in password", &sb.canaries.password),
        ("sign-in phone number", &sb.canaries.phone),
    ]);
}

#[test]
fn a_wrong_sign_in_password_is_a_credentials_error() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("vsw");
    let wrong = "CanaryWrongPw7q";
    desk.run(
        &[
            "profile",
            "add",
            &name,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
            "--sign-in",
            "--merchant-id",
            &sb.canaries.merchant_id,
        ],
        &format!("{}\n{wrong}\n", sb.canaries.phone),
    )
    .expect(0);
    let run = desk.run(&["--json", "profile", "test", &name], "");
    run.expect(4);
    assert_eq!(run.error_json()["category"], json!("credentials"));
    desk.run(&["profile", "remove", &name], "").expect(0);
    desk.assert_no_secrets(&[("wrong password", wrong), ("phone", &sb.canaries.phone)]);
}

#[test]
fn solid_profile_lifecycle() {
    require_secret_service();
    if !tool("secret-tool") {
        return;
    }
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("sk");
    let run = desk.run(
        &[
            "--json",
            "profile",
            "add",
            &name,
            "--provider",
            "solid",
            "--env",
            sb.base_url(),
            "--pin-endpoint",
            sb.base_url(),
            "--display-name",
            "Solid ops",
        ],
        &format!("{}\n", sb.canaries.solid_api_key),
    );
    run.expect(0);
    let view = run.json();
    assert_eq!(view["profile"]["provider"], json!("solid"));
    assert_eq!(view["profile"]["display_name"], json!("Solid ops"));
    assert_eq!(view["secrets"], json!([["api-key", "stored"]]));
    assert_eq!(
        keyring_entry(&name, "api-key").as_deref(),
        Some(sb.canaries.solid_api_key.as_str())
    );

    let run = desk.run(&["profile", "show", &name], "");
    run.expect(0);
    assert!(run
        .stdout
        .contains(&format!("pin endpoint: {}", sb.base_url())));
    assert!(run.stdout.contains("api-key: stored"));

    // Solid's test needs a card to request a PIN token for.
    let run = desk.run(&["--json", "profile", "test", &name], "");
    run.expect(2);
    assert_eq!(run.error_json()["field"], json!("card_id"));
    let run = desk.run(
        &["--json", "profile", "test", &name, "--card", SOLID_CARD],
        "",
    );
    run.expect(0);
    assert_eq!(run.json()["ok"], json!(true));
    assert!(
        !run.stdout.contains("card_pin_test_"),
        "the token is not shown"
    );
    // An unknown card: Solid refuses (3).
    let run = desk.run(
        &[
            "profile",
            "test",
            &name,
            "--card",
            "crd_00000000000000000000000000000000",
        ],
        "",
    );
    run.expect(3);

    desk.run(&["profile", "use", &name], "").expect(0);
    desk.run(&["profile", "remove", &name], "").expect(0);
    assert_eq!(keyring_entry(&name, "api-key"), None);
    let run = desk.run(&["--json", "profile", "list"], "");
    run.expect(0);
    assert_eq!(run.json(), json!([]));
    let run = desk.run(&["profile", "list"], "");
    assert!(run.stdout.contains("No profiles"), "{}", run.stdout);

    desk.assert_no_secrets(&[("Solid API key", &sb.canaries.solid_api_key)]);
}

/// Runs `profile add` expecting bad input: exit 2, the field named, nothing written to the
/// config dir and no keyring entry.
#[track_caller]
fn refused(args: &[&str], stdin: &str, field: &str) {
    let desk = Desk::new();
    let before = desk.config_files();
    let mut all = vec!["--json", "profile", "add"];
    all.extend_from_slice(args);
    let run = desk.run(&all, stdin);
    run.expect(2);
    let e = run.error_json();
    assert_eq!(e["category"], json!("validation"), "{e}");
    assert_eq!(e["field"], json!(field), "{e}");
    assert!(!e["message"].as_str().unwrap().is_empty());
    assert_eq!(desk.config_files(), before, "the config dir changed");
    assert!(!desk.config.path().join("profiles.toml").exists());
    // The human form names the problem too.
    let mut human = vec!["profile", "add"];
    human.extend_from_slice(args);
    let run = desk.run(&human, stdin);
    run.expect(2);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert_eq!(desk.config_files(), before, "the config dir changed");
    desk.assert_no_secrets(&[("secret", "canary-bad-input-secret")]);
}

#[test]
fn bad_profile_input_is_refused_and_writes_nothing() {
    const MERCHANT: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    require_secret_service();
    if !tool("secret-tool") {
        return;
    }
    let secret = "canary-bad-input-secret\n";
    let name = unique("bad");
    let loopback = "http://127.0.0.1:9";
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        // Bad names.
        (
            vec!["Bad_Name", "--provider", "vault", "--env", loopback],
            secret,
            "name",
        ),
        (
            vec!["--provider", "vault", "--env", loopback, "--", "-x"],
            secret,
            "name",
        ),
        // Plain http to a non-loopback host (never resolved, never contacted).
        (
            vec![&name, "--provider", "vault", "--env", "http://example.com"],
            secret,
            "environment",
        ),
        (
            vec![&name, "--provider", "solid", "--env", "ftp://127.0.0.1"],
            secret,
            "environment",
        ),
        (
            vec![
                &name,
                "--provider",
                "solid",
                "--env",
                loopback,
                "--pin-endpoint",
                "http://example.com",
            ],
            secret,
            "pin_endpoint",
        ),
        // Bad padding, bad merchant id.
        (
            vec![
                &name,
                "--provider",
                "vault",
                "--env",
                loopback,
                "--rsa-padding",
                "oaep-md5",
            ],
            secret,
            "rsa_padding",
        ),
        (
            vec![
                &name,
                "--provider",
                "vault",
                "--env",
                loopback,
                "--merchant-id",
                "not-a-uuid",
            ],
            secret,
            "merchant_id",
        ),
        // Flags of the other provider.
        (
            vec![
                &name,
                "--provider",
                "vault",
                "--env",
                loopback,
                "--pin-endpoint",
                loopback,
            ],
            secret,
            "pin_endpoint",
        ),
        (
            vec![
                &name,
                "--provider",
                "solid",
                "--env",
                loopback,
                "--rsa-padding",
                "pkcs1",
            ],
            secret,
            "rsa_padding",
        ),
        (
            vec![&name, "--provider", "solid", "--env", loopback, "--sign-in"],
            secret,
            "sign_in",
        ),
        (
            vec![
                &name,
                "--provider",
                "solid",
                "--env",
                loopback,
                "--merchant-id",
                "6f1c2f0e-8d5b-4c61-9a57-2b0d7e4c9a13",
            ],
            secret,
            "merchant_id",
        ),
        // Empty secrets: a blank line, or no line at all.
        (
            vec![&name, "--provider", "vault", "--env", loopback],
            "\n",
            "access-token",
        ),
        (
            vec![&name, "--provider", "vault", "--env", loopback],
            "",
            "access-token",
        ),
        (
            vec![&name, "--provider", "solid", "--env", loopback],
            "  \n",
            "api-key",
        ),
        (
            vec![
                &name,
                "--provider",
                "vault",
                "--env",
                loopback,
                "--sign-in",
                "--merchant-id",
                MERCHANT,
            ],
            "+15550100000\n",
            "sign-in-password",
        ),
        (
            vec![
                &name,
                "--provider",
                "vault",
                "--env",
                loopback,
                "--sign-in",
                "--merchant-id",
                MERCHANT,
            ],
            "\nCanaryPw\n",
            "sign-in-phone",
        ),
        // Vault requires X-Merchant-ID to sign in: a sign-in without it is refused up front.
        (
            vec![&name, "--provider", "vault", "--env", loopback, "--sign-in"],
            "+15550100000\nCanaryPw\n",
            "merchant_id",
        ),
    ];
    for (args, stdin, field) in cases {
        refused(&args, stdin, field);
    }
    for kind in [
        "access-token",
        "api-key",
        "sign-in-phone",
        "sign-in-password",
    ] {
        assert_eq!(keyring_entry(&name, kind), None, "{kind} was stored");
    }
}

#[test]
fn adding_a_profile_twice_keeps_the_first_secret() {
    require_secret_service();
    if !tool("secret-tool") {
        return;
    }
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let name = unique("dup");
    add_vault_token_profile(&desk, &sb, &name);
    let before = desk.config_files();
    let run = desk.run(
        &[
            "--json",
            "profile",
            "add",
            &name,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
        ],
        "canary-second-token\n",
    );
    run.expect(2);
    assert!(run.error_json()["message"]
        .as_str()
        .unwrap()
        .contains("exists already"));
    assert_eq!(desk.config_files(), before);
    assert_eq!(
        keyring_entry(&name, "access-token").as_deref(),
        Some(sb.canaries.vault_token.as_str()),
        "the stored token was replaced"
    );
    desk.run(&["profile", "remove", &name], "").expect(0);
    desk.assert_no_secrets(&[
        ("access token", &sb.canaries.vault_token),
        ("second token", "canary-second-token"),
    ]);
}

/// Command lines clap refuses: exit 2; with `--json` a JSON error naming the argument.
#[test]
fn usage_errors_exit_2_and_are_json_with_json() {
    let desk = Desk::new();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--json",
                "profile",
                "add",
                "ops",
                "--provider",
                "paypal",
                "--env",
                "sandbox",
            ],
            "provider",
        ),
        (
            &["--json", "profile", "add", "ops", "--env", "sandbox"],
            "provider",
        ),
        (
            &["--json", "vault", "send-code", "--profile", "ops"],
            "card",
        ),
        (
            &[
                "vault",
                "send-code",
                "--card",
                "1",
                "--json",
                "--pin",
                "1234",
            ],
            "pin",
        ),
    ];
    for (args, field) in cases {
        let run = desk.run(args, "");
        run.expect(2);
        let e = run.error_json();
        assert_eq!(e["category"], json!("validation"), "{e}");
        assert_eq!(e["field"], json!(field), "{e}");
        assert!(run.stdout.is_empty());
    }
    // No such profile, and none active: bad input pointing at the profile.
    for args in [
        &[
            "--json",
            "vault",
            "send-code",
            "--profile",
            "nope",
            "--card",
            "1",
        ][..],
        &["--json", "vault", "send-code", "--card", "1"],
        &["--json", "solid", "pin-token", "--card", SOLID_CARD],
        &["--json", "profile", "show", "Nope"],
    ] {
        let run = desk.run(args, "");
        run.expect(2);
        assert_eq!(run.error_json()["field"], json!("profile"), "{args:?}");
    }
    // Without --json, clap's own usage text.
    let run = desk.run(&["profile", "add", "ops", "--env", "sandbox"], "");
    run.expect(2);
    assert!(run.stderr.contains("Usage:"), "{}", run.stderr);
    // Help is not an error, with or without --json.
    desk.run(&["--json", "--help"], "").expect(0);
    let run = desk.run(&["--version"], "");
    run.expect(0);
    assert!(run.stdout.starts_with("pindesk-cli "));
    assert_eq!(desk.config_files().len(), 0);
}

#[test]
fn a_plain_http_profile_is_shown_as_not_encrypted() {
    require_secret_service();
    let sb = TestSandbox::start();
    let desk = Desk::new();
    let local = unique("plain");
    let remote = unique("tls");
    for (name, env) in [(&local, sb.base_url()), (&remote, "sandbox")] {
        desk.run(
            &["profile", "add", name, "--provider", "vault", "--env", env],
            &format!("{}\n", sb.canaries.vault_token),
        )
        .expect(0);
    }

    let run = desk.run(&["profile", "show", &local], "");
    run.expect(0);
    assert!(
        run.stdout.contains(
            "warning:      plain HTTP, not encrypted (environment): only for a local forwarder or test server"
        ),
        "{}",
        run.stdout
    );
    let shown = desk.run(&["--json", "profile", "show", &local], "").json();
    assert_eq!(
        shown["warnings"].as_array().map(Vec::len),
        Some(1),
        "{shown}"
    );

    let run = desk.run(&["profile", "show", &remote], "");
    run.expect(0);
    assert!(!run.stdout.contains("warning:"), "{}", run.stdout);
    let shown = desk.run(&["--json", "profile", "show", &remote], "").json();
    assert_eq!(shown["warnings"], json!([]));

    for name in [&local, &remote] {
        desk.run(&["profile", "remove", name], "").expect(0);
    }
}
