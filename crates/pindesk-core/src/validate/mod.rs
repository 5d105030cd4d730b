//! Validation of the plain (non-secret) inputs an operator types: card ids, card expiry, the
//! card's last four digits, provider base URLs and the shape of an SMS code.
//!
//! Each validator returns a typed value that can only exist when valid, or a
//! [`ValidationError`] naming the field with a stable name (`card_id`, `expiry`, `last4`,
//! `base_url`, `code`, …) so the UI can point at it. Nothing here sends anything, reads the
//! clock (today's date is passed in) or echoes a secret value in a message.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;
use time::Date;

use crate::secret::SmsCode;

mod url;
pub use url::BaseUrl;

/// An input that is not acceptable, and the field it belongs to. Displays as its message,
/// which names the field in words (the UI points at [`field`](Self::field) itself).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ValidationError {
    /// The stable name of the field (`card_id`, `expiry`, `last4`, `base_url`, `code`, …).
    pub field: &'static str,
    /// What is wrong, in plain words; never contains a secret value.
    pub message: String,
}

impl ValidationError {
    /// An error for `field` with the given message.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A Vault card id: a positive 64-bit integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct VaultCardId(i64);

impl VaultCardId {
    /// The card id as the number Vault uses in its paths.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for VaultCardId {
    type Error = ValidationError;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        if value > 0 {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(
                "card_id",
                "the card id must be a positive number",
            ))
        }
    }
}

impl From<VaultCardId> for i64 {
    fn from(value: VaultCardId) -> Self {
        value.0
    }
}

impl FromStr for VaultCardId {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValidationError::new("card_id", "the card id is required"));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new(
                "card_id",
                "the card id must be a positive number (digits only)",
            ));
        }
        let value: i64 = s
            .parse()
            .map_err(|_| ValidationError::new("card_id", "the card id is too large"))?;
        Self::try_from(value)
    }
}

impl fmt::Display for VaultCardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The longest Solid card id accepted.
pub const SOLID_CARD_ID_MAX_LEN: usize = 64;

/// A Solid card id such as `crd_7948d9a96706dd05360a340002de725f`: 1 to 64 ASCII letters,
/// digits, `_` or `-` (so it is always safe as one URL path segment).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SolidCardId(String);

impl SolidCardId {
    /// The card id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SolidCardId {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValidationError::new("card_id", "the card id is required"));
        }
        if s.len() > SOLID_CARD_ID_MAX_LEN {
            return Err(ValidationError::new(
                "card_id",
                format!("the card id is longer than {SOLID_CARD_ID_MAX_LEN} characters"),
            ));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(ValidationError::new(
                "card_id",
                "the card id may contain only letters, digits, '_' and '-'",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl TryFrom<String> for SolidCardId {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<SolidCardId> for String {
    fn from(value: SolidCardId) -> Self {
        value.0
    }
}

impl fmt::Display for SolidCardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A card's expiry month, not in the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Expiry {
    /// The year, four digits (field order makes `Ord` chronological).
    pub year: u16,
    /// The month, 1–12.
    pub month: u8,
}

impl Expiry {
    /// Parses `MM/YYYY` (also `M/YYYY`), rejecting an expiry before `today`'s month.
    pub fn parse(s: &str, today: Date) -> Result<Self, ValidationError> {
        let s = s.trim();
        let Some((month, year)) = s.split_once('/') else {
            return Err(ValidationError::new(
                "expiry",
                "the expiry must be written MM/YYYY",
            ));
        };
        Self::from_parts(month, year, today)
    }

    /// Builds an expiry from a separately typed month (`1`–`12`, optionally `01`) and
    /// four-digit year, rejecting an expiry before `today`'s month.
    pub fn from_parts(month: &str, year: &str, today: Date) -> Result<Self, ValidationError> {
        let month = month.trim();
        let year = year.trim();
        if month.is_empty() || month.len() > 2 || !month.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new(
                "expiry",
                "the expiry month must be a number from 01 to 12",
            ));
        }
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new(
                "expiry",
                "the expiry year must have four digits",
            ));
        }
        // Both are short digit strings here, so parsing cannot fail.
        let month: u8 = month.parse().unwrap_or(0);
        let year: u16 = year.parse().unwrap_or(0);
        Self::new(month, year, today)
    }

    /// Checks a numeric month and year, rejecting an expiry before `today`'s month.
    pub fn new(month: u8, year: u16, today: Date) -> Result<Self, ValidationError> {
        if !(1..=12).contains(&month) {
            return Err(ValidationError::new(
                "expiry",
                "the expiry month must be a number from 01 to 12",
            ));
        }
        if !(1000..=9999).contains(&year) {
            return Err(ValidationError::new(
                "expiry",
                "the expiry year must have four digits",
            ));
        }
        let this = Self { year, month };
        let current = Self {
            year: u16::try_from(today.year()).unwrap_or(0),
            month: u8::from(today.month()),
        };
        if this < current {
            return Err(ValidationError::new("expiry", "the card has expired"));
        }
        Ok(this)
    }

    /// The month as two digits, as Solid expects it (`"01"`–`"12"`).
    pub fn month_2digits(&self) -> String {
        format!("{:02}", self.month)
    }

    /// The year as four digits.
    pub fn year_4digits(&self) -> String {
        format!("{:04}", self.year)
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:04}", self.month, self.year)
    }
}

/// The last four digits of a card number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Last4(String);

