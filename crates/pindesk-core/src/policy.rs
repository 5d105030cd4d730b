//! The rules a new Vault passcode, a new Vault card PIN and a new Solid PIN must satisfy before
//! anything is sent.
//!
//! Defaults follow docs/PROVIDERS.md: a passcode is 4 to 32 ASCII letters and digits, not all one
//! repeated character; a PIN is exactly 4 digits with no run of three ascending, descending
//! or identical digits (`1122` is allowed). A profile may tighten the passcode policy and set
//! the PIN length (4–12); it can never loosen the defaults. Every violation carries a stable
//! `rule` code for the UI and a message naming the rule; this module never echoes, logs or
//! keeps the secret it checks.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::secret::{CardPin, Passcode, Pin};
use crate::validate::ValidationError;

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

    /// Every rule `candidate` breaks, in a stable order (for live feedback while typing).
    pub fn violations(&self, candidate: &str) -> Vec<PolicyViolation> {
        const F: &str = "passcode";
        let mut out = Vec::new();
        let len = candidate.chars().count();
        if len == 0 {
            out.push(PolicyViolation::new("empty", F, "the passcode is required"));
            return out;
        }
        if len < self.min_len {
            out.push(PolicyViolation::new(
                "too_short",
                F,
                format!(
                    "the passcode must have at least {} characters",
                    self.min_len
                ),
            ));
        }
        if len > self.max_len {
            out.push(PolicyViolation::new(
                "too_long",
                F,
                format!("the passcode must have at most {} characters", self.max_len),
            ));
        }
        if !candidate.chars().all(|c| c.is_ascii_alphanumeric()) {
            out.push(PolicyViolation::new(
                "invalid_character",
                F,
                "the passcode may contain only letters A–Z, a–z and digits 0–9",
            ));
        }
        let mut chars = candidate.chars().map(|c| c.to_ascii_lowercase());
        if let Some(first) = chars.next() {
            if len > 1 && chars.all(|c| c == first) {
                out.push(PolicyViolation::new(
                    "repeated",
                    F,
                    "the passcode must not be one character repeated",
                ));
            }
        }
        if self.require_digit && !candidate.chars().any(|c| c.is_ascii_digit()) {
            out.push(PolicyViolation::new(
                "digit_required",
                F,
                "the passcode must contain at least one digit",
            ));
        }
        if self.require_letter && !candidate.chars().any(|c| c.is_ascii_alphabetic()) {
            out.push(PolicyViolation::new(
                "letter_required",
                F,
                "the passcode must contain at least one letter",
            ));
        }
        out
    }
}

