//! Solid's error body (`SolidRejection::parse`) on any bytes: no panic, and what it keeps is
//! bounded, printable, and never the secret of the call.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pindesk_core::providers::solid::{SolidError, SolidRejection};
use pindesk_core::providers::MAX_PROVIDER_TEXT;

const SECRET: &str = "6644";

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(400, |b| 400 + u16::from(*b));
    let body = data.get(1..).unwrap_or_default();
    let r = SolidRejection::parse(status, body, &[SECRET]);
    for text in [&r.request_id, &r.code, &r.message, &r.field_name]
        .into_iter()
        .flatten()
    {
        assert!(text.chars().count() <= MAX_PROVIDER_TEXT + 1);
        assert!(!text.chars().any(char::is_control));
        assert!(!text.contains(SECRET));
    }
    for e in [
        SolidError::Rejected(Box::new(r.clone())),
        SolidError::PinTokenRefused(Box::new(r.clone())),
        SolidError::ProviderUnavailable(Box::new(r)),
    ] {
        let message = e.operator_message();
        assert!(!message.contains(SECRET));
        assert!(!message.contains('\n'));
        let _ = (e.reference(), e.field(), e.category());
    }
});
