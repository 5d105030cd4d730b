//! `GET /v2/card/list`: the signed-in customer's cards, as Card Program 1's card-list page
//! shows them. The sandbox has one customer, who holds every seeded card and one card
//! request (an entry without `id`, as the page's example has).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use crate::errors::VaultError;
use crate::state::App;
use crate::vault::authorize;

/// `GET /v2/card/list`. The first card carries `status` and `cardType` on itself (the
/// example's shape), the second under `balance` (the schema's), so clients meet both.
pub(crate) async fn card_list(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Json<Value>, VaultError> {
    authorize(&app, &headers)?;
    let world = app.world();
    let mut ids: Vec<&i64> = world.vault_cards.keys().collect();
    ids.sort();
    let mut cards: Vec<Value> = ids
        .into_iter()
        .map(|id| {
            let card = &world.vault_cards[id];
            let listed = &card.listed;
            let status = if card.active { "ACTIVE" } else { "BLOCKED" };
            let mut entry = json!({
                "id": id,
                "expired": listed.expired,
                "number": listed.number,
                "cardCompany": "VISA",
                "additionalStatuses": [],
            });
            if listed.nested {
                entry["balance"] = json!({
                    "cardholderName": "SANDBOX CUSTOMER",
                    "cardType": listed.card_type,
                    "status": status,
                    "cardCompany": "VISA",
                });
            } else {
                entry["cardType"] = json!(listed.card_type);
                entry["status"] = json!(status);
            }
            entry
        })
        .collect();
    cards.push(json!({
        "cardType": "VIRTUAL",
        "status": "IN_PROGRESS",
        "cardCompany": "VISA",
        "cardRequestId": 8276,
        "additionalStatuses": ["ADDRESS", "TAXID", "PAID", "ADDITIONAL_PERSONAL_INFO", "KYC"],
    }));
    Ok(Json(json!({
        "kycStatus": { "status": "APPROVED", "reason": null },
        "cards": cards,
        "iban": "GB29NWBK60161331926819",
    })))
}
