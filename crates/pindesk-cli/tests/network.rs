//! `pindesk-cli` behind a real proxy (Debian's tinyproxy) in front of the sandbox served over
//! TLS by a CA the test makes: `--proxy system` follows `HTTPS_PROXY`/`NO_PROXY` and nothing
//! else, the machine-wide config's proxy and CA bind the CLI too, and the proxy password goes
//! only to the keyring. Each case proves where the request went (the proxy's log, the
//! sandbox's request log).
//!
//! Run with `scripts/with-secret-service.sh cargo test -p pindesk-cli --test network`.

mod common;

use common::*;
use pindesk_testkit::{TestCa, Tinyproxy, TinyproxyOptions};

const PIN_TOKEN_ROUTE: &str = "/v2/issuing/card/{card_id}/set_pin_token";

struct Net {
    sandbox: TestSandbox,
    proxy: Tinyproxy,
    ca_file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn net(basic_auth: Option<(&str, &str)>) -> Net {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("PinDesk CLI Network Test Root");
    let ca_file = ca.write_ca_pem(dir.path());
    let sandbox = TestSandbox::start_tls(ca.server_identity(&["localhost", "127.0.0.1"]));
    let proxy = Tinyproxy::start(TinyproxyOptions {
        basic_auth: basic_auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
    })
    .expect("start tinyproxy");
    Net {
        sandbox,
        proxy,
        ca_file,
        _dir: dir,
    }
}

fn add(desk: &Desk, n: &Net, name: &str, extra: &[&str], stdin: &str) -> Run {
    let mut args = vec![
        "profile",
        "add",
        name,
        "--provider",
        "solid",
        "--env",
        n.sandbox.base_url(),
    ];
    args.extend_from_slice(extra);
    desk.run(&args, stdin)
}

fn pin_token(desk: &Desk, name: &str) -> Run {
    desk.run(
        &[
            "--json",
            "solid",
            "pin-token",
            "--profile",
            name,
            "--card",
            SOLID_CARD,
        ],
        "",
    )
}

#[test]
fn system_follows_https_proxy_and_no_proxy_and_none_ignores_them() {
    require_secret_service();
    let n = net(None);
    let ca = n.ca_file.to_str().unwrap();
    let key = format!("{}\n", n.sandbox.canaries.solid_api_key);
    let desk = Desk::new()
        .env("HTTPS_PROXY", Some(&n.proxy.url()))
        .env("NO_PROXY", None)
        .env("no_proxy", None)
        .env("https_proxy", None)
        .env("ALL_PROXY", None);
    let system = unique("sys");
    let none = unique("none");
    add(&desk, &n, &system, &["--proxy", "system", "--ca", ca], &key).expect(0);
    add(&desk, &n, &none, &["--ca", ca], &key).expect(0);

    pin_token(&desk, &system).expect(0);
    assert_eq!(
        n.proxy.connects_to(n.sandbox.host_port()),
        1,
        "{}",
        n.proxy.log()
    );
    assert_eq!(n.sandbox.requests_matching("POST", PIN_TOKEN_ROUTE), 1);

    pin_token(&desk, &none).expect(0);
    assert_eq!(
        n.proxy.connects_to(n.sandbox.host_port()),
        1,
        "a profile without a proxy ignores HTTPS_PROXY"
    );
    assert_eq!(n.sandbox.requests_matching("POST", PIN_TOKEN_ROUTE), 2);

    let exempt = desk.env("NO_PROXY", Some("localhost"));
    pin_token(&exempt, &system).expect(0);
    assert_eq!(
        n.proxy.connects_to(n.sandbox.host_port()),
        1,
        "NO_PROXY sends it straight"
    );
    assert_eq!(n.sandbox.requests_matching("POST", PIN_TOKEN_ROUTE), 3);
}

#[test]
fn the_machine_wide_proxy_and_ca_bind_the_cli() {
    require_secret_service();
    let n = net(None);
    let machine = tempfile::tempdir().unwrap();
    let config = machine.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[network]\nproxy = \"{}\"\nca = \"{}\"\n",
            n.proxy.url(),
            n.ca_file.display()
        ),
    )
    .unwrap();
    let desk = Desk::new().env("PINDESK_SYSTEM_CONFIG", config.to_str());
    let key = format!("{}\n", n.sandbox.canaries.solid_api_key);
    let name = unique("managed");
    // The profile names neither a proxy nor a CA: the machine's are used.
    add(&desk, &n, &name, &[], &key).expect(0);
    let run = desk.run(
        &["--json", "profile", "test", &name, "--card", SOLID_CARD],
        "",
    );
    run.expect(0);
    assert!(
        run.stdout.contains(&format!("proxy {}", n.proxy.url())),
        "Test connection names the proxy: {}",
        run.stdout
    );
    assert!(run.stdout.contains("(machine)"), "{}", run.stdout);
    assert_eq!(
        n.proxy.connects_to(n.sandbox.host_port()),
        1,
        "{}",
        n.proxy.log()
    );

    let other = unique("other");
    let refused = desk.run(
        &[
            "--json",
            "profile",
            "add",
            &other,
            "--provider",
            "solid",
            "--env",
            n.sandbox.base_url(),
            "--proxy",
            "system",
        ],
        &key,
    );
    refused.expect(2);
    assert_eq!(refused.error_json()["field"], "proxy", "{}", refused.stderr);

    std::fs::write(&config, "[network]\nproxy = \"https://nope:1\"\n").unwrap();
    let run = pin_token(&desk, &name);
    run.expect(5);
    assert!(run.stderr.contains("system config"), "{}", run.stderr);
    assert_eq!(
        n.proxy.connects_to(n.sandbox.host_port()),
        1,
        "nothing more was sent"
    );
    assert_eq!(n.sandbox.requests_matching("POST", PIN_TOKEN_ROUTE), 1);
}

