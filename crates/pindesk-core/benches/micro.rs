//! Microbenchmarks of the work PinDesk does on the computer around each provider call: RSA
//! passcode encryption per padding and key size, the passcode and PIN policy checks, and
//! parsing Vault's key in each encoding it may come in.
//!
//! `cargo bench -p pindesk-core --bench micro`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pindesk_core::crypto::{encrypt_passcode, RsaPadding, VaultKey};
use pindesk_core::policy::{PasscodePolicy, PinPolicy};
use pindesk_core::secret::{Passcode, Pin};
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::rand_core::OsRng;
use rsa::{RsaPrivateKey, RsaPublicKey};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

const KEY_SIZES: [usize; 3] = [1024, 2048, 4096];

/// One public key per size, generated once (4096-bit generation takes seconds).
fn public_keys() -> &'static [(usize, RsaPublicKey)] {
    static KEYS: OnceLock<Vec<(usize, RsaPublicKey)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        KEY_SIZES
            .iter()
            .map(|&bits| {
                let private = RsaPrivateKey::new(&mut OsRng, bits).expect("generate a key");
                (bits, private.to_public_key())
            })
            .collect()
    })
}

fn rsa_encryption(c: &mut Criterion) {
    let passcode = Passcode::new("Bench2468".into());
    let mut group = c.benchmark_group("encrypt_passcode");
    for (bits, public) in public_keys() {
        let key = VaultKey {
            id: "bench".into(),
            key: public.clone(),
        };
        for padding in RsaPadding::ALL {
            group.bench_with_input(
                BenchmarkId::new(padding.as_str(), bits),
                &padding,
                |b, &padding| b.iter(|| encrypt_passcode(&key, &passcode, black_box(padding))),
            );
        }
    }
    group.finish();
}

fn policies(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    let passcodes = PasscodePolicy::default();
    let pins = PinPolicy::default();
    let good_passcode = Passcode::new("Bench2468".into());
    let good_pin = Pin::new("1357".into());
    group.bench_function("passcode_check", |b| {
        b.iter(|| passcodes.check(black_box(&good_passcode)))
    });
    group.bench_function("passcode_violations", |b| {
        b.iter(|| passcodes.violations(black_box("aaaa")))
    });
    group.bench_function("pin_check", |b| b.iter(|| pins.check(black_box(&good_pin))));
    group.bench_function("pin_violations", |b| {
        b.iter(|| pins.violations(black_box("1234")))
    });
    group.finish();
}

fn key_parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_key");
    for (bits, public) in public_keys() {
        let encodings = [
            (
                "spki_der_b64",
                STANDARD.encode(public.to_public_key_der().unwrap().as_bytes()),
            ),
            (
                "pkcs1_der_b64",
                STANDARD.encode(public.to_pkcs1_der().unwrap().as_bytes()),
            ),
            (
                "spki_pem",
                public.to_public_key_pem(LineEnding::LF).unwrap(),
            ),
            ("pkcs1_pem", public.to_pkcs1_pem(LineEnding::LF).unwrap()),
        ];
        for (name, text) in encodings {
            group.bench_with_input(BenchmarkId::new(name, bits), &text, |b, text| {
                b.iter(|| VaultKey::parse("bench", black_box(text)).expect("parses"))
            });
        }
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

criterion_group! {
    name = micro;
    config = config();
    targets = rsa_encryption, policies, key_parsing
}
criterion_main!(micro);
