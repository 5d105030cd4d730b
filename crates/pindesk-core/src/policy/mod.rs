//! The rules a new Vault passcode, a new Vault card PIN and a new Solid PIN must satisfy before
//! anything is sent.
//!
//! Defaults follow docs/PROVIDERS.md: a passcode is 4 to 32 ASCII letters and digits, not all one
//! repeated character; a PIN is exactly 4 digits with no run of three ascending, descending
//! or identical digits (`1122` is allowed). A profile may tighten the passcode policy and set
//! the PIN length (4–12); it can never loosen the defaults. Every violation carries a stable
//! `rule` code and a message naming the rule (the words are in `words`); this module never
//! echoes, logs or keeps the secret it checks. Each policy also describes itself as data
//! ([`PolicyDescription`], `describe`), which the UI evaluates for live feedback so that the
//! candidate stays in the page while it is typed.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::secret::{CardPin, Passcode, Pin};
use crate::validate::ValidationError;

mod describe;
mod words;

pub use describe::{CharSet, PolicyDescription, RuleCheck, RuleDescription};
pub use words::PIN_RUN;

/// One rule a passcode or PIN breaks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct PolicyViolation {
    /// Stable code of the rule: `empty`, `too_short`, `too_long`, `invalid_character`,
    /// `not_digits`, `repeated`, `sequence`, `digit_required`, `letter_required`.
    pub rule: &'static str,
    /// The field the rule applies to: `passcode` or `pin`.
    pub field: &'static str,
    /// The rule in plain words; never contains the checked value.
    pub message: String,
}

impl PolicyViolation {
    fn new(rule: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            rule,
            field,
            message: message.into(),
        }
    }
}

impl From<PolicyViolation> for ValidationError {
    fn from(v: PolicyViolation) -> Self {
        ValidationError::new(v.field, v.message)
    }
}

/// The shortest passcode any policy allows.
pub const PASSCODE_MIN_LEN: usize = 4;
/// The longest passcode any policy allows (it must also fit one RSA block).
pub const PASSCODE_MAX_LEN: usize = 32;
/// The shortest PIN any policy allows.
pub const PIN_MIN_LEN: usize = 4;
/// The longest PIN any policy allows.
pub const PIN_MAX_LEN: usize = 12;

/// The Vault passcode policy of a profile. Unset fields take the defaults; a policy outside
/// the default bounds is refused when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(try_from = "RawPasscodePolicy")]
pub struct PasscodePolicy {
    /// Minimum length in characters (at least 4).
    pub min_len: usize,
    /// Maximum length in characters (at most 32).
    pub max_len: usize,
    /// Whether at least one digit is required.
    pub require_digit: bool,
    /// Whether at least one letter is required.
    pub require_letter: bool,
}

