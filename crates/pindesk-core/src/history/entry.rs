//! What an entry is: its outcome, id, the facts known at its start and its end, the row read
//! back, and the caps and time conversions every stored value goes through.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use time::OffsetDateTime;

use super::HistoryError;
use crate::profile::Provider;

/// Longest stored message, in characters; longer ones are cut with `…`.
pub const MAX_MESSAGE_CHARS: usize = 1000;
/// Longest stored text of any other column, in characters.
pub const MAX_FIELD_CHARS: usize = 200;

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The request is about to leave or is in flight.
    Started,
    /// The provider accepted it.
    Ok,
    /// The provider answered and refused it.
    Rejected,
    /// It failed before reaching the provider (or locally), so nothing happened there.
    Failed,
    /// It may or may not have reached the provider; check before retrying.
    Unknown,
}

impl Outcome {
    /// The stored name: `started`, `ok`, `rejected`, `failed`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Started => "started",
            Outcome::Ok => "ok",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = HistoryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "started" => Outcome::Started,
            "ok" => Outcome::Ok,
            "rejected" => Outcome::Rejected,
            "failed" => Outcome::Failed,
            "unknown" => Outcome::Unknown,
            other => {
                return Err(HistoryError::BadValue {
                    column: "outcome",
                    value: truncate(other, 40),
                })
            }
        })
    }
}

/// An entry's id. Ids grow in the order entries are started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
#[serde(transparent)]
pub struct EntryId(pub i64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What is known when an operation starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// When the operation started.
    pub started_at: OffsetDateTime,
    /// The operator's OS account (see [`os_user`]).
    pub os_user: String,
    /// The profile id.
    pub profile: String,
    /// The profile's provider.
    pub provider: Provider,
    /// The profile's environment as text (`sandbox`, `production`, a URL).
    pub environment: String,
    /// What was done: `vault.send_code`, `vault.verify_code`, `vault.set_passcode`,
    /// `solid.pin_token`, `solid.set_pin`, `profile.test`, …
    pub operation: String,
    /// The card concerned, if any.
    pub card_id: Option<String>,
    /// The operator's case or ticket reference, if given.
    pub ticket: Option<super::Ticket>,
}

/// How an operation ended, for [`History::finish`](super::History::finish).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finish {
    /// The outcome (not [`Outcome::Started`]).
    pub outcome: Outcome,
    /// The provider's reference (`errorId`, `request_id`), for support.
    pub reference: Option<String>,
    /// The provider's message, already free of secrets; capped at [`MAX_MESSAGE_CHARS`].
    pub message: Option<String>,
    /// When it ended.
    pub finished_at: OffsetDateTime,
    /// How long it took.
    pub duration: Duration,
}

/// One row of the history, as every surface shows it (times in RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HistoryEntry"))]
pub struct Entry {
    /// The id.
    pub id: EntryId,
    /// When the operation started (UTC).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub started_at: OffsetDateTime,
    /// When it ended (UTC), if it has.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub finished_at: Option<OffsetDateTime>,
    /// The operator's OS account.
    pub os_user: String,
    /// The profile id.
    pub profile: String,
    /// The provider.
    pub provider: Provider,
    /// The environment as text.
    pub environment: String,
    /// The operation name.
    pub operation: String,
    /// The card concerned, if any.
    pub card_id: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// The provider's reference.
    pub reference: Option<String>,
    /// The provider's (or the interruption) message.
    pub message: Option<String>,
    /// How long it took, in milliseconds, once finished.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub duration_ms: Option<u64>,
    /// The operator's case or ticket reference, if one was given.
    pub ticket: Option<String>,
}

/// The operator's OS account: on Unix the name of the process's real uid (`uid:N` when the
/// account database has no name for it), never the `USER` an environment can forge. Windows
/// still reads `USERNAME` (not yet the account API).
pub fn os_user() -> String {
    truncate(&account_name(), MAX_FIELD_CHARS)
}

#[cfg(unix)]
fn account_name() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) if !user.name.is_empty() => user.name,
        _ => format!("uid:{uid}"),
    }
}

/// This computer's host name (`unknown` when the system does not say), capped like every
/// other stored text. Read once per process.
pub fn host_name() -> String {
    static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOST.get_or_init(|| truncate(&system_host_name(), MAX_FIELD_CHARS))
        .clone()
}

#[cfg(unix)]
fn system_host_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(not(unix))]
fn system_host_name() -> String {
    std::env::var("COMPUTERNAME")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(not(unix))]
fn account_name() -> String {
    std::env::var("USERNAME")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub(super) fn to_millis(t: OffsetDateTime) -> i64 {
    let ms = t.unix_timestamp_nanos() / 1_000_000;
    i64::try_from(ms).unwrap_or(if ms < 0 { i64::MIN } else { i64::MAX })
}

pub(super) fn from_millis(ms: i64) -> Result<OffsetDateTime, HistoryError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map_err(|_| {
        HistoryError::BadValue {
            column: "time",
            value: ms.to_string(),
        }
    })
}