#[test]
fn the_proxy_password_goes_to_the_keyring_and_nowhere_else() {
    require_secret_service();
    let password = "proxy.canary.7f3a91";
    let n = net(Some(("desk", password)));
    let desk = Desk::new();
    let name = unique("authproxy");
    let proxy = format!("http://desk@{}", n.proxy.addr());
    let stdin = format!("{}\n{password}\n", n.sandbox.canaries.solid_api_key);
    add(
        &desk,
        &n,
        &name,
        &["--proxy", &proxy, "--ca", n.ca_file.to_str().unwrap()],
        &stdin,
    )
    .expect(0);
    assert_eq!(
        keyring_entry(&name, "proxy-password").as_deref(),
        Some(password)
    );
    pin_token(&desk, &name).expect(0);
    assert_eq!(
        n.proxy.connects_to(n.sandbox.host_port()),
        1,
        "{}",
        n.proxy.log()
    );
    let shown = desk.run(&["--json", "profile", "show", &name], "");
    shown.expect(0);
    assert!(shown.stdout.contains("proxy-password"), "{}", shown.stdout);

    // A profile edit that moves the proxy needs the password again; with none, nothing changes.
    let moved = format!("http://desk@localhost:{}", n.proxy.addr().port());
    let edit = desk.run(
        &[
            "--json",
            "profile",
            "edit",
            &name,
            "--provider",
            "solid",
            "--env",
            n.sandbox.base_url(),
            "--proxy",
            &moved,
            "--ca",
            n.ca_file.to_str().unwrap(),
        ],
        &format!("{}\n", n.sandbox.canaries.solid_api_key),
    );
    edit.expect(2);
    assert!(edit.stderr.contains("proxy"), "{}", edit.stderr);
    assert_eq!(
        keyring_entry(&name, "proxy-password").as_deref(),
        Some(password)
    );
    assert!(desk.has_log());
    assert!(!n.proxy.log().contains(password));
    desk.assert_no_secrets(&[
        ("proxy password", password),
        ("API key", &n.sandbox.canaries.solid_api_key),
    ]);
}
