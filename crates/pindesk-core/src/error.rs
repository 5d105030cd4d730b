//! The categories every PinDesk error falls into, shared by the desktop app and the CLI.
//!
//! The UI branches on a [`Category`], never on message text, and the CLI maps each category
//! to its exit code. Messages built from errors never contain a secret.

use serde::Serialize;

/// What kind of failure an operation met, as the operator and scripts need to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// Bad input or usage; nothing was sent.
    Validation,
    /// The provider answered and refused the request.
    Rejected,
    /// Credentials are missing or refused, or the keyring is unavailable.
    Credentials,
    /// The request provably never reached the provider, or the transport failed before it.
    Network,
    /// The request may have reached the provider but no answer came: check before retrying.
    UnknownOutcome,
    /// Anything else (a local file, the history database, a bug).
    Internal,
}

impl Category {
    /// The `pindesk-cli` exit code for this category (see docs/INTERFACES.md).
    pub fn exit_code(self) -> i32 {
        match self {
            Category::Validation => 2,
            Category::Rejected => 3,
            Category::Credentials => 4,
            Category::Network | Category::UnknownOutcome => 5,
            Category::Internal => 1,
        }
    }

    /// The stable name used in JSON output and by the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Validation => "validation",
            Category::Rejected => "rejected",
            Category::Credentials => "credentials",
            Category::Network => "network",
            Category::UnknownOutcome => "unknown_outcome",
            Category::Internal => "internal",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_interface_contract() {
        assert_eq!(Category::Validation.exit_code(), 2);
        assert_eq!(Category::Rejected.exit_code(), 3);
        assert_eq!(Category::Credentials.exit_code(), 4);
        assert_eq!(Category::Network.exit_code(), 5);
        assert_eq!(Category::UnknownOutcome.exit_code(), 5);
        assert_eq!(Category::Internal.exit_code(), 1);
        assert_eq!(
            serde_json::to_string(&Category::UnknownOutcome).unwrap(),
            "\"unknown_outcome\""
        );
    }
}
