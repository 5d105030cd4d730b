//! What the black-box tests of `pindesk-cli` share: running the binary with its own config and
//! data dirs and secrets on stdin, a provider sandbox on 127.0.0.1 with distinctive canary
//! credentials, and checks that no secret reached an output or a file.
#![allow(dead_code)]

use pindesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The CLI under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_pindesk-cli");

/// The active demo Vault card.
pub const VAULT_CARD: i64 = 1_234_435;
/// The other active demo Vault card.
pub const VAULT_CARD_2: i64 = 123_321;
/// The active demo Solid card, its last4 and expiry.
pub const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
/// The demo Solid card's last four digits.
pub const SOLID_LAST4: &str = "3738";
/// The demo Solid card's expiry.
pub const SOLID_EXPIRY: &str = "11/2029";

/// The message history gives an operation interrupted by a dead process.
pub const INTERRUPTED: &str = "interrupted — check with the provider before retrying";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Says a test was skipped where `cargo test` shows it; under `CI=true` a skip is a failure.
pub fn skip(why: &str) {
    if in_ci() {
        panic!("{why}; in CI these tests must run, not skip");
    }
    let _ = writeln!(std::io::stderr(), "{why}");
}

/// Fails the test unless a private Secret Service is there: `scripts/with-secret-service.sh`
/// (how the project's test command runs these tests) starts one and sets
/// `PINDESK_SECRET_SERVICE`. A test that needs the keyring never passes without having run.
#[track_caller]
pub fn require_secret_service() {
    assert!(
        std::env::var_os("PINDESK_SECRET_SERVICE").is_some(),
        "this test needs a Secret Service: run it under scripts/with-secret-service.sh, \
         e.g. `scripts/with-secret-service.sh cargo test -p pindesk-cli`"
    );
}

/// Whether a tool is on PATH; prints why not, or panics under `CI=true`.
pub fn tool(name: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        skip(&format!(
            "skipped: needs {name} (apt-get install -y dbus gnome-keyring libsecret-tools)"
        ));
    }
    found
}

/// A string unique in this test run (profile names share one keyring across tests).
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}-{}-{}-{:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A random-looking alphanumeric tail for canaries.
fn tail() -> String {
    unique("x")
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(char::from)
        .collect()
}

/// What one run of the CLI left: exit code and both outputs.
#[derive(Debug, Clone)]
pub struct Run {
    /// The exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Stdout as JSON (the `--json` success output).
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// Stderr as JSON (the `--json` error output), checked to be an error object whose
    /// `exit_code` is the process's exit code.
    pub fn error_json(&self) -> Value {
        let v: Value = serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {}", self.stderr));
        let error = v["error"].clone();
        assert!(error.is_object(), "no error object: {v}");
        for key in ["category", "message", "field", "reference", "exit_code"] {
            assert!(error.get(key).is_some(), "error has no {key}: {v}");
        }
        assert_eq!(error["exit_code"], json!(self.code), "{v}");
        error
    }

    /// Asserts the exit code, showing both outputs when it differs.
    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// One operator's PinDesk: its own config and data dirs and environment for the CLI.
pub struct Desk {
    /// `PINDESK_CONFIG_DIR`.
    pub config: tempfile::TempDir,
    /// `PINDESK_DATA_DIR`.
    pub data: tempfile::TempDir,
    env: Vec<(String, Option<String>)>,
    /// Every output of every run, to search for secrets.
    pub outputs: std::cell::RefCell<Vec<String>>,
}

impl Desk {
    /// Empty config and data dirs; logs at trace level so that a leak in a log shows.
    pub fn new() -> Self {
        Self {
            config: tempfile::tempdir().expect("config dir"),
            data: tempfile::tempdir().expect("data dir"),
            env: vec![("PINDESK_LOG".into(), Some("trace".into()))],
            outputs: Default::default(),
        }
    }

    /// Sets (or with `None` removes) a variable in the CLI's environment.
    pub fn env(mut self, key: &str, value: Option<&str>) -> Self {
        self.env.push((key.to_owned(), value.map(str::to_owned)));
        self
    }

    /// The command with this desk's environment, stdin piped.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("PINDESK_CONFIG_DIR", self.config.path())
            .env("PINDESK_DATA_DIR", self.data.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd
    }

    /// Starts the CLI with `stdin` written to it (and closed).
    pub fn spawn(&self, args: &[&str], stdin: &str) -> Child {
        let mut child = self.command(args).spawn().expect("start pindesk-cli");
        let mut pipe = child.stdin.take().expect("stdin");
        // A command that needs no input may exit before reading: a broken pipe is fine.
        let _ = pipe.write_all(stdin.as_bytes());
        drop(pipe);
        child
    }

    /// Runs the CLI to completion (at most 60 s).
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        let child = self.spawn(args, stdin);
        let out = wait_output(child, Duration::from_secs(60));
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        self.outputs
            .borrow_mut()
            .extend([run.stdout.clone(), run.stderr.clone()]);
        run
    }

    /// `history --json` as a list of entries, newest first.
    pub fn history(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["--json", "history"];
        args.extend_from_slice(extra);
        let run = self.run(&args, "");
        run.expect(0);
        run.json().as_array().expect("a JSON array").clone()
    }

    /// Every file under the config and data dirs, by path, with its bytes.
    pub fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = snapshot(self.config.path());
        out.extend(snapshot(self.data.path()));
        out
    }

    /// The config dir's files (for "nothing was written").
    pub fn config_files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(self.config.path())
    }

    /// Asserts that no canary appears in any output of any run so far nor in any file of
    /// the config and data dirs. Canaries are never printed, only their kind.
    /// The bearer and refresh tokens the sandbox issues at a Vault sign-in are unknown to the
    /// test, but their prefixes are not: those are searched for too, whatever the canaries.
    #[track_caller]
    pub fn assert_no_secrets(&self, canaries: &[(&str, &str)]) {
        let outputs = self.outputs.borrow();
        let issued = [
            ("issued access token", "sbx_at_"),
            ("issued refresh token", "sbx_rt_"),
        ];
        for (kind, canary) in canaries.iter().chain(issued.iter()) {
            assert!(!canary.is_empty());
            for (i, out) in outputs.iter().enumerate() {
                assert!(
                    !contains(out.as_bytes(), canary),
                    "output #{i} of this test holds the {kind}"
                );
            }
            for (path, bytes) in self.files() {
                assert!(
                    !contains(&bytes, canary),
                    "{} holds the {kind}",
                    path.strip_prefix(self.data.path())
                        .or_else(|_| path.strip_prefix(self.config.path()))
                        .unwrap_or(&path)
                        .display()
                );
            }
        }
    }

    /// Whether some file under the data dir holds a log (the leak checks must see one).
    pub fn has_log(&self) -> bool {
        self.files()
            .iter()
            .any(|(p, b)| p.extension().is_some_and(|e| e == "log") && !b.is_empty())
    }
}

