//! The Solid PIN flow against the sandbox: a token, then the PIN through the PIN endpoint,
//! and each way it can fail mapped to its category.

mod common;

use common::*;
use pindesk_core::error::Category;
use pindesk_core::http::{MaybeSentReason, TransportError};
use pindesk_core::policy::PinPolicy;
use pindesk_core::providers::solid::{SolidClient, SolidError};
use pindesk_core::secret::{ApiKey, Pin, PinToken};
use pindesk_core::validate::{Expiry, Last4, SolidCardId};
use pindesk_sandbox::{Padding, Sandbox};
use serde_json::json;
use time::macros::date;

const CARD: &str = "crd_7948d9a96706dd05360a340002de725f";

fn card() -> SolidCardId {
    CARD.parse().unwrap()
}

fn expiry() -> Expiry {
    Expiry::parse("11/2029", date!(2026 - 11 - 23)).unwrap()
}

fn last4() -> Last4 {
    "3738".parse().unwrap()
}

fn client(sb: &Sandbox) -> SolidClient {
    SolidClient::new(http(), base(sb))
}

fn key(sb: &Sandbox) -> ApiKey {
    ApiKey::new(sb.config().solid_api_key.clone())
}

async fn set(
    sb: &Sandbox,
    solid: &SolidClient,
    token: &PinToken,
    pin: &str,
    last4: &Last4,
) -> Result<(), SolidError> {
    solid
        .set_pin(
            &base(sb),
            token,
            &card(),
            &Pin::new(pin.into()),
            expiry(),
            last4,
        )
        .await
}

#[tokio::test]
async fn token_then_pin() {
    let sb = sandbox(Padding::Pkcs1).await;
    let solid = client(&sb);
    let token = solid.pin_token(&key(&sb), &card()).await.unwrap();
    assert!(!format!("{token:?}").contains("card_pin"));
    let pin = Pin::new("6644".into());
    PinPolicy::default().check(&pin).unwrap();
    set(&sb, &solid, &token, "6644", &last4()).await.unwrap();
    assert!(pin_matches(&sb, CARD, "6644").await);
    assert!(!pin_matches(&sb, CARD, "1122").await);
}

#[tokio::test]
async fn bad_api_key_is_a_credentials_error() {
    let sb = sandbox(Padding::Pkcs1).await;
    let e = client(&sb)
        .pin_token(&ApiKey::new("sk_test_wrong".into()), &card())
        .await
        .unwrap_err();
    assert!(matches!(e, SolidError::Unauthorized(_)), "{e:?}");
    assert_eq!(e.category(), Category::Credentials);
    assert!(
        e.reference().is_some_and(|r| r.starts_with("req_")),
        "{e:?}"
    );
    assert!(!e.operator_message().contains("sk_test_wrong"));
}

#[tokio::test]
async fn unknown_card_is_not_found() {
    let sb = sandbox(Padding::Pkcs1).await;
    let e = client(&sb)
        .pin_token(&key(&sb), &"crd_doesnotexist".parse().unwrap())
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert_eq!(e.category(), Category::Rejected);
    assert!(
        e.operator_message().contains("could not find the card"),
        "{}",
        e.operator_message()
    );
}

#[tokio::test]
async fn a_token_is_single_use() {
    let sb = sandbox(Padding::Pkcs1).await;
    let solid = client(&sb);
    let token = solid.pin_token(&key(&sb), &card()).await.unwrap();
    set(&sb, &solid, &token, "6644", &last4()).await.unwrap();
    let e = set(&sb, &solid, &token, "1122", &last4())
        .await
        .unwrap_err();
    assert!(matches!(e, SolidError::PinTokenRefused(_)), "{e:?}");
    assert_eq!(e.category(), Category::Rejected);
    assert!(e.operator_message().contains("get a new one"));
    assert!(pin_matches(&sb, CARD, "6644").await);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let sb = sandbox(Padding::Pkcs1).await;
    let solid = client(&sb);
    let token = solid.pin_token(&key(&sb), &card()).await.unwrap();
    advance(&sb, 301).await;
    let e = set(&sb, &solid, &token, "6644", &last4())
        .await
        .unwrap_err();
    assert!(matches!(e, SolidError::PinTokenRefused(_)), "{e:?}");
    assert!(
        e.operator_message().contains("expired"),
        "{}",
        e.operator_message()
    );
    assert!(!pin_matches(&sb, CARD, "6644").await);
}

#[tokio::test]
async fn wrong_last4_is_rejected_naming_the_field() {
    let sb = sandbox(Padding::Pkcs1).await;
    let solid = client(&sb);
    let token = solid.pin_token(&key(&sb), &card()).await.unwrap();
    let e = set(&sb, &solid, &token, "6644", &"0000".parse().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(e, SolidError::Rejected(_)), "{e:?}");
    assert_eq!(e.category(), Category::Rejected);
    // The PIN endpoint answers in v1's flat shape: no field, but its requestId is kept.
    assert!(
        e.reference().is_some_and(|r| r.starts_with("req_")),
        "{e:?}"
    );
    assert!(
        e.operator_message().contains("last4"),
        "{}",
        e.operator_message()
    );
    assert!(!e.operator_message().contains("6644"));
    assert!(!pin_matches(&sb, CARD, "6644").await);
}

#[tokio::test]
async fn dropped_answer_to_set_pin_is_an_unknown_outcome() {
    let sb = sandbox(Padding::Pkcs1).await;
    let solid = client(&sb);
    let token = solid.pin_token(&key(&sb), &card()).await.unwrap();
    fault(
        &sb,
        json!({"route": format!("/v1/card/{CARD}/pin"), "count": 1, "drop": "before_response"}),
    )
    .await;
    let e = set(&sb, &solid, &token, "6644", &last4())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            SolidError::Transport(TransportError::MaybeSent {
                reason: MaybeSentReason::ConnectionClosed,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(e.category(), Category::UnknownOutcome);
    // Why it is unknown: the PIN was set.
    assert!(pin_matches(&sb, CARD, "6644").await);
}

#[tokio::test]
async fn provider_failure_on_token_is_rejected() {
    let sb = sandbox(Padding::Pkcs1).await;
    let solid = client(&sb);
    fault(
        &sb,
        json!({"route": format!("/v2/issuing/card/{CARD}/set_pin_token"), "status": 503}),
    )
    .await;
    let e = solid.pin_token(&key(&sb), &card()).await.unwrap_err();
    assert!(matches!(e, SolidError::ProviderUnavailable(_)), "{e:?}");
    assert_eq!(e.category(), Category::Rejected);
    assert!(e.operator_message().contains("try again later"));
}
