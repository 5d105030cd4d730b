//! Kiosk mode and the single instance: the kiosk window fills the screen without decorations,
//! offers no credential editing, ignores the context menu and reload, and empties its form
//! after the idle timeout (made short by a system config file); a machine-wide config forces the
//! kiosk over the command line; a second `pindesk` hands over to the first and exits.

use crate::operator::field_value;
use pindesk_e2e::harness::App;
use pindesk_e2e::paths;
use pindesk_e2e::webdriver::DEFAULT_WAIT;
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// WebDriver key codes this file needs beyond `webdriver::keys`.
const CONTROL: &str = "\u{E009}";
const SHIFT: &str = "\u{E008}";
const F5: &str = "\u{E035}";

/// Presses `keys` together (held in order, released in reverse).
fn chord(app: &App, keys: &[&str]) {
    let mut actions: Vec<Value> = keys
        .iter()
        .map(|k| json!({ "type": "keyDown", "value": k }))
        .collect();
    actions.extend(
        keys.iter()
            .rev()
            .map(|k| json!({ "type": "keyUp", "value": k })),
    );
    app.command(
        "POST",
        "/actions",
        Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
    )
    .expect("key actions");
    app.command("DELETE", "/actions", None).ok();
}

/// The first text field on the shown screen, created there if the screen has none, with
/// `value` typed into it; returns its CSS selector.
fn type_into_a_field(app: &App, value: &str) -> String {
    let selector = app
        .execute(
            "const screen = document.querySelector('[data-screen]');\
             let field = screen.querySelector('input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([readonly])');\
             if (!field) {\
               field = document.createElement('input');\
               field.setAttribute('aria-label', 'test field');\
               screen.append(field);\
             }\
             field.setAttribute('data-e2e-field', '');\
             return '[data-e2e-field]';",
            vec![],
        )
        .as_str()
        .expect("a selector")
        .to_owned();
    let field = app.find(&selector);
    app.click(&field);
    app.command(
        "POST",
        &format!("/element/{}/value", field.0),
        Some(json!({ "text": value })),
    )
    .expect("type into the field");
    selector
}

