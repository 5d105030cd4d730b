//! What the Vault and Solid scenarios share: an operator who types and presses Enter (and
//! counts the actions), the reply recorder for the secret canaries, the embedded sandbox's
//! checks, and the scans of the app's log and files for a secret.

use pindesk_e2e::harness::App;
use pindesk_e2e::webdriver::{keys, DEFAULT_WAIT};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// The operator at the keyboard. One action = typing into the focused field and pressing
/// Enter, or one key press.
pub struct Operator<'a> {
    app: &'a App,
    actions: u32,
    steps: Vec<String>,
}

impl<'a> Operator<'a> {
    pub fn new(app: &'a App) -> Self {
        Self {
            app,
            actions: 0,
            steps: Vec::new(),
        }
    }

    /// Types `text` into whatever has focus, then presses Enter: one action.
    pub fn type_enter(&mut self, text: &str, what: &str) {
        let mut keys: Vec<char> = text.chars().collect();
        keys.push(keys::ENTER);
        self.app.press(&keys);
        self.actions += 1;
        self.steps.push(what.to_owned());
    }

    /// Presses one key: one action.
    pub fn press(&mut self, key: char, what: &str) {
        self.app.press(&[key]);
        self.actions += 1;
        self.steps.push(what.to_owned());
    }

    /// How many actions so far.
    pub fn actions(&self) -> u32 {
        self.actions
    }

    /// The actions so far, in words.
    pub fn steps(&self) -> String {
        self.steps.join(" → ")
    }
}

/// The `data-field` of the focused element.
pub fn focused_field(app: &App) -> Option<String> {
    app.active_element()
        .and_then(|element| app.attribute(&element, "data-field"))
}

/// Waits until the field `name` (`data-field`) has focus.
pub fn wait_focus(app: &App, name: &str) {
    app.wait_for(&format!("focus on the {name} field"), DEFAULT_WAIT, || {
        (focused_field(app).as_deref() == Some(name)).then_some(())
    });
}

/// Tabs from wherever focus is until the field `name` has it (at most 12 presses).
pub fn tab_to(app: &App, name: &str) {
    for _ in 0..12 {
        if focused_field(app).as_deref() == Some(name) {
            return;
        }
        app.press(&[keys::TAB]);
    }
    assert_eq!(
        focused_field(app).as_deref(),
        Some(name),
        "Tab reaches the {name} field"
    );
}

/// Waits until the screen's profile list is filled and returns the chosen profile's badge text.
pub fn wait_profiles(app: &App, flow: &str) -> String {
    app.find(&format!(
        "[data-flow=\"{flow}\"] [data-field=\"profile\"] option"
    ));
    let badge = app.find(&format!(
        "[data-flow=\"{flow}\"] [data-profile-badge] .badge"
    ));
    app.text(&badge)
}

/// Waits until the element matching `css` is displayed with non-empty text, and returns it.
pub fn wait_text(app: &App, css: &str) -> String {
    app.wait_for(&format!("text in `{css}`"), DEFAULT_WAIT, || {
        let value = app.execute(
            "const el = document.querySelector(arguments[0]);\
             return el && !el.hidden && el.offsetParent !== null ? el.textContent : null;",
            vec![Value::from(css)],
        );
        value
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    })
}

/// Whether the element matching `css` exists and is displayed.
pub fn shown(app: &App, css: &str) -> bool {
    app.execute(
        "const el = document.querySelector(arguments[0]);\
         return !!el && !el.hidden && el.offsetParent !== null;",
        vec![Value::from(css)],
    ) == Value::Bool(true)
}

/// Starts recording every IPC reply the page receives into `window.__replies`: the command
/// name and the reply's body. (Tauri's `invoke` is a non-writable property, so the recorder
/// sits one level down, on the `fetch` that carries each reply over the `ipc://` protocol.)
pub fn record_replies(app: &App) {
    let installed = app.execute(
        "if (!window.__replies) {\
           window.__replies = [];\
           const original = window.fetch.bind(window);\
           window.fetch = async (input, init) => {\
             const url = String(typeof input === 'string' ? input : input.url);\
             const response = await original(input, init);\
             if (url.startsWith('ipc:')) {\
               const cmd = decodeURIComponent(new URL(url).pathname.replace(/^\\//, ''));\
               let body;\
               try { body = await response.clone().text(); } catch (e) { body = 'unreadable: ' + e; }\
               window.__replies.push({ cmd, body });\
             }\
             return response;\
           };\
         }\
         return Array.isArray(window.__replies);",
        vec![],
    );
    assert_eq!(installed, Value::Bool(true), "reply recorder installed");
}

