//! A small blocking W3C WebDriver client: just what PinDesk's scenarios use.
//!
//! Every wait polls a condition until it holds or a deadline passes ([`Session::wait_for`]);
//! nothing here sleeps for a fixed time to "let things settle".

use base64::Engine as _;
use serde_json::{json, Value};
use std::fmt;
use std::time::{Duration, Instant};

/// The W3C key for an element reference in a JSON answer.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long [`Session::wait_for`] waits unless told otherwise.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(15);

/// Key codes of the WebDriver spec, for [`Session::press`].
pub mod keys {
    /// Tab.
    pub const TAB: char = '\u{E004}';
    /// Enter (Return).
    pub const ENTER: char = '\u{E007}';
    /// Alt.
    pub const ALT: char = '\u{E00A}';
    /// Space.
    pub const SPACE: char = '\u{E00D}';
    /// Home.
    pub const HOME: char = '\u{E011}';
    /// End.
    pub const END: char = '\u{E010}';
    /// Arrow Up.
    pub const ARROW_UP: char = '\u{E013}';
    /// Arrow Down.
    pub const ARROW_DOWN: char = '\u{E015}';
}

/// A failed WebDriver command: the endpoint's error code and message, or a transport failure.
#[derive(Debug)]
pub struct Error {
    /// The W3C error code (`no such element`, …), or `transport`.
    pub code: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// A WebDriver remote end at a base URL (`http://127.0.0.1:<port>`).
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::blocking::Client,
}

impl Client {
    /// A client for the remote end at `base`.
    pub fn new(base: impl Into<String>) -> Self {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .no_proxy()
            .build()
            .expect("HTTP client");
        Self {
            base: base.into(),
            http,
        }
    }

    /// Whether the remote end answers `GET /status` at all.
    pub fn is_up(&self) -> bool {
        self.http
            .get(format!("{}/status", self.base))
            .timeout(Duration::from_secs(2))
            .send()
            .is_ok()
    }

    /// Sends one command and returns the `value` of its answer.
    pub fn command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Error> {
        let url = format!("{}{}", self.base, path);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let response = request.send().map_err(|e| Error {
            code: "transport".into(),
            message: format!("{method} {path}: {e}"),
        })?;
        let status = response.status();
        let answer: Value = response.json().map_err(|e| Error {
            code: "transport".into(),
            message: format!("{method} {path}: answer is not JSON: {e}"),
        })?;
        let value = answer.get("value").cloned().unwrap_or(Value::Null);
        if status.is_success() {
            Ok(value)
        } else {
            Err(Error {
                code: value["error"]
                    .as_str()
                    .unwrap_or("unknown error")
                    .to_owned(),
                message: format!(
                    "{method} {path}: {}",
                    value["message"].as_str().unwrap_or("(no message)")
                ),
            })
        }
    }

    /// Opens a session with the given `alwaysMatch` capabilities.
    pub fn new_session(&self, always_match: Value) -> Result<Session, Error> {
        let value = self.command(
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": always_match } })),
        )?;
        let id = value["sessionId"].as_str().ok_or_else(|| Error {
            code: "unknown error".into(),
            message: format!("new session answer has no sessionId: {value}"),
        })?;
        Ok(Session {
            client: self.clone(),
            id: id.to_owned(),
        })
    }
}

/// An open WebDriver session: one running app.
#[derive(Debug)]
pub struct Session {
    client: Client,
    id: String,
}

/// An element of the page, as the remote end knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(pub String);

impl Session {
    fn path(&self, rest: &str) -> String {
        format!("/session/{}{}", self.id, rest)
    }

    /// Sends a command within this session.
    pub fn command(&self, method: &str, rest: &str, body: Option<Value>) -> Result<Value, Error> {
        self.client.command(method, &self.path(rest), body)
    }

