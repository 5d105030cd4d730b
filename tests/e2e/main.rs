//! WebDriver scenarios against the real `pindesk`, one module per area. Each test starts its
//! own app (see `pindesk_e2e::harness`); they run only with `PINDESK_E2E=1`.

mod security;
mod smoke;
