//! Debian's real `rsyslogd` as the audit collector of the audit-shipping tests: started in the
//! foreground on a free 127.0.0.1 port with a configuration, work directory and pid file in
//! its own temporary directory, writing every message it receives to a file in RFC 5424 form
//! (`RSYSLOG_SyslogProtocol23Format`, one per line); stopped, restarted on the same port, and
//! killed and reaped on drop.
//!
//! It touches nothing of the system's logging: no `imuxsock` (no `/dev/log`), no `imklog`, no
//! action outside its directory; only `imtcp` on loopback, plain or with the GnuTLS stream
//! driver (Debian's `rsyslog-gnutls`) presenting a test CA's server certificate. Without
//! `$PrivDropToUser` it keeps the user it was started as, root included, so its files stay
//! writable.

use std::fs::{self, File};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pindesk_sandbox::TlsIdentity;
use tempfile::TempDir;

use crate::closed_port;

/// Debian's package `rsyslog` installs it here (not on a non-root PATH).
const PROGRAM: &str = "/usr/sbin/rsyslogd";
/// The GnuTLS stream driver (Debian's package `rsyslog-gnutls`), in `/usr/lib/<triplet>/rsyslog/`.
const GTLS_MODULE: &str = "rsyslog/lmnsd_gtls.so";
/// How long rsyslog has to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stop waits for rsyslog to write out its queue and exit after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// How many free ports are tried at the first start.
const PORT_ATTEMPTS: usize = 5;
/// The file of received messages.
const MESSAGES: &str = "messages.log";

/// The TLS side of [`RsyslogOptions`]: the server identity rsyslog presents and the CA that
/// signed it (which GnuTLS wants configured even without client authentication).
#[derive(Debug, Clone)]
pub struct RsyslogTls {
    /// The server certificate chain and key (PEM).
    pub identity: TlsIdentity,
    /// The CA certificate (PEM).
    pub ca_pem: String,
}

/// How [`Rsyslog::start`] configures the collector.
#[derive(Debug, Clone, Default)]
pub struct RsyslogOptions {
    /// Listen with TLS (RFC 5425) instead of plain TCP.
    pub tls: Option<RsyslogTls>,
}

/// A running (or stopped, for an outage) rsyslogd on 127.0.0.1; killed and reaped when dropped.
#[derive(Debug)]
pub struct Rsyslog {
    child: Option<Child>,
    addr: SocketAddr,
    dir: TempDir,
}