    fn expect(&self, method: &str, rest: &str, body: Option<Value>) -> Value {
        self.command(method, rest, body)
            .unwrap_or_else(|e| panic!("WebDriver command failed: {e}"))
    }

    /// Ends the session (the remote end closes the app).
    pub fn delete(&self) -> Result<(), Error> {
        self.client
            .command("DELETE", &self.path(""), None)
            .map(drop)
    }

    /// The document's title.
    pub fn title(&self) -> String {
        self.expect("GET", "/title", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The first element matching a CSS selector, if any.
    pub fn try_find(&self, css: &str) -> Option<Element> {
        let value = self
            .command(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .ok()?;
        value[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned()))
    }

    /// Every element matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let value = self.expect(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item[ELEMENT_KEY].as_str())
                    .map(|id| Element(id.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits for an element matching a CSS selector and returns it.
    pub fn find(&self, css: &str) -> Element {
        self.wait_for(
            &format!("an element matching `{css}`"),
            DEFAULT_WAIT,
            || self.try_find(css),
        )
    }

    /// Clicks an element.
    pub fn click(&self, element: &Element) {
        // As an operator would, bring it to the middle of its scroll area first: WebKit's own
        // scrolling may leave it at the edge, where the click point counts as not in view.
        self.execute(
            "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });",
            vec![json!({ ELEMENT_KEY: element.0 })],
        );
        self.expect("POST", &format!("/element/{}/click", element.0), None);
    }

    /// An element's rendered text.
    pub fn text(&self, element: &Element) -> String {
        self.expect("GET", &format!("/element/{}/text", element.0), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An element's attribute, if set.
    pub fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        self.expect(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )
        .as_str()
        .map(str::to_owned)
    }

    /// The element that has focus.
    pub fn active_element(&self) -> Option<Element> {
        let value = self.command("GET", "/element/active", None).ok()?;
        value[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned()))
    }

    /// Runs a script in the page and returns its result.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.expect(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs an asynchronous script (it calls its last argument with the result) and returns
    /// the result.
    pub fn execute_async(&self, script: &str) -> Value {
        self.execute_async_with(script, vec![])
    }

    /// [`execute_async`](Self::execute_async) with arguments before the callback.
    pub fn execute_async_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.expect(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Presses and releases each key in turn (a [`keys`] code or a plain character), as the
    /// keyboard would, on the focused element.
    pub fn press(&self, keys: &[char]) {
        let mut actions = Vec::new();
        for key in keys {
            actions.push(json!({ "type": "keyDown", "value": key.to_string() }));
            actions.push(json!({ "type": "keyUp", "value": key.to_string() }));
        }
        self.perform_keys(actions);
    }

    /// Holds `modifier` while pressing `key` (for example Alt+1).
    pub fn chord(&self, modifier: char, key: char) {
        self.perform_keys(vec![
            json!({ "type": "keyDown", "value": modifier.to_string() }),
            json!({ "type": "keyDown", "value": key.to_string() }),
            json!({ "type": "keyUp", "value": key.to_string() }),
            json!({ "type": "keyUp", "value": modifier.to_string() }),
        ]);
    }

    fn perform_keys(&self, actions: Vec<Value>) {
        self.expect(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        );
        self.command("DELETE", "/actions", None).ok();
    }

    /// Resolves once the page has painted twice more, so a screenshot shows the current DOM.
    pub fn wait_for_paint(&self) {
        self.expect(
            "POST",
            "/execute/async",
            Some(json!({
                "script": "const done = arguments[arguments.length - 1];\
                           requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                "args": []
            })),
        );
    }

    /// A PNG screenshot of the page.
    pub fn screenshot(&self) -> Vec<u8> {
        let value = self.expect("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(value.as_str().unwrap_or_default())
            .expect("screenshot is base64")
    }

    /// Polls `condition` until it returns `Some`, or panics after `timeout` naming `what`.
    pub fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut condition: impl FnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = condition() {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {timeout:?} waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
