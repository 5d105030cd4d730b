//! Confirming the card before a flow touches it, against the sandbox: both documented shapes
//! of Vault's card list and of Solid's card, unknown and inactive cards stopping the flow with
//! nothing sent, a profile's extra usable statuses, the picker's order, and the repeat
//! warning from the history.

mod common;

use common::*;
use pindesk_core::desk::{Desk, NewCredentials, DEMO_SOLID_PROFILE, DEMO_VAULT_PROFILE};
use pindesk_core::error::Category;
use pindesk_core::history::{Filter, Outcome, Page};
use pindesk_core::profile::{Environment, ProviderSettings};
use pindesk_core::secret::{ApiKey, Pin, SmsCode};
use pindesk_sandbox::demo::{INACTIVE_SOLID_CARD, INACTIVE_VAULT_CARD};

const VAULT_CARD: &str = "1234435";
const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
const SEND_CODE: &str = "/v2/card/{id}/passcode/sms/send";
const PIN_TOKEN: &str = "/v2/issuing/card/{card_id}/set_pin_token";

async fn demo() -> DeskFixture {
    desk_fixture(DeskOptions {
        demo: true,
        network: None,
    })
    .await
}

fn outcomes(desk: &Desk) -> Vec<(String, Outcome)> {
    desk.history_page(&Filter::default(), Page::first(100))
        .unwrap()
        .into_iter()
        .map(|e| (e.operation, e.outcome))
        .collect()
}

#[tokio::test]
async fn the_card_picker_lists_usable_cards_first_without_card_requests() {
    let f = demo().await;
    let cards = f.desk.vault_cards(Some(DEMO_VAULT_PROFILE)).await.unwrap();
    let ids: Vec<&str> = cards.iter().map(|c| c.card_id.as_str()).collect();
    assert_eq!(
        ids.len(),
        3,
        "two active cards and the inactive one, no request: {ids:?}"
    );
    assert!(cards[..2].iter().all(|c| c.usable && c.status == "ACTIVE"));
    assert_eq!(cards[2].card_id, INACTIVE_VAULT_CARD.to_string());
    assert_eq!(cards[2].status, "BLOCKED");
    // Both documented shapes: the type on the card, or under `balance`.
    let types: Vec<_> = cards
        .iter()
        .filter_map(|c| c.card_type.as_deref())
        .collect();
    assert!(
        types.contains(&"VIRTUAL") && types.contains(&"PHYSICAL"),
        "{types:?}"
    );
    assert!(cards
        .iter()
        .all(|c| c.masked_number.as_deref().is_some_and(|n| n.contains("**"))));
}

