//! The Vault Card Program 1 client: sign-in, the SMS code, the RSA key, setting a passcode and
//! setting a card's PIN.
//!
//! [`VaultClient`] is a plain struct over one `reqwest::Client`, a [`BaseUrl`] and the
//! optional merchant id; it holds no secret. Every call sends `Accept: application/json`
//! (and `Content-Type: application/json` with a JSON body). Only [`VaultClient::rsa_key`] (a
//! GET) is ever retried, up to twice with a short backoff when the request was not sent, the
//! connection broke before the answer, or Vault answered 5xx; nothing that changes state is
//! retried here.
//!
//! Failures are a [`VaultError`] whose [`category`](VaultError::category) follows the table
//! in [`crate::providers`]. Vault's message, field, `error`, `errorId`, `systemId` and
//! `originalMessage` are kept (cleaned); `errorStackTrace` is dropped on arrival. This module
//! never logs a request body or a header value; bodies holding secrets are serialized into
//! zeroizing buffers and no type holding them implements `Debug`.
//!
//! [`BaseUrl`]: crate::validate::BaseUrl

mod answers;
mod card_pin;
mod cards;
mod client;
mod errors;
mod sign_in;
mod sign_out;
mod steps;

pub use answers::{parse_key_answer, parse_token_answer, Tokens};
pub use card_pin::{validate_card_pin_field, DEFAULT_CARD_PIN_FIELD};
pub use cards::{parse_card_list, USABLE_STATUS};
pub use client::VaultClient;
pub use errors::{VaultError, VaultRejection};
pub use sign_in::SignInRefusal;
pub use steps::RSA_KEY_RETRIES;
