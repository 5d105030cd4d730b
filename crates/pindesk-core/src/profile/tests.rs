use super::store::line_column;
use super::*;
use crate::crypto::RsaPadding;
use std::fs;

fn id(s: &str) -> ProfileId {
    ProfileId::new(s).unwrap()
}

fn vault(name: &str) -> Profile {
    Profile::new(id(name), "Ops Vault", Provider::Vault, Environment::Sandbox)
}

fn solid(name: &str) -> Profile {
    Profile::new(
        id(name),
        "Ops Solid",
        Provider::Solid,
        Environment::Production,
    )
}

fn store() -> (tempfile::TempDir, ProfileStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("conf").join("profiles.toml"));
    (dir, store)
}

#[test]
fn profile_ids_are_slugs() {
    for ok in ["a", "ops-vault", "x1", &"a".repeat(40)] {
        assert!(ProfileId::new(ok).is_ok(), "{ok}");
    }
    for bad in ["", "Ops", "a/b", "a b", "-a", "é", &"a".repeat(41), "a_b"] {
        assert!(ProfileId::new(bad).is_err(), "{bad}");
    }
}

#[test]
fn environments_parse_and_check_urls() {
    assert_eq!(Environment::parse("sandbox").unwrap(), Environment::Sandbox);
    assert_eq!(
        Environment::parse("production").unwrap(),
        Environment::Production
    );
    assert!(Environment::parse("https://vault.example.com").is_ok());
    for ok in [
        "http://127.0.0.1:8080",
        "http://127.2.3.4",
        "http://[::1]:9",
        "http://localhost:1",
    ] {
        assert!(Environment::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://example.com",
        "http://10.0.0.1",
        "ftp://x",
        "staging",
        "https://u:p@h.example",
        "https://h.example/?a=1",
    ] {
        let err = Environment::parse(bad).unwrap_err();
        assert!(err.to_string().starts_with("environment:"), "{err}");
    }
}

#[test]
fn base_urls_follow_the_provider_contract() {
    assert_eq!(
        vault("v").base_url().unwrap().as_str(),
        "https://api.vault.sandbox.testessential.net"
    );
    assert_eq!(
        solid("s").base_url().unwrap().as_str(),
        "https://api.prod.solidfi.com"
    );
    let mut s = solid("s");
    s.environment = Environment::Sandbox;
    assert_eq!(
        s.base_url().unwrap().as_str(),
        "https://api.sandbox.solidfi.com"
    );
}

#[test]
fn vault_production_is_refused_naming_environment() {
    let mut p = vault("v");
    p.environment = Environment::Production;
    let err = p.validate().unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("environment") && text.contains("URL"),
        "{text}"
    );
    p.environment = Environment::parse("https://vault.prod.example").unwrap();
    p.validate().unwrap();
}

#[test]
fn settings_are_checked() {
    let mut p = vault("v");
    p.vault_mut().unwrap().merchant_id = Some("not-a-uuid".into());
    assert!(p
        .validate()
        .unwrap_err()
        .to_string()
        .contains("merchant_id"));
    p.vault_mut().unwrap().merchant_id = Some("0b7f4e4a-3f2c-4d8e-9a2b-1c2d3e4f5a6b".into());
    p.validate().unwrap();
    let mut s = solid("s");
    s.solid_mut().unwrap().token_lifetime_secs = 0;
    assert!(s
        .validate()
        .unwrap_err()
        .to_string()
        .contains("token_lifetime_secs"));
    s.solid_mut().unwrap().token_lifetime_secs = 300;
    s.validate().unwrap();
}

