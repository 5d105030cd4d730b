//! Every fault kind: canned status/body/Retry-After without running the handler, drops
//! before handling and before responding (proved with a raw socket: zero bytes back; the
//! latter with its state change applied), delay, drip, counts, method filters and clearing.

use std::time::{Duration, Instant};

use pindesk_sandbox::Padding;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

const SEND: &str = "/v2/card/{id}/passcode/sms/send";

async fn sms_sent(env: &Env, card: i64) -> bool {
    env.control(Method::GET, &format!("/_sandbox/sms/{card}"), None)
        .await
        .status
        == 200
}

/// Sends a raw HTTP/1.1 request and answers every byte that came back before the close.
async fn raw_exchange(env: &Env, request: String) -> Vec<u8> {
    let mut stream = TcpStream::connect(env.sandbox.addr())
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut received = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the connection was closed, not left hanging");
    received
}

fn raw_send_code(env: &Env, card: i64) -> String {
    format!(
        "POST /v2/card/{card}/passcode/sms/send HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n",
        env.token()
    )
}

#[tokio::test]
async fn status_fault_answers_canned_json_with_retry_after_and_skips_the_handler() {
    let env = start().await;
    env.arm(json!({
        "route": SEND, "method": "POST", "status": 503,
        "body": {"error": "MAINTENANCE", "message": "down"}, "retry_after": 7
    }))
    .await;
    let a = env
        .vault(Method::POST, "/v2/card/1234435/passcode/sms/send", None)
        .await;
    assert_eq!(a.status, 503);
    assert_eq!(a.headers["retry-after"], "7");
    assert!(a.content_type.starts_with("application/json"));
    assert_eq!(a.json, json!({"error": "MAINTENANCE", "message": "down"}));
    assert!(!sms_sent(&env, VAULT_CARD).await, "the handler did not run");
    // Count 1: the next call is real.
    env.send_code(VAULT_CARD).await;
}

#[tokio::test]
async fn status_fault_serves_an_html_page_and_a_mebibyte_body() {
    let env = start().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    env.arm(json!({
        "route": "/v2/card/rsa-public-key", "status": 502, "body": html,
        "content_type": "text/html", "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"
    }))
    .await;
    let response = env
        .http
        .get(env.url("/v2/card/rsa-public-key"))
        .bearer_auth(env.token())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert_eq!(
        response.headers()["retry-after"],
        "Wed, 21 Oct 2015 07:28:00 GMT"
    );
    assert_eq!(response.text().await.expect("text"), html);

    let big = "x".repeat(1024 * 1024 + 17);
    env.arm(json!({"route": "/v2/card/rsa-public-key", "status": 200, "body": big}))
        .await;
    let response = env
        .http
        .get(env.url("/v2/card/rsa-public-key"))
        .bearer_auth(env.token())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(
        response.bytes().await.expect("body").len(),
        1024 * 1024 + 17
    );
}

#[tokio::test]
async fn drop_before_handling_sends_nothing_and_changes_nothing() {
    let env = start().await;
    env.arm(json!({"route": SEND, "drop": "before_handling"}))
        .await;
    let received = raw_exchange(&env, raw_send_code(&env, VAULT_CARD)).await;
    assert!(received.is_empty(), "got {} bytes", received.len());
    assert!(!sms_sent(&env, VAULT_CARD).await, "the handler did not run");
}

#[tokio::test]
async fn drop_before_response_sends_nothing_but_applies_the_change() {
    let env = start().await;
    env.arm(json!({"route": SEND, "drop": "before_response"}))
        .await;
    let received = raw_exchange(&env, raw_send_code(&env, VAULT_CARD)).await;
    assert!(received.is_empty(), "got {} bytes", received.len());
    assert!(
        sms_sent(&env, VAULT_CARD).await,
        "the handler ran: a code was sent"
    );
    // Count 1: the same raw request now gets an answer.
    let received = raw_exchange(
        &env,
        raw_send_code(&env, VAULT_CARD).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(
        received.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&received)
    );
}

/// The unknown-outcome case as a client sees it: the set call errors, yet the passcode is set.
#[tokio::test]
async fn passcode_set_dropped_before_response_is_still_set() {
    let env = start().await;
    let (key_id, key) = env.public_key().await;
    let code = env.verified_code(VAULT_CARD).await;
    env.arm(json!({"route": "/v2/card/{id}/passcode/code/set", "method": "POST", "drop": "before_response"}))
        .await;
    let result = env
        .http
        .post(env.url("/v2/card/1234435/passcode/code/set"))
        .bearer_auth(env.token())
        .json(&json!({"keyId": key_id, "code": code, "passCode": encrypt(&key, Padding::Pkcs1, "pass123")}))
        .send()
        .await;
    assert!(result.is_err(), "no answer came back");
    assert!(env.passcode_is(VAULT_CARD, "pass123").await);
}

