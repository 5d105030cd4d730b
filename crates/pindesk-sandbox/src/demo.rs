//! The cards every sandbox is seeded with: the ids from the seed documents' examples, all
//! active, plus one inactive card per provider for the "card not active" paths.

/// Active Vault Card Program 1 card ids.
pub const VAULT_CARDS: &[i64] = &[1_234_435, 123_321];

/// Active Solid cards: `(card id, last4, expiry month, expiry year)`.
pub const SOLID_CARDS: &[(&str, &str, u8, u16)] =
    &[("crd_7948d9a96706dd05360a340002de725f", "3738", 11, 2029)];

/// A Vault card that exists but is not active: every passcode call on it is refused.
pub const INACTIVE_VAULT_CARD: i64 = 9_900_001;

/// A Solid card that exists but is not active: PIN tokens and PINs are refused for it.
pub const INACTIVE_SOLID_CARD: &str = "crd_0badcafe0badcafe0badcafe0badcafe";

/// The inactive Solid card's last4, expiry month and expiry year.
pub const INACTIVE_SOLID_CARD_DETAILS: (&str, u8, u16) = ("4242", 1, 2028);
