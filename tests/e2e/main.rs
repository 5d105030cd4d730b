//! WebDriver scenarios against the real `pindesk`, one module per area. Each test starts its
//! own app (see `pindesk_e2e::harness`); they run only with `PINDESK_E2E=1`.

mod credentials;
mod history;
mod kiosk;
mod operator;
mod security;
mod smoke;
mod solid;
mod vault;
mod vault_pin;
