//! The vocabulary both surfaces speak: every type that crosses a boundary — a desktop IPC
//! reply, a line of `pindesk-cli --json`, the UI's generated bindings — is defined here once.
//!
//! The desktop app and the CLI only parse their input into core calls and render these types;
//! neither builds a view of its own. Names are snake_case on every surface. With the `ts`
//! feature each type derives `ts_rs::TS`, from which `ui/src/bindings/` is generated. No type
//! here carries a secret.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use crate::cards::{CardCheck, CardSummary};
pub use crate::credentials::SecretKind;
pub use crate::demo::DemoState;
pub use crate::error::Category;
pub use crate::history::{
    ChainProblem as HistoryChainProblem, Checkpoint as HistoryCheckpoint,
    CollectorCheck as HistoryCollectorCheck, Entry as HistoryEntry, EntryId, Outcome,
    ProblemKind as HistoryProblemKind, Ticket, VerifyReport as HistoryVerifyReport,
};
pub use crate::policy::PolicyDescription;
pub use crate::profile::{Profile, Provider};
use crate::validate::ValidationError;

/// A point in time as every surface shows it: RFC 3339 in UTC.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// How a profile's environment is badged: what the operator must always see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentKind {
    /// The sandbox embedded in the app (demo mode): no real card is touched.
    Demo,
    /// The issuer's sandbox.
    Sandbox,
    /// The issuer's production API: real cards. Any base URL but the provider's documented
    /// sandbox host, a loopback address or a marked test host.
    Production,
    /// A loopback address (a sandbox on this computer).
    Local,
}

impl EnvironmentKind {
    /// The badge text: `DEMO`, `SANDBOX`, `PRODUCTION` or `LOCAL`.
    pub fn badge(self) -> &'static str {
        match self {
            EnvironmentKind::Demo => "DEMO",
            EnvironmentKind::Sandbox => "SANDBOX",
            EnvironmentKind::Production => "PRODUCTION",
            EnvironmentKind::Local => "LOCAL",
        }
    }
}

/// Whether a secret a profile needs is in the keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SecretState {
    /// Stored (its value is never shown).
    Stored,
    /// Not stored: the profile cannot work until it is added.
    Missing,
    /// Held in memory by the demo sandbox.
    Demo,
    /// The keyring could not be asked.
    Unavailable,
}

/// A profile as the lists show it: its settings (never a secret), whether it is the active
/// one, how its environment is badged, and whether each secret it needs is stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileView {
    /// The profile (holds no secret).
    pub profile: Profile,
    /// Whether it is the active profile.
    pub active: bool,
    /// Whether it is a demo profile (on the embedded sandbox).
    pub demo: bool,
    /// The badge of its environment.
    pub environment_kind: EnvironmentKind,
    /// Its environment as the history names it (`sandbox`, `production`, `demo` or the URL).
    pub environment_label: String,
    /// The state of each secret it needs.
    pub secrets: Vec<(SecretKind, SecretState)>,
    /// What the operator should know before using it (a plain-HTTP URL); empty for demo
    /// profiles, whose loopback sandbox the DEMO badge already explains.
    pub warnings: Vec<String>,
    /// A demo profile's backend: starting (the lists mark it so), ready, or failed and why.
    /// Absent for a stored profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub demo_state: Option<DemoState>,
}

/// The warning for a profile whose `settings` are plain-HTTP URLs.
pub fn plain_http_warning(settings: &[&str]) -> Option<String> {
    (!settings.is_empty()).then(|| {
        format!(
            "plain HTTP, not encrypted ({}): only for a local forwarder or test server",
            settings.join(", ")
        )
    })
}