/// Asserts that every folder under `dir` has mode 0700 and every file 0600 (docs/CONFIG.md).
#[cfg(unix)]
#[track_caller]
pub fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("dir entry").path();
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode()
                & 0o777;
            if path.is_dir() {
                assert_eq!(mode, 0o700, "{} is not private", path.display());
                stack.push(path);
            } else {
                assert_eq!(mode, 0o600, "{} is not private", path.display());
            }
        }
    }
}

/// Waits for the child at most `limit`, killing it after that.
pub fn wait_output(mut child: Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for pindesk-cli: {e}"),
        }
    }
    child.wait_with_output().expect("pindesk-cli output")
}

/// Whether `needle` occurs in `hay`. A needle of digits only (an SMS code, a PIN) counts only
/// between characters that are not letters or digits, so that it is not "found" inside a
/// timestamp, a port or a hex hash (the history's chain).
pub fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    if n.is_empty() || hay.len() < n.len() {
        return false;
    }
    let digits = n.iter().all(u8::is_ascii_digit);
    hay.windows(n.len()).enumerate().any(|(at, w)| {
        w == n
            && (!digits
                || ((at == 0 || !hay[at - 1].is_ascii_alphanumeric())
                    && hay
                        .get(at + n.len())
                        .is_none_or(|b| !b.is_ascii_alphanumeric())))
    })
}

/// Every file below `dir`, by path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.insert(path, bytes);
            }
        }
    }
    out
}

/// The credentials a sandbox accepts: distinctive canaries, so that a leak is found.
#[derive(Debug, Clone)]
pub struct Canaries {
    /// The Vault bearer token.
    pub vault_token: String,
    /// The Solid API key.
    pub solid_api_key: String,
    /// The Vault sign-in phone number.
    pub phone: String,
    /// The Vault sign-in password.
    pub password: String,
    /// The Vault merchant id (not a secret; sent at sign-in).
    pub merchant_id: String,
}

