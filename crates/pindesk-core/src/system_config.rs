//! The machine-wide configuration an administrator writes and a user cannot override:
//!
//! | OS | file |
//! | --- | --- |
//! | Linux | `/etc/pindesk/config.toml` |
//! | macOS | `/Library/Application Support/PinDesk/config.toml` |
//! | Windows | `%ProgramData%\PinDesk\config.toml` |
//!
//! ```toml
//! kiosk = true              # start as a kiosk, whatever the command line says
//! idle_timeout_secs = 120   # clear everything after this much inactivity (capped at 900)
//!
//! [network]
//! proxy = "http://proxy.bank.example:3128"   # every profile's calls go through it
//! ca = "/etc/pindesk/bank-root.pem"           # added to what every profile trusts
//!
//! [audit]
//! collector = "tls://siem.bank.example:6514"  # tcp://HOST:PORT or tls://HOST:PORT (RFC 5425)
//! ca = "/etc/pindesk/siem-ca.pem"             # for tls://: the collector's CA (PEM)
//! require_ticket = true                       # every operation needs a ticket reference
//! sd_id = "pindesk@32473"                     # the structured-data id (an organisation's own PEN)
//! ```
//!
//! Both the desktop app and `pindesk-cli` obey it. A machine proxy is enforced: a profile can
//! neither go direct nor choose another proxy (its own setting is ignored, and an edit naming
//! another one is refused). A machine CA is added to every profile's trust.
//!
//! `PINDESK_SYSTEM_CONFIG` names one more file, read *in addition to* the machine's (tests use it
//! to start a kiosk with a short timeout). The two are merged strictly — kiosk if either says so,
//! the shorter idle timeout, the machine's proxy before the extra file's, the CAs of both — so
//! the variable can only tighten, never loosen, what the machine's file says.
//!
//! A file that is absent is no configuration. A file that exists but cannot be read or parsed
//! (bad TOML, an unknown key, a zero timeout, a bad proxy) fails closed: the app starts as a
//! kiosk with the kiosk's default timeout, no request is sent to a provider (the desk cannot
//! know which proxy it must use), and the error is logged and printed.

use crate::network::{MachineNetwork, ProxySetting, TrustSetting};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The longest idle time allowed in any mode (PCI DSS 8.2.8: 15 minutes).
pub const MAX_IDLE_SECS: u64 = 15 * 60;
/// The kiosk's default idle timeout.
pub const KIOSK_IDLE_SECS: u64 = 120;

/// The variable naming an extra system config file (it can only tighten the machine's).
pub const EXTRA_VAR: &str = "PINDESK_SYSTEM_CONFIG";

/// What the machine-wide configuration imposes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SystemConfig {
    /// Start as a kiosk whatever the command line says.
    pub kiosk: bool,
    /// The longest idle time allowed, already capped at [`MAX_IDLE_SECS`].
    pub idle_timeout_secs: Option<u64>,
    /// The proxy and CAs imposed on every profile.
    pub network: MachineNetwork,
    /// Where the history is shipped, and whether operations need a ticket reference.
    pub audit: AuditConfig,
}

/// The `[audit]` rules: the collectors every history record is shipped to, and whether an
/// operation needs a ticket reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditConfig {
    /// The collectors (one per file that names one; both are used).
    pub collectors: Vec<Collector>,
    /// Every operation must carry a ticket reference.
    pub require_ticket: bool,
    /// The RFC 5424 structured-data id of the shipped messages.
    pub sd_id: Option<String>,
}

/// One central log collector (a syslog receiver).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collector {
    /// `tcp` or `tls`.
    pub transport: CollectorTransport,
    /// The host name or address.
    pub host: String,
    /// The port.
    pub port: u16,
    /// For `tls`: a PEM file of the CAs that sign the collector's certificate (else the
    /// bundled web roots).
    pub ca: Option<PathBuf>,
}

/// How messages reach a collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectorTransport {
    /// Plain TCP, octet-counted framing (RFC 6587).
    Tcp,
    /// TLS (RFC 5425).
    Tls,
}

/// The default structured-data id: 32473 is the enterprise number RFC 5612 reserves for
/// examples; an organisation sets its own with `sd_id`.
pub const DEFAULT_SD_ID: &str = "pindesk@32473";

/// A system config file that exists but cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SystemConfigError {
    /// The file exists but could not be read.
    #[error("the system config {path} cannot be read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has an unknown key or a bad value.
    #[error("the system config {path} is malformed: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The parser's explanation (line and column included).
        message: String,
    },
}

/// The file's keys; anything else is an error, so a typo never silently loosens the machine.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    kiosk: bool,
    idle_timeout_secs: Option<u64>,
    #[serde(default)]
    network: NetworkFile,
    #[serde(default)]
    audit: AuditFile,
}

