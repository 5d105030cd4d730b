//! Debian's real `tinyproxy` as the corporate HTTP proxy of the network tests: started in the
//! foreground on a free 127.0.0.1 port with a configuration written into its own temporary
//! directory, read back through its log, killed and reaped on drop.
//!
//! The configuration has no `ConnectPort` line, so CONNECT to any port is allowed (tinyproxy
//! 1.11 documents that, and the tests rely on it), and no `User`/`Group` lines: tinyproxy then
//! keeps the user it was started as, root included (it only logs a warning), so its log in
//! the temporary directory stays writable.

use std::fs::{self, File};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The program started: Debian's package `tinyproxy` installs it on the PATH.
const PROGRAM: &str = "tinyproxy";
/// How long tinyproxy has to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How many free ports are tried (another process may take one between picking and binding).
const PORT_ATTEMPTS: usize = 5;
/// Seconds of inactivity after which tinyproxy closes a connection.
const IDLE_TIMEOUT_SECS: u32 = 15;
/// The log line tinyproxy writes once its listening socket is open.
const READY_LINE: &str = "Accepting connections";
/// What tinyproxy says on stderr when it cannot bind its port.
const PORT_TAKEN: &str = "Could not create listening sockets";

/// How [`Tinyproxy::start`] configures the proxy.
#[derive(Debug, Clone, Default)]
pub struct TinyproxyOptions {
    /// `BasicAuth USER PASSWORD`: every request, CONNECT included, then needs these
    /// credentials (`Proxy-Authorization: Basic`) or is answered 407. Tinyproxy only accepts
    /// letters, digits, `-`, `.` and `_` in both.
    pub basic_auth: Option<(String, String)>,
}

/// A running tinyproxy on 127.0.0.1; killed and reaped when dropped.
#[derive(Debug)]
pub struct Tinyproxy {
    child: Child,
    addr: SocketAddr,
    log_path: PathBuf,
    // Last: removed after the process is gone.
    _dir: TempDir,
}

