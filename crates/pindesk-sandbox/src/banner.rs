//! The human text `pindesk-cli sandbox` prints: where the sandbox listens, its demo cards and
//! the demo credentials it accepts. The credentials are the sandbox's own throwaway ones.

use std::fmt::Write as _;

use crate::demo;
use crate::server::Sandbox;

/// A multi-line description of a running sandbox; the first line is
/// `PinDesk sandbox listening on http://127.0.0.1:PORT`.
pub fn banner(sandbox: &Sandbox) -> String {
    let url = sandbox.base_url();
    let c = sandbox.config();
    let mut s = String::new();
    let _ = writeln!(s, "PinDesk sandbox listening on {url}");
    let _ = writeln!(s);
    let _ = writeln!(s, "Vault (Card Program 1)  base URL {url}");
    let _ = writeln!(s, "  bearer token   {}", c.vault_token);
    let _ = writeln!(s, "  sign-in        X-Merchant-ID {}", c.merchant_id);
    let _ = writeln!(
        s,
        "                 phone {}  password {}",
        c.phone, c.password
    );
    let _ = writeln!(
        s,
        "  passcode RSA   {} padding, {}-bit key; tokens from sign-in last {} s",
        c.vault_padding,
        c.key_bits,
        c.access_token_ttl.as_secs()
    );
    let cards: Vec<String> = demo::VAULT_CARDS.iter().map(|id| id.to_string()).collect();
    let _ = writeln!(s, "  cards          {} (active)", cards.join(", "));
    let _ = writeln!(
        s,
        "                 {} (inactive)",
        demo::INACTIVE_VAULT_CARD
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "Solid (Issuing)  base URL and PIN endpoint {url}");
    let _ = writeln!(s, "  api-key        {}", c.solid_api_key);
    for (id, last4, month, year) in demo::SOLID_CARDS {
        let _ = writeln!(
            s,
            "  card           {id}  last4 {last4}  expiry {month:02}/{year} (active)"
        );
    }
    let (last4, month, year) = demo::INACTIVE_SOLID_CARD_DETAILS;
    let _ = writeln!(
        s,
        "  card           {}  last4 {last4}  expiry {month:02}/{year} (inactive)",
        demo::INACTIVE_SOLID_CARD
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Sandbox controls under {url}/_sandbox/ (SMS codes, checks, key rotation, faults, clock)"
    );
    s
}
