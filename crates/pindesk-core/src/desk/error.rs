//! The one error type the services return, with its category, message, field and reference.
//!
//! Messages are written for an operator; none contains a secret (every source error is built
//! so, and the provider texts are cleaned before they get here).

use crate::credentials::CredentialError;
use crate::demo::DemoError;
use crate::device::DeviceIdError;
use crate::error::Category;
use crate::history::HistoryError;
use crate::http::TransportError;
use crate::policy::PolicyViolation;
use crate::profile::ProfileError;
use crate::providers::solid::SolidError;
use crate::providers::vault::VaultError;
use crate::validate::ValidationError;

/// What a service call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input is malformed; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A new passcode or PIN breaks the profile's policy; nothing was sent.
    #[error(transparent)]
    Policy(#[from] PolicyViolation),
    /// The profiles file or a profile is wrong.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The keyring is unavailable, locked or refusing.
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    /// The profile has no stored secret of the kind the call needs.
    #[error("profile {profile}: no {what} is stored in the keyring; add it again with `pindesk-cli profile add` or on the Credentials screen")]
    MissingSecret {
        /// The profile.
        profile: String,
        /// The secret in words ("access token", "API key", …).
        what: &'static str,
    },
    /// No profile was named and none is active.
    #[error("no profile given and none is active: pass --profile NAME or run `pindesk-cli profile use NAME`")]
    NoActiveProfile,
    /// The profile is for the other provider.
    #[error("profile {profile} is a {actual} profile; this needs a {expected} profile")]
    WrongProvider {
        /// The profile.
        profile: String,
        /// The provider the call needs.
        expected: &'static str,
        /// The profile's provider.
        actual: &'static str,
    },
    /// The Solid profile has no PIN endpoint, so PinDesk cannot set the PIN itself.
    #[error("profile {profile} has no PIN endpoint: hand the PIN token on, or set pin_endpoint in the profile")]
    NoPinEndpoint {
        /// The profile.
        profile: String,
    },
    /// No usable PIN token is held for the card (never fetched, used, or expired).
    #[error("no usable PIN token for card {card}: it was used or it expired; get a new one")]
    NoPinToken {
        /// The card.
        card: String,
    },
    /// The provider does not know the card (Vault: not among the signed-in customer's cards);
    /// nothing was sent to it.
    #[error("no such card for this {provider} customer: card {card} is unknown to {provider}; check the card id with the caller")]
    NoSuchCard {
        /// The card.
        card: String,
        /// The provider's name.
        provider: &'static str,
        /// The provider's reference of the answer that said so, when it gave one.
        reference: Option<String>,
    },
    /// The card exists but its status does not allow the change; nothing was sent.
    #[error("card {card} is {status} at {provider}: PinDesk acts only on an active card")]
    CardNotUsable {
        /// The card.
        card: String,
        /// The status as the provider names it.
        status: String,
        /// The provider's name.
        provider: &'static str,
    },
    /// What the operator typed differs from what the provider knows of the card; nothing was
    /// sent.
    #[error(
        "the {what} given ({given}) is not the card's ({known}): check the card with the caller"
    )]
    CardMismatch {
        /// The form field (`last4`, `expiry`).
        field: &'static str,
        /// The field in words.
        what: &'static str,
        /// What was given.
        given: String,
        /// What the provider knows.
        known: String,
    },
    /// Vault answered with an error or could not be reached.
    #[error("{}", .0.operator_message())]
    Vault(#[from] VaultError),
    /// Solid answered with an error or could not be reached.
    #[error("{}", .0.operator_message())]
    Solid(#[from] SolidError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The history database failed.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The device id file could not be read or written.
    #[error(transparent)]
    DeviceId(#[from] DeviceIdError),
    /// A demo profile's backend (the embedded sandbox) is still starting or could not start;
    /// nothing was sent.
    #[error(transparent)]
    Demo(#[from] DemoError),
    /// The machine-wide configuration cannot be used, so nothing is sent: the desk cannot
    /// know which proxy and CAs the machine requires.
    #[error("{message}; nothing is sent to a provider until an administrator fixes it")]
    UnusableSystemConfig {
        /// What is wrong, naming the file.
        message: String,
    },
}

impl Error {
    /// The category (decides the UI's treatment and the CLI's exit code).
    pub fn category(&self) -> Category {
        match self {
            Error::Validation(_) | Error::Policy(_) | Error::NoActiveProfile => {
                Category::Validation
            }
            Error::WrongProvider { .. }
            | Error::NoPinEndpoint { .. }
            | Error::NoPinToken { .. }
            | Error::NoSuchCard { .. }
            | Error::CardMismatch { .. } => Category::Validation,
            Error::CardNotUsable { .. } => Category::Rejected,
            Error::Profile(e) => e.category(),
            Error::Credentials(e) => e.category(),
            Error::MissingSecret { .. } => Category::Credentials,
            Error::Vault(e) => e.category(),
            Error::Solid(e) => e.category(),
            Error::Transport(_) => Category::Network,
            Error::History(e) => e.category(),
            Error::DeviceId(_) => Category::Internal,
            Error::UnusableSystemConfig { .. } => Category::Network,
            Error::Demo(_) => Category::Network,
        }
    }

    /// A stable name of what failed (`policy`, `wrong_provider`, `unauthorized`, `not_sent`,
    /// …), for scripts and the UI to branch on beside the category; never a provider's text.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "invalid_input",
            Error::Policy(_) => "policy",
            Error::Profile(_) => "profile",
            Error::Credentials(_) => "keyring",
            Error::MissingSecret { .. } => "missing_secret",
            Error::NoActiveProfile => "no_active_profile",
            Error::WrongProvider { .. } => "wrong_provider",
            Error::NoPinEndpoint { .. } => "no_pin_endpoint",
            Error::NoPinToken { .. } => "no_pin_token",
            Error::NoSuchCard { .. } => "no_such_card",
            Error::CardNotUsable { .. } => "card_not_usable",
            Error::CardMismatch { .. } => "card_mismatch",
            Error::Vault(e) => e.code(),
            Error::Solid(e) => e.code(),
            Error::Transport(e) => e.code(),
            Error::History(_) => "history",
            Error::DeviceId(_) => "device_id",
            Error::UnusableSystemConfig { .. } => "system_config",
            Error::Demo(_) => "demo_unavailable",
        }
    }

    /// The message for the operator.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The input field the error concerns, for the UI to point at.
    pub fn field(&self) -> Option<String> {
        match self {
            Error::Validation(e) => Some(e.field.to_string()),
            Error::Policy(v) => Some(v.field.to_string()),
            Error::Profile(ProfileError::Invalid { field, .. }) => Some(field.to_string()),
            Error::Vault(e) => e.field().map(str::to_owned),
            Error::Solid(e) => e.field().map(str::to_owned),
            Error::NoPinToken { .. } => Some("token".into()),
            Error::NoSuchCard { .. } | Error::CardNotUsable { .. } => Some("card".into()),
            Error::CardMismatch { field, .. } => Some((*field).into()),
            _ => None,
        }
    }

    /// The provider's reference for support (`errorId`, `request_id`).
    pub fn reference(&self) -> Option<String> {
        match self {
            Error::Vault(e) => e.reference(),
            Error::Solid(e) => e.reference(),
            Error::NoSuchCard { reference, .. } => reference.clone(),
            _ => None,
        }
    }
}
