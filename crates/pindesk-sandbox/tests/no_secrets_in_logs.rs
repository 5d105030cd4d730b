//! The sandbox logs method, path and status only: after a full passcode and PIN flow, its log
//! (every level) contains none of the credentials, codes, passcodes, PINs or tokens used.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use pindesk_sandbox::{demo, Sandbox, SandboxConfig};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};
use serde_json::{json, Value};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn json_of(response: reqwest::Response) -> Value {
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.expect("json")
}

#[tokio::test]
async fn a_full_flow_leaves_no_secret_in_the_log() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .without_time()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let sandbox = Sandbox::start(SandboxConfig {
        key_bits: 1024,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let c = sandbox.config().clone();
    let base = sandbox.base_url();
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let card = demo::VAULT_CARDS[0];

    let signed_in = json_of(
        http.post(format!("{base}/oauth/token"))
            .header("X-Merchant-ID", &c.merchant_id)
            .form(&[
                ("grant_type", "mobile_phone"),
                ("number", &c.phone),
                ("password", &c.password),
            ])
            .send()
            .await
            .expect("sign-in"),
    )
    .await;
    let access = signed_in["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let refresh = signed_in["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let post = |path: String, body: Value| {
        http.post(format!("{base}{path}"))
            .bearer_auth(&access)
            .json(&body)
    };
    json_of(
        post(format!("/v2/card/{card}/passcode/sms/send"), json!({}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    let code = sandbox.last_sms_code(card).expect("code");
    json_of(
        post(
            format!("/v2/card/{card}/passcode/sms/verify"),
            json!({"code": code}),
        )
        .send()
        .await
        .expect("verify"),
    )
    .await;
    let key = json_of(
        http.get(format!("{base}/v2/card/rsa-public-key"))
            .bearer_auth(&access)
            .send()
            .await
            .expect("key"),
    )
    .await;
    let der = STANDARD
        .decode(key["publicKey"].as_str().expect("pk"))
        .expect("b64");
    let public = RsaPublicKey::from_public_key_der(&der).expect("spki");
    let cipher = STANDARD.encode(
        public
            .encrypt(&mut rand::rngs::OsRng, Pkcs1v15Encrypt, b"Zq9Passcode")
            .expect("encrypt"),
    );
    let set = json!({"keyId": key["id"], "code": code, "passCode": cipher});
    json_of(
        post(format!("/v2/card/{card}/passcode/code/set"), set)
            .send()
            .await
            .expect("set"),
    )
    .await;

    let (solid_card, last4, month, year) = demo::SOLID_CARDS[0];
    let token = json_of(
        http.post(format!("{base}/v2/issuing/card/{solid_card}/set_pin_token"))
            .header("api-key", &c.solid_api_key)
            .send()
            .await
            .expect("pin token"),
    )
    .await["set_pin_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let pin = json!({"pin": "9024", "expiryMonth": month.to_string(), "expiryYear": year.to_string(), "last4": last4});
    json_of(
        http.post(format!("{base}/v1/card/{solid_card}/pin"))
            .header("sd-pin-token", &token)
            .json(&pin)
            .send()
            .await
            .expect("pin"),
    )
    .await;
    assert!(sandbox.pin_matches(solid_card, "9024"));
    sandbox.stop().await;

    let log = String::from_utf8(capture.0.lock().expect("log").clone()).expect("utf-8");
    assert!(log.contains("sandbox request"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    for secret in [
        &c.vault_token,
        &c.solid_api_key,
        &c.phone,
        &c.password,
        &access,
        &refresh,
        &token,
        "Zq9Passcode",
        &cipher,
        key["publicKey"].as_str().unwrap_or("-"),
    ] {
        assert!(!log.contains(secret), "the log holds a secret");
    }
    // Digits that are not secret (port, card ids) are removed before looking for the code and PIN.
    let port = base.rsplit(':').next().unwrap_or_default().to_owned();
    let digits_left = log
        .replace(&port, "")
        .replace(&card.to_string(), "")
        .replace(solid_card, "");
    assert!(!digits_left.contains(&code), "the log holds the SMS code");
    assert!(!digits_left.contains("9024"), "the log holds the PIN");
}
