//! Plain `http://` is refused for every host that is not this computer, through every entry
//! point that takes a URL: `BaseUrl` (parse, `FromStr`, serde), `Environment` (parse,
//! `FromStr`, `TryFrom<String>`, serde), a profile's environment and Solid `pin_endpoint` in
//! the profiles file as `ProfileStore` loads it. Loopback hosts (127.0.0.0/8, `::1`,
//! `localhost`) are accepted everywhere, and `https://` to any host.

use pindesk_core::profile::{Environment, ProfileStore, ProfilesFile};
use pindesk_core::validate::BaseUrl;
use proptest::prelude::*;

/// Every way a URL enters PinDesk, each answering whether it was accepted.
fn entry_points(url: &str) -> Vec<(&'static str, bool)> {
    let json = serde_json::to_string(url).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let load = |text: String| {
        let path = dir.path().join("profiles.toml");
        std::fs::write(&path, text).unwrap();
        ProfileStore::new(&path).load().is_ok()
    };
    let toml_str = toml::Value::String(url.to_owned()).to_string();
    vec![
        ("BaseUrl::parse", BaseUrl::parse(url).is_ok()),
        ("BaseUrl::from_str", url.parse::<BaseUrl>().is_ok()),
        (
            "BaseUrl deserialize",
            serde_json::from_str::<BaseUrl>(&json).is_ok(),
        ),
        ("Environment::parse", Environment::parse(url).is_ok()),
        ("Environment::from_str", url.parse::<Environment>().is_ok()),
        (
            "Environment::try_from",
            Environment::try_from(url.to_owned()).is_ok(),
        ),
        (
            "Environment deserialize",
            serde_json::from_str::<Environment>(&json).is_ok(),
        ),
        (
            "profiles file environment",
            load(format!(
                "[[profiles]]\nid = \"p\"\ndisplay_name = \"P\"\nprovider = \"vault\"\nenvironment = {toml_str}\n"
            )),
        ),
        (
            "profiles file pin_endpoint",
            load(format!(
                "[[profiles]]\nid = \"p\"\ndisplay_name = \"P\"\nprovider = \"solid\"\nenvironment = \"sandbox\"\n[profiles.solid]\npin_endpoint = {toml_str}\n"
            )),
        ),
    ]
}

fn assert_refused_everywhere(url: &str) {
    for (entry, accepted) in entry_points(url) {
        assert!(!accepted, "{entry} accepted {url}");
    }
}

fn assert_accepted_everywhere(url: &str) {
    for (entry, accepted) in entry_points(url) {
        assert!(accepted, "{entry} refused {url}");
    }
}

#[test]
fn the_profiles_file_form_is_a_real_entry_point() {
    // The template above is a valid file when the URL is acceptable, so a refusal below is
    // the URL's doing.
    let file: ProfilesFile = toml::from_str(
        "[[profiles]]\nid = \"p\"\ndisplay_name = \"P\"\nprovider = \"solid\"\nenvironment = \"sandbox\"\n[profiles.solid]\npin_endpoint = \"https://pin.example\"\n",
    )
    .unwrap();
    assert_eq!(
        file.profiles[0]
            .solid()
            .unwrap()
            .pin_endpoint
            .as_ref()
            .unwrap()
            .as_str(),
        "https://pin.example"
    );
}

#[test]
fn plain_http_to_other_hosts_is_refused_everywhere() {
    for url in [
        "http://example.com",
        "http://api.vault.sandbox.testessential.net",
        "HTTP://EXAMPLE.COM/api",
        "http:example.com",
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://0.0.0.0:8080",
        "http://[::]:8080",
        "http://[::2]",
        "http://[fe80::1]",
        "http://[::ffff:10.0.0.1]",
        "http://localhost.evil.example",
        "http://localhost.",
        "http://127.0.0.1.nip.io",
        "http://evil.example/127.0.0.1",
        "http://127.0.0.1@evil.example",
    ] {
        assert_refused_everywhere(url);
    }
}

#[test]
fn loopback_and_https_are_accepted_everywhere() {
    for url in [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://[::1]:9000",
        "http://localhost:3000",
        "http://LOCALHOST",
        "https://example.com",
        "https://10.0.0.1:8443/api",
    ] {
        assert_accepted_everywhere(url);
    }
}

/// A host name or address that is not loopback.
fn remote_host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,15}(\\.[a-z][a-z0-9-]{0,10}){1,3}",
        (1u8..=255, any::<u8>(), any::<u8>(), any::<u8>())
            .prop_filter("not 127/8", |(a, ..)| *a != 127)
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        any::<[u16; 8]>()
            .prop_filter("not ::1", |s| *s != [0, 0, 0, 0, 0, 0, 0, 1])
            .prop_map(|s| format!("[{}]", std::net::Ipv6Addr::from(s))),
        "localhost[.-][a-z0-9.-]{1,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn http_to_any_remote_host_is_refused(
        host in remote_host(),
        port in proptest::option::of(1u16..),
        path in "(/[a-z0-9]{1,8}){0,2}",
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let url = format!("http://{host}{port}{path}");
        for (entry, accepted) in entry_points(&url) {
            prop_assert!(!accepted, "{} accepted {}", entry, url);
        }
        // The same host over https:// is fine (for a name the URL parser accepts).
        let https = format!("https://{host}{port}{path}");
        if BaseUrl::parse(&https).is_ok() {
            prop_assert!(Environment::parse(&https).is_ok());
        }
    }

    #[test]
    fn whatever_text_is_accepted_is_https_or_loopback(s in "(http|https|HTTP|ftp)?:?/{0,3}[ -~]{0,40}") {
        for (entry, accepted) in entry_points(&s) {
            if accepted && !matches!(s.as_str(), "sandbox" | "production" | "demo") {
                let url = BaseUrl::parse(&s);
                prop_assert!(url.is_ok(), "{} accepted {} which BaseUrl refuses", entry, s);
                let url = url.unwrap();
                prop_assert!(url.as_url().scheme() == "https" || url.is_loopback(), "{} accepted {}", entry, s);
            }
        }
    }
}
