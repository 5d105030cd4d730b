//! The Solid Issuing client: a one-time PIN token, and setting a PIN with it through the
//! profile's PIN endpoint.
//!
//! [`SolidClient`] is a plain struct over one `reqwest::Client` and a [`BaseUrl`]; it holds
//! no secret and retries nothing. `pin_token` authenticates with the `api-key` header;
//! `set_pin` sends only `sd-pin-token` (never the API key) to the PIN endpoint.
//!
//! Failures are a [`SolidError`] whose [`category`](SolidError::category) follows the table
//! in [`crate::providers`]; a 401/403 to `set_pin` is a refused PIN token (spent or expired:
//! get a new one), category `rejected`, not a credentials problem. Solid's `request_id`,
//! code, message and `field_name` are kept, cleaned as hostile input. This module never logs
//! a body or a header value; bodies holding a PIN are serialized into zeroizing buffers and
//! no type holding them implements `Debug`.
//!
//! [`BaseUrl`]: crate::validate::BaseUrl

mod answers;
mod card;
mod client;
mod errors;

pub use answers::parse_pin_token_answer;
pub use card::{parse_card, SolidCard, USABLE_STATUSES};
pub use client::SolidClient;
pub use errors::{SolidError, SolidRejection};
