//! The route table: both providers' paths from docs/PROVIDERS.md and the `/_sandbox/` controls.
//! Unknown paths and wrong methods are answered in the shape of the provider whose prefix the
//! path is under.

use axum::http::{Method, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::control;
use crate::errors::Provider;
use crate::solid;
use crate::state::App;
use crate::vault;
use crate::vault_auth;
use crate::vault_cards;
use crate::vault_pin;

/// The router over one sandbox's state.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/oauth/token", post(vault_auth::sign_in))
        .route("/signout", post(vault_auth::sign_out))
        .route("/v2/card/rsa-public-key", get(vault::public_key))
        .route("/v2/card/list", get(vault_cards::card_list))
        .route("/v2/card/{id}/passcode/sms/send", post(vault::send_code))
        .route(
            "/v2/card/{id}/passcode/sms/verify",
            post(vault::verify_code),
        )
        .route("/v2/card/{id}/passcode/code/set", post(vault::set_passcode))
        .route("/v2/issuing/card/{card_id}", get(solid::card))
        .route("/v2/card/{id}/pin", post(vault_pin::set_pin))
        .route(
            "/v2/issuing/card/{card_id}/set_pin_token",
            post(solid::pin_token),
        )
        .route("/v1/card/{card_id}/pin", post(solid::set_pin))
        .route("/_sandbox/sms/{card_id}", get(control::last_sms))
        .route(
            "/_sandbox/vault/cards/{card_id}/check-passcode",
            post(control::check_passcode),
        )
        .route(
            "/_sandbox/solid/cards/{card_id}/check-pin",
            post(control::check_pin),
        )
        .route(
            "/_sandbox/vault/cards/{card_id}/check-pin",
            post(control::check_vault_pin),
        )
        .route("/_sandbox/vault/rotate-key", post(control::rotate_key))
        .route(
            "/_sandbox/faults",
            post(control::arm_fault)
                .get(control::list_faults)
                .delete(control::clear_faults),
        )
        .route("/_sandbox/clock/advance", post(control::advance_clock))
        .route("/_sandbox/requests", get(control::requests))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
}

async fn not_found(method: Method, uri: Uri) -> Response {
    Provider::of_path(uri.path()).not_found(&method)
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    Provider::of_path(uri.path()).method_not_allowed(&method)
}