/// The `[audit]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    collector: Option<String>,
    ca: Option<PathBuf>,
    #[serde(default)]
    require_ticket: bool,
    sd_id: Option<String>,
}

fn parse_collector(value: &str, ca: Option<PathBuf>) -> Result<Collector, String> {
    let (transport, rest) = if let Some(rest) = value.strip_prefix("tcp://") {
        (CollectorTransport::Tcp, rest)
    } else if let Some(rest) = value.strip_prefix("tls://") {
        (CollectorTransport::Tls, rest)
    } else {
        return Err("audit.collector must be tcp://HOST:PORT or tls://HOST:PORT".into());
    };
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or("audit.collector needs a port (HOST:PORT)")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or("audit.collector's port must be a number from 1 to 65535")?;
    if host.is_empty() || host.contains('/') {
        return Err("audit.collector needs a host (HOST:PORT)".into());
    }
    if let Some(ca) = &ca {
        if transport == CollectorTransport::Tcp {
            return Err("audit.ca applies to a tls:// collector only".into());
        }
        if !ca.is_absolute() {
            return Err("audit.ca must be the absolute path of a PEM file".into());
        }
    }
    Ok(Collector {
        transport,
        host: host.to_owned(),
        port,
        ca,
    })
}

/// An SD-ID as RFC 5424 allows an organisation's own: `name@number`, 1 to 32 printable
/// characters without `=`, space, `]` or `"`.
fn valid_sd_id(id: &str) -> bool {
    let printable = id
        .bytes()
        .all(|b| (33..=126).contains(&b) && !matches!(b, b'=' | b']' | b'"'));
    let shaped = id.split_once('@').is_some_and(|(name, pen)| {
        !name.is_empty() && !pen.is_empty() && pen.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    });
    (1..=32).contains(&id.len()) && printable && shaped
}

/// The `[network]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkFile {
    proxy: Option<String>,
    ca: Option<PathBuf>,
}

impl SystemConfig {
    /// What fails closed: a kiosk with the kiosk's default idle timeout.
    pub const FAIL_CLOSED: SystemConfig = SystemConfig {
        kiosk: true,
        idle_timeout_secs: Some(KIOSK_IDLE_SECS),
        network: MachineNetwork {
            proxy: None,
            cas: Vec::new(),
        },
        audit: AuditConfig {
            collectors: Vec::new(),
            require_ticket: false,
            sd_id: None,
        },
    };

    /// Reads one file: `Ok(None)` when it does not exist.
    pub fn read(path: &Path) -> Result<Option<SystemConfig>, SystemConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(SystemConfigError::Read {
                    path: path.to_owned(),
                    source,
                })
            }
        };
        let malformed = |message: String| SystemConfigError::Malformed {
            path: path.to_owned(),
            message,
        };
        let file: File = toml::from_str(&text).map_err(|e| malformed(e.to_string()))?;
        if file.idle_timeout_secs == Some(0) {
            return Err(malformed("idle_timeout_secs must be at least 1".into()));
        }
        let proxy = match file.network.proxy.as_deref() {
            None => None,
            Some(value) => match ProxySetting::parse("network.proxy", value) {
                Ok(ProxySetting::None) => {
                    return Err(malformed(
                        "network.proxy = \"none\" imposes nothing: leave the key out".into(),
                    ))
                }
                Ok(proxy) => Some(proxy),
                Err(e) => return Err(malformed(format!("network.proxy: {}", e.message))),
            },
        };
        let cas = match file.network.ca {
            None => Vec::new(),
            Some(ca) => match TrustSetting::parse("network.ca", &ca.to_string_lossy()) {
                Ok(TrustSetting::Pem(path)) => vec![path],
                _ => {
                    return Err(malformed(
                        "network.ca must be the absolute path of a PEM file".into(),
                    ))
                }
            },
        };
        let collectors = match file.audit.collector.as_deref() {
            None if file.audit.ca.is_some() => {
                return Err(malformed("audit.ca needs audit.collector".into()))
            }
            None => Vec::new(),
            Some(value) => vec![parse_collector(value, file.audit.ca).map_err(malformed)?],
        };
        if let Some(id) = &file.audit.sd_id {
            if !valid_sd_id(id) {
                return Err(malformed(
                    "audit.sd_id must be NAME@NUMBER (at most 32 printable characters, no =, ], \" or space)".into(),
                ));
            }
        }
        Ok(Some(SystemConfig {
            kiosk: file.kiosk,
            idle_timeout_secs: file.idle_timeout_secs.map(|s| s.min(MAX_IDLE_SECS)),
            network: MachineNetwork { proxy, cas },
            audit: AuditConfig {
                collectors,
                require_ticket: file.audit.require_ticket,
                sd_id: file.audit.sd_id,
            },
        }))
    }

    /// Reads every file in `paths` and merges them strictly. A file that cannot be used counts
    /// as [`FAIL_CLOSED`](Self::FAIL_CLOSED); its error is returned beside the result.
    pub fn load(paths: &[PathBuf]) -> (SystemConfig, Vec<SystemConfigError>) {
        let mut merged = SystemConfig::default();
        let mut errors = Vec::new();
        for path in paths {
            let one = match Self::read(path) {
                Ok(one) => one.unwrap_or_default(),
                Err(e) => {
                    errors.push(e);
                    Self::FAIL_CLOSED
                }
            };
            merged = merged.strictest(one);
        }
        (merged, errors)
    }

    /// The stricter of two configurations, field by field.
    pub fn strictest(self, other: SystemConfig) -> SystemConfig {
        let mut cas = self.network.cas;
        for ca in other.network.cas {
            if !cas.contains(&ca) {
                cas.push(ca);
            }
        }
        SystemConfig {
            kiosk: self.kiosk || other.kiosk,
            idle_timeout_secs: match (self.idle_timeout_secs, other.idle_timeout_secs) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            network: MachineNetwork {
                // The machine's file is read first: its proxy cannot be replaced.
                proxy: self.network.proxy.or(other.network.proxy),
                cas,
            },
            audit: AuditConfig {
                collectors: {
                    let mut all = self.audit.collectors;
                    for c in other.audit.collectors {
                        if !all.contains(&c) {
                            all.push(c);
                        }
                    }
                    all
                },
                require_ticket: self.audit.require_ticket || other.audit.require_ticket,
                sd_id: self.audit.sd_id.or(other.audit.sd_id),
            },
        }
    }
}

