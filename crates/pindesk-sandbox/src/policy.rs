//! The default policies the providers enforce on what they store: Vault's passcode policy
//! (4 to 32 ASCII letters and digits, not all one repeated character) and the PIN policy
//! applied to Solid PINs (exactly 4 digits, no run of 3 consecutive ascending or descending
//! digits, no run of 3 identical digits). Messages name the rule, never the value.

/// A broken rule, with a message that names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct PolicyViolation(pub(crate) &'static str);

/// Checks a Vault passcode.
pub(crate) fn check_passcode(passcode: &str) -> Result<(), PolicyViolation> {
    let len = passcode.chars().count();
    if !(4..=32).contains(&len) {
        return Err(PolicyViolation(
            "the passcode must be 4 to 32 characters long",
        ));
    }
    if !passcode.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(PolicyViolation(
            "the passcode may contain only ASCII letters and digits",
        ));
    }
    let mut chars = passcode.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(PolicyViolation(
            "the passcode must not be one character repeated",
        ));
    }
    Ok(())
}

/// Checks a PIN.
pub(crate) fn check_pin(pin: &str) -> Result<(), PolicyViolation> {
    let digits: Vec<i16> = pin
        .bytes()
        .map(|b| i16::from(b) - i16::from(b'0'))
        .collect();
    if digits.len() != 4 || digits.iter().any(|d| !(0..=9).contains(d)) {
        return Err(PolicyViolation("the PIN must be exactly 4 digits"));
    }
    for w in digits.windows(3) {
        let (a, b, c) = (w[0], w[1], w[2]);
        if b - a == 1 && c - b == 1 || a - b == 1 && b - c == 1 {
            return Err(PolicyViolation(
                "the PIN must not contain 3 or more consecutive ascending or descending digits",
            ));
        }
        if a == b && b == c {
            return Err(PolicyViolation(
                "the PIN must not contain 3 or more identical digits in a row",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passcodes() {
        for ok in [
            "pass123",
            "ab12",
            "aaab",
            "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
        ] {
            assert!(check_passcode(ok).is_ok(), "{ok}");
        }
        for bad in [
            "abc",
            "aaaa",
            "1111",
            "pass 123",
            "päss123",
            &"a1".repeat(17),
        ] {
            assert!(check_passcode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pins() {
        for ok in ["1122", "6644", "1357", "9024", "0101", "1243"] {
            assert!(check_pin(ok).is_ok(), "{ok}");
        }
        for bad in [
            "1234",
            "4321",
            "0123",
            "9123",
            "1112",
            "2000",
            "123",
            "12345",
            "12a4",
            "７７１２",
        ] {
            assert!(check_pin(bad).is_err(), "{bad}");
        }
    }
}
