//! The sandbox over TLS: a client trusting the test CA is answered (by name and by address),
//! one trusting another CA is refused at the handshake, requests are recorded, and faults
//! (drop, drip) work as over plain HTTP. The CA and certificates are made here with rcgen.

use std::time::{Duration, Instant};

use pindesk_sandbox::{Sandbox, SandboxConfig, TlsIdentity};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use reqwest::Method;
use serde_json::json;

use crate::common::*;

/// A self-signed CA: its PEM, and a server identity it signed for localhost and 127.0.0.1.
fn ca_and_identity() -> (String, TlsIdentity) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.distinguished_name
        .push(DnType::CommonName, "Sandbox Test Root");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = ca.self_signed(&ca_key).expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf certificate");
    let identity = TlsIdentity {
        cert_chain_pem: leaf.pem(),
        key_pem: leaf_key.serialize_pem(),
    };
    (ca.pem(), identity)
}

fn client_trusting(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA PEM");
    reqwest::Client::builder()
        .no_proxy()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// A TLS sandbox and a client that trusts its CA.
async fn start_tls() -> Env {
    let (ca_pem, identity) = ca_and_identity();
    let config = SandboxConfig {
        key_bits: 1024,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start_tls(config, identity)
        .await
        .expect("TLS sandbox starts");
    let http = client_trusting(&ca_pem);
    Env { sandbox, http }
}

#[tokio::test]
async fn a_client_trusting_the_ca_is_answered_and_the_request_is_recorded() {
    let env = start_tls().await;
    let base = env.sandbox.base_url();
    assert_eq!(
        base,
        format!("https://localhost:{}", env.sandbox.addr().port())
    );
    let a = env
        .vault(Method::GET, "/v2/card/rsa-public-key", None)
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["id"], json!(env.sandbox.vault_key_id()));
    // By address too: the certificate names 127.0.0.1.
    let by_address = format!("https://{}/v2/card/rsa-public-key", env.sandbox.addr());
    let a = env
        .send(env.http.get(by_address).bearer_auth(env.token()))
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(env.sandbox.requests_to("GET", "/v2/card/rsa-public-key"), 2);
    // The whole flow runs over TLS as over plain HTTP.
    env.send_code(VAULT_CARD).await;
    assert_eq!(
        env.sandbox
            .requests_to("POST", "/v2/card/{id}/passcode/sms/send"),
        1
    );
}

#[tokio::test]
async fn a_client_trusting_another_ca_fails_the_handshake_and_nothing_is_recorded() {
    let env = start_tls().await;
    let (other_ca, _) = ca_and_identity();
    let stranger = client_trusting(&other_ca);
    let error = stranger
        .get(env.url("/v2/card/rsa-public-key"))
        .send()
        .await
        .expect_err("an untrusted certificate is refused");
    assert!(error.is_connect(), "{error:?}");
    // The sandbox still serves the next client, and never saw the refused request.
    let a = env
        .vault(Method::GET, "/v2/card/rsa-public-key", None)
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(env.sandbox.requests_to("GET", "/v2/card/rsa-public-key"), 1);
}

#[tokio::test]
async fn a_plain_http_client_gets_no_answer_from_a_tls_sandbox() {
    let env = start_tls().await;
    let plain = format!("http://{}/v2/card/rsa-public-key", env.sandbox.addr());
    let result = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
        .get(plain)
        .send()
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(env.sandbox.requests_to("GET", "/v2/card/rsa-public-key"), 0);
}

#[tokio::test]
async fn start_tls_refuses_pem_that_is_not_a_certificate_and_key() {
    let (_, identity) = ca_and_identity();
    let broken = [
        TlsIdentity {
            cert_chain_pem: "not pem".to_owned(),
            ..identity.clone()
        },
        TlsIdentity {
            key_pem: String::new(),
            ..identity.clone()
        },
        TlsIdentity {
            key_pem: ca_and_identity().1.key_pem,
            ..identity
        },
    ];
    for identity in broken {
        let error = Sandbox::start_tls(SandboxConfig::default(), identity)
            .await
            .expect_err("refused");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
    }
}

#[tokio::test]
async fn a_dropped_connection_fault_cuts_the_tls_connection_without_an_answer() {
    let env = start_tls().await;
    env.arm(json!({"route": "/v2/card/rsa-public-key", "drop": "before_handling"}))
        .await;
    let error = env
        .http
        .get(env.url("/v2/card/rsa-public-key"))
        .bearer_auth(env.token())
        .send()
        .await
        .expect_err("no answer");
    assert!(!error.is_timeout(), "cut, not left hanging: {error:?}");
    assert!(error.status().is_none(), "{error:?}");
    // Count 1: the next request is answered.
    let a = env
        .vault(Method::GET, "/v2/card/rsa-public-key", None)
        .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn a_drip_fault_sends_the_whole_body_slowly_over_tls() {
    let env = start_tls().await;
    let expected = env
        .vault(Method::GET, "/v2/card/rsa-public-key", None)
        .await;
    env.arm(json!({"route": "/v2/card/rsa-public-key", "drip_ms": 50, "drip_bytes": 64}))
        .await;
    let started = Instant::now();
    let a = env
        .vault(Method::GET, "/v2/card/rsa-public-key", None)
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json, expected.json, "the same body, only slower");
    // The public key's body is hundreds of bytes: at least four 64-byte chunks, three waits.
    assert!(started.elapsed() >= Duration::from_millis(150));
}
