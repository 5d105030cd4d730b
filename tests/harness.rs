//! Runs the real `pindesk` under WebDriver for one test, and tears it all down afterwards.
//!
//! [`App::launch`] starts `tauri-driver` (which starts WebKitWebDriver) on free loopback ports
//! in its own process group, waits until it answers, and opens a session that launches
//! `pindesk` with the given arguments and fresh `PINDESK_CONFIG_DIR` / `PINDESK_DATA_DIR`.
//! Dropping the [`App`] saves `target/e2e-screenshots/<test>.png` (also when the test failed),
//! ends the session and kills the process group.
//!
//! The scenarios are `#[ignore]`d, so a plain `cargo test` reports them ignored; the test
//! command runs them with `--include-ignored` and `PINDESK_E2E=1`, under Xvfb and a private
//! D-Bus session. A scenario asked for without `PINDESK_E2E=1`, or missing any piece, fails:
//! it never passes without having driven the app.

use crate::paths;
use crate::webdriver::{Client, Session};
use serde_json::json;
use std::ffi::OsStr;
use std::fs;
use std::net::TcpListener;
use std::ops::Deref;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that turns the E2E scenarios on.
pub const ENABLE_VAR: &str = "PINDESK_E2E";

/// Whether the E2E scenarios should run in this process.
pub fn enabled() -> bool {
    std::env::var(ENABLE_VAR).as_deref() == Ok("1")
}

/// Fails the scenario `name` when the E2E environment is not set up. The scenarios are
/// `#[ignore]`d, so this is reached only when one is asked for (`--include-ignored`): then not
/// running it is a failure, never a pass.
pub fn require_enabled(name: &str) {
    assert!(
        enabled(),
        "e2e {name}: {ENABLE_VAR}=1 is not set; `make test` runs the E2E scenarios under Xvfb"
    );
}

/// A running `pindesk` under WebDriver. Derefs to its [`Session`].
pub struct App {
    name: String,
    session: Option<Session>,
    driver: Child,
    log: PathBuf,
    /// Holds the app's config and data folders until the app is gone.
    _dirs: tempfile::TempDir,
}

impl App {
    /// Starts `pindesk` with `args` for the test called `name`; fails the test when the E2E
    /// environment is not set up (see [`require_enabled`]).
    pub fn launch(name: &str, args: &[&str]) -> App {
        Self::launch_with(name, args, &[])
    }

    /// [`launch`](Self::launch) with extra environment variables for the app (for example
    /// `PINDESK_SYSTEM_CONFIG`).
    pub fn launch_with(name: &str, args: &[&str], env: &[(&str, &OsStr)]) -> App {
        require_enabled(name);
        let app = Self::start(name, args, env).unwrap_or_else(|e| panic!("e2e {name}: {e}"));
        announce(&format!(
            "e2e: RUNNING {name} against {} {}",
            paths::app_binary().display(),
            args.join(" ")
        ));
        app
    }

    fn start(name: &str, args: &[&str], env: &[(&str, &OsStr)]) -> Result<App, String> {
        let binary = paths::app_binary();
        if !binary.is_file() {
            return Err(format!(
                "{} does not exist: build it first (cargo build -p pindesk --features custom-protocol)",
                binary.display()
            ));
        }
        if std::env::var_os("DISPLAY").is_none() {
            return Err("DISPLAY is not set: run under xvfb-run".into());
        }

        let dirs = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let log = paths::log_dir().join(format!("{name}.log"));
        fs::create_dir_all(paths::log_dir()).map_err(|e| format!("log dir: {e}"))?;
        let log_file = fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let log_err = log_file.try_clone().map_err(|e| e.to_string())?;

        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new(tauri_driver());
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .env("PINDESK_CONFIG_DIR", dirs.path().join("config"))
            .env("PINDESK_DATA_DIR", dirs.path().join("data"))
            // Our own crates at their most verbose, so the leak checks see every line.
            .env("PINDESK_LOG", "info,pindesk_app=trace,pindesk_core=trace")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err);
        if let Some(native) = native_driver() {
            command.arg("--native-driver").arg(native);
        }
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command.spawn().map_err(|e| {
            format!("cannot start tauri-driver: {e} (install it: scripts/setup.sh)")
        })?;

