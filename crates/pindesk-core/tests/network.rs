//! A profile's proxy and trust against real parts on loopback: Debian's tinyproxy in front of
//! the sandbox served over TLS with a certificate from a CA the test makes. Each case proves
//! where the request went: the proxy's access log and the sandbox's own request log.

mod common;

use common::{solid_profile, SharedStore};
use pindesk_core::credentials::{SecretKind, SecretStore};
use pindesk_core::desk::{Desk, NewCredentials};
use pindesk_core::error::Category;
use pindesk_core::network::{NetworkSettings, ProxySetting, TrustSetting};
use pindesk_core::paths::Paths;
use pindesk_core::profile::Environment;
use pindesk_core::secret::{ApiKey, Password};
use pindesk_core::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};
use pindesk_testkit::{closed_port, Danted, TestCa, Tinyproxy, TinyproxyOptions};

const CARD: &str = "crd_7948d9a96706dd05360a340002de725f";
const PIN_TOKEN_ROUTE: &str = "/v2/issuing/card/{card_id}/set_pin_token";
const PROXY_USER: &str = "desk";
const PROXY_PASSWORD: &str = "proxy-pass-canary-5d1e";

/// Which proxy a case's profile names.
#[derive(Clone, Copy, Debug)]
enum Via {
    Direct,
    Tinyproxy,
    TinyproxyWithUser,
    Down,
}

/// Which CA a case's profile trusts.
#[derive(Clone, Copy, Debug)]
enum Trust {
    Bundled,
    TestCa,
}

