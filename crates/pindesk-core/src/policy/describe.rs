//! A policy as data, for live feedback without the candidate leaving the page: the desktop
//! app sends a profile's [`PolicyDescription`] to the UI once, and the UI lists the rules a
//! candidate breaks by evaluating it (`ui/src/forms/policy.ts`), so no keystroke crosses the
//! IPC bridge. The backend still checks with [`PinPolicy::violations`] /
//! [`PasscodePolicy::violations`] before anything is sent; the shared table of cases
//! (`tests/fixtures/policy-cases.json`, read by both test suites) holds the two to the same
//! results. A description holds rules, never a candidate.

use serde::{Deserialize, Serialize};

use super::{words, PasscodePolicy, PinPolicy, PIN_RUN};

/// The rules of one policy, in the order the broken ones are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyDescription {
    /// The field the policy applies to: `passcode` or `pin`.
    pub field: String,
    /// Every rule in force, in order.
    pub rules: Vec<RuleDescription>,
}

/// One rule: its code and words (as [`super::PolicyViolation`] has them) and what breaks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleDescription {
    /// The rule's stable code, e.g. `too_short`.
    pub rule: String,
    /// The rule in plain words.
    pub message: String,
    /// What a candidate must do to break it.
    pub check: RuleCheck,
    /// Whether the later rules are left unchecked once this one is broken (an empty value;
    /// a PIN that is not all digits).
    pub stop_if_broken: bool,
}

/// What breaks a rule. Lengths and positions count characters (Unicode scalar values, as
/// Rust's `chars()`; a UI counts code points, not UTF-16 units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleCheck {
    /// Broken by the empty value.
    Required,
    /// Broken by fewer than `min` characters.
    MinLength {
        /// The fewest characters allowed.
        min: usize,
    },
    /// Broken by more than `max` characters.
    MaxLength {
        /// The most characters allowed.
        max: usize,
    },
    /// Broken by any character outside `set`.
    Only {
        /// The characters allowed.
        set: CharSet,
    },
    /// Broken by two or more characters that are all the same, ASCII letters compared
    /// without their case (`AaAa`); other characters are compared as they are.
    OneRepeated,
    /// Broken by `run` consecutive characters each one code point above (or each one below)
    /// the one before (`123`, `321`).
    Sequence {
        /// How many characters make the run.
        run: usize,
    },
    /// Broken by `run` identical characters in a row (`111`).
    RepeatedRun {
        /// How many characters make the run.
        run: usize,
    },
    /// Broken when no character is in `set`.
    Contains {
        /// The characters of which one is required.
        set: CharSet,
    },
}

/// A set of ASCII characters a rule names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CharSet {
    /// `0`–`9`.
    AsciiDigit,
    /// `A`–`Z` and `a`–`z`.
    AsciiLetter,
    /// `A`–`Z`, `a`–`z` and `0`–`9`.
    AsciiAlphanumeric,
}

fn rule(rule: &str, message: impl Into<String>, check: RuleCheck) -> RuleDescription {
    RuleDescription {
        rule: rule.to_owned(),
        message: message.into(),
        check,
        stop_if_broken: false,
    }
}

fn stopping(rule: RuleDescription) -> RuleDescription {
    RuleDescription {
        stop_if_broken: true,
        ..rule
    }
}

impl PasscodePolicy {
    /// The rules [`violations`](Self::violations) checks, as data for the UI.
    pub fn describe(&self) -> PolicyDescription {
        let mut rules = vec![
            stopping(rule("empty", words::PASSCODE_EMPTY, RuleCheck::Required)),
            rule(
                "too_short",
                words::passcode_too_short(self.min_len),
                RuleCheck::MinLength { min: self.min_len },
            ),
            rule(
                "too_long",
                words::passcode_too_long(self.max_len),
                RuleCheck::MaxLength { max: self.max_len },
            ),
            rule(
                "invalid_character",
                words::PASSCODE_INVALID_CHARACTER,
                RuleCheck::Only {
                    set: CharSet::AsciiAlphanumeric,
                },
            ),
            rule("repeated", words::PASSCODE_REPEATED, RuleCheck::OneRepeated),
        ];
        if self.require_digit {
            rules.push(rule(
                "digit_required",
                words::PASSCODE_DIGIT_REQUIRED,
                RuleCheck::Contains {
                    set: CharSet::AsciiDigit,
                },
            ));
        }
        if self.require_letter {
            rules.push(rule(
                "letter_required",
                words::PASSCODE_LETTER_REQUIRED,
                RuleCheck::Contains {
                    set: CharSet::AsciiLetter,
                },
            ));
        }
        PolicyDescription {
            field: "passcode".to_owned(),
            rules,
        }
    }
}

impl PinPolicy {
    /// The rules [`violations`](Self::violations) checks, as data for the UI.
    pub fn describe(&self) -> PolicyDescription {
        let length = words::pin_length(self.min_len, self.max_len);
        PolicyDescription {
            field: "pin".to_owned(),
            rules: vec![
                stopping(rule("empty", words::PIN_EMPTY, RuleCheck::Required)),
                rule(
                    "too_short",
                    length.clone(),
                    RuleCheck::MinLength { min: self.min_len },
                ),
                rule(
                    "too_long",
                    length,
                    RuleCheck::MaxLength { max: self.max_len },
                ),
                stopping(rule(
                    "not_digits",
                    words::PIN_NOT_DIGITS,
                    RuleCheck::Only {
                        set: CharSet::AsciiDigit,
                    },
                )),
                rule(
                    "sequence",
                    words::PIN_SEQUENCE,
                    RuleCheck::Sequence { run: PIN_RUN },
                ),
                rule(
                    "repeated",
                    words::PIN_REPEATED,
                    RuleCheck::RepeatedRun { run: PIN_RUN },
                ),
            ],
        }
    }
}
