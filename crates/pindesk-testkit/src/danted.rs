//! Debian's real Dante server (`danted`, package `dante-server`) as the SOCKS5 proxy of the
//! network tests: loopback only, no authentication, every connection logged; killed and
//! reaped on drop.

use std::fs::{self, File};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::closed_port;

/// How long danted has to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running danted on 127.0.0.1; killed and reaped when dropped.
#[derive(Debug)]
pub struct Danted {
    child: Child,
    addr: SocketAddr,
    log_path: PathBuf,
    _dir: TempDir,
}

impl Danted {
    /// Starts danted on a free loopback port and waits (blocking, up to 10 s) until it
    /// accepts connections. `ErrorKind::NotFound` when it is not installed.
    pub fn start() -> io::Result<Danted> {
        let dir = tempfile::Builder::new()
            .prefix("pindesk-danted-")
            .tempdir()?;
        let port = closed_port().port();
        let log_path = dir.path().join("danted.log");
        let conf = dir.path().join("danted.conf");
        // As root, danted needs a user to drop to for the unprivileged parts; as another user
        // it keeps its own.
        let users = if nix_is_root() {
            "user.privileged: root\nuser.unprivileged: nobody\n"
        } else {
            ""
        };
        fs::write(
            &conf,
            format!(
                "# The network tests' SOCKS5 proxy (pindesk-testkit).\n\
                 logoutput: {}\n\
                 internal: 127.0.0.1 port = {port}\n\
                 external: 127.0.0.1\n\
                 socksmethod: none\n\
                 clientmethod: none\n\
                 {users}\
                 client pass {{\n  from: 127.0.0.0/8 to: 0.0.0.0/0\n  log: error\n}}\n\
                 socks pass {{\n  from: 127.0.0.0/8 to: 0.0.0.0/0\n  log: connect\n}}\n",
                log_path.display()
            ),
        )?;
        let stderr = dir.path().join("stderr.txt");
        let mut child = Command::new("danted")
            .args(["-f"])
            .arg(&conf)
            .args(["-N", "1"])
            .stdin(Stdio::null())
            .stdout(File::create(dir.path().join("stdout.txt"))?)
            .stderr(File::create(&stderr)?)
            .spawn()
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => io::Error::new(
                    io::ErrorKind::NotFound,
                    "danted is not installed: install the Debian package dante-server (scripts/setup.sh does)",
                ),
                _ => e,
            })?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
            let died = child.try_wait()?;
            if died.is_some() || Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::other(format!(
                    "danted did not start on {addr}; stderr: {}; log: {}",
                    fs::read_to_string(&stderr).unwrap_or_default().trim(),
                    fs::read_to_string(&log_path).unwrap_or_default().trim()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Danted {
            child,
            addr,
            log_path,
            _dir: dir,
        })
    }

    /// `socks5://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("socks5://{}", self.addr)
    }

    /// The whole log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// How many connections danted opened to `target` (an IPv4 `SocketAddr`), as its log
    /// names them (`… tcp/connect [: CLIENT PROXY -> OUT 127.0.0.1.PORT`).
    pub fn connects_to(&self, target: SocketAddr) -> usize {
        let written = format!("{}.{}", target.ip(), target.port());
        self.log()
            .lines()
            .filter(|line| line.contains("tcp/connect [") && line.trim_end().ends_with(&written))
            .count()
    }
}

impl Drop for Danted {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether this process runs as root (read from `/proc/self/status`, as unsafe code is
/// forbidden here).
fn nix_is_root() -> bool {
    fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(1).map(|uid| uid == "0"))
            .unwrap_or(false)
    })
}
