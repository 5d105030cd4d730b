//! Properties of the parsers the unit tests do not already cover: the providers' success
//! answers (sign-in, RSA key, PIN token), RSA keys in every accepted encoding, the round trips
//! of card ids, last four digits, profile ids, environments and paddings, the profiles file,
//! and that a provider echoing a secret in its error never gets it shown.
//!
//! Each parser must never panic on any input, and give back what was put in where a round trip
//! applies. (Panic-freedom of the validators, the policies, the error-body parsers and
//! `VaultKey::parse` on arbitrary text is in their modules' own tests; the `fuzz/` targets run
//! the same parsers under coverage guidance.)

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{solid_profile, vault_profile};
use pindesk_core::crypto::{encrypt_passcode, RsaPadding, VaultKey};
use pindesk_core::error::Category;
use pindesk_core::profile::{Environment, ProfileId, ProfilesFile};
use pindesk_core::providers::solid::{parse_pin_token_answer, SolidError, SolidRejection};
use pindesk_core::providers::vault::{
    parse_key_answer, parse_token_answer, VaultError, VaultRejection,
};
use pindesk_core::secret::Passcode;
use pindesk_core::validate::{Last4, SolidCardId, VaultCardId};
use proptest::prelude::*;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::json;
use std::sync::OnceLock;
use std::time::Duration;

/// One 1024-bit key pair for the whole file (generation is slow).
fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap())
}

/// The public key in each accepted encoding: base64 DER SPKI, base64 DER PKCS#1, and both PEMs.
fn encodings() -> Vec<String> {
    let public = private_key().to_public_key();
    vec![
        STANDARD.encode(public.to_public_key_der().unwrap().as_bytes()),
        STANDARD.encode(public.to_pkcs1_der().unwrap().as_bytes()),
        public.to_public_key_pem(LineEnding::LF).unwrap(),
        public.to_pkcs1_pem(LineEnding::CRLF).unwrap(),
    ]
}