impl Last4 {
    /// The four digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Last4 {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new(
                "last4",
                "the last four digits of the card must be exactly 4 digits",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for Last4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest SMS code accepted.
pub const SMS_CODE_MAX_LEN: usize = 16;

/// Checks the shape of an SMS verification code (field `code`): 1 to 16 ASCII letters or
/// digits. The code is sent as typed; the message never repeats it.
pub fn sms_code(code: &SmsCode) -> Result<(), ValidationError> {
    let value = code.expose();
    if value.is_empty() {
        return Err(ValidationError::new("code", "the SMS code is required"));
    }
    if value.len() > SMS_CODE_MAX_LEN {
        return Err(ValidationError::new(
            "code",
            format!("the SMS code is longer than {SMS_CODE_MAX_LEN} characters"),
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ValidationError::new(
            "code",
            "the SMS code may contain only letters and digits",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    #[test]
    fn vault_card_ids() {
        assert_eq!("1234435".parse::<VaultCardId>().unwrap().get(), 1234435);
        assert_eq!(" 123321 ".parse::<VaultCardId>().unwrap().get(), 123321);
        for bad in [
            "",
            "0",
            "-5",
            "+5",
            "12a",
            "1.5",
            "9223372036854775808",
            "١٢",
        ] {
            let e = bad.parse::<VaultCardId>().unwrap_err();
            assert_eq!(e.field, "card_id", "{bad}");
        }
        assert_eq!(
            "9223372036854775807".parse::<VaultCardId>().unwrap().get(),
            i64::MAX
        );
        assert!(VaultCardId::try_from(0).is_err());
        let e = "0".parse::<VaultCardId>().unwrap_err();
        assert_eq!(e.to_string(), "the card id must be a positive number");
        assert_eq!(
            serde_json::from_str::<VaultCardId>("123321").unwrap().get(),
            123321
        );
        assert!(serde_json::from_str::<VaultCardId>("-1").is_err());
    }

    #[test]
    fn solid_card_ids() {
        let id: SolidCardId = "crd_7948d9a96706dd05360a340002de725f".parse().unwrap();
        assert_eq!(id.as_str(), "crd_7948d9a96706dd05360a340002de725f");
        assert!("a-b_C9".parse::<SolidCardId>().is_ok());
        assert!("x".repeat(64).parse::<SolidCardId>().is_ok());
        for bad in [
            "",
            "   ",
            "crd/../x",
            "crd 1",
            "crd?x",
            "crd%2F",
            "é",
            &"x".repeat(65),
        ] {
            assert_eq!(bad.parse::<SolidCardId>().unwrap_err().field, "card_id");
        }
    }

    #[test]
    fn expiry_parsing() {
        let e = Expiry::parse("11/2029", TODAY).unwrap();
        assert_eq!((e.month, e.year), (11, 2029));
        assert_eq!(e.month_2digits(), "11");
        assert_eq!(e.year_4digits(), "2029");
        assert_eq!(e.to_string(), "11/2029");
        let e = Expiry::parse("1/2027", TODAY).unwrap();
        assert_eq!(e.month_2digits(), "01");
        // The current month is still valid; the previous one is not.
        assert!(Expiry::parse("11/2026", TODAY).is_ok());
        assert_eq!(
            Expiry::parse("10/2026", TODAY).unwrap_err().message,
            "the card has expired"
        );
        assert!(Expiry::parse("12/2025", TODAY).is_err());
        for bad in [
            "", "13/2027", "00/2027", "11/27", "11-2027", "11/20270", "aa/2027", "11/", "/2027",
            "111/2027", "+1/2027",
        ] {
            assert_eq!(
                Expiry::parse(bad, TODAY).unwrap_err().field,
                "expiry",
                "{bad}"
            );
        }
        assert_eq!(
            Expiry::from_parts("03", "2030", TODAY).unwrap(),
            Expiry {
                month: 3,
                year: 2030
            }
        );
        assert!(Expiry::from_parts("3", "30", TODAY).is_err());
        assert!(Expiry::new(12, 2026, TODAY).is_ok());
        assert!(Expiry::new(13, 2026, TODAY).is_err());
    }

    #[test]
    fn last4() {
        assert_eq!("3738".parse::<Last4>().unwrap().as_str(), "3738");
        for bad in ["", "373", "37380", "37a8", " 37 8"] {
            assert_eq!(bad.parse::<Last4>().unwrap_err().field, "last4");
        }
    }

    #[test]
    fn sms_codes() {
        assert!(sms_code(&SmsCode::new("1234".into())).is_ok());
        assert!(sms_code(&SmsCode::new("ab12".into())).is_ok());
        for bad in ["", "12 34", "1234\n", &"1".repeat(17)] {
            let e = sms_code(&SmsCode::new(bad.to_owned())).unwrap_err();
            assert_eq!(e.field, "code");
        }
        let e = sms_code(&SmsCode::new("98 76".into())).unwrap_err();
        assert!(!e.to_string().contains("98"));
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC*") {
            let _ = s.parse::<VaultCardId>();
            let _ = s.parse::<SolidCardId>();
            let _ = s.parse::<Last4>();
            let _ = Expiry::parse(&s, TODAY);
            let _ = BaseUrl::parse(&s);
            let _ = sms_code(&SmsCode::new(s.clone()));
        }

        #[test]
        fn expiry_parts_never_panic(m in ".{0,4}", y in ".{0,6}") {
            let _ = Expiry::from_parts(&m, &y, TODAY);
        }

        #[test]
        fn expiry_round_trips(month in 1u8..=12, year in 2027u16..=9999) {
            let e = Expiry::new(month, year, TODAY).unwrap();
            prop_assert_eq!(Expiry::parse(&e.to_string(), TODAY).unwrap(), e);
        }

        #[test]
        fn vault_card_id_round_trips(n in 1i64..=i64::MAX) {
            let id = VaultCardId::try_from(n).unwrap();
            prop_assert_eq!(id.to_string().parse::<VaultCardId>().unwrap(), id);
        }

    }
}
