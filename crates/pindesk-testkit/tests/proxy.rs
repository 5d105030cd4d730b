//! The kit against the real thing: the TLS sandbox with a TestCa certificate, reached through
//! Debian's tinyproxy by reqwest (CONNECT and plain requests, with and without Basic
//! authentication), a proxy that is down, and no tinyproxy left running after a drop.

use std::path::Path;
use std::time::Duration;

use pindesk_sandbox::{Sandbox, SandboxConfig};
use pindesk_testkit::{closed_port, TestCa, Tinyproxy, TinyproxyOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PUBLIC_KEY: &str = "/v2/card/rsa-public-key";

fn config() -> SandboxConfig {
    SandboxConfig {
        key_bits: 1024,
        ..SandboxConfig::default()
    }
}

async fn tls_sandbox(ca: &TestCa) -> Sandbox {
    let identity = ca.server_identity(&["localhost", "127.0.0.1"]);
    Sandbox::start_tls(config(), identity)
        .await
        .expect("TLS sandbox starts")
}

fn start_proxy(basic_auth: Option<(&str, &str)>) -> Tinyproxy {
    Tinyproxy::start(TinyproxyOptions {
        basic_auth: basic_auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
    })
    .expect("tinyproxy starts")
}

/// A client that trusts only `ca` and goes through `proxy`.
fn client(ca: &TestCa, proxy: reqwest::Proxy) -> reqwest::Client {
    let root = reqwest::Certificate::from_pem(ca.ca_pem().as_bytes()).expect("CA PEM");
    reqwest::Client::builder()
        .proxy(proxy)
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn public_key(
    http: &reqwest::Client,
    sandbox: &Sandbox,
) -> reqwest::Result<reqwest::Response> {
    http.get(format!("{}{PUBLIC_KEY}", sandbox.base_url()))
        .bearer_auth(&sandbox.config().vault_token)
        .send()
        .await
}

fn target(sandbox: &Sandbox) -> String {
    format!("localhost:{}", sandbox.addr().port())
}

/// The first line of the proxy's answer to a raw CONNECT without credentials.
async fn raw_connect_status_line(proxy: &Tinyproxy, target: &str) -> String {
    let mut stream = TcpStream::connect(proxy.addr()).await.expect("connect");
    let request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
    read.await.expect("answered and closed").expect("read");
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_connect_through_tinyproxy_reaches_the_tls_sandbox_and_is_logged() {
    let ca = TestCa::new("PinDesk Test Root");
    let sandbox = tls_sandbox(&ca).await;
    let proxy = start_proxy(None);
    assert_eq!(proxy.url(), format!("http://{}", proxy.addr()));
    let http = client(&ca, reqwest::Proxy::all(proxy.url()).expect("proxy url"));
    let response = public_key(&http, &sandbox).await.expect("answered");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["id"], sandbox.vault_key_id().as_str());
    assert_eq!(proxy.connects_to(&target(&sandbox)), 1, "{}", proxy.log());
    assert_eq!(proxy.requests_through(), 0);
    assert_eq!(sandbox.requests_to("GET", PUBLIC_KEY), 1);
}

#[tokio::test]
async fn a_plain_request_goes_through_tinyproxy_in_absolute_form_and_is_logged() {
    let sandbox = Sandbox::start(config()).await.expect("sandbox starts");
    let proxy = start_proxy(None);
    let http = reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(proxy.url()).expect("proxy url"))
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let response = public_key(&http, &sandbox).await.expect("answered");
    assert_eq!(response.status(), 200);
    let host_port = sandbox.addr().to_string();
    assert_eq!(proxy.plain_requests_to(&host_port), 1, "{}", proxy.log());
    assert_eq!(proxy.requests_through(), 1);
    assert_eq!(proxy.connects_to(&host_port), 0);
    assert_eq!(
        proxy.requests(),
        vec![("GET".to_owned(), format!("http://{host_port}{PUBLIC_KEY}"))]
    );
}

#[tokio::test]
async fn basic_auth_without_credentials_is_answered_407_and_with_them_goes_through() {
    let ca = TestCa::new("PinDesk Test Root");
    let sandbox = tls_sandbox(&ca).await;
    let proxy = start_proxy(Some(("alice", "s3cret")));
    let target = target(&sandbox);

    let status_line = raw_connect_status_line(&proxy, &target).await;
    assert!(status_line.contains(" 407 "), "{status_line}");

    // reqwest reports a CONNECT refused with 407 as an error, not a response.
    let anonymous = client(&ca, reqwest::Proxy::all(proxy.url()).expect("proxy url"));
    let error = public_key(&anonymous, &sandbox)
        .await
        .expect_err("refused by the proxy");
    let chain = format!("{error:?}");
    assert!(chain.contains("ProxyAuthRequired"), "{chain}");

    let wrong = reqwest::Proxy::all(proxy.url())
        .expect("proxy url")
        .basic_auth("alice", "wrong");
    assert!(public_key(&client(&ca, wrong), &sandbox).await.is_err());
    assert_eq!(
        sandbox.requests_to("GET", PUBLIC_KEY),
        0,
        "nothing got through"
    );

    let authorised = reqwest::Proxy::all(proxy.url())
        .expect("proxy url")
        .basic_auth("alice", "s3cret");
    let response = public_key(&client(&ca, authorised), &sandbox)
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    assert_eq!(sandbox.requests_to("GET", PUBLIC_KEY), 1);
    // Every attempt is logged: raw, anonymous, wrong password, right password.
    assert_eq!(proxy.connects_to(&target), 4, "{}", proxy.log());
}

#[tokio::test]
async fn a_plain_request_without_proxy_credentials_gets_a_407_response() {
    let sandbox = Sandbox::start(config()).await.expect("sandbox starts");
    let proxy = start_proxy(Some(("alice", "s3cret")));
    let http = reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(proxy.url()).expect("proxy url"))
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let response = public_key(&http, &sandbox).await.expect("answered");
    assert_eq!(response.status(), 407);
    assert!(response.headers().contains_key("proxy-authenticate"));
    assert_eq!(sandbox.requests_to("GET", PUBLIC_KEY), 0);
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_fails_through_the_proxy() {
    let ca = TestCa::new("PinDesk Test Root");
    let sandbox = tls_sandbox(&ca).await;
    let proxy = start_proxy(None);
    let untrusted = TestCa::new("Untrusted Root");
    let http = client(
        &untrusted,
        reqwest::Proxy::all(proxy.url()).expect("proxy url"),
    );
    let error = public_key(&http, &sandbox)
        .await
        .expect_err("certificate refused");
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(
        proxy.connects_to(&target(&sandbox)),
        1,
        "the tunnel was made"
    );
    assert_eq!(sandbox.requests_to("GET", PUBLIC_KEY), 0);
}

#[tokio::test]
async fn a_proxy_that_is_down_refuses_the_connection() {
    let ca = TestCa::new("PinDesk Test Root");
    let sandbox = tls_sandbox(&ca).await;
    let down = format!("http://{}", closed_port());
    let http = client(&ca, reqwest::Proxy::all(down).expect("proxy url"));
    let error = public_key(&http, &sandbox).await.expect_err("no proxy");
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(sandbox.requests_to("GET", PUBLIC_KEY), 0);
}

#[test]
fn dropping_the_proxy_kills_and_reaps_tinyproxy() {
    let proxy = start_proxy(None);
    let proc_dir = format!("/proc/{}", proxy.pid());
    assert!(Path::new(&proc_dir).exists(), "tinyproxy runs");
    assert!(proxy.log().contains("Accepting connections"));
    let addr = proxy.addr();
    drop(proxy);
    assert!(
        !Path::new(&proc_dir).exists(),
        "no process (not even a zombie) left"
    );
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "nothing listens"
    );
}

#[test]
fn the_ca_pem_is_written_where_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("PinDesk Test Root");
    let path = ca.write_ca_pem(dir.path());
    assert_eq!(path.parent(), Some(dir.path()));
    let written = std::fs::read_to_string(&path).expect("written");
    assert_eq!(written, ca.ca_pem());
    assert!(written.starts_with("-----BEGIN CERTIFICATE-----"));
    reqwest::Certificate::from_pem(written.as_bytes()).expect("a certificate reqwest reads");
}
