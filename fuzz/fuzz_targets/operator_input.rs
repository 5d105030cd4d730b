//! Everything an operator types that is not a secret, plus the secret policies, on any text:
//! card ids, expiry, last four digits, SMS code shape, profile ids, paddings, PIN and passcode
//! policies. No panic; accepted values round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pindesk_core::crypto::RsaPadding;
use pindesk_core::policy::{PasscodePolicy, PinPolicy};
use pindesk_core::profile::ProfileId;
use pindesk_core::secret::SmsCode;
use pindesk_core::validate::{sms_code, Expiry, Last4, SolidCardId, VaultCardId};
use time::macros::date;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let today = date!(2026 - 11 - 23);
    if let Ok(id) = text.parse::<VaultCardId>() {
        assert!(id.get() > 0);
        assert_eq!(id.to_string().parse::<VaultCardId>().unwrap(), id);
    }
    if let Ok(id) = text.parse::<SolidCardId>() {
        assert_eq!(id.as_str().parse::<SolidCardId>().unwrap(), id);
    }
    if let Ok(e) = Expiry::parse(&text, today) {
        assert_eq!(Expiry::parse(&e.to_string(), today).unwrap(), e);
    }
    if let Some((m, y)) = text.split_once('/') {
        let _ = Expiry::from_parts(m, y, today);
    }
    if let Ok(l) = text.parse::<Last4>() {
        assert_eq!(l.as_str().parse::<Last4>().unwrap(), l);
    }
    let _ = sms_code(&SmsCode::new(text.to_string()));
    if let Ok(p) = ProfileId::new(text.to_string()) {
        assert_eq!(p.as_str().parse::<ProfileId>().unwrap(), p);
    }
    if let Ok(p) = text.parse::<RsaPadding>() {
        assert_eq!(p.as_str().parse::<RsaPadding>().unwrap(), p);
    }
    for v in PinPolicy::default()
        .violations(&text)
        .into_iter()
        .chain(PasscodePolicy::default().violations(&text))
    {
        assert!(!v.to_string().is_empty());
    }
});