#[test]
fn missing_file_is_empty_and_round_trips() {
    let (_dir, store) = store();
    assert_eq!(store.load().unwrap(), ProfilesFile::default());
    let mut v = vault("ops-vault");
    v.vault_mut().unwrap().auth = VaultAuth::SignIn;
    v.vault_mut().unwrap().merchant_id = Some("3fa85f64-5717-4562-b3fc-2c963f66afa6".into());
    v.vault_mut().unwrap().passcode_policy = Some(toml::from_str("min_len = 6").unwrap());
    assert_eq!(
        v.vault().unwrap().passcode_policy.as_ref().unwrap().min_len,
        6
    );
    store.add(v.clone()).unwrap();
    store.add(solid("ops-solid")).unwrap();
    store.set_active(Some(&id("ops-solid"))).unwrap();
    let file = store.load().unwrap();
    assert_eq!(file.profiles, vec![v.clone(), solid("ops-solid")]);
    assert_eq!(file.active_profile().unwrap().id, id("ops-solid"));
    assert_eq!(file.settings, AppSettings::default());
    assert_eq!(store.get(&id("ops-vault")).unwrap(), v);
    assert_eq!(store.list().unwrap().len(), 2);
    let text = fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("auth = \"sign-in\""), "{text}");
    assert!(text.contains("environment = \"production\""), "{text}");
}

#[test]
fn add_update_remove_and_active() {
    let (_dir, store) = store();
    store.add(vault("a")).unwrap();
    assert!(matches!(
        store.add(vault("a")),
        Err(ProfileError::AlreadyExists { .. })
    ));
    let mut a = vault("a");
    a.display_name = "Renamed".into();
    store.update(a).unwrap();
    assert_eq!(store.get(&id("a")).unwrap().display_name, "Renamed");
    assert!(matches!(
        store.update(vault("b")),
        Err(ProfileError::NotFound { .. })
    ));
    assert!(matches!(
        store.set_active(Some(&id("zz"))),
        Err(ProfileError::NotFound { .. })
    ));
    store.set_active(Some(&id("a"))).unwrap();
    let removed = store.remove(&id("a")).unwrap();
    assert_eq!(removed.display_name, "Renamed");
    let file = store.load().unwrap();
    assert!(file.active.is_none() && file.profiles.is_empty());
    assert!(matches!(
        store.remove(&id("a")),
        Err(ProfileError::NotFound { .. })
    ));
}

#[test]
fn invalid_profiles_are_not_written() {
    let (_dir, store) = store();
    let mut bad = vault("v");
    bad.display_name = " ".into();
    assert!(store.add(bad).is_err());
    assert!(!store.path().exists());
    assert!(Environment::parse("demo").is_err());
}

/// A file as PinDesk has always written it (provider name beside its block of settings)
/// loads into the typed settings, with defaults for absent keys.
#[test]
fn todays_file_format_still_loads() {
    let text = r#"
active = "ops-vault"

[settings]
history_retention_days = 90

[[profiles]]
id = "ops-vault"
display_name = "Operations (Vault)"
provider = "vault"
environment = "sandbox"

[profiles.vault]
merchant_id = "0b7f4e4a-3f2c-4d8e-9a2b-1c2d3e4f5a6b"
rsa_padding = "oaep-sha256"
auth = "sign-in"
passcode_policy = { min_len = 6 }

[[profiles]]
id = "ops-solid"
display_name = "Operations (Solid)"
provider = "solid"
environment = "production"

[profiles.solid]
pin_endpoint = "https://pin.example.com"
token_lifetime_secs = 120

[[profiles]]
id = "bare-vault"
display_name = "Bare"
provider = "vault"
environment = "https://vault.example.com"
"#;
    let (_dir, store) = store();
    fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    fs::write(store.path(), text).unwrap();
    let file = store.load().unwrap();
    let vault = file.profiles[0].vault().unwrap();
    assert_eq!(vault.rsa_padding, RsaPadding::OaepSha256);
    assert_eq!(vault.auth, VaultAuth::SignIn);
    assert_eq!(vault.passcode_policy.as_ref().unwrap().min_len, 6);
    let solid = file.profiles[1].solid().unwrap();
    assert_eq!(solid.token_lifetime_secs, 120);
    assert_eq!(
        solid.pin_endpoint.as_ref().unwrap().as_str(),
        "https://pin.example.com"
    );
    assert_eq!(file.profiles[2].vault(), Some(&VaultSettings::default()));
    assert_eq!(file.settings.history_retention_days, 90);
    // Written back, it keeps the same shape and reads back equal.
    store.set_active(None).unwrap();
    let again = store.load().unwrap();
    assert_eq!(again.profiles, file.profiles);
    let written = fs::read_to_string(store.path()).unwrap();
    assert!(written.contains("provider = \"solid\"") && written.contains("[profiles.vault]"));
}