/// A profile to add or edit as an operator gives it (the desktop's Credentials form, the
/// CLI's `profile add` flags). Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileInput {
    /// The id: lowercase letters, digits and `-`.
    pub id: String,
    /// The name shown in the app (the id when empty).
    pub display_name: String,
    /// The card issuer.
    pub provider: Provider,
    /// `sandbox`, `production`, or a base URL (`https://`, or `http://` to loopback).
    pub environment: String,
    /// Vault: the merchant id (UUID).
    pub merchant_id: Option<String>,
    /// Vault: `pkcs1` (default), `oaep-sha256` or `oaep-sha1`.
    pub rsa_padding: Option<String>,
    /// Vault: sign in with a phone number and password instead of a pasted token.
    pub sign_in: bool,
    /// The environment's base URL is a test host the provider handed out (badged sandbox).
    #[serde(default)]
    pub test_host: bool,
    /// Vault: where a stored sign-in signs out (the base URL when empty).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub signout_url: Option<String>,
    /// Vault: the body field of a card PIN (`pin` when empty).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub card_pin_field: Option<String>,
    /// Solid: the PIN endpoint's base URL.
    pub pin_endpoint: Option<String>,
    /// Solid: the PIN token's lifetime in seconds (default 300).
    pub token_lifetime_secs: Option<u32>,
    /// `none` (default), `system`, or a proxy URL (`http://[user@]host:port`, `socks5://…`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub proxy: Option<String>,
    /// Solid: the PIN endpoint's proxy when it differs from `proxy`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pin_proxy: Option<String>,
    /// `bundled` (default), `os`, or the absolute path of a PEM file of CAs to add.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ca: Option<String>,
}

impl ProfileInput {
    /// The profile this input describes, checked as a stored profile must be. A setting of
    /// the other provider is refused, naming its field; empty text is no value.
    pub fn to_profile(&self) -> Result<Profile, crate::desk::Error> {
        use crate::profile::{
            Environment, ProfileId, ProviderSettings, SolidSettings, VaultAuth, VaultSettings,
        };
        let id = ProfileId::new(self.id.trim())?;
        let environment = Environment::parse(self.environment.trim())?
            .marked_test_host(self.test_host)
            .map_err(|e| e.for_profile(&id))?;
        let display_name = match self.display_name.trim() {
            "" => id.to_string(),
            name => name.to_owned(),
        };
        let only_for = |field: &'static str, other: &str| {
            ValidationError::new(field, format!("applies to {other} profiles only"))
        };
        let settings = match self.provider {
            Provider::Vault => {
                if text(&self.pin_endpoint).is_some() {
                    return Err(only_for("pin_endpoint", "Solid").into());
                }
                if self.token_lifetime_secs.is_some() {
                    return Err(only_for("token_lifetime_secs", "Solid").into());
                }
                let rsa_padding = match text(&self.rsa_padding) {
                    Some(p) => p.parse().map_err(|_| {
                        ValidationError::new(
                            "rsa_padding",
                            "must be pkcs1, oaep-sha256 or oaep-sha1",
                        )
                    })?,
                    None => Default::default(),
                };
                let signout_url = match text(&self.signout_url) {
                    Some(_) if !self.sign_in => {
                        return Err(ValidationError::new(
                            "signout_url",
                            "applies to a stored sign-in only",
                        )
                        .into());
                    }
                    Some(url) => Some(url.parse().map_err(|e: ValidationError| {
                        ValidationError::new("signout_url", e.message)
                    })?),
                    None => None,
                };
                ProviderSettings::Vault(VaultSettings {
                    merchant_id: text(&self.merchant_id).map(str::to_owned),
                    signout_url,
                    rsa_padding,
                    auth: if self.sign_in {
                        VaultAuth::SignIn
                    } else {
                        VaultAuth::Token
                    },
                    passcode_policy: None,
                    card_pin_field: text(&self.card_pin_field).map(str::to_owned),
                })
            }
            Provider::Solid => {
                if text(&self.merchant_id).is_some() {
                    return Err(only_for("merchant_id", "Vault").into());
                }
                if text(&self.rsa_padding).is_some() {
                    return Err(only_for("rsa_padding", "Vault").into());
                }
                if self.sign_in {
                    return Err(only_for("sign_in", "Vault").into());
                }
                if text(&self.signout_url).is_some() {
                    return Err(only_for("signout_url", "Vault").into());
                }
                if text(&self.card_pin_field).is_some() {
                    return Err(only_for("card_pin_field", "Vault").into());
                }
                let mut solid = SolidSettings::default();
                if let Some(endpoint) = text(&self.pin_endpoint) {
                    solid.pin_endpoint = Some(endpoint.parse().map_err(|e: ValidationError| {
                        ValidationError::new("pin_endpoint", e.message)
                    })?);
                }
                if let Some(secs) = self.token_lifetime_secs {
                    solid.token_lifetime_secs = u64::from(secs);
                }
                ProviderSettings::Solid(solid)
            }
        };
        let network = crate::network::NetworkSettings {
            proxy: text(&self.proxy)
                .map(|p| crate::network::ProxySetting::parse("proxy", p))
                .transpose()?
                .unwrap_or_default(),
            pin_proxy: text(&self.pin_proxy)
                .map(|p| crate::network::ProxySetting::parse("pin_proxy", p))
                .transpose()?,
            ca: text(&self.ca)
                .map(|c| crate::network::TrustSetting::parse("ca", c))
                .transpose()?
                .unwrap_or_default(),
        };
        let profile = Profile {
            id,
            display_name,
            environment,
            settings,
            network,
        };
        profile.validate()?;
        Ok(profile)
    }
}

