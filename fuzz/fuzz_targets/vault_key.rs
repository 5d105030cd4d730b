//! `VaultKey::parse` on any text (base64 DER SPKI or PKCS#1, PEM, garbage): no panic, and a
//! key it accepts is within the size limits and parses the same again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pindesk_core::crypto::{VaultKey, MAX_KEY_BITS, MIN_KEY_BITS};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (id, key) = text.split_once('\u{0}').unwrap_or(("key-id", &text));
    if let Ok(parsed) = VaultKey::parse(id, key) {
        assert!((MIN_KEY_BITS..=MAX_KEY_BITS).contains(&parsed.bits()));
        assert_eq!(parsed.id, id);
        assert_eq!(VaultKey::parse(id, key).unwrap(), parsed);
    }
});