impl Rsyslog {
    /// Starts rsyslogd on a free loopback port and waits (blocking, up to 10 s) until it
    /// accepts connections.
    ///
    /// Fails with `ErrorKind::NotFound` if rsyslog (or, for TLS, rsyslog-gnutls) is not
    /// installed, `TimedOut` if it never listens, and otherwise with rsyslog's stderr in the
    /// message if it exits first.
    pub fn start(options: RsyslogOptions) -> io::Result<Rsyslog> {
        let missing = |what: &str, package: &str| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{what} is missing: install the Debian package {package} (scripts/setup.sh does)"),
            )
        };
        if !Path::new(PROGRAM).exists() {
            return Err(missing(PROGRAM, "rsyslog"));
        }
        if options.tls.is_some() && !gtls_installed() {
            return Err(missing("rsyslog's GnuTLS driver", "rsyslog-gnutls"));
        }
        let dir = tempfile::Builder::new()
            .prefix("pindesk-rsyslog-")
            .tempdir()?;
        fs::create_dir(dir.path().join("work"))?;
        if let Some(tls) = &options.tls {
            fs::write(dir.path().join("ca.pem"), &tls.ca_pem)?;
            fs::write(
                dir.path().join("server-cert.pem"),
                &tls.identity.cert_chain_pem,
            )?;
            fs::write(dir.path().join("server-key.pem"), &tls.identity.key_pem)?;
        }
        let tls = options.tls.is_some();
        let mut rsyslog = Rsyslog {
            child: None,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            dir,
        };
        let mut last = String::new();
        for _ in 0..PORT_ATTEMPTS {
            rsyslog.addr.set_port(closed_port().port());
            let text = config(rsyslog.dir.path(), rsyslog.addr.port(), tls);
            fs::write(rsyslog.dir.path().join("rsyslog.conf"), text)?;
            match rsyslog.launch() {
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => last = e.to_string(),
                other => return other.map(|()| rsyslog),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            format!("rsyslog found no free port in {PORT_ATTEMPTS} tries: {last}"),
        ))
    }

    /// The address it listens on (127.0.0.1), also while stopped.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The generated configuration (for diagnostics and documentation).
    pub fn config_text(&self) -> String {
        fs::read_to_string(self.dir.path().join("rsyslog.conf")).unwrap_or_default()
    }

    /// Every message received so far, one RFC 5424 line each, in the order rsyslog wrote them.
    pub fn lines(&self) -> Vec<String> {
        fs::read_to_string(self.dir.path().join(MESSAGES))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Waits (blocking, polling) until at least `count` lines are in the file and returns
    /// them all; `TimedOut` with what is there if `timeout` passes first.
    pub fn wait_for_lines(&self, count: usize, timeout: Duration) -> io::Result<Vec<String>> {
        let deadline = Instant::now() + timeout;
        loop {
            let lines = self.lines();
            if lines.len() >= count {
                return Ok(lines);
            }
            if Instant::now() >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "rsyslog wrote {} of {count} lines within {timeout:?}: {lines:#?}; stderr: {}",
                        lines.len(),
                        self.stderr()
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether rsyslogd is running.
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Stops rsyslogd like a service stop: SIGTERM, so it writes out what it has received and
    /// closes its connections, then waits for it to exit (SIGKILL after 5 s). The port is then
    /// refused until [`restart`](Self::restart).
    pub fn stop(&mut self) -> io::Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let signalled = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while signalled.as_ref().is_ok_and(|s| s.success()) && Instant::now() < deadline {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill()?;
        child.wait()?;
        Ok(())
    }

    /// Starts rsyslogd again with the same configuration on the same port (waiting as
    /// [`start`](Self::start) does); the messages file is kept and appended to.
    pub fn restart(&mut self) -> io::Result<()> {
        self.stop()?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match self.launch() {
                Err(e) if e.kind() == io::ErrorKind::AddrInUse && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    fn stderr(&self) -> String {
        fs::read_to_string(self.dir.path().join("stderr.txt")).unwrap_or_default()
    }

    /// Starts the process and waits until the port accepts a connection.
    fn launch(&mut self) -> io::Result<()> {
        let dir = self.dir.path();
        let pid_file = dir.join("rsyslogd.pid");
        let _ = fs::remove_file(&pid_file);
        let stderr = dir.join("stderr.txt");
        let mut child = Command::new(PROGRAM)
            .arg("-n")
            .arg("-f")
            .arg(dir.join("rsyslog.conf"))
            .arg("-i")
            .arg(&pid_file)
            .env_remove("NOTIFY_SOCKET")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(File::create(dir.join("stdout.txt"))?)
            .stderr(File::create(&stderr)?)
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot start {PROGRAM}: {e}")))?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = child.try_wait()? {
                let errors = fs::read_to_string(&stderr).unwrap_or_default();
                let kind = if errors.contains("Address already in use") {
                    io::ErrorKind::AddrInUse
                } else {
                    io::ErrorKind::Other
                };
                return Err(io::Error::new(
                    kind,
                    format!(
                        "rsyslogd exited ({status}) before listening; stderr: {}",
                        errors.trim()
                    ),
                ));
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                self.child = Some(child);
                return Ok(());
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "rsyslogd did not listen on {} within {START_TIMEOUT:?}; stderr: {}",
                        self.addr,
                        fs::read_to_string(&stderr).unwrap_or_default().trim()
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether rsyslog's GnuTLS stream driver is in a `/usr/lib/<triplet>/` directory.
fn gtls_installed() -> bool {
    fs::read_dir("/usr/lib").is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.path().join(GTLS_MODULE).exists())
    })
}

/// The configuration: one imtcp input on 127.0.0.1:`port` bound to a ruleset that writes
/// each message in RFC 5424 form to `messages.log`; rsyslog's own messages go to
/// `rsyslogd.log`. Paths are quoted as rsyslog strings (temporary paths have no `"`).
fn config(dir: &Path, port: u16, tls: bool) -> String {
    let path = |name: &str| -> PathBuf { dir.join(name) };
    let mut global = format!(
        "global(workDirectory=\"{}\" maxMessageSize=\"64k\"",
        path("work").display()
    );
    let mut module = String::from("module(load=\"imtcp\"");
    if tls {
        global.push_str(&format!(
            "\n       defaultNetstreamDriver=\"gtls\"\
             \n       defaultNetstreamDriverCAFile=\"{}\"\
             \n       defaultNetstreamDriverCertFile=\"{}\"\
             \n       defaultNetstreamDriverKeyFile=\"{}\"",
            path("ca.pem").display(),
            path("server-cert.pem").display(),
            path("server-key.pem").display()
        ));
        module.push_str(
            " streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\"",
        );
    }
    format!(
        "# The audit-shipping tests' collector (pindesk-testkit): loopback only, no system log sockets.\n\
         {global})\n\
         {module})\n\
         ruleset(name=\"collector\") {{\n\
         \x20 action(type=\"omfile\" file=\"{}\" template=\"RSYSLOG_SyslogProtocol23Format\")\n\
         }}\n\
         input(type=\"imtcp\" address=\"127.0.0.1\" port=\"{port}\" ruleset=\"collector\")\n\
         *.* action(type=\"omfile\" file=\"{}\")\n",
        path(MESSAGES).display(),
        path("rsyslogd.log").display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_listens_on_loopback_only_and_writes_only_inside_its_directory() {
        let dir = Path::new("/tmp/pindesk-rsyslog-x");
        for tls in [false, true] {
            let text = config(dir, 4242, tls);
            assert!(
                text.contains("address=\"127.0.0.1\" port=\"4242\""),
                "{text}"
            );
            assert!(
                !text.contains("imuxsock") && !text.contains("imklog"),
                "{text}"
            );
            for line in text
                .lines()
                .filter(|l| l.contains("file=\"") || l.contains("File=\""))
            {
                assert!(line.contains("\"/tmp/pindesk-rsyslog-x/"), "{line}");
            }
            assert_eq!(text.contains("streamDriver.name=\"gtls\""), tls, "{text}");
        }
    }
}