#[tokio::test]
async fn delay_runs_the_handler_then_waits() {
    let env = start().await;
    env.arm(json!({"route": SEND, "delay_ms": 400})).await;
    let started = Instant::now();
    let a = env
        .vault(Method::POST, "/v2/card/1234435/passcode/sms/send", None)
        .await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(a.status, 200);
    assert!(sms_sent(&env, VAULT_CARD).await);
}

#[tokio::test]
async fn drip_sends_the_real_body_slowly() {
    let env = start().await;
    let expected = env
        .vault(Method::GET, "/v2/card/rsa-public-key", None)
        .await
        .json;
    let length = serde_json::to_vec(&expected).expect("json").len();
    let chunk = 64;
    let chunks = length.div_ceil(chunk);
    assert!(chunks >= 3);
    env.arm(json!({"route": "/v2/card/rsa-public-key", "drip_ms": 60, "drip_bytes": chunk}))
        .await;
    let started = Instant::now();
    let a = env
        .vault(Method::GET, "/v2/card/rsa-public-key", None)
        .await;
    let elapsed = started.elapsed();
    assert_eq!(a.status, 200);
    assert_eq!(a.json, expected);
    assert!(
        elapsed >= Duration::from_millis(60 * (chunks as u64 - 1)),
        "{elapsed:?} for {chunks} chunks"
    );
}

#[tokio::test]
async fn count_is_exhausted_then_requests_are_real() {
    let env = start().await;
    env.arm(json!({"route": "/v2/issuing/card/{card_id}/set_pin_token", "status": 500, "body": "boom", "count": 2}))
        .await;
    for _ in 0..2 {
        let a = env.pin_token(SOLID_CARD).await;
        assert_eq!(a.status, 500);
        assert_eq!(a.json, Value::Null, "plain text body");
    }
    assert_eq!(env.pin_token(SOLID_CARD).await.status, 200);
    let listed = env.control(Method::GET, "/_sandbox/faults", None).await;
    assert_eq!(listed.json["armed"], json!([]));
}

#[tokio::test]
async fn method_and_literal_path_narrow_a_fault() {
    let env = start().await;
    env.arm(json!({"route": "/v2/card/123321/passcode/sms/send", "method": "GET", "status": 418}))
        .await;
    env.arm(json!({"route": "/v2/card/123321/passcode/sms/send", "method": "POST", "status": 429, "retry_after": 1})).await;
    assert_eq!(
        env.vault(Method::POST, "/v2/card/1234435/passcode/sms/send", None)
            .await
            .status,
        200,
        "another card is not faulted"
    );
    let a = env
        .vault(Method::POST, "/v2/card/123321/passcode/sms/send", None)
        .await;
    assert_eq!(a.status, 429);
    assert_eq!(a.headers["retry-after"], "1");
    let listed = env.control(Method::GET, "/_sandbox/faults", None).await;
    assert_eq!(
        listed.json["armed"].as_array().map(Vec::len),
        Some(1),
        "the GET one is left"
    );
}

#[tokio::test]
async fn delete_clears_every_fault() {
    let env = start().await;
    env.arm(json!({"route": SEND, "status": 503, "count": 5}))
        .await;
    env.arm(json!({"route": "/oauth/token", "drop": "before_handling"}))
        .await;
    let a = env.control(Method::DELETE, "/_sandbox/faults", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json["cleared"], 2);
    env.send_code(VAULT_CARD).await;
}

#[tokio::test]
async fn nonsense_faults_are_refused() {
    let env = start().await;
    for bad in [
        json!({"route": SEND, "status": 503, "drop": "before_response"}),
        json!({"route": "v2/card", "status": 503}),
        json!({"route": "/_sandbox/faults", "status": 503}),
        json!({"route": SEND, "status": 99}),
        json!({"route": SEND, "count": 0, "status": 503}),
        json!({"route": SEND, "drop": "sometimes"}),
        json!({"route": SEND, "body": "x"}),
        json!({"route": SEND, "colour": "red"}),
        json!({"status": 503}),
    ] {
        let a = env
            .control(Method::POST, "/_sandbox/faults", Some(bad.clone()))
            .await;
        assert_eq!(a.status, 400, "{bad}");
        assert!(a.json["error"].is_string());
    }
    let listed = env.control(Method::GET, "/_sandbox/faults", None).await;
    assert_eq!(listed.json["armed"], json!([]));
}
