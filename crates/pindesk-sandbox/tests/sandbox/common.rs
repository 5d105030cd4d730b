//! A started sandbox with a loopback-only client and the steps the tests repeat.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use pindesk_sandbox::{demo, Padding, Sandbox, SandboxConfig};
use reqwest::{Method, StatusCode};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPublicKey};
use serde_json::{json, Value};

pub const VAULT_CARD: i64 = demo::VAULT_CARDS[0];
pub const SOLID_CARD: &str = demo::SOLID_CARDS[0].0;

pub struct Env {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
}

/// A JSON answer: status, content type and parsed body (`Null` if not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub json: Value,
    pub headers: reqwest::header::HeaderMap,
}

pub async fn start() -> Env {
    start_with(SandboxConfig {
        key_bits: 1024,
        ..SandboxConfig::default()
    })
    .await
}

pub async fn start_with(config: SandboxConfig) -> Env {
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    Env { sandbox, http }
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.base_url(), path)
    }

    pub fn token(&self) -> String {
        self.sandbox.config().vault_token.clone()
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request answered");
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = response.bytes().await.expect("body");
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            content_type,
            json,
            headers,
        }
    }

    /// A Vault call with the pasted bearer token and, when given, a JSON body.
    pub async fn vault(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self
            .http
            .request(method, self.url(path))
            .header("Accept", "application/json")
            .bearer_auth(self.token());
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// Sends an SMS code to `card` and reads it back from the sandbox.
    pub async fn send_code(&self, card: i64) -> String {
        let a = self
            .vault(
                Method::POST,
                &format!("/v2/card/{card}/passcode/sms/send"),
                None,
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        assert_eq!(a.json, json!({"result": "ok"}));
        self.last_code(card).await
    }

    pub async fn last_code(&self, card: i64) -> String {
        let a = self
            .control(Method::GET, &format!("/_sandbox/sms/{card}"), None)
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json["code"].as_str().expect("code").to_owned()
    }

    pub async fn verify(&self, card: i64, code: &str) -> Answer {
        self.vault(
            Method::POST,
            &format!("/v2/card/{card}/passcode/sms/verify"),
            Some(json!({ "code": code })),
        )
        .await
    }

    /// A sent and verified code.
    pub async fn verified_code(&self, card: i64) -> String {
        let code = self.send_code(card).await;
        let a = self.verify(card, &code).await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        code
    }

    pub async fn public_key(&self) -> (String, RsaPublicKey) {
        let a = self
            .vault(Method::GET, "/v2/card/rsa-public-key", None)
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        let id = a.json["id"].as_str().expect("id").to_owned();
        let der = STANDARD
            .decode(a.json["publicKey"].as_str().expect("publicKey"))
            .expect("base64");
        (
            id,
            RsaPublicKey::from_public_key_der(&der).expect("SPKI DER"),
        )
    }

    pub async fn set_passcode(
        &self,
        card: i64,
        key_id: &str,
        code: &str,
        pass_code: &str,
    ) -> Answer {
        self.vault(
            Method::POST,
            &format!("/v2/card/{card}/passcode/code/set"),
            Some(json!({ "keyId": key_id, "code": code, "passCode": pass_code })),
        )
        .await
    }

    pub async fn passcode_is(&self, card: i64, passcode: &str) -> bool {
        let a = self
            .control(
                Method::POST,
                &format!("/_sandbox/vault/cards/{card}/check-passcode"),
                Some(json!({ "passCode": passcode })),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json["matches"].as_bool().expect("matches")
    }

    pub async fn pin_token(&self, card: &str) -> Answer {
        let request = self
            .http
            .post(self.url(&format!("/v2/issuing/card/{card}/set_pin_token")))
            .header("api-key", &self.sandbox.config().solid_api_key);
        self.send(request).await
    }

    pub async fn fresh_pin_token(&self) -> String {
        let a = self.pin_token(SOLID_CARD).await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json["set_pin_token"].as_str().expect("token").to_owned()
    }

    pub async fn set_pin(&self, card: &str, token: &str, body: Value) -> Answer {
        let request = self
            .http
            .post(self.url(&format!("/v1/card/{card}/pin")))
            .header("sd-pin-token", token)
            .json(&body);
        self.send(request).await
    }

    pub async fn pin_is(&self, card: &str, pin: &str) -> bool {
        let a = self
            .control(
                Method::POST,
                &format!("/_sandbox/solid/cards/{card}/check-pin"),
                Some(json!({ "pin": pin })),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json["matches"].as_bool().expect("matches")
    }

    pub async fn advance(&self, seconds: u64) {
        let a = self
            .control(
                Method::POST,
                "/_sandbox/clock/advance",
                Some(json!({ "seconds": seconds })),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
    }

    pub async fn arm(&self, fault: Value) {
        let a = self
            .control(Method::POST, "/_sandbox/faults", Some(fault))
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
    }
}

/// The demo Solid card's correct set-PIN body with `pin`.
pub fn pin_body(pin: &str) -> Value {
    let (_, last4, month, year) = demo::SOLID_CARDS[0];
    json!({ "pin": pin, "expiryMonth": month.to_string(), "expiryYear": year.to_string(), "last4": last4 })
}

pub fn encrypt(key: &RsaPublicKey, padding: Padding, plain: &str) -> String {
    let mut rng = rand::rngs::OsRng;
    let ciphertext = match padding {
        Padding::Pkcs1 => key.encrypt(&mut rng, Pkcs1v15Encrypt, plain.as_bytes()),
        Padding::OaepSha256 => key.encrypt(&mut rng, Oaep::new::<sha2::Sha256>(), plain.as_bytes()),
        Padding::OaepSha1 => key.encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), plain.as_bytes()),
    };
    STANDARD.encode(ciphertext.expect("encrypt"))
}

/// Asserts Vault's error shape; answers the body for further checks.
pub fn assert_vault_error(a: &Answer, status: u16, field: Option<&str>) -> Value {
    assert_eq!(a.status.as_u16(), status, "{:?}", a.json);
    assert!(
        a.content_type.starts_with("application/json"),
        "{}",
        a.content_type
    );
    let j = &a.json;
    assert!(j["error"].as_str().is_some_and(|s| !s.is_empty()), "{j}");
    assert!(j["errorId"].is_i64(), "{j}");
    assert!(j["message"].as_str().is_some_and(|s| !s.is_empty()), "{j}");
    // Vault's documented refusals carry its own component, "core".
    let documented = pindesk_sandbox::SIGN_IN_REFUSALS
        .iter()
        .any(|(id, error, _)| j["errorId"] == *id && j["error"] == *error);
    assert_eq!(
        j["systemId"],
        if documented { "core" } else { "sandbox" },
        "{j}"
    );
    match field {
        Some(f) => assert_eq!(j["field"], f, "{j}"),
        None => assert!(j.get("field").is_none(), "{j}"),
    }
    j.clone()
}

/// Asserts Solid's error shape; answers the body.
pub fn assert_solid_error(a: &Answer, status: u16, code: &str, field_name: &str) -> Value {
    assert_eq!(a.status.as_u16(), status, "{:?}", a.json);
    assert!(
        a.content_type.starts_with("application/json"),
        "{}",
        a.content_type
    );
    let j = &a.json;
    if j.get("requestId").is_some() {
        // v1 (the PIN endpoint): exactly `{requestId, method, status, code, message, sysMessage}`.
        let mut keys: Vec<&str> = j
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code",
                "message",
                "method",
                "requestId",
                "status",
                "sysMessage"
            ],
            "{j}"
        );
        assert!(
            j["requestId"]
                .as_str()
                .is_some_and(|r| r.starts_with("req_")),
            "{j}"
        );
        assert_eq!(j["status"], status);
        assert_eq!(j["code"], code, "{j}");
        assert!(j["message"].as_str().is_some_and(|s| !s.is_empty()));
        if !field_name.is_empty() {
            assert!(
                j["sysMessage"]
                    .as_str()
                    .is_some_and(|s| s.ends_with(field_name)),
                "{j}"
            );
        }
        return j.clone();
    }
    let request_id = j["request_id"].as_str().expect("request_id");
    let hex = request_id.strip_prefix("req_").expect("req_ prefix");
    assert_eq!(hex.len(), 32);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(j["client_id"], "");
    assert_eq!(j["status"], status);
    assert_eq!(j["error"]["code"], code, "{j}");
    assert!(j["error"]["message"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    assert_eq!(j["error"]["field_name"], field_name, "{j}");
    let created = j["created_at"].as_str().expect("created_at");
    time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339)
        .expect("RFC 3339");
    assert!(created.ends_with('Z'));
    j.clone()
}
