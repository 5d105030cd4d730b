//! The Credentials screen against a real keyring: a Solid profile is added in the app (its API
//! key goes to the Secret Service), listed with the key only as "stored", tested against a
//! sandbox, made to fail with a wrong key (the clear credentials error), the active profile
//! switched (the status bar follows) and the profile removed after a confirmation.

use crate::operator::{assert_no_secret_leaked, record_replies};
use pindesk_e2e::harness::App;
use pindesk_e2e::paths;
use pindesk_e2e::webdriver::{Element, DEFAULT_WAIT};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The sandbox's Solid card (seeded, active).
const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
/// The API key the test sandbox accepts (a throwaway value, not a real credential).
const API_KEY: &str = "sk_test_e2e_credentials_0123456789";
/// A key the sandbox refuses.
const WRONG_KEY: &str = "sk_test_e2e_wrong_key_9876543210";

/// A `pindesk-cli sandbox` on a free loopback port, stopped when dropped.
struct SandboxProcess {
    child: Child,
    base_url: String,
}

impl SandboxProcess {
    fn start() -> SandboxProcess {
        let cli = paths::cli_binary();
        assert!(
            cli.is_file(),
            "{} does not exist: build it first (cargo build -p pindesk-cli)",
            cli.display()
        );
        let mut child = Command::new(&cli)
            .args([
                "sandbox",
                "--port",
                "0",
                "--solid-api-key",
                API_KEY,
                "--key-bits",
                "1024",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pindesk-cli sandbox");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines
            .next()
            .expect("the sandbox prints its banner")
            .expect("a line");
        let base_url = first
            .strip_prefix("PinDesk sandbox listening on ")
            .unwrap_or_else(|| panic!("unexpected sandbox banner: {first}"))
            .trim()
            .to_owned();
        // Keep reading the banner in the background so the sandbox never blocks on stdout.
        std::thread::spawn(move || for _ in lines {});
        SandboxProcess { child, base_url }
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Whether the session bus has a Secret Service.
fn secret_service_on_bus() -> bool {
    Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ])
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        .unwrap_or(false)
}

/// Makes sure an unlocked Secret Service answers on this test's private session bus (the E2E
/// run has its own `dbus-run-session` and temporary HOME): starts GNOME Keyring with a
/// throwaway "login" keyring unless one is there already. It ends with the session bus.
pub fn ensure_secret_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the E2E tests under dbus-run-session (see scripts/test.sh)"
    );
    if secret_service_on_bus() {
        return;
    }
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gnome-keyring-daemon (Debian package gnome-keyring)");
    {
        use std::io::Write as _;
        let mut stdin = daemon.stdin.take().expect("stdin");
        stdin
            .write_all(b"pindesk-e2e-keyring")
            .expect("unlock password");
    }
    daemon.wait().ok();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !secret_service_on_bus() {
        assert!(
            Instant::now() < deadline,
            "gnome-keyring-daemon did not appear on the session bus"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Types `text` into the field matching `css` with the keyboard.
fn type_into(app: &App, css: &str, text: &str) {
    let field = app.find(css);
    app.click(&field);
    let chars: Vec<char> = text.chars().collect();
    app.press(&chars);
}

/// Picks `value` in the `<select>` matching `css`, as a change by the operator.
fn choose(app: &App, css: &str, value: &str) {
    app.find(css);
    app.execute(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1];\
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![Value::from(css), Value::from(value)],
    );
}

/// The profile item for `id`, once listed.
fn profile_item(app: &App, id: &str) -> Element {
    app.find(&format!("[data-profile-list] [data-profile-id=\"{id}\"]"))
}

/// Waits for the test result of profile `id` to settle and returns (ok, text).
fn test_result(app: &App, id: &str) -> (bool, String) {
    let css = format!("[data-profile-id=\"{id}\"] [data-test-result]");
    app.wait_for(
        &format!("the connection test of {id} to finish"),
        Duration::from_secs(30),
        || {
            let el = app.try_find(&css)?;
            match app.attribute(&el, "data-ok").as_deref() {
                Some("true") => Some((true, app.text(&el))),
                Some("false") => Some((false, app.text(&el))),
                _ => None,
            }
        },
    )
}

/// The whole page's markup and every field's value.
fn page_text(app: &App) -> String {
    app.execute(
        "return document.documentElement.outerHTML + '\\n' +\
         [...document.querySelectorAll('input')].map((i) => i.value).join('\\n');",
        vec![],
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// The status bar's profile text, read in one step (the bar is redrawn when the active
/// profile changes, so an element found a moment earlier may be gone).
fn status_bar_profile(app: &App) -> String {
    app.execute(
        "const e = document.querySelector('[data-status-bar] .status-bar__profile');\
         return e ? e.textContent : '';",
        vec![],
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn credentials_add_test_wrong_key_use_and_remove() {
    pindesk_e2e::harness::require_enabled("credentials_add_test_wrong_key_use_and_remove");
    ensure_secret_service();
    let sandbox = SandboxProcess::start();
    let app = App::launch("credentials_add_test_wrong_key_use_and_remove", &["--demo"]);
    record_replies(&app);
    app.click(&app.find("[data-nav=\"credentials\"]"));
    profile_item(&app, "demo-vault");
    let demo = profile_item(&app, "demo-solid");
    assert!(
        app.text(&demo).contains("DEMO"),
        "the demo profile shows its badge"
    );
    assert!(
        app.try_find("[data-profile-id=\"demo-solid\"] [data-action=\"edit\"]")
            .is_none(),
        "a demo profile cannot be edited"
    );
    app.screenshot("1-list");

    // Add a Solid profile on the sandbox.
    app.click(&app.find("[data-action=\"add\"]"));
    app.find("[data-form=\"profile\"][data-mode=\"add\"]");
    type_into(&app, "#profile-id", "e2e-solid");
    type_into(&app, "#profile-display-name", "E2E Solid");
    choose(&app, "#profile-provider", "solid");
    choose(&app, "#profile-environment-kind", "custom");
    type_into(&app, "#profile-base-url", &sandbox.base_url);
    type_into(&app, "#profile-api-key", API_KEY);
    let key_type = app.attribute(&app.find("#profile-api-key"), "type");
    assert_eq!(key_type.as_deref(), Some("password"), "the key is masked");
    app.screenshot("2-add-form");
    app.click(&app.find("[data-form=\"profile\"] [data-action=\"save\"]"));

    // Listed, with the key shown only as "stored", and nowhere in the page or the config.
    let item = profile_item(&app, "e2e-solid");
    let secret = app.find("[data-profile-id=\"e2e-solid\"] [data-secret-kind=\"api_key\"]");
    assert_eq!(
        app.attribute(&secret, "data-secret-state").as_deref(),
        Some("stored")
    );
    assert_eq!(app.text(&secret), "API key: stored");
    assert!(app.text(&item).contains("LOCAL"));
    assert!(
        !page_text(&app).contains(API_KEY),
        "the API key is in the page"
    );
    for entry in walk(&app.config_dir()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(API_KEY),
            "the API key is in {}",
            entry.display()
        );
    }
    // The first stored profile became the active one; the status bar says so.
    app.wait_for(
        "the status bar to show the new profile",
        DEFAULT_WAIT,
        || status_bar_profile(&app).contains("E2E Solid").then_some(()),
    );
    app.screenshot("3-listed");

    // Test the connection: Solid asks for a card id.
    app.click(&app.find("[data-profile-id=\"e2e-solid\"] [data-action=\"test\"]"));
    type_into(
        &app,
        "[data-profile-id=\"e2e-solid\"] [data-form=\"test\"] input",
        SOLID_CARD,
    );
    app.click(&app.find("[data-profile-id=\"e2e-solid\"] [data-action=\"run-test\"]"));
    let (ok, words) = test_result(&app, "e2e-solid");
    assert!(ok, "the connection test failed: {words}");
    assert!(words.starts_with("Connection works"), "{words}");
    app.screenshot("4-test-ok");

    // Edit: the key field is empty and says the stored key is kept; a wrong key is stored.
    app.click(&app.find("[data-profile-id=\"e2e-solid\"] [data-action=\"edit\"]"));
    app.find("[data-form=\"profile\"][data-mode=\"edit\"]");
    let key = app.find("#profile-api-key");
    assert_eq!(
        app.execute(
            "return document.querySelector('#profile-api-key').value",
            vec![]
        ),
        Value::from("")
    );
    assert_eq!(app.attribute(&key, "type").as_deref(), Some("password"));
    let hint = app.text(&app.find("#profile-api-key-hint"));
    assert!(
        hint.contains("leave empty to keep the stored secret"),
        "{hint}"
    );
    type_into(&app, "#profile-api-key", WRONG_KEY);
    app.screenshot("5-edit-form");
    app.click(&app.find("[data-form=\"profile\"] [data-action=\"save\"]"));
    app.find("[data-notice]");
    app.wait_for("the list after saving", DEFAULT_WAIT, || {
        app.try_find("[data-form=\"profile\"]")
            .is_none()
            .then_some(())
    });

    // The wrong key gives the clear credentials error.
    app.click(&app.find("[data-profile-id=\"e2e-solid\"] [data-action=\"test\"]"));
    type_into(
        &app,
        "[data-profile-id=\"e2e-solid\"] [data-form=\"test\"] input",
        SOLID_CARD,
    );
    app.click(&app.find("[data-profile-id=\"e2e-solid\"] [data-action=\"run-test\"]"));
    let (ok, words) = test_result(&app, "e2e-solid");
    assert!(!ok, "a wrong key passed the test: {words}");
    assert!(
        words.contains("Solid refused the API key")
            && words.contains("Check the profile's API key"),
        "not the clear credentials error: {words}"
    );
    assert!(!page_text(&app).contains(WRONG_KEY));
    app.screenshot("6-wrong-key");

    // Use the demo Vault profile: the status bar follows.
    app.click(&app.find("[data-profile-id=\"demo-vault\"] [data-action=\"use\"]"));
    app.wait_for("the status bar to show Demo Vault", DEFAULT_WAIT, || {
        status_bar_profile(&app)
            .contains("Demo Vault")
            .then_some(())
    });
    let badge = app.find("[data-status-bar] [data-environment]");
    assert_eq!(app.text(&badge), "DEMO");
    app.find("[data-profile-id=\"demo-vault\"][data-active=\"true\"]");

    // Remove, after a confirmation.
    app.click(&app.find("[data-profile-id=\"e2e-solid\"] [data-action=\"remove\"]"));
    let confirm = app.find("[data-profile-id=\"e2e-solid\"] [role=\"alertdialog\"]");
    assert!(app.text(&confirm).contains("OS keyring"));
    app.screenshot("7-confirm-remove");
    app.click(&app.find("[data-action=\"confirm-remove\"]"));
    app.wait_for("the profile to be gone", DEFAULT_WAIT, || {
        app.try_find("[data-profile-id=\"e2e-solid\"]")
            .is_none()
            .then_some(())
    });
    app.screenshot("8-removed");

    // Settings shows the keyring backend in use and that it answers.
    app.click(&app.find("[data-nav=\"settings\"]"));
    let status = app.find("[data-about-item=\"status\"] [data-keyring-status]");
    assert_eq!(
        app.attribute(&status, "data-keyring-status").as_deref(),
        Some("available")
    );
    let backend = app.text(&app.find("[data-about-item=\"backend\"]"));
    assert!(!backend.is_empty());
    app.screenshot("9-settings");

    // Neither key is in any IPC reply the UI received, the app's log, or a file it wrote.
    assert_no_secret_leaked(
        &app,
        &[API_KEY, WRONG_KEY],
        &[],
        &[
            "save_profile",
            "test_profile",
            "list_profiles",
            "use_profile",
        ],
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}