#[test]
fn a_block_of_the_other_provider_is_refused_naming_it() {
    for (provider, block) in [("solid", "vault"), ("vault", "solid")] {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(
            store.path(),
            format!(
                "[[profiles]]
id = \"p\"
display_name = \"P\"
provider = \"{provider}\"
\
                     environment = \"sandbox\"
[profiles.{block}]
"
            ),
        )
        .unwrap();
        match store.load() {
            Err(ProfileError::Corrupt { message, .. }) => {
                assert!(message.contains(block), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn defaults_fill_a_minimal_file() {
    let (_dir, store) = store();
    fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    fs::write(
            store.path(),
            "[[profiles]]\nid = \"s\"\ndisplay_name = \"S\"\nprovider = \"solid\"\nenvironment = \"sandbox\"\n\
             [profiles.solid]\n",
        )
        .unwrap();
    let file = store.load().unwrap();
    assert_eq!(file.settings.history_retention_days, 365);
    assert_eq!(file.profiles[0].solid().unwrap().token_lifetime_secs, 300);
    assert!(file.profiles[0].vault().is_none());
}

#[test]
fn corrupt_file_reports_position_and_is_never_overwritten() {
    let (_dir, store) = store();
    store.add(vault("a")).unwrap();
    let damaged = "active = \"a\"\n\n[[profiles]]\nid = \"a\"\ndisplay_name = = \"x\"\n";
    fs::write(store.path(), damaged).unwrap();
    match store.load() {
        Err(ProfileError::Corrupt { line, column, .. }) => {
            assert_eq!(line, 5);
            assert!(column > 1, "{column}");
        }
        other => panic!("{other:?}"),
    }
    // This store refuses every write until the operator resets: the damaged content
    // stays on disk.
    assert!(matches!(
        store.add(vault("b")),
        Err(ProfileError::WritesBlocked { .. })
    ));
    assert!(matches!(
        store.set_active(None),
        Err(ProfileError::WritesBlocked { .. })
    ));
    assert_eq!(fs::read_to_string(store.path()).unwrap(), damaged);

    let aside = store
        .reset(time::macros::datetime!(2026-01-02 03:04:05 UTC))
        .unwrap()
        .unwrap();
    assert_eq!(fs::read_to_string(&aside).unwrap(), damaged);
    assert!(aside.to_string_lossy().ends_with(".damaged-1767323045"));
    store.add(vault("b")).unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
}

#[test]
fn unknown_field_and_invalid_value_are_corrupt_with_position() {
    let (_dir, store) = store();
    fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    fs::write(
            store.path(),
            "[[profiles]]\nid = \"s\"\ndisplay_name = \"S\"\nprovider = \"solid\"\nenvironment = \"sandbox\"\napi_key = \"x\"\n",
        )
        .unwrap();
    match store.load() {
        Err(ProfileError::Corrupt { line, message, .. }) => {
            assert!(line >= 1);
            assert!(message.contains("api_key"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    fs::write(store.path(), b"active = \"\xff\"\n").unwrap();
    let fresh = ProfileStore::new(store.path());
    assert!(matches!(
        fresh.load(),
        Err(ProfileError::Corrupt { line: 1, .. })
    ));
}

#[cfg(unix)]
#[test]
fn file_is_0600_and_new_dir_0700_and_no_temp_left() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, store) = store();
    store.add(vault("a")).unwrap();
    let mode = fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir = store.path().parent().unwrap();
    let mode = fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    // The file and the empty lock file that serializes changes; no temporary file.
    assert_eq!(names, ["profiles.toml", "profiles.toml.lock"]);
    let lock = dir.join("profiles.toml.lock");
    let mode = fs::metadata(&lock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn line_column_counts_characters() {
    assert_eq!(line_column("ab\ncé d", 7), (2, 4));
    assert_eq!(line_column("", 0), (1, 1));
}

#[test]
fn environments_are_badged_production_unless_documented_sandbox_loopback_or_marked() {
    use crate::api::EnvironmentKind::*;
    let url = |u: &str| Environment::parse(u).unwrap();
    let cases = [
        (Provider::Vault, Environment::Sandbox, false, Sandbox),
        (
            Provider::Vault,
            url("https://api.vault.sandbox.testessential.net"),
            false,
            Sandbox,
        ),
        (
            Provider::Vault,
            url("https://api.vault.example-bank.com"),
            false,
            Production,
        ),
        (
            Provider::Vault,
            url("https://test.vault.example-bank.com"),
            true,
            Sandbox,
        ),
        (Provider::Vault, url("http://127.0.0.1:8080"), false, Local),
        (Provider::Solid, Environment::Production, false, Production),
        (
            Provider::Solid,
            url("https://api.prod.solidfi.com"),
            false,
            Production,
        ),
        (
            Provider::Solid,
            url("https://api.sandbox.solidfi.com"),
            false,
            Sandbox,
        ),
        (
            Provider::Solid,
            url("https://api.vault.sandbox.testessential.net"),
            false,
            Production,
        ),
        (Provider::Solid, url("http://localhost:9000"), false, Local),
    ];
    for (provider, environment, marked, expected) in cases {
        let environment = environment.marked_test_host(marked).unwrap();
        let p = Profile::new(id("p"), "P", provider, environment.clone());
        assert_eq!(p.environment_kind(), expected, "{provider} {environment}");
    }
    let loopback = url("http://127.0.0.1:8080")
        .marked_test_host(true)
        .unwrap_err();
    assert!(loopback.to_string().contains("test host"), "{loopback}");
    // The mark survives the file.
    let marked = Profile::new(
        id("p"),
        "P",
        Provider::Vault,
        url("https://test.vault.example-bank.com")
            .marked_test_host(true)
            .unwrap(),
    );
    let text = toml::to_string(&marked).unwrap();
    assert!(text.contains("test_host = true"), "{text}");
    let back: Profile = toml::from_str(&text).unwrap();
    assert_eq!(back, marked);
}

#[test]
fn plain_http_settings_are_named() {
    let mut v = vault("v");
    assert!(
        v.plain_http_settings().is_empty(),
        "the sandbox host is https"
    );
    v.environment = Environment::parse("http://127.0.0.1:4010").unwrap();
    v.vault_mut().unwrap().signout_url = Some("http://localhost:9".parse().unwrap());
    assert_eq!(v.plain_http_settings(), ["environment", "signout_url"]);
    let mut s = solid("s");
    s.solid_mut().unwrap().pin_endpoint = Some("http://127.0.0.1:9".parse().unwrap());
    assert_eq!(s.plain_http_settings(), ["pin_endpoint"]);
    s.environment = Environment::parse("https://api.example.com").unwrap();
    s.solid_mut().unwrap().pin_endpoint = Some("https://pin.example.com".parse().unwrap());
    assert!(s.plain_http_settings().is_empty());
}

/// Stores over the same file share nothing but the file's lock, as two processes would:
/// edits made through them at once are all kept, and only the first add made itself active.
#[test]
fn concurrent_edits_through_separate_stores_are_all_kept() {
    let (_dir, first) = store();
    let path = first.path().to_path_buf();
    std::thread::scope(|scope| {
        for i in 0..8 {
            let path = path.clone();
            scope.spawn(move || {
                let store = ProfileStore::new(path);
                for j in 0..5 {
                    store.add_first_active(vault(&format!("p{i}-{j}"))).unwrap();
                }
            });
        }
    });
    let file = first.load().unwrap();
    assert_eq!(file.profiles.len(), 40);
    let first_added = &file.profiles[0].id;
    assert_eq!(file.active.as_ref(), Some(first_added));
}