impl Canaries {
    fn new() -> Self {
        let t = tail();
        let digits: String = format!("{:07}", t.bytes().map(u32::from).sum::<u32>() * 7919)
            .chars()
            .rev()
            .take(7)
            .collect();
        Self {
            vault_token: format!("canary-vault-token-{t}"),
            solid_api_key: format!("canary-solid-key-{t}"),
            phone: format!("+1555{digits}"),
            password: format!("CanaryPw{t}"),
            merchant_id: "6f1c2f0e-8d5b-4c61-9a57-2b0d7e4c9a13".into(),
        }
    }
}

/// A provider sandbox on 127.0.0.1 with canary credentials, served by its own runtime.
pub struct TestSandbox {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<Sandbox>,
    base: String,
    /// The credentials it accepts.
    pub canaries: Canaries,
}

impl TestSandbox {
    /// Starts a sandbox (a small RSA key, fast to make).
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts a sandbox served over TLS with `identity` (`https://localhost:PORT`).
    pub fn start_tls(identity: pindesk_sandbox::TlsIdentity) -> Self {
        Self::start_with(Some(identity))
    }

    fn start_with(identity: Option<pindesk_sandbox::TlsIdentity>) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let canaries = Canaries::new();
        let config = SandboxConfig {
            vault_token: canaries.vault_token.clone(),
            solid_api_key: canaries.solid_api_key.clone(),
            merchant_id: canaries.merchant_id.clone(),
            phone: canaries.phone.clone(),
            password: canaries.password.clone(),
            key_bits: 1024,
            ..SandboxConfig::default()
        };
        let sandbox = runtime
            .block_on(async {
                match identity {
                    None => Sandbox::start(config).await,
                    Some(identity) => Sandbox::start_tls(config, identity).await,
                }
            })
            .expect("start the sandbox");
        let base = sandbox.base_url();
        Self {
            runtime,
            sandbox: Some(sandbox),
            base,
            canaries,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// How many provider requests of `method` matched the path template `route` (read from
    /// the sandbox itself, so also over TLS).
    pub fn requests_matching(&self, method: &str, route: &str) -> usize {
        self.sandbox
            .as_ref()
            .map_or(0, |sandbox| sandbox.requests_to(method, route))
    }

    /// `localhost:PORT` or `127.0.0.1:PORT`: the target a proxy's log names.
    pub fn host_port(&self) -> &str {
        self.base.split("://").nth(1).unwrap_or_default()
    }

    /// Stops serving: later connections are refused.
    pub fn stop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.stop());
        }
    }

    /// A call to the sandbox's own endpoints: status and JSON body.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        self.runtime.block_on(async {
            let mut req = reqwest::Client::new().request(method, url);
            if let Some(body) = body {
                req = req.json(&body);
            }
            let resp = req.send().await.expect("sandbox control call");
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        })
    }

    /// The last SMS code sent to a Vault card (`GET /_sandbox/sms/{card}`).
    pub fn sms_code(&self, card: i64) -> String {
        let (status, v) = self.call("GET", &format!("/_sandbox/sms/{card}"), None);
        assert_eq!(status, 200, "no SMS code for card {card}");
        v["code"].as_str().expect("a code").to_owned()
    }

    /// Whether an SMS code was sent to the card at all.
    pub fn sms_sent(&self, card: i64) -> bool {
        self.call("GET", &format!("/_sandbox/sms/{card}"), None).0 == 200
    }

    /// Whether the Vault card's passcode is `passcode`.
    pub fn passcode_matches(&self, card: i64, passcode: &str) -> bool {
        let (status, v) = self.call(
            "POST",
            &format!("/_sandbox/vault/cards/{card}/check-passcode"),
            Some(json!({ "passCode": passcode })),
        );
        assert_eq!(status, 200, "check-passcode answered {status}");
        v["matches"].as_bool().expect("matches")
    }

    /// Whether the Vault card's PIN is `pin`.
    pub fn vault_pin_matches(&self, card: i64, pin: &str) -> bool {
        let (status, v) = self.call(
            "POST",
            &format!("/_sandbox/vault/cards/{card}/check-pin"),
            Some(json!({ "pin": pin })),
        );
        assert_eq!(status, 200, "check-pin answered {status}");
        v["matches"].as_bool().expect("matches")
    }

    /// Whether the Solid card's PIN is `pin`.
    pub fn pin_matches(&self, card: &str, pin: &str) -> bool {
        let (status, v) = self.call(
            "POST",
            &format!("/_sandbox/solid/cards/{card}/check-pin"),
            Some(json!({ "pin": pin })),
        );
        assert_eq!(status, 200, "check-pin answered {status}");
        v["matches"].as_bool().expect("matches")
    }

    /// Arms a fault (see docs/SANDBOX.md).
    pub fn fault(&self, fault: Value) {
        let (status, v) = self.call("POST", "/_sandbox/faults", Some(fault));
        assert_eq!(status, 200, "arming a fault: {v}");
    }
}

