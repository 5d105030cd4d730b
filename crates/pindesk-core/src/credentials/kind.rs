//! Which secrets a profile has, and the keyring account each is kept under.

use std::fmt;

use crate::profile::ProfileId;

/// The keyring service name of every PinDesk entry.
pub const SERVICE: &str = "pindesk";

/// Which secret of a profile an entry holds; named as in its keyring account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    /// Vault bearer access token (pasted, or obtained by signing in).
    AccessToken,
    /// Vault refresh token from signing in.
    RefreshToken,
    /// The phone number of a Vault stored sign-in.
    SignInPhone,
    /// The password of a Vault stored sign-in.
    SignInPassword,
    /// Solid API key.
    ApiKey,
    /// The password of the profile's proxy (its user name is in the proxy URL).
    ProxyPassword,
}

impl SecretKind {
    /// Every kind, in a fixed order.
    pub const ALL: [SecretKind; 6] = [
        SecretKind::AccessToken,
        SecretKind::RefreshToken,
        SecretKind::SignInPhone,
        SecretKind::SignInPassword,
        SecretKind::ApiKey,
        SecretKind::ProxyPassword,
    ];

    /// The kind's name in the keyring account: `access-token`, `refresh-token`,
    /// `sign-in-phone`, `sign-in-password`, `api-key`, `proxy-password`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::AccessToken => "access-token",
            SecretKind::RefreshToken => "refresh-token",
            SecretKind::SignInPhone => "sign-in-phone",
            SecretKind::SignInPassword => "sign-in-password",
            SecretKind::ApiKey => "api-key",
            SecretKind::ProxyPassword => "proxy-password",
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The keyring account of a profile's secret: `<profile-id>/<kind>`.
pub fn account(profile: &ProfileId, kind: SecretKind) -> String {
    format!("{profile}/{kind}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ProfileId {
        ProfileId::new(s).unwrap()
    }

    #[test]
    fn accounts_are_profile_slash_kind() {
        assert_eq!(
            account(&id("ops-vault"), SecretKind::AccessToken),
            "ops-vault/access-token"
        );
        let names: Vec<_> = SecretKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "access-token",
                "refresh-token",
                "sign-in-phone",
                "sign-in-password",
                "api-key",
                "proxy-password"
            ]
        );
    }
}