/// The replies recorded so far: `(command, body)`.
pub fn replies(app: &App) -> Vec<(String, String)> {
    let value = app.execute("return window.__replies || [];", vec![]);
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|r| {
                    (
                        r["cmd"].as_str().unwrap_or_default().to_owned(),
                        r["body"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Calls a command from the page (as the UI would) and returns `{ok}` or `{err}`.
pub fn invoke(app: &App, cmd: &str, args: Value) -> Value {
    app.execute_async_with(
        "const [cmd, args, done] = arguments;\
         window.__TAURI_INTERNALS__.invoke(cmd, args)\
           .then((v) => done({ ok: v }), (e) => done({ err: e }));",
        vec![Value::from(cmd), args],
    )
}

/// The embedded sandbox's base URL, from the line the app logs at start.
pub fn sandbox_url(app: &App) -> String {
    let file = app.data_dir().join("logs/pindesk.log");
    app.wait_for(
        "the demo sandbox's address in the log",
        DEFAULT_WAIT,
        || {
            let log = format!(
                "{}\n{}",
                app.log(),
                std::fs::read_to_string(&file).unwrap_or_default()
            );
            let line = log.lines().find(|l| l.contains("demo sandbox listening"))?;
            let start = line.find("http://127.0.0.1:")?;
            let url: String = line[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '.'))
                .collect();
            Some(url.trim_end_matches('/').to_owned())
        },
    )
}

/// `POST {sandbox}{path}` with a JSON body; the JSON answer.
pub fn sandbox_post(base: &str, path: &str, body: Value) -> Value {
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client");
    client
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
        .json()
        .unwrap_or_else(|e| panic!("POST {path}: answer is not JSON: {e}"))
}

/// Whether `haystack` holds `secret`: as is, or, for an all-digit secret, not between letters
/// or digits (so a PIN is not "found" inside a timestamp or the history's hex hashes).
pub fn holds(haystack: &[u8], secret: &str) -> bool {
    let needle = secret.as_bytes();
    if needle.is_empty() || haystack.len() < needle.len() {
        return false;
    }
    let numeric = needle.iter().all(u8::is_ascii_digit);
    haystack.windows(needle.len()).enumerate().any(|(at, w)| {
        w == needle
            && (!numeric
                || ((at == 0 || !haystack[at - 1].is_ascii_alphanumeric())
                    && haystack
                        .get(at + needle.len())
                        .is_none_or(|b| !b.is_ascii_alphanumeric())))
    })
}

/// Every file under `dir` (recursively) that holds one of `secrets`: `(path, secret)`.
pub fn files_holding(dir: &Path, secrets: &[&str]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, secrets));
        } else if let Ok(bytes) = std::fs::read(&path) {
            for secret in secrets {
                if holds(&bytes, secret) {
                    found.push((path.display().to_string(), (*secret).to_owned()));
                }
            }
        }
    }
    found
}

/// The canaries: no IPC reply (but those of `allowed` commands), nor the app's log, nor any
/// file under its config and data folders holds one of `secrets`. Also checks the recorder
/// did see the replies of `expected` commands, so the check is not vacuous.
pub fn assert_no_secret_leaked(app: &App, secrets: &[&str], allowed: &[&str], expected: &[&str]) {
    let replies = replies(app);
    for cmd in expected {
        assert!(
            replies.iter().any(|(c, _)| c == cmd),
            "the recorder saw no reply of {cmd}: {:?}",
            replies.iter().map(|(c, _)| c).collect::<Vec<_>>()
        );
    }
    for (cmd, body) in &replies {
        if allowed.contains(&cmd.as_str()) {
            continue;
        }
        for secret in secrets {
            assert!(
                !holds(body.as_bytes(), secret),
                "the reply of {cmd} holds a secret: {body}"
            );
        }
    }
    let log = app.log();
    assert!(!log.is_empty(), "the app's log was captured");
    for secret in secrets {
        assert!(
            !holds(log.as_bytes(), secret),
            "the app's log holds a secret"
        );
    }
    for dir in [app.config_dir(), app.data_dir()] {
        let found = files_holding(&dir, secrets);
        assert!(found.is_empty(), "files hold a secret: {found:?}");
    }
    assert!(
        app.data_dir().join("logs/pindesk.log").is_file(),
        "the app's own log file exists (and was scanned)"
    );
}

