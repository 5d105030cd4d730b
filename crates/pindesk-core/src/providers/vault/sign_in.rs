//! Vault's documented sign-in refusals (`POST /oauth/token`, Authorization/signin-signout.json):
//! one table from its `errorId` / `error` to what the operator must do. Classified by code,
//! never by message text; none of them is retried.

use super::VaultRejection;
use crate::error::Category;

/// Why Vault refused a sign-in, as its documents name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    /// 11: the stored phone number or password is wrong.
    WrongCredentials,
    /// 273, 53: too many attempts; locked out for the time Vault's message gives.
    LockedOut,
    /// 429 `WAF_LOCK_NOT_IN_LIST`: the provider's firewall blocks sign-in for 30 minutes.
    FirewallLocked,
    /// 3: the account is locked by the provider.
    AccountLocked,
    /// 267: the (temporary) password has expired.
    PasswordExpired,
    /// 8, 307, 308: the account needs a verification step PinDesk cannot complete.
    VerificationRequired,
    /// 422 `NOT_VALID_REQUEST_DATA`: Vault refused a field of the request.
    InvalidField,
}

/// The documented pairs: `errorId`, `error`, and what they mean.
const TABLE: &[(i64, &str, SignInRefusal)] = &[
    (
        11,
        "WRONG_LOGIN_OR_PASSWORD_EXCEPTION",
        SignInRefusal::WrongCredentials,
    ),
    (273, "LOGIN_ATTEMPTS_EXCEEDED", SignInRefusal::LockedOut),
    (
        53,
        "CUSTOMER_EXCEEDED_NUMBER_OF_PIN_ATTEMPTS",
        SignInRefusal::LockedOut,
    ),
    (429, "WAF_LOCK_NOT_IN_LIST", SignInRefusal::FirewallLocked),
    (3, "CUSTOMER_STATUS_INCORRECT", SignInRefusal::AccountLocked),
    (
        267,
        "TEMPORARY_PASSWORD_IS_EXPIRED",
        SignInRefusal::PasswordExpired,
    ),
    (
        8,
        "CUSTOMER_VERIFICATION_CODE_INCORRECT",
        SignInRefusal::VerificationRequired,
    ),
    (
        307,
        "MFA_SESSION_EXPIRED",
        SignInRefusal::VerificationRequired,
    ),
    (
        308,
        "MFA_CODE_ALREADY_USED",
        SignInRefusal::VerificationRequired,
    ),
    (422, "NOT_VALID_REQUEST_DATA", SignInRefusal::InvalidField),
];

impl SignInRefusal {
    /// The refusal a sign-in answer names: by `errorId`, else by `error`; `None` for a code
    /// Vault does not document for sign-in.
    pub fn of(rejection: &VaultRejection) -> Option<Self> {
        let by_id = rejection
            .error_id
            .and_then(|id| TABLE.iter().find(|(i, _, _)| *i == id));
        let by_name = || {
            let name = rejection.error.as_deref()?;
            TABLE.iter().find(|(_, n, _)| n.eq_ignore_ascii_case(name))
        };
        by_id.or_else(by_name).map(|(_, _, refusal)| *refusal)
    }

    /// A stable name for scripts and the UI.
    pub fn code(self) -> &'static str {
        match self {
            SignInRefusal::WrongCredentials => "sign_in_wrong_credentials",
            SignInRefusal::LockedOut => "sign_in_locked_out",
            SignInRefusal::FirewallLocked => "sign_in_firewall_locked",
            SignInRefusal::AccountLocked => "sign_in_account_locked",
            SignInRefusal::PasswordExpired => "sign_in_password_expired",
            SignInRefusal::VerificationRequired => "sign_in_verification_required",
            SignInRefusal::InvalidField => "sign_in_invalid_field",
        }
    }

    /// `credentials` (the operator must fix or wait on the sign-in), except a refused field,
    /// which is `rejected`.
    pub fn category(self) -> Category {
        match self {
            SignInRefusal::InvalidField => Category::Rejected,
            _ => Category::Credentials,
        }
    }

    /// What the operator reads: what happened and what to do, with Vault's own words where
    /// they carry the detail (how long a lock-out lasts).
    pub fn operator_message(self, rejection: &VaultRejection) -> String {
        let said = rejection
            .message
            .as_deref()
            .map(|m| format!(" Vault says: \u{201c}{m}\u{201d}"))
            .unwrap_or_default();
        let advice = match self {
            SignInRefusal::WrongCredentials => "Vault refused the sign-in: the profile's stored phone number or password is wrong. Replace them on the Credentials screen (with pindesk-cli: remove the profile and add it again).".to_owned(),
            SignInRefusal::LockedOut => "Vault has locked sign-in for now after too many attempts; PinDesk will not try again by itself. Wait, then retry.".to_owned(),
            SignInRefusal::FirewallLocked => "Vault's firewall is blocking sign-in from this computer for 30 minutes; PinDesk will not try again by itself. Wait, or contact Vault's support.".to_owned(),
            SignInRefusal::AccountLocked => "Vault has locked this account: contact Vault's support.".to_owned(),
            SignInRefusal::PasswordExpired => "The sign-in password has expired: reset it with Vault, then update the profile.".to_owned(),
            SignInRefusal::VerificationRequired => "Vault asks this account for a verification step PinDesk cannot complete: ask Vault for an account without it, or use an access token.".to_owned(),
            SignInRefusal::InvalidField => format!(
                "Vault refused a field of the sign-in{}: check that setting of the profile (or the stored phone number) against what Vault gave you.",
                rejection.field_suffix()
            ),
        };
        format!("{advice}{said}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection(error_id: Option<i64>, error: Option<&str>) -> VaultRejection {
        VaultRejection {
            status: 400,
            error_id,
            error: error.map(str::to_owned),
            message: Some("the provider's words".into()),
            ..Default::default()
        }
    }

    #[test]
    fn every_documented_pair_is_found_by_id_and_by_name() {
        for &(id, name, expected) in TABLE {
            assert_eq!(
                SignInRefusal::of(&rejection(Some(id), None)),
                Some(expected)
            );
            assert_eq!(
                SignInRefusal::of(&rejection(None, Some(name))),
                Some(expected)
            );
            let shown = expected.operator_message(&rejection(Some(id), Some(name)));
            assert!(shown.contains("the provider's words"), "{shown}");
        }
    }

    #[test]
    fn the_id_decides_and_unknown_codes_are_not_sign_in_refusals() {
        assert_eq!(
            SignInRefusal::of(&rejection(Some(3), Some("LOGIN_ATTEMPTS_EXCEEDED"))),
            Some(SignInRefusal::AccountLocked)
        );
        assert_eq!(
            SignInRefusal::of(&rejection(Some(17), Some("COMMON"))),
            None
        );
        assert_eq!(SignInRefusal::of(&rejection(None, None)), None);
    }

    #[test]
    fn only_a_refused_field_is_not_a_credentials_problem() {
        for &(_, _, refusal) in TABLE {
            let expected = if refusal == SignInRefusal::InvalidField {
                Category::Rejected
            } else {
                Category::Credentials
            };
            assert_eq!(refusal.category(), expected, "{refusal:?}");
        }
    }
}