/// The machine's system config file on this OS (`None` where it cannot be determined).
pub fn machine_path() -> Option<PathBuf> {
    if cfg!(target_os = "windows") {
        std::env::var_os("ProgramData")
            .map(|dir| PathBuf::from(dir).join("PinDesk").join("config.toml"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from(
            "/Library/Application Support/PinDesk/config.toml",
        ))
    } else {
        Some(PathBuf::from("/etc/pindesk/config.toml"))
    }
}

/// The files to read: the machine's, then the one `PINDESK_SYSTEM_CONFIG` names, if set.
pub fn paths_from_env() -> Vec<PathBuf> {
    machine_path()
        .into_iter()
        .chain(
            std::env::var_os(EXTRA_VAR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn an_absent_file_imposes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("config.toml");
        assert_eq!(SystemConfig::read(&missing).unwrap(), None);
        let (config, errors) = SystemConfig::load(&[missing]);
        assert_eq!(config, SystemConfig::default());
        assert!(errors.is_empty());
    }

    #[test]
    fn kiosk_is_forced_and_the_timeout_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(&dir, "c.toml", "kiosk = true\nidle_timeout_secs = 120\n");
        assert_eq!(
            SystemConfig::read(&path).unwrap(),
            Some(SystemConfig {
                kiosk: true,
                idle_timeout_secs: Some(120),
                ..SystemConfig::default()
            })
        );
    }

    #[test]
    fn the_idle_timeout_is_capped_at_15_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(&dir, "c.toml", "idle_timeout_secs = 86400\n");
        let config = SystemConfig::read(&path).unwrap().unwrap();
        assert_eq!(config.idle_timeout_secs, Some(MAX_IDLE_SECS));
        assert!(!config.kiosk);
    }

    #[test]
    fn a_malformed_file_is_a_clear_error_and_fails_closed() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text, expect) in [
            ("syntax.toml", "kiosk = tru\n", "line 1"),
            ("typo.toml", "kiosK = false\n", "unknown field"),
            ("type.toml", "kiosk = \"no\"\n", "invalid type"),
            ("zero.toml", "idle_timeout_secs = 0\n", "at least 1"),
            (
                "net.toml",
                "[network]\nproxi = \"system\"\n",
                "unknown field",
            ),
            (
                "proxy.toml",
                "[network]\nproxy = \"https://p:443\"\n",
                "network.proxy",
            ),
            (
                "none.toml",
                "[network]\nproxy = \"none\"\n",
                "imposes nothing",
            ),
            ("ca.toml", "[network]\nca = \"bank.pem\"\n", "absolute path"),
            (
                "udp.toml",
                "[audit]\ncollector = \"udp://h:514\"\n",
                "tcp://HOST:PORT",
            ),
            (
                "port.toml",
                "[audit]\ncollector = \"tcp://h\"\n",
                "needs a port",
            ),
            (
                "tcpca.toml",
                "[audit]\ncollector = \"tcp://h:1\"\nca = \"/c.pem\"\n",
                "tls:// collector only",
            ),
            ("sdid.toml", "[audit]\nsd_id = \"pindesk\"\n", "NAME@NUMBER"),
        ] {
            let path = file(&dir, name, text);
            let err = SystemConfig::read(&path).unwrap_err().to_string();
            assert!(err.contains("malformed"), "{name}: {err}");
            assert!(
                err.contains(name),
                "{name}: the error names the file: {err}"
            );
            assert!(err.contains(expect), "{name}: {err}");
            let (config, errors) = SystemConfig::load(&[path]);
            assert_eq!(config, SystemConfig::FAIL_CLOSED, "{name}");
            assert_eq!(errors.len(), 1);
        }
    }

    #[test]
    fn an_unreadable_file_fails_closed() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: it exists but cannot be read as a file.
        let path = dir.path().join("config.toml");
        std::fs::create_dir(&path).unwrap();
        let (config, errors) = SystemConfig::load(&[path]);
        assert_eq!(config, SystemConfig::FAIL_CLOSED);
        assert!(errors[0].to_string().contains("cannot be read"));
    }

    #[test]
    fn a_second_file_can_only_tighten() {
        let dir = tempfile::tempdir().unwrap();
        let machine = file(&dir, "m.toml", "kiosk = true\nidle_timeout_secs = 300\n");
        let loose = file(&dir, "l.toml", "kiosk = false\nidle_timeout_secs = 900\n");
        let tight = file(&dir, "t.toml", "idle_timeout_secs = 3\n");
        let (config, _) = SystemConfig::load(&[machine.clone(), loose]);
        assert_eq!(
            config,
            SystemConfig {
                kiosk: true,
                idle_timeout_secs: Some(300),
                ..SystemConfig::default()
            }
        );
        let (config, _) = SystemConfig::load(&[machine, tight]);
        assert_eq!(config.idle_timeout_secs, Some(3));
        assert!(config.kiosk);
    }

    #[test]
    fn the_network_is_read_and_a_second_file_cannot_replace_the_proxy() {
        let dir = tempfile::tempdir().unwrap();
        let machine = file(
            &dir,
            "m.toml",
            "[network]\nproxy = \"http://127.0.0.1:3128\"\nca = \"/etc/pindesk/bank.pem\"\n",
        );
        let extra = file(
            &dir,
            "x.toml",
            "[network]\nproxy = \"system\"\nca = \"/etc/pindesk/test.pem\"\n",
        );
        let (config, errors) = SystemConfig::load(&[machine, extra.clone()]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            config.network.proxy,
            Some(ProxySetting::parse("proxy", "http://127.0.0.1:3128").unwrap())
        );
        assert_eq!(
            config.network.cas,
            [
                PathBuf::from("/etc/pindesk/bank.pem"),
                PathBuf::from("/etc/pindesk/test.pem")
            ]
        );
        let (alone, _) = SystemConfig::load(&[dir.path().join("absent.toml"), extra]);
        assert_eq!(alone.network.proxy, Some(ProxySetting::System));
    }

    #[test]
    fn audit_collectors_of_both_files_are_used_and_a_ticket_required_by_either() {
        let dir = tempfile::tempdir().unwrap();
        let machine = file(
            &dir,
            "m.toml",
            "[audit]\ncollector = \"tls://siem.example:6514\"\nca = \"/etc/pindesk/siem.pem\"\n",
        );
        let extra = file(
            &dir,
            "x.toml",
            "[audit]\ncollector = \"tcp://127.0.0.1:1514\"\nrequire_ticket = true\nsd_id = \"bank@99999\"\n",
        );
        let (config, errors) = SystemConfig::load(&[machine, extra]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            config.audit.collectors,
            [
                Collector {
                    transport: CollectorTransport::Tls,
                    host: "siem.example".into(),
                    port: 6514,
                    ca: Some("/etc/pindesk/siem.pem".into()),
                },
                Collector {
                    transport: CollectorTransport::Tcp,
                    host: "127.0.0.1".into(),
                    port: 1514,
                    ca: None,
                },
            ]
        );
        assert!(config.audit.require_ticket);
        assert_eq!(config.audit.sd_id.as_deref(), Some("bank@99999"));
    }

    #[test]
    fn the_machine_file_is_at_the_documented_place() {
        let path = machine_path().unwrap();
        #[cfg(target_os = "linux")]
        assert_eq!(path, PathBuf::from("/etc/pindesk/config.toml"));
        assert!(path.ends_with("config.toml"));
    }
}