/// One refusal case: which card, the error's category, code and a phrase of its message.
struct Refusal {
    card: String,
    category: Category,
    code: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn unknown_and_inactive_cards_stop_each_flow_before_anything_is_sent() {
    let f = demo().await;
    let vault_cases = [
        Refusal {
            card: "5550001".into(),
            category: Category::Validation,
            code: "no_such_card",
            says: "no such card for this Vault customer",
        },
        Refusal {
            card: INACTIVE_VAULT_CARD.to_string(),
            category: Category::Rejected,
            code: "card_not_usable",
            says: "is BLOCKED at Vault",
        },
    ];
    for case in &vault_cases {
        let e = f
            .desk
            .vault_send_code(Some(DEMO_VAULT_PROFILE), &case.card, None)
            .await
            .unwrap_err();
        assert_eq!((e.category(), e.code()), (case.category, case.code), "{e}");
        assert!(e.message().contains(case.says), "{e}");
        assert_eq!(e.field().as_deref(), Some("card"));
        let check = f
            .desk
            .look_up_card(Some(DEMO_VAULT_PROFILE), &case.card)
            .await;
        assert_eq!(check.unwrap_err().code(), case.code);
    }
    assert_eq!(
        f.sandbox.requests_to("POST", SEND_CODE),
        0,
        "no code was sent"
    );

    let solid_cases = [
        Refusal {
            card: "crd_00000000000000000000000000000000".into(),
            category: Category::Validation,
            code: "no_such_card",
            says: "no such card for this Solid customer",
        },
        Refusal {
            card: INACTIVE_SOLID_CARD.into(),
            category: Category::Rejected,
            code: "card_not_usable",
            says: "is blocked at Solid",
        },
    ];
    for case in &solid_cases {
        let e = f
            .desk
            .solid_pin_token(Some(DEMO_SOLID_PROFILE), &case.card, None)
            .await
            .unwrap_err();
        assert_eq!((e.category(), e.code()), (case.category, case.code), "{e}");
        assert!(e.message().contains(case.says), "{e}");
        let e = f
            .desk
            .solid_set_pin(
                Some(DEMO_SOLID_PROFILE),
                &case.card,
                Pin::new("6644".into()),
                None,
                None,
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), case.code, "{e}");
    }
    assert_eq!(
        f.sandbox.requests_to("POST", PIN_TOKEN),
        0,
        "no token was asked for"
    );
    // The stopped operations are recorded, with nothing sent: failed or rejected, never ok.
    assert!(outcomes(&f.desk)
        .iter()
        .all(|(_, o)| matches!(o, Outcome::Failed | Outcome::Rejected)));
}

#[tokio::test]
async fn a_profile_may_list_more_usable_solid_statuses() {
    let f = demo().await;
    let sb = &f.sandbox;
    let mut profile = solid_profile(
        "solid-blocked-ok",
        "Solid",
        Environment::parse(&sb.base_url()).unwrap(),
    );
    if let ProviderSettings::Solid(s) = &mut profile.settings {
        s.usable_statuses = vec!["Blocked".into()];
    }
    f.desk
        .add_profile(
            profile,
            NewCredentials::SolidApiKey(ApiKey::new(sb.config().solid_api_key.clone())),
        )
        .unwrap();
    let check = f
        .desk
        .look_up_card(Some("solid-blocked-ok"), INACTIVE_SOLID_CARD)
        .await
        .unwrap();
    assert!(check.card.usable);
    assert_eq!(check.card.status, "blocked");
    let e = f
        .desk
        .look_up_card(Some(DEMO_SOLID_PROFILE), INACTIVE_SOLID_CARD)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "card_not_usable");
}

#[tokio::test]
async fn the_check_shows_the_card_and_warns_of_a_recent_change() {
    let f = demo().await;
    let desk = &f.desk;
    let check = desk.look_up_card(None, VAULT_CARD).await.unwrap();
    assert_eq!(check.card.status, "ACTIVE");
    assert!(
        check.recent.is_empty() && check.warning.is_none(),
        "{check:?}"
    );

    let done = desk.vault_send_code(None, VAULT_CARD, None).await.unwrap();
    assert_eq!(
        done.card.as_ref().map(|c| c.status.as_str()),
        Some("ACTIVE")
    );
    let code = last_sms(&f.sandbox, 1_234_435).await;
    desk.vault_verify_code(None, VAULT_CARD, SmsCode::new(code), None)
        .await
        .unwrap();
    let check = desk.look_up_card(None, VAULT_CARD).await.unwrap();
    assert_eq!(check.recent.len(), 2);
    assert_eq!(check.recent[0].operation, "vault.verify_code");
    let warning = check.warning.expect("a code was sent a moment ago");
    assert!(
        warning.contains("Sending an SMS code succeeded on this card less than a minute ago"),
        "{warning}"
    );

    // Solid: the example's shape pre-fills the form.
    let check = desk
        .look_up_card(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .await
        .unwrap();
    assert_eq!(check.card.status, "activated");
    assert_eq!(check.card.last4.as_deref(), Some("3738"));
    assert_eq!(check.card.expiry.as_deref(), Some("11/2029"));
    assert!(check.warning.is_none());
}
