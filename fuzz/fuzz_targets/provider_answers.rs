//! The providers' success answers on any bytes: Vault's sign-in (`parse_token_answer`) and RSA
//! key (`parse_key_answer`), Solid's PIN token (`parse_pin_token_answer`). No panic; a refusal
//! never quotes the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pindesk_core::providers::solid::parse_pin_token_answer;
use pindesk_core::providers::vault::{parse_key_answer, parse_token_answer};
use pindesk_core::validate::SolidCardId;

fuzz_target!(|data: &[u8]| {
    let types = [None, Some("application/json"), Some("text/html")];
    let content_type = types[data.first().map_or(0, |b| usize::from(*b) % 3)];
    let body = data.get(1..).unwrap_or_default();
    let card: SolidCardId = "crd_7948d9a96706dd05360a340002de725f".parse().unwrap();
    // The parsers' own words, from answers that quote nothing: a body that is only a piece of
    // them (the fuzzer can spell them out) is not quoted when the message has it.
    let own_words: Vec<String> = [&b""[..], b"x", b"{}", b"[]", b"null"]
        .iter()
        .flat_map(|neutral| {
            [
                parse_token_answer(200, content_type, neutral)
                    .err()
                    .map(|e| e.operator_message()),
                parse_key_answer(200, content_type, neutral)
                    .err()
                    .map(|e| e.operator_message()),
                parse_pin_token_answer(200, content_type, neutral, &card)
                    .err()
                    .map(|e| e.operator_message()),
            ]
        })
        .flatten()
        .collect();
    let quoted = |message: &str| {
        // A body of 16+ bytes must not reappear in the message. Counted once trimmed: a body
        // of whitespace around one letter is not "quoted" because the message has that letter.
        std::str::from_utf8(body).is_ok_and(|b| {
            let b = b.trim();
            b.len() >= 16 && message.contains(b) && !own_words.iter().any(|w| w.contains(b))
        })
    };
    match parse_token_answer(200, content_type, body) {
        Ok(tokens) => assert!(!tokens.access.expose().trim().is_empty()),
        Err(e) => assert!(!quoted(&e.operator_message())),
    }
    if let Err(e) = parse_key_answer(200, content_type, body) {
        assert!(!quoted(&e.operator_message()));
    }
    match parse_pin_token_answer(200, content_type, body, &card) {
        Ok(token) => assert!(!token.expose().trim().is_empty()),
        Err(e) => assert!(!quoted(&e.operator_message())),
    }
});
