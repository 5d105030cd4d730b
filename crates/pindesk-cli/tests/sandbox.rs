//! `pindesk-cli sandbox`: runs the provider sandbox in the foreground on 127.0.0.1, prints its
//! banner and credentials, serves both providers, and stops cleanly on SIGTERM.
#![cfg(unix)]

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn sandbox_command_serves_on_loopback_and_stops_on_sigterm() {
    // The profile over the sandbox keeps its token in the keyring.
    require_secret_service();
    let desk = Desk::new();
    let mut child = desk
        .command(&[
            "sandbox",
            "--port",
            "0",
            "--vault-token",
            "sbx-cli-token",
            "--key-bits",
            "1024",
        ])
        .stdin(Stdio::null())
        .spawn()
        .expect("start the sandbox");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a banner").expect("a line");
    let base = first
        .strip_prefix("PinDesk sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected banner: {first}"))
        .trim()
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    // The banner ends with the controls line; the process then keeps serving (stdout open).
    let mut banner = String::new();
    for line in lines.by_ref().take(40).map_while(Result::ok) {
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("Sandbox controls under ") {
            break;
        }
    }
    assert!(banner.contains("Sandbox controls under "), "{banner}");
    assert!(banner.contains("1234435"), "{banner}");
    assert!(banner.contains("sbx-cli-token"), "{banner}");

    // It serves Vault with the given token: a profile over it works end to end.
    let name = unique("sbxcmd");
    desk.run(
        &[
            "profile",
            "add",
            &name,
            "--provider",
            "vault",
            "--env",
            &base,
        ],
        "sbx-cli-token\n",
    )
    .expect(0);
    desk.run(&["profile", "test", &name], "").expect(0);
    desk.run(&["profile", "remove", &name], "").expect(0);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    let out = wait_output(child, Duration::from_secs(20));
    assert_eq!(
        out.status.code(),
        Some(0),
        "the sandbox did not stop cleanly"
    );

    // Only loopback: a bad option is refused with 2.
    let run = desk.run(&["sandbox", "--key-bits", "100"], "");
    run.expect(2);
}
