//! Vault's error body (`VaultRejection::parse`) on any bytes: no panic, and what it keeps is
//! bounded, printable, and never the secret of the call.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pindesk_core::providers::vault::{VaultError, VaultRejection};
use pindesk_core::providers::MAX_PROVIDER_TEXT;

const SECRET: &str = "pass123";

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(400, |b| 400 + u16::from(*b));
    let body = data.get(1..).unwrap_or_default();
    let r = VaultRejection::parse(status, body, &[SECRET]);
    for text in [
        &r.message,
        &r.field,
        &r.error,
        &r.system_id,
        &r.original_message,
    ]
    .into_iter()
    .flatten()
    {
        assert!(text.chars().count() <= MAX_PROVIDER_TEXT + 1);
        assert!(!text.chars().any(char::is_control));
        assert!(!text.contains(SECRET));
    }
    let _ = r.names_key_id();
    let e = VaultError::Rejected(Box::new(r));
    let message = e.operator_message();
    assert!(!message.contains(SECRET));
    assert!(!message.contains('\n'));
    let _ = (e.reference(), e.field(), e.category());
});