/// The profile requests go through, as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileSummary {
    /// The profile's display name.
    pub name: String,
    /// The card issuer it talks to.
    pub provider: Provider,
    /// The badge of its environment.
    pub environment: EnvironmentKind,
}

impl From<&ProfileView> for ProfileSummary {
    fn from(view: &ProfileView) -> Self {
        Self {
            name: view.profile.display_name.clone(),
            provider: view.profile.provider(),
            environment: view.environment_kind,
        }
    }
}

/// A failure as every surface reports it: what kind, a stable code of what failed, in words
/// an operator understands, the field it concerns and the provider's reference for support
/// (`errorId`, `request_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorReport {
    /// What kind of failure (the UI branches on it, never on the message).
    pub category: Category,
    /// A stable name of what failed, e.g. `policy`, `unauthorized`, `not_sent` (see
    /// [`crate::desk::Error::code`]); `invalid_input` and `internal` for the surfaces' own.
    pub code: String,
    /// The operator-facing message (never holds a secret).
    pub message: String,
    /// The input field it concerns, when there is one.
    pub field: Option<String>,
    /// The provider's reference, when it gave one.
    pub reference: Option<String>,
}

impl ErrorReport {
    /// A report of `category` with just a message.
    pub fn new(category: Category, message: impl Into<String>) -> Self {
        let code = match category {
            Category::Validation => "invalid_input",
            _ => "internal",
        };
        Self {
            category,
            code: code.to_owned(),
            message: message.into(),
            field: None,
            reference: None,
        }
    }

    /// Bad input concerning `field`; nothing was sent.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_owned()),
            ..Self::new(Category::Validation, message)
        }
    }
}

impl From<&crate::desk::Error> for ErrorReport {
    fn from(e: &crate::desk::Error) -> Self {
        Self {
            code: e.code().to_owned(),
            field: e.field(),
            reference: e.reference(),
            ..Self::new(e.category(), e.message())
        }
    }
}

impl From<crate::desk::Error> for ErrorReport {
    fn from(e: crate::desk::Error) -> Self {
        Self::from(&e)
    }
}

/// Where the history is shipped and what waits: for `pindesk-cli audit status`, and the
/// desktop's status bar ("audit: N waiting").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditStatus {
    /// The collectors (`tls://siem.example:6514`); empty when nothing is shipped.
    pub collectors: Vec<String>,
    /// Records waiting in the outbox.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub waiting: u64,
    /// How long the oldest waiting record has waited, in seconds.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub oldest_waiting_secs: Option<u64>,
    /// The sequence number of the last record shipped, when known.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_sent_seq: Option<u64>,
    /// Why the last attempt to ship left records waiting (or why shipping cannot start).
    pub error: Option<String>,
}

/// A page of the history, newest first, with how many entries the filter matches in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryPage {
    /// The entries of this page.
    pub entries: Vec<HistoryEntry>,
    /// How many entries match the filter.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

/// The text of an optional field, trimmed; empty text is no value.
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Which history entries to show, as an operator types it: each field narrows the result;
/// empty text is no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryQuery {
    /// Only this provider.
    pub provider: Option<Provider>,
    /// Only this outcome (`ok`, `rejected`, `failed`, `unknown`, `started`).
    pub outcome: Option<String>,
    /// Only this card.
    pub card_id: Option<String>,
    /// Only entries started on or after this day (YYYY-MM-DD, UTC).
    pub since: Option<String>,
    /// Only entries started on or before this day (YYYY-MM-DD, UTC).
    pub until: Option<String>,
    /// Only entries older than this id (the last id of the previous page).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub before: Option<i64>,
    /// How many entries at most (default 50, at most 1000).
    pub limit: Option<u32>,
}