/// Inserts ASCII whitespace at the given positions of a base64 text (as a line-wrapping
/// server or a copy-paste would).
fn sprinkle(text: &str, cuts: &[(usize, u8)]) -> String {
    let mut out: Vec<char> = text.chars().collect();
    for &(at, kind) in cuts {
        let ws = [' ', '\n', '\r', '\t'][usize::from(kind % 4)];
        let at = at % (out.len() + 1);
        out.insert(at, ws);
    }
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // --- Vault sign-in answer -------------------------------------------------------------

    #[test]
    fn token_answer_never_panics(status in 200u16..300, body in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = parse_token_answer(status, Some("application/json"), &body) {
            prop_assert_eq!(e.category(), Category::Rejected);
        }
    }

    #[test]
    fn token_answer_round_trips(
        // A recognisable prefix: a one-letter token would "appear" in any Debug text.
        access in "CANARYacc[!-~]{0,80}",
        refresh in proptest::option::of("CANARYref[!-~]{0,80}"),
        expires in proptest::option::of(0u64..10_000_000),
        as_text in any::<bool>(),
    ) {
        let expires_value = expires.map(|n| if as_text { json!(n.to_string()) } else { json!(n) });
        let body = json!({
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": expires_value,
            "scope": "read write",
        })
        .to_string();
        let tokens = parse_token_answer(200, None, body.as_bytes()).unwrap();
        prop_assert_eq!(tokens.access.expose(), access.as_str());
        prop_assert_eq!(tokens.expires_in, expires.map(Duration::from_secs));
        let shown = format!("{:?}", tokens);
        prop_assert!(!shown.contains("CANARYacc"), "{}", shown);
        prop_assert!(!shown.contains("CANARYref"), "{}", shown);
    }

    #[test]
    fn an_unreadable_token_answer_never_shows_its_content(
        prefix in "[ -~]{0,40}",
        suffix in "[ -~]{0,40}",
    ) {
        let body = format!("{prefix}CANARYtok9{suffix}");
        if let Err(e) = parse_token_answer(200, Some("text/html"), body.as_bytes()) {
            let shown = format!("{} {e} {e:?}", e.operator_message());
            prop_assert!(!shown.contains("CANARYtok9"), "{}", shown);
        }
    }

    // --- Vault RSA key answer and keys in every encoding -----------------------------------

    #[test]
    fn key_answer_never_panics(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_key_answer(200, Some("application/json"), &body);
        let text = String::from_utf8_lossy(&body);
        let _ = parse_key_answer(200, None, json!({"id": "k", "publicKey": text}).to_string().as_bytes());
    }

    #[test]
    fn key_answer_round_trips_in_every_encoding(
        which in 0usize..4,
        id in "[A-Za-z0-9-]{1,64}",
        numeric_id in proptest::option::of(0u64..u64::MAX),
        cuts in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
    ) {
        let encoded = &encodings()[which];
        // PEM armour lines must stay intact; sprinkle only inside base64.
        let text = if encoded.starts_with("-----") { encoded.clone() } else { sprinkle(encoded, &cuts) };
        let id_value = match numeric_id { Some(n) => json!(n), None => json!(id) };
        let body = json!({"id": id_value, "publicKey": text}).to_string();
        let key = parse_key_answer(200, None, body.as_bytes()).unwrap();
        prop_assert_eq!(&key.key, &private_key().to_public_key());
        prop_assert_eq!(key.bits(), 1024);
        let want_id = numeric_id.map_or(id, |n| n.to_string());
        prop_assert_eq!(&key.id, &want_id);
        prop_assert_eq!(VaultKey::parse(&key.id, &text).unwrap(), key);
    }

    #[test]
    fn encrypted_passcodes_decrypt_back(passcode in "[A-Za-z0-9]{4,32}", which in 0usize..3) {
        let padding = RsaPadding::ALL[which];
        let key = VaultKey::parse("k", &encodings()[0]).unwrap();
        let b64 = encrypt_passcode(&key, &Passcode::new(passcode.clone()), padding).unwrap();
        let ciphertext = STANDARD.decode(&b64).unwrap();
        prop_assert_eq!(ciphertext.len(), 128);
        let private = private_key();
        let plain = match padding {
            RsaPadding::Pkcs1 => private.decrypt(Pkcs1v15Encrypt, &ciphertext),
            RsaPadding::OaepSha256 => private.decrypt(Oaep::new::<sha2::Sha256>(), &ciphertext),
            RsaPadding::OaepSha1 => private.decrypt(Oaep::new::<sha1::Sha1>(), &ciphertext),
        }
        .unwrap();
        prop_assert_eq!(plain, passcode.as_bytes());
    }

    // --- Solid PIN token answer ------------------------------------------------------------

    #[test]
    fn pin_token_answer_never_panics(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let card: SolidCardId = "crd_1".parse().unwrap();
        if let Err(e) = parse_pin_token_answer(200, None, &body, &card) {
            prop_assert_eq!(e.category(), Category::Rejected);
        }
    }

    #[test]
    fn pin_token_answer_round_trips_and_checks_the_card(
        card in "[A-Za-z0-9_-]{1,64}",
        other in "[A-Za-z0-9_-]{1,64}",
        token in "card_pin_test_[0-9a-f]{32}",
        with_id in any::<bool>(),
    ) {
        let card: SolidCardId = card.parse().unwrap();
        let body = if with_id {
            json!({"id": card.as_str(), "set_pin_token": token})
        } else {
            json!({"set_pin_token": token})
        };
        let got = parse_pin_token_answer(200, None, body.to_string().as_bytes(), &card).unwrap();
        prop_assert_eq!(got.expose(), token.as_str());
        if other != card.as_str() {
            let body = json!({"id": other, "set_pin_token": token}).to_string();
            let e = parse_pin_token_answer(200, None, body.as_bytes(), &card).unwrap_err();
            let is_malformed = matches!(e, SolidError::Malformed { .. });
            prop_assert!(is_malformed);
            prop_assert!(!e.operator_message().contains(&token));
        }
    }

    // --- Provider error bodies: an echoed secret is never shown ----------------------------

    #[test]
    fn echoed_secrets_are_blanked_in_both_providers_errors(
        // Prefixed so that it cannot occur by chance in the operator text around it.
        secret in "CANARY[A-Za-z0-9]{3,26}",
        before in "[ -~]{0,60}",
        after in "[ -~]{0,60}",
        status in 400u16..600,
    ) {
        let text = format!("{before}{secret}{after}");
        let vault = json!({"message": text, "originalMessage": text, "field": text, "error": text}).to_string();
        let r = VaultRejection::parse(status, vault.as_bytes(), &[&secret]);
        let e = VaultError::Rejected(Box::new(r.clone()));
        let shown = format!("{} {:?} {:?}", e.operator_message(), e.reference(), r);
        prop_assert!(!shown.contains(&secret), "{}", shown);

        let solid = json!({"request_id": text, "error": {"code": text, "message": text, "field_name": text}}).to_string();
        let r = SolidRejection::parse(status, solid.as_bytes(), &[&secret]);
        let e = SolidError::Rejected(Box::new(r.clone()));
        let shown = format!("{} {:?} {:?}", e.operator_message(), e.reference(), r);
        prop_assert!(!shown.contains(&secret), "{}", shown);
    }

    // --- Plain inputs: round trips ----------------------------------------------------------

    #[test]
    fn solid_card_ids_round_trip(id in "[A-Za-z0-9_-]{1,64}", pad in "[ \t]{0,3}") {
        let parsed: SolidCardId = format!("{pad}{id}{pad}").parse().unwrap();
        prop_assert_eq!(parsed.as_str(), id.as_str());
        prop_assert_eq!(parsed.to_string().parse::<SolidCardId>().unwrap(), parsed.clone());
        let json = serde_json::to_string(&parsed).unwrap();
        prop_assert_eq!(serde_json::from_str::<SolidCardId>(&json).unwrap(), parsed);
    }

    #[test]
    fn vault_card_ids_accept_exactly_positive_numbers(s in "[+-]?[0-9]{1,20}") {
        match s.parse::<VaultCardId>() {
            Ok(id) => {
                prop_assert!(id.get() > 0);
                let shown = id.to_string();
                prop_assert_eq!(shown.trim_start_matches('0'), s.trim_start_matches('0'));
            }
            Err(e) => {
                prop_assert_eq!(e.field, "card_id");
                let positive = s.bytes().all(|b| b.is_ascii_digit())
                    && s.parse::<i64>().is_ok_and(|n| n > 0);
                prop_assert!(!positive, "{} was refused", s);
            }
        }
    }

    #[test]
    fn last4_round_trips(digits in "[0-9]{4}", s in "\\PC{0,8}") {
        let parsed: Last4 = digits.parse().unwrap();
        prop_assert_eq!(parsed.as_str(), digits.as_str());
        prop_assert_eq!(parsed.to_string(), digits);
        if let Ok(l) = s.parse::<Last4>() {
            prop_assert_eq!(l.as_str().len(), 4);
            prop_assert!(l.as_str().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn profile_ids_round_trip(id in "[a-z0-9][a-z0-9-]{0,39}", s in "\\PC{0,50}") {
        let parsed = ProfileId::new(id.clone()).unwrap();
        prop_assert_eq!(parsed.as_str(), id.as_str());
        prop_assert_eq!(parsed.to_string().parse::<ProfileId>().unwrap(), parsed);
        if let Ok(p) = ProfileId::new(s) {
            prop_assert!(!p.as_str().contains('/'));
        }
    }

    #[test]
    fn environments_round_trip(s in "\\PC{0,60}|https://[a-z]{1,12}\\.[a-z]{2,5}(/[a-z]{1,6}){0,2}/?") {
        if let Ok(env) = Environment::parse(&s) {
            let again = Environment::parse(&env.as_string()).unwrap();
            prop_assert_eq!(&again, &env);
            if let Environment::Custom(url) = &env {
                prop_assert!(url.as_str().starts_with("https://") || url.is_loopback());
            }
        }
    }

    #[test]
    fn paddings_round_trip(which in 0usize..3, s in "\\PC{0,20}") {
        let p = RsaPadding::ALL[which];
        prop_assert_eq!(p.as_str().parse::<RsaPadding>().unwrap(), p);
        let _ = s.parse::<RsaPadding>();
    }

    // --- The profiles file ------------------------------------------------------------------

    #[test]
    fn profiles_file_parsing_never_panics(text in "\\PC{0,300}") {
        if let Ok(file) = toml::from_str::<ProfilesFile>(&text) {
            let _ = file.validate();
        }
    }

    #[test]
    fn profiles_files_round_trip(
        entries in proptest::collection::vec(
            ("[a-z][a-z0-9-]{0,20}", "[A-Za-z0-9 ]{1,30}", any::<bool>(), 0usize..3),
            0..5,
        ),
    ) {
        let mut file = ProfilesFile::default();
        for (id, name, vault, env) in entries {
            let Ok(id) = ProfileId::new(id) else { continue };
            if file.get(&id).is_some() || name.trim().is_empty() {
                continue;
            }
            let environment = match (env, vault) {
                (0, _) => Environment::Sandbox,
                (1, false) => Environment::Production,
                _ => Environment::parse("https://issuer.example/api").unwrap(),
            };
            file.profiles.push(if vault {
                vault_profile(id.as_str(), &name, environment, None)
            } else {
                solid_profile(id.as_str(), &name, environment)
            });
        }
        file.active = file.profiles.first().map(|p| p.id.clone());
        prop_assert!(file.validate().is_ok());
        let text = toml::to_string(&file).unwrap();
        let back: ProfilesFile = toml::from_str(&text).unwrap();
        prop_assert_eq!(back, file);
    }
}