/// Nothing in the page (markup or any field's value) holds one of `secrets`.
pub fn assert_page_clean(app: &App, secrets: &[&str]) {
    let page = app.execute(
        "return document.documentElement.outerHTML + '\\n' +\
           [...document.querySelectorAll('input')].map((i) => i.value).join('\\n');",
        vec![],
    );
    let page = page.as_str().unwrap_or_default();
    for secret in secrets {
        assert!(
            !holds(page.as_bytes(), secret),
            "the page still holds a secret"
        );
    }
}

/// The history's entries, newest first, as the History screen gets them.
pub fn history(app: &App) -> Vec<Value> {
    let page = invoke(
        app,
        "history_page",
        json!({ "query": { "provider": null, "outcome": null, "card_id": null, "since": null,
                           "until": null, "before": null, "limit": 50 } }),
    );
    page["ok"]["entries"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("history_page answered {page}"))
}

#[test]
fn holds_finds_digits_only_on_their_own() {
    assert!(holds(b"pin=8264;", "8264"));
    assert!(holds(b"8264", "8264"));
    assert!(!holds(b"t=.182643Z", "8264"));
    assert!(
        !holds(b"\"hash\":\"c08264e1\"", "8264"),
        "not inside a hex hash"
    );
    assert!(holds(b"\"pin\":\"8264\"", "8264"));
    assert!(holds(b"xZq7pLm29x", "Zq7pLm29"));
    assert!(!holds(b"", "8264"));
}

/// After a change to `card`: "Next card" (Enter), the same card typed again, and the card
/// panel confirms it with a repeat warning naming `change`, lists `operation` among what was
/// recorded on the card, and the flow's `action` button reads `label`. Typing is not an action
/// of a flow's count: the scenario reads the panel as an operator would.
pub fn assert_repeat_warning(
    app: &App,
    card: &str,
    change: &str,
    operation: &str,
    action: (&str, &str),
) {
    app.press(&[keys::ENTER]);
    wait_focus(app, "card");
    let keys: Vec<char> = card.chars().collect();
    app.press(&keys);
    let summary = wait_text(app, "[data-card-check] [data-card-summary]");
    assert!(
        summary.contains("Confirmed with the provider"),
        "confirmed card: {summary}"
    );
    let warning = wait_text(app, "[data-card-warning]");
    assert!(
        warning.contains("succeeded on this card") && warning.contains(change),
        "warning: {warning}"
    );
    let recent = wait_text(app, "[data-card-recent]");
    assert!(recent.contains(operation), "recent: {recent}");
    let (name, label) = action;
    let button = app.text(&app.find(&format!("[data-action=\"{name}\"]")));
    assert_eq!(button, label);
}

/// The value of the input matching `selector`, if there is one.
pub fn field_value(app: &App, selector: &str) -> Option<String> {
    app.execute(
        "const f = document.querySelector(arguments[0]); return f ? f.value : null;",
        vec![Value::from(selector)],
    )
    .as_str()
    .map(str::to_owned)
}

/// The sandbox's control endpoint `path` (a `check-passcode` or `check-pin`) says the card
/// holds `secret` (sent as `field`) and not `other`.
pub fn assert_sandbox_holds(app: &App, path: &str, field: &str, secret: &str, other: &str) {
    let sandbox = sandbox_url(app);
    let check =
        |value: &str| sandbox_post(&sandbox, path, json!({ field: value }))["matches"].clone();
    assert_eq!(
        check(secret),
        Value::Bool(true),
        "{path}: the card holds it"
    );
    assert_eq!(check(other), Value::Bool(false), "{path}: and nothing else");
}

/// The history has `operation` on `card` finished ok.
pub fn assert_recorded_ok(app: &App, operation: &str, card: &str) {
    let entries = history(app);
    assert!(
        entries
            .iter()
            .any(|e| e["operation"] == operation && e["outcome"] == "ok" && e["card_id"] == card),
        "history has {operation} ok on {card}: {entries:?}"
    );
}
