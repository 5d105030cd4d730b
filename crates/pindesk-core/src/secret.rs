//! Secret values: PINs, passcodes, SMS codes, tokens, API keys and passwords.
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
    /// The verification code Vault sends to the cardholder by SMS.
    SmsCode
);
secret_type!(
    /// A Vault bearer access token.
    AccessToken
);
secret_type!(
    /// A Vault refresh token.
    RefreshToken
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
}