struct Case {
    name: &'static str,
    /// The proxy demands `PROXY_USER`/`PROXY_PASSWORD`.
    proxy_auth: bool,
    via: Via,
    /// The proxy password the profile stores (when its proxy names a user).
    stored_password: &'static str,
    trust: Trust,
    /// `Ok(())`, or the error's words and category.
    expect: Result<(), (&'static str, Category)>,
    /// CONNECTs the proxy log shows to the sandbox.
    connects: usize,
}

struct World {
    sandbox: Sandbox,
    proxy: Tinyproxy,
    ca_file: std::path::PathBuf,
    desk: Desk,
    _dir: tempfile::TempDir,
}

/// The sandbox over TLS with a certificate of `ca` for localhost and 127.0.0.1.
async fn tls_sandbox(ca: &TestCa) -> Sandbox {
    let config = SandboxConfig {
        key_bits: 1024,
        ..Default::default()
    };
    Sandbox::start_tls(config, ca.server_identity(&["localhost", "127.0.0.1"]))
        .await
        .unwrap()
}

/// A desk with its files under `dir/name` and its secrets in `store`.
fn desk_in(dir: &std::path::Path, name: &str, store: SharedStore) -> Desk {
    let paths = Paths::new(dir.join(name).join("config"), dir.join(name).join("data"));
    Desk::open(paths, Box::new(store), None).unwrap()
}

/// Adds Solid profile `name` on `base` with `network` and the sandbox's API key.
fn add_solid(desk: &Desk, sandbox: &Sandbox, name: &str, base: &str, network: NetworkSettings) {
    let mut profile = solid_profile(
        name,
        "Network test",
        Environment::Custom(BaseUrl::parse(base).unwrap()),
    );
    profile.network = network;
    desk.add_profile(
        profile,
        NewCredentials::SolidApiKey(ApiKey::new(sandbox.config().solid_api_key.clone())),
    )
    .unwrap();
}

async fn world(case: &Case, ca: &TestCa) -> World {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_ca_pem(dir.path());
    let sandbox = tls_sandbox(ca).await;
    let proxy = Tinyproxy::start(TinyproxyOptions {
        basic_auth: case
            .proxy_auth
            .then(|| (PROXY_USER.to_owned(), PROXY_PASSWORD.to_owned())),
    })
    .unwrap();
    let desk = desk_in(dir.path(), "world", SharedStore::default());
    World {
        sandbox,
        proxy,
        ca_file,
        desk,
        _dir: dir,
    }
}

fn network(case: &Case, w: &World) -> NetworkSettings {
    let proxy = match case.via {
        Via::Direct => ProxySetting::None,
        Via::Tinyproxy => ProxySetting::parse("proxy", &w.proxy.url()).unwrap(),
        Via::TinyproxyWithUser => {
            ProxySetting::parse("proxy", &format!("http://{PROXY_USER}@{}", w.proxy.addr()))
                .unwrap()
        }
        Via::Down => ProxySetting::parse("proxy", &format!("http://{}", closed_port())).unwrap(),
    };
    let ca = match case.trust {
        Trust::Bundled => TrustSetting::Bundled,
        Trust::TestCa => TrustSetting::Pem(w.ca_file.clone()),
    };
    NetworkSettings {
        proxy,
        pin_proxy: None,
        ca,
    }
}

async fn run(case: &Case, ca: &TestCa) {
    let w = world(case, ca).await;
    let mut profile = solid_profile(
        "net",
        "Behind the proxy",
        Environment::Custom(BaseUrl::parse(&w.sandbox.base_url()).unwrap()),
    );
    profile.network = network(case, &w);
    let password = matches!(case.via, Via::TinyproxyWithUser)
        .then(|| Password::new(case.stored_password.to_owned()));
    w.desk
        .add_profile_with(
            profile,
            NewCredentials::SolidApiKey(ApiKey::new(w.sandbox.config().solid_api_key.clone())),
            password,
        )
        .unwrap();
    let got = w.desk.test_profile("net", Some(CARD), None).await;
    let target = format!("localhost:{}", w.sandbox.addr().port());
    let reached = w.sandbox.requests_to("POST", PIN_TOKEN_ROUTE);
    match (&case.expect, &got) {
        (Ok(()), Ok(words)) => {
            assert_eq!(reached, 1, "{}: the sandbox got the request", case.name);
            assert!(words.contains("Network: "), "{}: {words}", case.name);
        }
        (Err((text, category)), Err(e)) => {
            assert!(e.to_string().contains(text), "{}: {e}", case.name);
            assert_eq!(e.category(), *category, "{}: {e}", case.name);
            assert_eq!(reached, 0, "{}: nothing reached the sandbox", case.name);
            assert!(
                !e.to_string().contains(PROXY_PASSWORD),
                "{}: {e}",
                case.name
            );
        }
        (want, got) => panic!("{}: wanted {want:?}, got {got:?}", case.name),
    }
    assert_eq!(
        w.proxy.connects_to(&target),
        case.connects,
        "{}: CONNECTs in the proxy's log:\n{}",
        case.name,
        w.proxy.log()
    );
    assert!(!w.proxy.log().contains(PROXY_PASSWORD), "{}", case.name);
}

#[tokio::test]
async fn each_route_goes_where_its_profile_says_and_fails_naming_the_hop() {
    let ca = TestCa::new("PinDesk Network Test Root");
    let cases = [
        Case {
            name: "through the proxy, trusting the test CA",
            proxy_auth: false,
            via: Via::Tinyproxy,
            stored_password: "",
            trust: Trust::TestCa,
            expect: Ok(()),
            connects: 1,
        },
        Case {
            name: "direct, trusting the test CA: the proxy sees nothing",
            proxy_auth: false,
            via: Via::Direct,
            stored_password: "",
            trust: Trust::TestCa,
            expect: Ok(()),
            connects: 0,
        },
        Case {
            name: "through the proxy with the bundled roots only: refused",
            proxy_auth: false,
            via: Via::Tinyproxy,
            stored_password: "",
            trust: Trust::Bundled,
            expect: Err((
                "signed by an authority this profile does not trust",
                Category::Network,
            )),
            connects: 1,
        },
        Case {
            name: "an authenticating proxy, with its password",
            proxy_auth: true,
            via: Via::TinyproxyWithUser,
            stored_password: PROXY_PASSWORD,
            trust: Trust::TestCa,
            expect: Ok(()),
            connects: 1,
        },
        Case {
            name: "an authenticating proxy, without credentials: 407",
            proxy_auth: true,
            via: Via::Tinyproxy,
            stored_password: "",
            trust: Trust::TestCa,
            expect: Err(("(407 — proxy credentials needed)", Category::Network)),
            connects: 1,
        },
        // tinyproxy answers a wrong password with 401 (not 407), which the tunnel reports
        // only as a refused CONNECT.
        Case {
            name: "an authenticating proxy, with a wrong password",
            proxy_auth: true,
            via: Via::TinyproxyWithUser,
            stored_password: "not-the-password",
            trust: Trust::TestCa,
            expect: Err((
                "the proxy could not reach localhost, or would not let this request through",
                Category::Network,
            )),
            connects: 1,
        },
        Case {
            name: "a proxy that is down",
            proxy_auth: false,
            via: Via::Down,
            stored_password: "",
            trust: Trust::TestCa,
            expect: Err(("refused the connection", Category::Network)),
            connects: 0,
        },
    ];
    for case in &cases {
        run(case, &ca).await;
    }
}

#[tokio::test]
async fn a_proxy_user_without_a_stored_password_is_a_missing_secret() {
    let ca = TestCa::new("PinDesk Network Test Root");
    let case = Case {
        name: "no password stored",
        proxy_auth: true,
        via: Via::TinyproxyWithUser,
        stored_password: "",
        trust: Trust::TestCa,
        expect: Ok(()),
        connects: 0,
    };
    let w = world(&case, &ca).await;
    let mut profile = solid_profile(
        "net",
        "Behind the proxy",
        Environment::Custom(BaseUrl::parse(&w.sandbox.base_url()).unwrap()),
    );
    profile.network = network(&case, &w);
    let api_key = || NewCredentials::SolidApiKey(ApiKey::new("sk_test".into()));
    let refused = w
        .desk
        .add_profile_with(profile.clone(), api_key(), None)
        .unwrap_err();
    assert_eq!(
        refused.field().as_deref(),
        Some("proxy_password"),
        "{refused}"
    );
    assert!(refused.to_string().contains("user desk"), "{refused}");
    let mut direct = profile.clone();
    direct.network.proxy = ProxySetting::None;
    let refused = w
        .desk
        .add_profile_with(direct, api_key(), Some(Password::new("x".into())))
        .unwrap_err();
    assert_eq!(
        refused.field().as_deref(),
        Some("proxy_password"),
        "{refused}"
    );
    assert!(
        w.desk.list_profiles().unwrap().is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn moving_the_proxy_or_the_ca_needs_the_secrets_again_and_a_proxy_user_its_password() {
    let ca = TestCa::new("PinDesk Network Test Root");
    let case = Case {
        name: "edit",
        proxy_auth: true,
        via: Via::TinyproxyWithUser,
        stored_password: PROXY_PASSWORD,
        trust: Trust::TestCa,
        expect: Ok(()),
        connects: 0,
    };
    let w = world(&case, &ca).await;
    let store = SharedStore::default();
    let desk = desk_in(w._dir.path(), "edit", store.clone());
    let mut profile = solid_profile(
        "net",
        "Behind the proxy",
        Environment::Custom(BaseUrl::parse(&w.sandbox.base_url()).unwrap()),
    );
    profile.network = network(&case, &w);
    let api_key =
        || NewCredentials::SolidApiKey(ApiKey::new(w.sandbox.config().solid_api_key.clone()));
    desk.add_profile_with(
        profile.clone(),
        api_key(),
        Some(Password::new(PROXY_PASSWORD.into())),
    )
    .unwrap();
    let id = profile.id.clone();
    assert!(store.get(&id, SecretKind::ProxyPassword).unwrap().is_some());

    let mut os_trust = profile.clone();
    os_trust.network.ca = TrustSetting::Os;
    let refused = desk.update_profile(os_trust, None).await.unwrap_err();
    assert_eq!(refused.field().as_deref(), Some("credentials"), "{refused}");
    assert!(refused.to_string().contains("ca"), "{refused}");

    let mut other_proxy = profile.clone();
    other_proxy.network.proxy =
        ProxySetting::parse("proxy", &format!("http://desk@{}", closed_port())).unwrap();
    let refused = desk
        .update_profile_with(other_proxy.clone(), Some(api_key()), None)
        .await
        .unwrap_err();
    assert_eq!(
        refused.field().as_deref(),
        Some("proxy_password"),
        "{refused}"
    );
    assert_eq!(
        desk.resolve_profile(Some("net")).unwrap(),
        profile,
        "nothing was written"
    );

    let mut no_proxy = profile.clone();
    no_proxy.network.proxy = ProxySetting::None;
    desk.update_profile_with(no_proxy, Some(api_key()), None)
        .await
        .unwrap();
    assert!(
        store.get(&id, SecretKind::ProxyPassword).unwrap().is_none(),
        "a profile whose proxy names no user keeps no proxy password"
    );
}

#[tokio::test]
async fn a_socks5_proxy_carries_the_calls_and_its_log_shows_them() {
    let ca = TestCa::new("PinDesk Network Test Root");
    let dir = tempfile::tempdir().unwrap();
    let sandbox = tls_sandbox(&ca).await;
    let socks = Danted::start().unwrap();
    let desk = desk_in(dir.path(), "socks", SharedStore::default());
    let network = NetworkSettings {
        proxy: ProxySetting::parse("proxy", &socks.url()).unwrap(),
        pin_proxy: None,
        ca: TrustSetting::Pem(ca.write_ca_pem(dir.path())),
    };
    // By address: the SOCKS server connects out on 127.0.0.1 only.
    let base = format!("https://{}", sandbox.addr());
    add_solid(&desk, &sandbox, "socks", &base, network);
    let words = desk.test_profile("socks", Some(CARD), None).await.unwrap();
    assert!(words.contains(&format!("proxy {}", socks.url())), "{words}");
    assert_eq!(sandbox.requests_to("POST", PIN_TOKEN_ROUTE), 1);
    assert_eq!(socks.connects_to(sandbox.addr()), 1, "{}", socks.log());
}

#[tokio::test]
async fn a_plain_http_test_host_is_reached_through_the_proxy_as_a_forwarded_request() {
    let dir = tempfile::tempdir().unwrap();
    let config = SandboxConfig {
        key_bits: 1024,
        ..Default::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let proxy = Tinyproxy::start(TinyproxyOptions::default()).unwrap();
    let desk = desk_in(dir.path(), "plain", SharedStore::default());
    let network = NetworkSettings {
        proxy: ProxySetting::parse("proxy", &proxy.url()).unwrap(),
        ..Default::default()
    };
    add_solid(&desk, &sandbox, "plain", &sandbox.base_url(), network);
    desk.test_profile("plain", Some(CARD), None).await.unwrap();
    let host_port = sandbox.addr().to_string();
    assert_eq!(proxy.plain_requests_to(&host_port), 1, "{}", proxy.log());
    assert_eq!(proxy.connects_to(&host_port), 0);
    assert_eq!(sandbox.requests_to("POST", PIN_TOKEN_ROUTE), 1);
}
