//! The `SecretStore` trait: where a profile's secrets are kept.

use zeroize::Zeroizing;

use super::{CredentialError, SecretKind};
use crate::profile::ProfileId;

/// Where a profile's secrets are kept.
///
/// `profile` ids are validated slugs, so an account `<id>/<kind>` is unambiguous.
pub trait SecretStore: Send + Sync {
    /// The secret, `None` when no entry exists. Every other failure is an error.
    fn get(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
    ) -> Result<Option<Zeroizing<String>>, CredentialError>;

    /// Creates or replaces the secret.
    fn set(
        &self,
        profile: &ProfileId,
        kind: SecretKind,
        value: &str,
    ) -> Result<(), CredentialError>;

    /// Deletes the secret; a missing entry is `Ok`.
    fn delete(&self, profile: &ProfileId, kind: SecretKind) -> Result<(), CredentialError>;

    /// A short name of the backend for the Settings screen, such as `Secret Service`.
    fn backend_name(&self) -> &'static str;

    /// Deletes every kind of secret of the profile. Tries every kind and reports the first
    /// failure, so one broken entry does not keep the others.
    fn delete_all(&self, profile: &ProfileId) -> Result<(), CredentialError> {
        let mut first = None;
        for kind in SecretKind::ALL {
            if let Err(e) = self.delete(profile, kind) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }
}