impl HistoryQuery {
    /// The filter and page this query asks for; the error names the field at fault.
    pub fn parse(&self) -> Result<(crate::history::Filter, crate::history::Page), ValidationError> {
        use crate::history::{Filter, Page};
        use time::{Date, Time};
        let day = |field: &'static str, value: &str| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(value, &format)
                .map_err(|_| ValidationError::new(field, "must be a date as YYYY-MM-DD"))
        };
        let midnight = |d: Date| d.with_time(Time::MIDNIGHT).assume_utc();
        let outcome = text(&self.outcome)
            .map(|o| {
                o.parse::<Outcome>().map_err(|_| {
                    ValidationError::new(
                        "outcome",
                        "must be ok, rejected, failed, unknown or started",
                    )
                })
            })
            .transpose()?;
        let since = text(&self.since).map(|s| day("since", s)).transpose()?;
        let until = text(&self.until).map(|u| day("until", u)).transpose()?;
        let filter = Filter {
            provider: self.provider,
            outcome,
            card_id: text(&self.card_id).map(str::to_owned),
            since: since.map(midnight),
            until: until.and_then(Date::next_day).map(midnight),
        };
        let limit = self.limit.unwrap_or(50).clamp(1, 1000);
        let page = match self.before {
            Some(id) => Page::after(EntryId(id), limit),
            None => Page::first(limit),
        };
        Ok((filter, page))
    }
}

/// Always `ok`: the result of an operation that succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Done {
    /// The provider accepted the operation.
    Ok,
}

/// A flow step the provider accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpDone {
    /// Always `ok`.
    pub result: Done,
    /// The history's name of the operation, e.g. `vault.send_code`.
    pub operation: String,
    /// The card it concerned.
    pub card_id: String,
    /// When it finished (RFC 3339); the desktop shows it, the CLI leaves it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub at: Option<String>,
    /// The card as the provider confirmed it before this step changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub card: Option<CardSummary>,
}

impl OpDone {
    /// `operation` on `card` succeeded, now.
    pub fn now(operation: &str, card: &str) -> Self {
        Self {
            result: Done::Ok,
            operation: operation.to_owned(),
            card_id: card.to_owned(),
            at: Some(rfc3339(OffsetDateTime::now_utc())),
            card: None,
        }
    }

    /// This step, with the card its provider confirmed.
    pub fn confirmed(self, card: CardSummary) -> Self {
        Self {
            card: Some(card),
            ..self
        }
    }
}

/// A held Solid PIN token as the operator may see it: everything but the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PinTokenInfo {
    /// The card it is for.
    pub card_id: String,
    /// The profile that obtained it.
    pub profile: String,
    /// When it stops being usable (RFC 3339).
    pub expires_at: String,
    /// Its lifetime in seconds, as the profile sets it.
    pub lifetime_secs: u32,
    /// Whether PinDesk can set the PIN itself with it (the profile has a PIN endpoint).
    pub can_set_pin: bool,
    /// The card as Solid confirmed it before the token was requested.
    pub card: CardSummary,
}

/// One rule a passcode or PIN breaks, as the UI lists it while the operator types (the UI
/// finds them by evaluating the profile's [`PolicyDescription`]; never holds the checked value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyRule {
    /// The rule's stable code, e.g. `too_short`.
    pub rule: String,
    /// The rule in plain words.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_done_leaves_out_a_missing_time() {
        let untimed = OpDone {
            at: None,
            ..OpDone::now("vault.send_code", "c1")
        };
        let json = serde_json::to_value(untimed).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"result": "ok", "operation": "vault.send_code", "card_id": "c1"})
        );
        let timed = serde_json::to_value(OpDone::now("vault.send_code", "c1")).unwrap();
        assert!(timed["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    }

    #[test]
    fn error_report_codes_name_what_failed() {
        let report = ErrorReport::from(crate::desk::Error::NoActiveProfile);
        assert_eq!(
            (report.category, report.code.as_str()),
            (Category::Validation, "no_active_profile")
        );
        assert_eq!(ErrorReport::invalid("card_id", "m").code, "invalid_input");
        assert_eq!(ErrorReport::new(Category::Internal, "m").code, "internal");
    }
}