impl Drop for TestSandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Adds a Vault profile holding the sandbox's access token; asserts success.
pub fn add_vault_token_profile(desk: &Desk, sb: &TestSandbox, name: &str) {
    desk.run(
        &[
            "profile",
            "add",
            name,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
        ],
        &format!("{}\n", sb.canaries.vault_token),
    )
    .expect(0);
}

/// Adds a Solid profile with the sandbox's API key and PIN endpoint; asserts success.
pub fn add_solid_profile(desk: &Desk, sb: &TestSandbox, name: &str) {
    desk.run(
        &[
            "profile",
            "add",
            name,
            "--provider",
            "solid",
            "--env",
            sb.base_url(),
            "--pin-endpoint",
            sb.base_url(),
        ],
        &format!("{}\n", sb.canaries.solid_api_key),
    )
    .expect(0);
}

/// The keyring value of `profile`'s secret `kind` (service `pindesk`), through `secret-tool`;
/// `None` when there is no such entry.
pub fn keyring_entry(profile: &str, kind: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "pindesk",
            "username",
            &format!("{profile}/{kind}"),
        ])
        .output()
        .expect("run secret-tool");
    let value = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success() && !value.is_empty()).then_some(value)
}

/// Deletes a keyring entry behind PinDesk's back, through `secret-tool`.
pub fn clear_keyring_entry(profile: &str, kind: &str) {
    let status = Command::new("secret-tool")
        .args([
            "clear",
            "service",
            "pindesk",
            "username",
            &format!("{profile}/{kind}"),
        ])
        .status()
        .expect("run secret-tool");
    assert!(status.success());
}

impl TestSandbox {
    /// Every provider request the sandbox received, oldest first, as (method, path)
    /// (`GET /_sandbox/requests`).
    pub fn requests(&self) -> Vec<(String, String)> {
        let (status, v) = self.call("GET", "/_sandbox/requests", None);
        assert_eq!(status, 200, "reading the request log: {v}");
        v["requests"]
            .as_array()
            .expect("a requests array")
            .iter()
            .map(|r| {
                (
                    r["method"].as_str().expect("a method").to_owned(),
                    r["path"].as_str().expect("a path").to_owned(),
                )
            })
            .collect()
    }

    /// How many requests with this method and exact path the sandbox received.
    pub fn requests_to(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|(m, p)| m == method && p == path)
            .count()
    }
}

/// Adds a Vault profile with a stored sign-in (this phone number and password, the sandbox's
/// merchant id); asserts success.
pub fn add_vault_sign_in_profile(
    desk: &Desk,
    sb: &TestSandbox,
    name: &str,
    phone: &str,
    password: &str,
) {
    desk.run(
        &[
            "profile",
            "add",
            name,
            "--provider",
            "vault",
            "--env",
            sb.base_url(),
            "--sign-in",
            "--merchant-id",
            &sb.canaries.merchant_id,
        ],
        &format!("{phone}\n{password}\n"),
    )
    .expect(0);
}

/// The desk's history database.
pub fn history_db(desk: &Desk) -> PathBuf {
    desk.data.path().join("history.sqlite3")
}

/// Rewrites the bodies of event `seq` and every later one (`from` replaced by `to`) and
/// recomputes their hashes: a local rewrite a keyless chain cannot see (the caller changes
/// the row view to match).
pub fn rewrite_event(desk: &Desk, seq: i64, from: &str, to: &str) {
    let conn = rusqlite::Connection::open(history_db(desk)).expect("open the database");
    let mut prev: String = conn
        .query_row("SELECT hash FROM events WHERE seq = ?1", [seq - 1], |r| {
            r.get(0)
        })
        .expect("the record before");
    conn.execute(
        "UPDATE events SET body = replace(body, ?2, ?3) WHERE seq >= ?1",
        rusqlite::params![seq, from, to],
    )
    .expect("rewrite the body");
    let last: i64 = conn
        .query_row("SELECT MAX(seq) FROM events", [], |r| r.get(0))
        .expect("the last seq");
    for n in seq..=last {
        let body: String = conn
            .query_row("SELECT body FROM events WHERE seq = ?1", [n], |r| r.get(0))
            .expect("a body");
        prev = pindesk_core::history::chain_hash(&prev, &body);
        conn.execute(
            "UPDATE events SET hash = ?2 WHERE seq = ?1",
            rusqlite::params![n, prev],
        )
        .expect("rehash");
    }
}