impl Tinyproxy {
    /// Starts tinyproxy on a free loopback port and waits (blocking, up to 10 s) until its log
    /// says it accepts connections.
    ///
    /// Fails with `ErrorKind::NotFound` if tinyproxy is not installed, `InvalidInput` for
    /// credentials tinyproxy cannot parse, `TimedOut` if it never gets ready, and otherwise
    /// with tinyproxy's stderr and log in the message if it exits first.
    pub fn start(options: TinyproxyOptions) -> io::Result<Tinyproxy> {
        if let Some((user, password)) = &options.basic_auth {
            for (what, value) in [("user", user), ("password", password)] {
                if !is_config_word(value) {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "tinyproxy BasicAuth {what} {value:?} must be letters, digits, '-', '.' or '_'"
                        ),
                    ));
                }
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("pindesk-tinyproxy-")
            .tempdir()?;
        let mut last = None;
        for _ in 0..PORT_ATTEMPTS {
            let port = closed_port().port();
            match launch(dir.path(), port, &options)? {
                Launched::Ready(child) => {
                    return Ok(Tinyproxy {
                        child,
                        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                        log_path: dir.path().join("tinyproxy.log"),
                        _dir: dir,
                    })
                }
                Launched::PortTaken(message) => last = Some(message),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            format!(
                "tinyproxy found no free port in {PORT_ATTEMPTS} tries: {}",
                last.unwrap_or_default()
            ),
        ))
    }

    /// The address it listens on (127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the proxy URL a client is given.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The tinyproxy process id (for checks that it is gone after drop).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The whole log so far (`LogLevel Info`): each request is a line such as
    /// `CONNECT   Dec 04 03:12:53.116 [10492]: Request (file descriptor 5): CONNECT localhost:38200 HTTP/1.1`.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Every request line the proxy has read, in order, as (method, target): `("CONNECT",
    /// "localhost:443")`, `("GET", "http://127.0.0.1:8080/path")`. Requests later refused
    /// (407 for missing credentials) are included.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.log().lines().filter_map(request_line).collect()
    }

    /// How many CONNECT requests named `host_port` (e.g. `"localhost:8443"`, as the client
    /// wrote it), refused ones included.
    pub fn connects_to(&self, host_port: &str) -> usize {
        self.requests()
            .iter()
            .filter(|(method, target)| method == "CONNECT" && target == host_port)
            .count()
    }

    /// How many plain (absolute-form, not CONNECT) requests went through, refused ones
    /// included.
    pub fn requests_through(&self) -> usize {
        self.requests()
            .iter()
            .filter(|(method, _)| method != "CONNECT")
            .count()
    }

    /// How many plain requests were for a URL on `host_port` (`http://HOST:PORT/...`).
    pub fn plain_requests_to(&self, host_port: &str) -> usize {
        let origin = format!("http://{host_port}");
        self.requests()
            .iter()
            .filter(|(method, target)| {
                method != "CONNECT"
                    && target
                        .strip_prefix(&origin)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .count()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address nobody listens on: a proxy that is down. The port is bound for a
/// moment and released, so a connection to it is refused (unless another process happens
/// to take that very port in the meantime, which is unlikely but not impossible).
///
/// # Panics
/// If no loopback port can be bound at all.
pub fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free loopback port");
    listener.local_addr().expect("the bound port")
}

enum Launched {
    Ready(Child),
    PortTaken(String),
}

/// Writes the configuration for `port`, starts tinyproxy and waits until it is ready.
fn launch(dir: &Path, port: u16, options: &TinyproxyOptions) -> io::Result<Launched> {
    let conf = dir.join("tinyproxy.conf");
    let log = dir.join("tinyproxy.log");
    let stderr = dir.join("stderr.txt");
    fs::write(&conf, config(port, &log, options))?;
    let _ = fs::remove_file(&log);
    let mut child = Command::new(PROGRAM)
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(File::create(dir.join("stdout.txt"))?)
        .stderr(File::create(&stderr)?)
        .spawn()
        .map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => io::Error::new(
                io::ErrorKind::NotFound,
                "tinyproxy is not installed: install the Debian package tinyproxy (scripts/setup.sh does)",
            ),
            _ => io::Error::new(error.kind(), format!("cannot start tinyproxy: {error}")),
        })?;
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait()? {
            let errors = fs::read_to_string(&stderr).unwrap_or_default();
            if errors.contains(PORT_TAKEN) {
                return Ok(Launched::PortTaken(errors.trim().to_owned()));
            }
            return Err(died(status, &errors, &log));
        }
        if fs::read_to_string(&log).is_ok_and(|text| text.contains(READY_LINE)) {
            return Ok(Launched::Ready(child));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            let errors = fs::read_to_string(&stderr).unwrap_or_default();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "tinyproxy did not start listening on 127.0.0.1:{port} within {START_TIMEOUT:?}; stderr: {}; log: {}",
                    errors.trim(),
                    fs::read_to_string(&log).unwrap_or_default().trim()
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn died(status: ExitStatus, errors: &str, log: &Path) -> io::Error {
    io::Error::other(format!(
        "tinyproxy exited ({status}) before listening; stderr: {}; log: {}",
        errors.trim(),
        fs::read_to_string(log).unwrap_or_default().trim()
    ))
}

/// The configuration file: loopback only, every CONNECT port allowed, a request log.
fn config(port: u16, log: &Path, options: &TinyproxyOptions) -> String {
    let mut text = format!(
        "# The network tests' proxy (pindesk-testkit).\n\
         Listen 127.0.0.1\n\
         Port {port}\n\
         Timeout {IDLE_TIMEOUT_SECS}\n\
         MaxClients 50\n\
         LogFile \"{}\"\n\
         LogLevel Info\n",
        log.display()
    );
    if let Some((user, password)) = &options.basic_auth {
        text.push_str(&format!("BasicAuth {user} {password}\n"));
    }
    text
}

/// What tinyproxy's config parser takes as a word: `[-a-z0-9._]+`, any case.
fn is_config_word(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// `(method, target)` from a log line `... Request (file descriptor N): METHOD TARGET HTTP/1.x`.
fn request_line(line: &str) -> Option<(String, String)> {
    let (_, rest) = line.split_once("]: Request (file descriptor ")?;
    let (_, request) = rest.split_once("): ")?;
    let mut words = request.split_whitespace();
    let method = words.next()?;
    let target = words.next()?;
    Some((method.to_owned(), target.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_are_read_from_tinyproxy_log_lines() {
        let connect = "CONNECT   Dec 04 03:12:53.116 [10492]: Request (file descriptor 5): CONNECT localhost:38200 HTTP/1.1";
        let plain = "CONNECT   Dec 04 03:12:53.131 [10492]: Request (file descriptor 5): GET http://localhost:38200/z HTTP/1.1";
        let other = "CONNECT   Dec 04 03:12:53.116 [10492]: Connect (file descriptor 5): 127.0.0.1";
        assert_eq!(
            request_line(connect),
            Some(("CONNECT".to_owned(), "localhost:38200".to_owned()))
        );
        assert_eq!(
            request_line(plain),
            Some(("GET".to_owned(), "http://localhost:38200/z".to_owned()))
        );
        assert_eq!(request_line(other), None);
    }

    #[test]
    fn credentials_tinyproxy_cannot_parse_are_refused_before_starting() {
        let error = Tinyproxy::start(TinyproxyOptions {
            basic_auth: Some(("alice".to_owned(), "pass word".to_owned())),
        })
        .expect_err("refused");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
        assert!(is_config_word("user-1.x_Y"));
        assert!(!is_config_word("p@ss"));
    }
}
