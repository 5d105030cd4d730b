//! Secret values: PINs (Solid's and Vault's card PINs), passcodes, SMS codes, tokens, API keys and passwords.
//!
//! Each kind is its own type so one cannot be passed where another is expected. Every type
//! zeroizes its memory on drop, prints `[redacted]` in `Debug` and `Display`, and implements
//! neither `Serialize` nor `Clone`-into-`String`: reading the value is the explicit, rare act
//! [`expose`](Pin::expose). Nothing in this module ever logs or formats a value.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name(SecretString);

        impl $name {
            /// Wraps a value; the `String` is moved in and zeroized when this is dropped.
            pub fn new(value: String) -> Self {
                Self(SecretString::from(value))
            }

            /// The plain value, for the one place that must send or check it.
            pub fn expose(&self) -> &str {
                self.0.expose_secret()
            }

            /// Whether the value is empty (without exposing it to the caller).
            pub fn is_empty(&self) -> bool {
                self.0.expose_secret().is_empty()
            }
        }

        impl Clone for $name {
            fn clone(&self) -> Self {
                Self::new(self.expose().to_owned())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }
    };
}

secret_type!(
    /// A Solid card PIN.
    Pin
);
secret_type!(
    /// A Vault Card Program 1 passcode.
    Passcode
);
secret_type!(
    /// A Vault card's PIN (`POST /v2/card/{cardId}/pin`): the cardholder's ATM PIN, not the
    /// passcode.
    CardPin
);
secret_type!(
    /// The verification code Vault sends to the cardholder by SMS.
    SmsCode
);
secret_type!(
    /// A Vault bearer access token.
    AccessToken
);
secret_type!(
    /// The password of a Vault stored sign-in.
    Password
);
secret_type!(
    /// A Solid API key.
    ApiKey
);
secret_type!(
    /// Solid's one-time `set_pin_token`.
    PinToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let pin = Pin::new("4729".into());
        assert_eq!(format!("{pin:?}"), "Pin([redacted])");
        assert_eq!(format!("{pin}"), "[redacted]");
        assert_eq!(pin.expose(), "4729");
        let key = ApiKey::new("canary-key-123".into());
        assert!(!format!("{key:?} {key}").contains("canary"));
    }

    /// Every secret type, in every formatting a log line or an error could use.
    #[test]
    fn every_secret_type_is_redacted_in_every_format() {
        fn check<T: fmt::Debug + fmt::Display + Clone>(
            make: fn(String) -> T,
            expose: fn(&T) -> &str,
            name: &str,
        ) {
            let canary = format!("canary-{name}-7f3a91");
            let value = make(canary.clone());
            let copy = value.clone();
            assert_eq!(expose(&copy), canary, "{name}: clone keeps the value");
            assert_eq!(format!("{value:?}"), format!("{name}([redacted])"));
            assert_eq!(format!("{value:#?}"), format!("{name}([redacted])"));
            assert_eq!(format!("{value}"), "[redacted]");
            assert_eq!(
                format!("{value:>40}"),
                "[redacted]",
                "{name}: no padding trick"
            );
            let nested = format!("{:?}", (Some(&value), vec![&copy]));
            assert!(!nested.contains("canary"), "{name}: {nested}");
            assert!(!nested.contains("7f3a91"), "{name}: {nested}");
        }
        check(Pin::new, Pin::expose, "Pin");
        check(Passcode::new, Passcode::expose, "Passcode");
        check(CardPin::new, CardPin::expose, "CardPin");
        check(SmsCode::new, SmsCode::expose, "SmsCode");
        check(AccessToken::new, AccessToken::expose, "AccessToken");
        check(Password::new, Password::expose, "Password");
        check(ApiKey::new, ApiKey::expose, "ApiKey");
        check(PinToken::new, PinToken::expose, "PinToken");
    }

    /// Types that carry secrets inside them keep them redacted too.
    #[test]
    fn secret_holders_are_redacted() {
        let tokens = crate::providers::vault::Tokens {
            access: AccessToken::new("canary-access-1".into()),
            expires_in: None,
        };
        let shown = format!("{tokens:?} {tokens:#?}");
        assert!(!shown.contains("canary"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
