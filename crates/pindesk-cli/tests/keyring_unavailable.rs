//! `pindesk-cli` without a usable keyring: a session bus with no Secret Service on it, and no
//! session bus at all. Adding a profile exits 4 with the cause and the fix, and writes nothing
//! to the config dir; a command that needs a stored secret exits 4 and sends nothing.
#![cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]

mod common;

use common::*;
use serde_json::json;
use std::process::Command;

/// The start of the message for "no Secret Service".
const NO_SERVICE: &str =
    "No Secret Service is running: install and unlock GNOME Keyring or KeePassXC";

/// A private session bus that can activate no service (the standard configuration would
/// start gnome-keyring on demand). Stopped when dropped.
struct BareBus {
    address: String,
    pid: String,
    _dir: tempfile::TempDir,
}

impl BareBus {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("session.conf");
        std::fs::write(
            &conf,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let out = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", conf.display()))
            .args(["--fork", "--print-address=1", "--print-pid=1"])
            .output()
            .expect("start dbus-daemon");
        assert!(out.status.success(), "dbus-daemon failed to start");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = text.lines();
        let address = lines.next().expect("bus address").trim().to_owned();
        let pid = lines.next().expect("bus pid").trim().to_owned();
        assert!(address.starts_with("unix:"), "{address}");
        assert!(pid.bytes().all(|b| b.is_ascii_digit()), "{pid}");
        Self {
            address,
            pid,
            _dir: dir,
        }
    }
}

impl Drop for BareBus {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(&self.pid).status();
    }
}

/// A desk whose CLI sees no X11/Wayland display (no bus autolaunch) and a private HOME.
fn desk_without_display(home: &tempfile::TempDir) -> Desk {
    Desk::new()
        .env("DISPLAY", None)
        .env("WAYLAND_DISPLAY", None)
        .env("HOME", Some(home.path().to_str().unwrap()))
}

/// Writes a profiles file holding one Vault token profile, as `profile add` would have.
fn write_vault_profile(desk: &Desk, name: &str, base: &str) {
    std::fs::write(
        desk.config.path().join("profiles.toml"),
        format!(
            "active = \"{name}\"\n\n[[profiles]]\nid = \"{name}\"\ndisplay_name = \"{name}\"\n\
             provider = \"vault\"\nenvironment = \"{base}\"\n"
        ),
    )
    .unwrap();
}

/// `profile add` and a Vault call in `desk`: both exit 4 naming the cause and the fix, and
/// neither writes to the config dir or sends anything.
fn assert_keyring_unavailable(desk: &Desk) {
    let sb = TestSandbox::start();
    let name = unique("nokeyring");
    let secret = "canary-unstored-token-8w";

    for provider in ["vault", "solid"] {
        let run = desk.run(
            &[
                "profile",
                "add",
                &name,
                "--provider",
                provider,
                "--env",
                sb.base_url(),
            ],
            &format!("{secret}\n"),
        );
        run.expect(4);
        assert!(
            run.stderr.starts_with(&format!("error: {NO_SERVICE}")),
            "{}",
            run.stderr
        );
        assert!(!desk.config.path().join("profiles.toml").exists());
    }
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
            "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        ],
        &format!("+15550100000\n{secret}\n"),
    );
    run.expect(4);
    let e = run.error_json();
    assert_eq!(e["category"], json!("credentials"));
    assert!(
        e["message"].as_str().unwrap().starts_with(NO_SERVICE),
        "{e}"
    );
    assert_eq!(
        desk.config_files().len(),
        0,
        "the config dir was written to"
    );

    // A stored token profile cannot send: 4, and nothing reaches Vault.
    write_vault_profile(desk, &name, sb.base_url());
    let before = desk.config_files();
    let card = VAULT_CARD.to_string();
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
    run.expect(4);
    let e = run.error_json();
    assert_eq!(e["category"], json!("credentials"));
    assert!(
        e["message"].as_str().unwrap().starts_with(NO_SERVICE),
        "{e}"
    );
    assert!(!sb.sms_sent(VAULT_CARD), "a request was sent");
    let run = desk.run(&["vault", "send-code", "--card", &card], "");
    run.expect(4);
    assert!(run.stderr.contains("GNOME Keyring"), "{}", run.stderr);
    // show reports the keyring as unavailable rather than failing or guessing.
    let run = desk.run(&["--json", "profile", "show", &name], "");
    run.expect(0);
    assert_eq!(
        run.json()["secrets"],
        json!([["access-token", "unavailable"]])
    );
    // remove cannot delete the keyring entries, so it keeps the profile.
    let run = desk.run(&["profile", "remove", &name], "");
    run.expect(4);
    assert_eq!(desk.config_files(), before, "the config dir changed");
    desk.assert_no_secrets(&[("token", secret), ("phone", "+15550100000")]);
}

#[test]
fn a_session_bus_without_secret_service() {
    if !tool("dbus-daemon") {
        return;
    }
    let bus = BareBus::start();
    let home = tempfile::tempdir().unwrap();
    let desk = desk_without_display(&home).env("DBUS_SESSION_BUS_ADDRESS", Some(&bus.address));
    assert_keyring_unavailable(&desk);
}

#[test]
fn no_session_bus_at_all() {
    let home = tempfile::tempdir().unwrap();
    let missing = format!("unix:path={}", home.path().join("no-bus-here").display());
    let desk = desk_without_display(&home).env("DBUS_SESSION_BUS_ADDRESS", Some(&missing));
    assert_keyring_unavailable(&desk);

    // No address at all and an empty runtime dir: nothing to find a bus with.
    let runtime = tempfile::tempdir().unwrap();
    let desk = desk_without_display(&home)
        .env("DBUS_SESSION_BUS_ADDRESS", None)
        .env("XDG_RUNTIME_DIR", Some(runtime.path().to_str().unwrap()));
    assert_keyring_unavailable(&desk);
}
