//! The words of every rule, in one place: the checks ([`super::PasscodePolicy::violations`],
//! [`super::PinPolicy::violations`]) and the descriptions the UI evaluates
//! ([`super::describe`]) take them from here, so the live feedback and the backend's refusal
//! say the same thing. No message ever holds the checked value.

/// How many consecutive PIN digits make a forbidden run (`123`, `321`, `111`).
pub const PIN_RUN: usize = 3;

pub(super) const PASSCODE_EMPTY: &str = "the passcode is required";
pub(super) const PASSCODE_INVALID_CHARACTER: &str =
    "the passcode may contain only letters A–Z, a–z and digits 0–9";
pub(super) const PASSCODE_REPEATED: &str = "the passcode must not be one character repeated";
pub(super) const PASSCODE_DIGIT_REQUIRED: &str = "the passcode must contain at least one digit";
pub(super) const PASSCODE_LETTER_REQUIRED: &str = "the passcode must contain at least one letter";

pub(super) fn passcode_too_short(min_len: usize) -> String {
    format!("the passcode must have at least {min_len} characters")
}

pub(super) fn passcode_too_long(max_len: usize) -> String {
    format!("the passcode must have at most {max_len} characters")
}

pub(super) const PIN_EMPTY: &str = "the PIN is required";
pub(super) const PIN_NOT_DIGITS: &str = "the PIN may contain only digits 0–9";
pub(super) const PIN_SEQUENCE: &str =
    "the PIN must not contain three consecutive ascending or descending digits (such as 123 or 321)";
pub(super) const PIN_REPEATED: &str =
    "the PIN must not contain the same digit three times in a row (such as 111)";

/// Both PIN length rules: "the PIN must have exactly 4 digits" / "… 4 to 6 digits".
pub(super) fn pin_length(min_len: usize, max_len: usize) -> String {
    if min_len == max_len {
        format!("the PIN must have exactly {min_len} digits")
    } else {
        format!("the PIN must have {min_len} to {max_len} digits")
    }
}