/// A system config file (in a temp dir) with `text`, for `PINDESK_SYSTEM_CONFIG`.
fn system_config(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("config.toml"), text).expect("write system config");
    dir
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn kiosk_is_fullscreen_undecorated_and_locked() {
    let app = App::launch(
        "kiosk_is_fullscreen_undecorated_and_locked",
        &["--kiosk", "--demo"],
    );

    // The marker, and no credential, settings or history screen to reach.
    let marker = app.find("[data-status-bar] [data-mode=\"kiosk\"]");
    assert_eq!(app.text(&marker), "Kiosk");
    for hidden in ["credentials", "settings", "history"] {
        assert!(
            app.try_find(&format!("[data-nav=\"{hidden}\"]")).is_none(),
            "a kiosk offers the {hidden} screen"
        );
    }
    assert!(app.try_find("[data-nav=\"vault\"]").is_some());

    // Fullscreen and undecorated, as the window system reports it to the app, and the page
    // fills the screen.
    app.wait_for(
        "the app to log its window fullscreen and undecorated",
        DEFAULT_WAIT,
        || {
            app.log()
                .lines()
                .find(|l| l.contains("main window created"))
                .map(str::to_owned)
        },
    );
    let line = app
        .log()
        .lines()
        .find(|l| l.contains("main window created"))
        .unwrap()
        .to_owned();
    assert!(
        line.contains("fullscreen=true") && line.contains("decorated=false"),
        "{line}"
    );
    app.wait_for("the page to fill the screen", DEFAULT_WAIT, || {
        let size = app.execute(
            "return [window.innerWidth, window.innerHeight, screen.width, screen.height];",
            vec![],
        );
        (size[0] == size[2] && size[1] == size[3]).then_some(())
    });

    // The context menu is cancelled.
    let prevented = app.execute(
        "const e = new MouseEvent('contextmenu', { bubbles: true, cancelable: true, button: 2 });\
         document.querySelector('[data-screen]').dispatchEvent(e);\
         return e.defaultPrevented;",
        vec![],
    );
    assert_eq!(
        prevented,
        Value::Bool(true),
        "the context menu was not cancelled"
    );

    // Reload does nothing: what was typed and the page's own state survive F5, Ctrl+R and
    // Ctrl+Shift+R, and each of those keys had its default action cancelled.
    let field = type_into_a_field(&app, "1234435");
    app.execute(
        "window.__pindeskNoReload = true; window.__pindeskKeys = [];\
         window.addEventListener('keydown', (e) => window.__pindeskKeys.push(\
           [e.key.toLowerCase(), e.ctrlKey, e.shiftKey, e.defaultPrevented]));",
        vec![],
    );
    chord(&app, &[F5]);
    chord(&app, &[CONTROL, "r"]);
    chord(&app, &[CONTROL, SHIFT, "r"]);
    app.wait_for("the three keys to reach the page", DEFAULT_WAIT, || {
        let keys = app.execute("return window.__pindeskKeys || [];", vec![]);
        let pressed: Vec<&Value> = keys
            .as_array()?
            .iter()
            .filter(|k| k[0] == "f5" || k[0] == "r")
            .collect();
        (pressed.len() >= 3).then(|| {
            for key in pressed {
                assert_eq!(key[3], Value::Bool(true), "not cancelled: {key}");
            }
        })
    });
    assert_eq!(
        app.execute("return window.__pindeskNoReload === true;", vec![]),
        Value::Bool(true),
        "the page was reloaded"
    );
    assert_eq!(field_value(&app, &field).as_deref(), Some("1234435"));
    app.screenshot("kiosk");
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn system_config_forces_the_kiosk_and_idle_empties_the_form() {
    // Started without --kiosk: the machine-wide file makes it a kiosk, with a 3 s timeout.
    let config = system_config("kiosk = true\nidle_timeout_secs = 3\n");
    let path = config.path().join("config.toml");
    let app = App::launch_with(
        "system_config_forces_the_kiosk_and_idle_empties_the_form",
        &["--demo"],
        &[("PINDESK_SYSTEM_CONFIG", path.as_os_str())],
    );
    app.find("[data-status-bar] [data-mode=\"kiosk\"]");
    let info = app.execute_async(
        "const done = arguments[arguments.length - 1];\
         window.__TAURI_INTERNALS__.invoke('app_info', {}).then(done, (e) => done(String(e)));",
    );
    assert_eq!(info["mode"], "kiosk", "{info}");
    assert_eq!(info["idle_timeout_secs"], 3, "{info}");

    let field = type_into_a_field(&app, "123321");
    let typed = Instant::now();
    assert_eq!(field_value(&app, &field).as_deref(), Some("123321"));
    app.wait_for(
        "the idle timeout to clear the form",
        Duration::from_secs(20),
        || field_value(&app, &field).is_none().then_some(()),
    );
    assert!(
        typed.elapsed() >= Duration::from_millis(2500),
        "cleared too early: {:?}",
        typed.elapsed()
    );
    let note = app.find("[data-idle-note]");
    assert!(app.text(&note).contains("inactivity"));
    let screen = app.find("[data-screen]");
    assert_eq!(
        app.attribute(&screen, "data-screen").as_deref(),
        Some("vault")
    );
    let empty = app.execute(
        "return [...document.querySelectorAll('[data-screen] input')]\
           .filter((i) => i.type !== 'checkbox' && i.type !== 'radio')\
           .every((i) => i.value === '');",
        vec![],
    );
    assert_eq!(empty, Value::Bool(true), "a field kept its value");
    let log_file = app.data_dir().join("logs/pindesk.log");
    app.wait_for("the app to forget its secrets", DEFAULT_WAIT, || {
        std::fs::read_to_string(&log_file)
            .ok()
            .filter(|log| log.contains("secrets held in memory cleared"))
    });
    app.screenshot("cleared");
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn a_second_start_focuses_the_first_and_exits() {
    let app = App::launch("a_second_start_focuses_the_first_and_exits", &["--demo"]);
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the single-instance check needs a session bus: run under dbus-run-session"
    );
    let windows_before = count_windows(&app);
    assert!(windows_before >= 1, "the first window is not there");

    // The same user, session bus, display and data folders as the running app.
    let started = Instant::now();
    let mut second = Command::new(paths::app_binary())
        .arg("--demo")
        .env("PINDESK_CONFIG_DIR", app.config_dir())
        .env("PINDESK_DATA_DIR", app.data_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a second pindesk");
    let status = loop {
        if let Some(status) = second.try_wait().expect("wait for the second pindesk") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            second.kill().ok();
            second.wait().ok();
            panic!("the second pindesk was still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the second pindesk exited with {status}");

    let log_file = app.data_dir().join("logs/pindesk.log");
    app.wait_for("the first app to be told", DEFAULT_WAIT, || {
        std::fs::read_to_string(&log_file)
            .ok()
            .filter(|log| log.contains("second start: focused the running window"))
    });
    assert_eq!(
        count_windows(&app),
        windows_before,
        "the second start opened a window"
    );
    // The first app still answers.
    assert_eq!(app.title(), "PinDesk");
}

/// How many top-level windows are titled PinDesk.
fn count_windows(app: &App) -> usize {
    app.window_titles()
        .iter()
        .filter(|t| t.as_str() == "PinDesk")
        .count()
}
