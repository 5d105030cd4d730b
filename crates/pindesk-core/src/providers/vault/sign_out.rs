//! `POST /signout`: ends a signed-in token at Vault (Authorization/signout.md).

use reqwest::header::HeaderValue;
use reqwest::Method;

use super::answers::confirm_ok;
use super::client::Call;
use super::{VaultClient, VaultError};
use crate::device::DeviceId;
use crate::http::TransportError;
use crate::secret::AccessToken;
use crate::validate::{BaseUrl, ValidationError};

impl VaultClient {
    /// `POST {at}/signout` with the bearer token and `X-DeviceId`. Vault's example runs it on
    /// another of its hosts, so `at` is the profile's sign-out URL (by default the API's).
    pub async fn sign_out(
        &self,
        at: &BaseUrl,
        token: &AccessToken,
        device: &DeviceId,
    ) -> Result<(), VaultError> {
        let device = HeaderValue::from_str(device.as_str()).map_err(|_| {
            VaultError::Invalid(ValidationError::new(
                "device_id",
                "the device id cannot be sent",
            ))
        })?;
        let request = self
            .authorized_at(at, Method::POST, "/signout", token)?
            .header("X-DeviceId", device)
            .build()
            .map_err(|e| TransportError::from_reqwest(&e))?;
        let answer = self
            .exchange(Call::SignOut, request, &[token.expose()])
            .await?;
        confirm_ok(Call::SignOut, &answer)
    }
}