impl Default for PasscodePolicy {
    fn default() -> Self {
        Self {
            min_len: PASSCODE_MIN_LEN,
            max_len: PASSCODE_MAX_LEN,
            require_digit: false,
            require_letter: false,
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawPasscodePolicy {
    min_len: usize,
    max_len: usize,
    require_digit: bool,
    require_letter: bool,
}

impl Default for RawPasscodePolicy {
    fn default() -> Self {
        let d = PasscodePolicy::default();
        Self {
            min_len: d.min_len,
            max_len: d.max_len,
            require_digit: d.require_digit,
            require_letter: d.require_letter,
        }
    }
}

impl TryFrom<RawPasscodePolicy> for PasscodePolicy {
    type Error = ValidationError;

    fn try_from(raw: RawPasscodePolicy) -> Result<Self, Self::Error> {
        let policy = Self {
            min_len: raw.min_len,
            max_len: raw.max_len,
            require_digit: raw.require_digit,
            require_letter: raw.require_letter,
        };
        policy.validate()?;
        Ok(policy)
    }
}

impl PasscodePolicy {
    /// Checks that the policy itself is within the defaults' bounds
    /// (4 ≤ `min_len` ≤ `max_len` ≤ 32); field `passcode_policy`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.min_len < PASSCODE_MIN_LEN
            || self.max_len > PASSCODE_MAX_LEN
            || self.min_len > self.max_len
        {
            return Err(ValidationError::new(
                "passcode_policy",
                format!(
                    "passcode lengths must satisfy {PASSCODE_MIN_LEN} ≤ min_len ≤ max_len ≤ {PASSCODE_MAX_LEN}"
                ),
            ));
        }
        Ok(())
    }

    /// Checks a passcode, returning the first rule it breaks.
    pub fn check(&self, passcode: &Passcode) -> Result<(), PolicyViolation> {
        match self.violations(passcode.expose()).into_iter().next() {
            Some(v) => Err(v),
            None => Ok(()),
        }
    }

    /// Every rule `candidate` breaks, in the order of [`describe`](Self::describe)'s rules.
    pub fn violations(&self, candidate: &str) -> Vec<PolicyViolation> {
        const F: &str = "passcode";
        let mut out = Vec::new();
        let len = candidate.chars().count();
        if len == 0 {
            out.push(PolicyViolation::new("empty", F, words::PASSCODE_EMPTY));
            return out;
        }
        if len < self.min_len {
            out.push(PolicyViolation::new(
                "too_short",
                F,
                words::passcode_too_short(self.min_len),
            ));
        }
        if len > self.max_len {
            out.push(PolicyViolation::new(
                "too_long",
                F,
                words::passcode_too_long(self.max_len),
            ));
        }
        if !candidate.chars().all(|c| c.is_ascii_alphanumeric()) {
            out.push(PolicyViolation::new(
                "invalid_character",
                F,
                words::PASSCODE_INVALID_CHARACTER,
            ));
        }
        let mut chars = candidate.chars().map(|c| c.to_ascii_lowercase());
        if let Some(first) = chars.next() {
            if len > 1 && chars.all(|c| c == first) {
                out.push(PolicyViolation::new(
                    "repeated",
                    F,
                    words::PASSCODE_REPEATED,
                ));
            }
        }
        if self.require_digit && !candidate.chars().any(|c| c.is_ascii_digit()) {
            out.push(PolicyViolation::new(
                "digit_required",
                F,
                words::PASSCODE_DIGIT_REQUIRED,
            ));
        }
        if self.require_letter && !candidate.chars().any(|c| c.is_ascii_alphabetic()) {
            out.push(PolicyViolation::new(
                "letter_required",
                F,
                words::PASSCODE_LETTER_REQUIRED,
            ));
        }
        out
    }
}

/// Vault's card PIN rules as a policy (its [`describe`](PinPolicy::describe) is what the UI checks
/// a card PIN against while it is typed). They are the default PIN policy's.
pub fn vault_card_pin_policy() -> PinPolicy {
    PinPolicy::default()
}

/// Checks a Vault card PIN (`POST /v2/card/{cardId}/pin`) against the rules Vault publishes
/// for that endpoint: exactly 4 digits, no run of three consecutive ascending or descending
/// digits (`1234`, `4321`), no run of three identical digits (`1112`; `1122` is allowed). They
/// are Vault's own rules, so no profile setting changes them. Errors name the field `pin`.
pub fn check_vault_card_pin(pin: &CardPin) -> Result<(), PolicyViolation> {
    match vault_card_pin_policy()
        .violations(pin.expose())
        .into_iter()
        .next()
    {
        Some(v) => Err(v),
        None => Ok(()),
    }
}

/// The Solid PIN policy of a profile: digits only, a length between `min_len` and `max_len`
/// (default exactly 4, bounds 4–12), no run of three consecutive ascending or descending
/// digits, no run of three identical digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(try_from = "RawPinPolicy")]
pub struct PinPolicy {
    /// Minimum number of digits (at least 4).
    pub min_len: usize,
    /// Maximum number of digits (at most 12).
    pub max_len: usize,
}

impl Default for PinPolicy {
    fn default() -> Self {
        Self {
            min_len: PIN_MIN_LEN,
            max_len: PIN_MIN_LEN,
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawPinPolicy {
    min_len: usize,
    max_len: usize,
}

impl Default for RawPinPolicy {
    fn default() -> Self {
        let d = PinPolicy::default();
        Self {
            min_len: d.min_len,
            max_len: d.max_len,
        }
    }
}

impl TryFrom<RawPinPolicy> for PinPolicy {
    type Error = ValidationError;

    fn try_from(raw: RawPinPolicy) -> Result<Self, Self::Error> {
        let policy = Self {
            min_len: raw.min_len,
            max_len: raw.max_len,
        };
        policy.validate()?;
        Ok(policy)
    }
}

impl PinPolicy {
    /// A policy for PINs of exactly `len` digits (4–12).
    pub fn exact(len: usize) -> Result<Self, ValidationError> {
        let policy = Self {
            min_len: len,
            max_len: len,
        };
        policy.validate()?;
        Ok(policy)
    }

    /// Checks that the policy itself is within bounds (4 ≤ `min_len` ≤ `max_len` ≤ 12);
    /// field `pin_policy`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.min_len < PIN_MIN_LEN || self.max_len > PIN_MAX_LEN || self.min_len > self.max_len {
            return Err(ValidationError::new(
                "pin_policy",
                format!(
                    "PIN lengths must satisfy {PIN_MIN_LEN} ≤ min_len ≤ max_len ≤ {PIN_MAX_LEN}"
                ),
            ));
        }
        Ok(())
    }

    /// Checks a PIN, returning the first rule it breaks.
    pub fn check(&self, pin: &Pin) -> Result<(), PolicyViolation> {
        match self.violations(pin.expose()).into_iter().next() {
            Some(v) => Err(v),
            None => Ok(()),
        }
    }

    /// Every rule `candidate` breaks, in the order of [`describe`](Self::describe)'s rules.
    pub fn violations(&self, candidate: &str) -> Vec<PolicyViolation> {
        const F: &str = "pin";
        let mut out = Vec::new();
        let len = candidate.chars().count();
        if len == 0 {
            out.push(PolicyViolation::new("empty", F, words::PIN_EMPTY));
            return out;
        }
        if len < self.min_len {
            out.push(PolicyViolation::new(
                "too_short",
                F,
                words::pin_length(self.min_len, self.max_len),
            ));
        }
        if len > self.max_len {
            out.push(PolicyViolation::new(
                "too_long",
                F,
                words::pin_length(self.min_len, self.max_len),
            ));
        }
        if !candidate.chars().all(|c| c.is_ascii_digit()) {
            out.push(PolicyViolation::new("not_digits", F, words::PIN_NOT_DIGITS));
            return out;
        }
        let digits = candidate.as_bytes();
        let step = |a: u8, b: u8| i16::from(b) - i16::from(a);
        // A run of PIN_RUN digits each one up (or each one down) from the one before.
        let has_sequence = digits.windows(PIN_RUN).any(|w| {
            let first = step(w[0], w[1]);
            (first == 1 || first == -1) && w.windows(2).all(|p| step(p[0], p[1]) == first)
        });
        if has_sequence {
            out.push(PolicyViolation::new("sequence", F, words::PIN_SEQUENCE));
        }
        if digits
            .windows(PIN_RUN)
            .any(|w| w.iter().all(|&d| d == w[0]))
        {
            out.push(PolicyViolation::new("repeated", F, words::PIN_REPEATED));
        }
        out
    }
}

#[cfg(test)]
mod tests;