        let mut app = App {
            name: name.to_owned(),
            session: None,
            driver,
            log,
            _dirs: dirs,
        };
        let client = Client::new(format!("http://127.0.0.1:{port}"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while !client.is_up() {
            if let Ok(Some(status)) = app.driver.try_wait() {
                return Err(format!(
                    "tauri-driver exited ({status}); see {}",
                    app.log.display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "tauri-driver did not answer; see {}",
                    app.log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let session = client
            .new_session(json!({
                "tauri:options": { "application": binary, "args": args }
            }))
            .map_err(|e| format!("new session: {e}; see {}", app.log.display()))?;
        app.session = Some(session);
        // The UI is up once the shell shows a screen.
        app.find("[data-screen]");
        Ok(app)
    }

    /// Saves a PNG of the window now, as `target/e2e-screenshots/<test>-<label>.png`.
    pub fn screenshot(&self, label: &str) -> PathBuf {
        self.save_screenshot(&format!("{}-{label}", self.name))
    }

    fn save_screenshot(&self, file_stem: &str) -> PathBuf {
        let dir = paths::screenshot_dir();
        fs::create_dir_all(&dir).expect("create target/e2e-screenshots");
        let path = dir.join(format!("{file_stem}.png"));
        self.wait_for_paint();
        fs::write(&path, self.session().screenshot()).expect("write screenshot");
        path
    }

    /// The app's `PINDESK_DATA_DIR` (fresh for each test).
    pub fn data_dir(&self) -> PathBuf {
        self._dirs.path().join("data")
    }

    /// The app's `PINDESK_CONFIG_DIR` (fresh for each test).
    pub fn config_dir(&self) -> PathBuf {
        self._dirs.path().join("config")
    }

    /// The app's own log so far (`pindesk.log` in its data dir, written through the core's
    /// redacting formatter; our crates log at trace level in these tests).
    pub fn log(&self) -> String {
        fs::read_to_string(self.data_dir().join("logs").join("pindesk.log")).unwrap_or_default()
    }

    /// What tauri-driver, WebKitWebDriver and the app printed on stdout and stderr so far.
    pub fn driver_output(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn session(&self) -> &Session {
        self.session.as_ref().expect("session is open")
    }

    /// The titles of the top-level X11 windows (the native title bar text, not `document.title`).
    pub fn window_titles(&self) -> Vec<String> {
        let output = Command::new("xwininfo")
            .args(["-root", "-tree"])
            .output()
            .expect("run xwininfo (Debian package x11-utils)");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| {
                let start = line.find('"')? + 1;
                let end = start + line[start..].find('"')?;
                Some(line[start..end].to_owned())
            })
            .collect()
    }
}

impl Deref for App {
    type Target = Session;

    fn deref(&self) -> &Session {
        self.session()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(session) = &self.session {
            // Best effort, also while a failed test unwinds.
            let shot = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.save_screenshot(&self.name)
            }));
            match shot {
                Ok(path) => announce(&format!("e2e: screenshot {}", path.display())),
                Err(_) => announce(&format!("e2e: no screenshot for {}", self.name)),
            }
            session.delete().ok();
        }
        kill_group(self.driver.id());
        self.driver.wait().ok();
        if std::thread::panicking() {
            eprintln!(
                "e2e: {} failed; driver output {}:\n{}\napp log:\n{}",
                self.name,
                self.log.display(),
                self.driver_output(),
                self.log()
            );
        }
    }
}

/// Writes a line straight to stderr, past the test harness's output capture, so that a run
/// always shows which scenarios ran and which were skipped.
fn announce(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Ends a process group: TERM, then KILL if it lingers.
fn kill_group(pgid: u32) {
    let signal = |sig: &str| {
        Command::new("kill")
            .args([sig, "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !signal("-TERM") {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if !signal("-0") {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    signal("-KILL");
}

/// A loopback port that was free a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// `tauri-driver`: `TAURI_DRIVER`, else on PATH, else in `~/.cargo/bin`.
fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return path.into();
    }
    if let Some(found) = which("tauri-driver") {
        return found;
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    cargo_home.join("bin/tauri-driver")
}

/// WebKitWebDriver, where Debian's webkit2gtk-driver puts it, or on PATH.
fn native_driver() -> Option<PathBuf> {
    let debian = PathBuf::from("/usr/bin/WebKitWebDriver");
    if debian.is_file() {
        Some(debian)
    } else {
        which("WebKitWebDriver")
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}