/// Vault's card PIN rules as a policy, for live feedback. They are the default PIN policy's.
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

    fn length_words(&self) -> String {
        if self.min_len == self.max_len {
            format!("exactly {} digits", self.min_len)
        } else {
            format!("{} to {} digits", self.min_len, self.max_len)
        }
    }

    /// Every rule `candidate` breaks, in a stable order (for live feedback while typing).
    pub fn violations(&self, candidate: &str) -> Vec<PolicyViolation> {
        const F: &str = "pin";
        let mut out = Vec::new();
        let len = candidate.chars().count();
        if len == 0 {
            out.push(PolicyViolation::new("empty", F, "the PIN is required"));
            return out;
        }
        if len < self.min_len {
            out.push(PolicyViolation::new(
                "too_short",
                F,
                format!("the PIN must have {}", self.length_words()),
            ));
        }
        if len > self.max_len {
            out.push(PolicyViolation::new(
                "too_long",
                F,
                format!("the PIN must have {}", self.length_words()),
            ));
        }
        if !candidate.chars().all(|c| c.is_ascii_digit()) {
            out.push(PolicyViolation::new(
                "not_digits",
                F,
                "the PIN may contain only digits 0–9",
            ));
            return out;
        }
        let digits = candidate.as_bytes();
        let step = |a: u8, b: u8| i16::from(b) - i16::from(a);
        let has_sequence = digits.windows(3).any(|w| {
            let (s1, s2) = (step(w[0], w[1]), step(w[1], w[2]));
            s1 == s2 && (s1 == 1 || s1 == -1)
        });
        if has_sequence {
            out.push(PolicyViolation::new(
                "sequence",
                F,
                "the PIN must not contain three consecutive ascending or descending digits (such as 123 or 321)",
            ));
        }
        if digits.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
            out.push(PolicyViolation::new(
                "repeated",
                F,
                "the PIN must not contain the same digit three times in a row (such as 111)",
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pin_rules(p: &PinPolicy, s: &str) -> Vec<&'static str> {
        p.violations(s).into_iter().map(|v| v.rule).collect()
    }

    fn passcode_rules(p: &PasscodePolicy, s: &str) -> Vec<&'static str> {
        p.violations(s).into_iter().map(|v| v.rule).collect()
    }

    #[test]
    fn default_pin_policy() {
        let p = PinPolicy::default();
        for ok in [
            "1122", "6644", "4729", "1357", "9080", "2211", "1212", "0909",
        ] {
            assert!(p.check(&Pin::new(ok.into())).is_ok(), "{ok}");
        }
        let cases = [
            ("1234", "sequence"),
            ("4321", "sequence"),
            ("5123", "sequence"),
            ("9987", "sequence"),
            ("0123", "sequence"),
            ("7890", "sequence"),
            ("8901", ""),
            ("1112", "repeated"),
            ("2111", "repeated"),
            ("0000", "repeated"),
            ("123", "too_short"),
            ("12345", "too_long"),
            ("12a4", "not_digits"),
            ("", "empty"),
            ("١٢٣٤", "not_digits"),
        ];
        for (pin, rule) in cases {
            let rules = pin_rules(&p, pin);
            if rule.is_empty() {
                assert!(rules.is_empty(), "{pin}: {rules:?}");
            } else {
                assert!(rules.contains(&rule), "{pin}: {rules:?}");
                let err = p.check(&Pin::new(pin.into())).unwrap_err();
                assert!(!err.message.contains(pin) || pin.is_empty(), "{pin}");
                assert_eq!(err.field, "pin");
            }
        }
        assert_eq!(pin_rules(&p, "1111"), vec!["repeated"]);
        assert_eq!(pin_rules(&p, "x123"), vec!["not_digits"]);
        assert_eq!(pin_rules(&p, "0123"), vec!["sequence"]);
    }

    #[test]
    fn vault_card_pin_follows_vaults_published_rules() {
        let check = |s: &str| check_vault_card_pin(&CardPin::new(s.into()));
        for ok in ["1122", "6644", "4729", "9080", "2211", "1357"] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for (bad, rule) in [
            ("1234", "sequence"),
            ("4321", "sequence"),
            ("5123", "sequence"),
            ("1112", "repeated"),
            ("2111", "repeated"),
            ("123", "too_short"),
            ("12345", "too_long"),
            ("12a4", "not_digits"),
            ("", "empty"),
        ] {
            let v = check(bad).unwrap_err();
            assert_eq!(v.rule, rule, "{bad}");
            assert_eq!(v.field, "pin", "{bad}");
            assert!(bad.is_empty() || !v.message.contains(bad), "{bad}");
        }
    }

    #[test]
    fn pin_policy_lengths() {
        let p = PinPolicy::exact(6).unwrap();
        assert!(p.check(&Pin::new("118822".into())).is_ok());
        assert_eq!(pin_rules(&p, "1188"), vec!["too_short"]);
        assert!(p.violations("1188")[0].message.contains("exactly 6 digits"));
        assert!(PinPolicy::exact(3).is_err());
        assert!(PinPolicy::exact(13).is_err());
        let p: PinPolicy = serde_json::from_str(r#"{"max_len":6}"#).unwrap();
        assert_eq!(
            p,
            PinPolicy {
                min_len: 4,
                max_len: 6
            }
        );
        assert!(p.check(&Pin::new("11882".into())).is_ok());
        assert!(serde_json::from_str::<PinPolicy>(r#"{"min_len":3}"#).is_err());
        assert!(serde_json::from_str::<PinPolicy>(r#"{"min_len":6,"max_len":5}"#).is_err());
        assert!(serde_json::from_str::<PinPolicy>(r#"{"nope":1}"#).is_err());
        let p: PinPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(p, PinPolicy::default());
    }

    #[test]
    fn default_passcode_policy() {
        let p = PasscodePolicy::default();
        for ok in ["pass123", "abcd", "A1b2", "aaab", &"x1".repeat(16)] {
            assert!(p.check(&Passcode::new(ok.to_string())).is_ok(), "{ok}");
        }
        assert_eq!(passcode_rules(&p, "aaaa"), vec!["repeated"]);
        assert_eq!(passcode_rules(&p, "AaAa"), vec!["repeated"]);
        assert_eq!(passcode_rules(&p, "1111"), vec!["repeated"]);
        assert_eq!(passcode_rules(&p, "abc"), vec!["too_short"]);
        assert_eq!(passcode_rules(&p, &"ab".repeat(17)), vec!["too_long"]);
        assert_eq!(passcode_rules(&p, "pass 123"), vec!["invalid_character"]);
        assert_eq!(passcode_rules(&p, "pässword"), vec!["invalid_character"]);
        assert_eq!(passcode_rules(&p, ""), vec!["empty"]);
        let err = p.check(&Passcode::new("pa$$word".into())).unwrap_err();
        assert_eq!(err.rule, "invalid_character");
        assert_eq!(err.field, "passcode");
        assert!(!err.to_string().contains("pa$$word"));
        assert!(!err.to_string().contains('$'));
    }

    #[test]
    fn passcode_policy_can_be_tightened_not_loosened() {
        let p: PasscodePolicy =
            serde_json::from_str(r#"{"min_len":8,"require_digit":true,"require_letter":true}"#)
                .unwrap();
        assert_eq!(passcode_rules(&p, "pass123"), vec!["too_short"]);
        assert_eq!(passcode_rules(&p, "password"), vec!["digit_required"]);
        assert_eq!(passcode_rules(&p, "12345678"), vec!["letter_required"]);
        assert!(p.check(&Passcode::new("pass1234".into())).is_ok());
        assert!(serde_json::from_str::<PasscodePolicy>(r#"{"min_len":3}"#).is_err());
        assert!(serde_json::from_str::<PasscodePolicy>(r#"{"max_len":33}"#).is_err());
        assert!(serde_json::from_str::<PasscodePolicy>(r#"{"min_len":9,"max_len":8}"#).is_err());
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<PasscodePolicy>(&json).unwrap(), p);
        assert_eq!(
            serde_json::from_str::<PasscodePolicy>("{}").unwrap(),
            PasscodePolicy::default()
        );
    }

    #[test]
    fn violation_converts_to_validation_error() {
        let v = PinPolicy::default()
            .check(&Pin::new("1234".into()))
            .unwrap_err();
        let e = ValidationError::from(v);
        assert_eq!(e.field, "pin");
    }

    proptest! {
        #[test]
        fn policies_never_panic(s in "\\PC*") {
            let _ = PinPolicy::default().violations(&s);
            let _ = PinPolicy::exact(12).unwrap().violations(&s);
            let _ = PasscodePolicy::default().violations(&s);
        }

        #[test]
        fn accepted_pins_obey_the_rules(s in "[0-9]{4}") {
            let ok = PinPolicy::default().violations(&s).is_empty();
            let d: Vec<i32> = s.bytes().map(|b| i32::from(b - b'0')).collect();
            let bad = d.windows(3).any(|w| {
                (w[1] - w[0] == w[2] - w[1] && (w[1] - w[0]).abs() == 1)
                    || (w[0] == w[1] && w[1] == w[2])
            });
            prop_assert_eq!(ok, !bad);
        }

        #[test]
        fn messages_never_echo_the_candidate(s in "[a-z]{3}[0-9]{2}[a-zA-Z0-9 $]{0,7}") {
            for v in PasscodePolicy::default().violations(&s) {
                prop_assert!(!v.message.contains(&s));
            }
            for v in PinPolicy::default().violations(&s) {
                prop_assert!(!v.message.contains(&s));
            }
        }
    }
}
