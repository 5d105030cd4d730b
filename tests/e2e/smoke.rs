//! The shell: the window, the status bar, and every navigation entry by mouse and keyboard.

use pindesk_e2e::harness::App;
use pindesk_e2e::webdriver::{keys, DEFAULT_WAIT};

/// The navigation entries and the screens they open, in order.
const SCREENS: [(&str, &str); 6] = [
    ("vault", "Vault passcode"),
    ("solid", "Solid PIN"),
    ("vault-pin", "Vault card PIN"),
    ("credentials", "Credentials"),
    ("history", "History"),
    ("settings", "Settings"),
];

/// Waits until the screen `id` is the one shown and returns its heading.
fn wait_for_screen(app: &App, id: &str) -> String {
    let heading = app.find(&format!("[data-screen=\"{id}\"] h1"));
    assert_eq!(
        app.find_all("[data-screen]").len(),
        1,
        "exactly one screen is shown"
    );
    app.text(&heading)
}

/// The `data-nav` of the focused element, if it is a nav entry.
fn focused_nav(app: &App) -> Option<String> {
    app.active_element()
        .and_then(|element| app.attribute(&element, "data-nav"))
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn window_title_and_demo_badge() {
    let app = App::launch("window_title_and_demo_badge", &["--demo"]);
    assert_eq!(app.title(), "PinDesk");
    app.wait_for("a native window titled PinDesk", DEFAULT_WAIT, || {
        app.window_titles()
            .iter()
            .any(|title| title == "PinDesk")
            .then_some(())
    });

    let badge = app.find("[data-status-bar] [data-environment]");
    assert_eq!(app.text(&badge), "DEMO");
    assert_eq!(
        app.attribute(&badge, "data-environment").as_deref(),
        Some("demo")
    );
    let bar = app.text(&app.find("[data-status-bar]"));
    assert!(bar.contains("Demo"), "status bar names the profile: {bar}");

    // The UI reports ready once drawn; the app logs it to the data dir's log file.
    let log_file = app.data_dir().join("logs/pindesk.log");
    app.wait_for(
        "the UI to report ready in the app's log",
        DEFAULT_WAIT,
        || {
            std::fs::read_to_string(&log_file)
                .ok()
                .filter(|log| log.contains("ui ready"))
        },
    );
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn nav_by_click_shows_each_screen() {
    let app = App::launch("nav_by_click_shows_each_screen", &["--demo"]);
    for (id, title) in SCREENS.iter().rev() {
        app.click(&app.find(&format!("[data-nav=\"{id}\"]")));
        assert_eq!(wait_for_screen(&app, id), *title);
        let current = app.find("[data-nav][aria-current=\"page\"]");
        assert_eq!(app.attribute(&current, "data-nav").as_deref(), Some(*id));
        let badge = app.find("[data-status-bar] [data-environment]");
        assert_eq!(app.text(&badge), "DEMO", "the status bar stays on {id}");
        app.screenshot(id);
    }
}

#[test]
#[ignore = "E2E: drives the real app (the test command runs it with PINDESK_E2E=1)"]
fn nav_by_keyboard_shows_each_screen() {
    let app = App::launch("nav_by_keyboard_shows_each_screen", &["--demo"]);
    // Tab from the top of the page reaches the first nav entry (after the skip link).
    for _ in 0..5 {
        if focused_nav(&app).as_deref() == Some("vault") {
            break;
        }
        app.press(&[keys::TAB]);
    }
    assert_eq!(
        focused_nav(&app).as_deref(),
        Some("vault"),
        "Tab reaches the navigation"
    );

    // Arrow Down moves along the entries; Enter opens the focused one.
    for (index, (id, title)) in SCREENS.iter().enumerate() {
        if index > 0 {
            app.press(&[keys::ARROW_DOWN]);
        }
        app.wait_for(&format!("focus on the {id} entry"), DEFAULT_WAIT, || {
            (focused_nav(&app).as_deref() == Some(*id)).then_some(())
        });
        app.press(&[keys::ENTER]);
        assert_eq!(wait_for_screen(&app, id), *title);
    }

    // Alt+1 jumps back to the first screen from anywhere.
    app.chord(keys::ALT, '1');
    assert_eq!(wait_for_screen(&app, "vault"), "Vault passcode");
}
