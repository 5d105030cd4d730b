//! The OS keyring, for real: these tests talk to an actual Secret Service (GNOME Keyring) and
//! never to a mock, so a build that silently keeps secrets in memory fails here.
//!
//! Run them with `scripts/with-secret-service.sh cargo test -p pindesk-core --test keyring`.
//! Without `PINDESK_SECRET_SERVICE` the tests that need a Secret Service fail, saying to run
//! them so (a missing tool is still reported as a skip, a failure under `CI=true`). The "no
//! backend" tests start child processes (this test binary again) with a session bus but no
//! Secret Service, and with no bus at all.
#![cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{solid_profile, vault_profile};
use pindesk_core::credentials::{CredentialError, KeyringStore, SecretKind, SecretStore};
use pindesk_core::profile::{Environment, ProfileId, ProfileStore};

/// Set in a child process: which scenario to run.
const CHILD_ENV: &str = "PINDESK_KEYRING_CHILD";
/// The config dir a child is given (it must leave it unchanged).
const CHILD_CONFIG_ENV: &str = "PINDESK_KEYRING_CHILD_CONFIG";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Says a test was skipped, where `cargo test` shows it even for a passing test; in CI a
/// skip is a failure.
fn skip(why: &str) {
    if in_ci() {
        panic!("{why}; in CI these tests must run, not skip");
    }
    // Straight to stderr: the test harness captures eprintln! of passing tests.
    let _ = writeln!(std::io::stderr(), "{why}");
}

/// Fails the test unless a Secret Service is there: `scripts/with-secret-service.sh` (how the
/// project's test command runs these tests) starts one and sets `PINDESK_SECRET_SERVICE`.
#[track_caller]
fn require_secret_service() {
    assert!(
        std::env::var_os("PINDESK_SECRET_SERVICE").is_some(),
        "this test needs a Secret Service: run it under scripts/with-secret-service.sh, \
         e.g. `scripts/with-secret-service.sh cargo test -p pindesk-core --test keyring`"
    );
}

fn tool_available(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        skip(&format!(
            "skipped: needs {tool} (apt-get install -y dbus gnome-keyring)"
        ));
    }
    found
}

/// A service name of its own per test run, so the product's `pindesk` entries are never touched.
fn test_service() -> String {
    format!("pindesk-test-{}", uuid::Uuid::new_v4())
}

fn id(s: &str) -> ProfileId {
    ProfileId::new(s).unwrap()
}

/// A config dir holding a profiles file written by the real `ProfileStore`.
fn config_dir_with_profiles() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("profiles.toml"));
    store
        .add(vault_profile(
            "ops-vault",
            "Ops Vault",
            Environment::Sandbox,
            None,
        ))
        .unwrap();
    store
        .add(solid_profile(
            "ops-solid",
            "Ops Solid",
            Environment::Production,
        ))
        .unwrap();
    dir
}

/// Every file below `dir`, by path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path, bytes);
            }
        }
    }
    out
}

fn assert_no_canary(dir: &Path, canaries: &[&str]) {
    for (path, bytes) in snapshot(dir) {
        for canary in canaries {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{} contains a secret",
                path.display()
            );
        }
    }
}

fn get(store: &KeyringStore, profile: &ProfileId, kind: SecretKind) -> Option<String> {
    store
        .get(profile, kind)
        .unwrap()
        .map(|v| v.as_str().to_owned())
}

#[test]
fn secrets_round_trip_through_new_stores_and_never_reach_the_config_dir() {
    require_secret_service();
    let service = test_service();
    let config = config_dir_with_profiles();
    let vault = id("ops-vault");
    let solid = id("ops-solid");
    let token = format!("canary-token-{}", uuid::Uuid::new_v4());
    let token2 = format!("canary-token2-{}", uuid::Uuid::new_v4());
    let key = format!("canary-key-{}", uuid::Uuid::new_v4());
    let password = format!("canary-pw-é-{}", uuid::Uuid::new_v4());
    let canaries = [token.as_str(), &token2, &key, &password];

    let writer = KeyringStore::with_service(&service);
    assert_eq!(writer.backend_name(), "Secret Service");
    writer.probe().unwrap();

    // Missing entries read as None.
    assert_eq!(get(&writer, &vault, SecretKind::AccessToken), None);

    // Set, then read back through a new store (a new keyring entry object).
    writer.set(&vault, SecretKind::AccessToken, &token).unwrap();
    assert_no_canary(config.path(), &canaries);
    let reader = KeyringStore::with_service(&service);
    assert_eq!(
        get(&reader, &vault, SecretKind::AccessToken).as_deref(),
        Some(token.as_str())
    );

    // It is really in the Secret Service, under service/username attributes.
    // (secret-tool comes with libsecret-tools, which scripts/setup.sh installs.)
    let out = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            &service,
            "username",
            "ops-vault/access-token",
        ])
        .output()
        .expect("run secret-tool (Debian package libsecret-tools)");
    assert_eq!(String::from_utf8_lossy(&out.stdout), token);

    // Update replaces the value.
    writer
        .set(&vault, SecretKind::AccessToken, &token2)
        .unwrap();
    assert_eq!(
        get(
            &KeyringStore::with_service(&service),
            &vault,
            SecretKind::AccessToken
        )
        .as_deref(),
        Some(token2.as_str())
    );
    assert_no_canary(config.path(), &canaries);

    // Other kinds and other profiles are separate entries.
    writer
        .set(&vault, SecretKind::SignInPassword, &password)
        .unwrap();
    writer.set(&solid, SecretKind::ApiKey, &key).unwrap();
    assert_eq!(get(&reader, &vault, SecretKind::ApiKey), None);
    assert_eq!(
        get(&reader, &vault, SecretKind::SignInPassword).as_deref(),
        Some(password.as_str())
    );
    assert_no_canary(config.path(), &canaries);

    // Delete one kind; deleting a missing entry is fine.
    reader.delete(&vault, SecretKind::SignInPassword).unwrap();
    reader.delete(&vault, SecretKind::SignInPassword).unwrap();
    assert_eq!(get(&writer, &vault, SecretKind::SignInPassword), None);
    assert_eq!(
        get(&writer, &vault, SecretKind::AccessToken).as_deref(),
        Some(token2.as_str())
    );

    // delete_all removes every kind of one profile and nothing of another.
    writer.delete_all(&vault).unwrap();
    for kind in SecretKind::ALL {
        assert_eq!(get(&reader, &vault, kind), None, "{kind}");
    }
    assert_eq!(
        get(&reader, &solid, SecretKind::ApiKey).as_deref(),
        Some(key.as_str())
    );
    writer.delete_all(&solid).unwrap();
    assert_eq!(get(&reader, &solid, SecretKind::ApiKey), None);
    assert_no_canary(config.path(), &canaries);
}

#[test]
fn a_locked_keyring_is_reported_as_locked() {
    require_secret_service();
    if !tool_available("gnome-keyring-daemon") {
        return;
    }
    // Locking the shared collection would disturb the other tests: use a private keyring.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/with-secret-service.sh");
    let config = config_dir_with_profiles();
    let results = run_child("locked", config.path(), |cmd| {
        let mut wrapped = Command::new("bash");
        wrapped
            .arg(&script)
            .arg(cmd.get_program())
            .args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        wrapped
    });
    for op in ["probe", "get", "set"] {
        assert_eq!(
            results.get(op).map(|(v, _)| v.as_str()),
            Some("Locked"),
            "{op}: {results:?}"
        );
    }
    let (_, message) = &results["get"];
    assert!(
        message.contains("locked") && message.contains("unlock"),
        "{message}"
    );
}

#[test]
fn a_session_bus_without_secret_service_is_no_backend_and_writes_nothing() {
    if !tool_available("dbus-run-session") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A session bus that can activate nothing (the standard one would start gnome-keyring).
    let conf = dir.path().join("session.conf");
    std::fs::write(
        &conf,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.path().display()
        ),
    )
    .unwrap();
    let config = config_dir_with_profiles();
    let results = run_child("no-backend", config.path(), |cmd| {
        let mut wrapped = Command::new("dbus-run-session");
        wrapped
            .arg(format!("--config-file={}", conf.display()))
            .arg("--")
            .arg(cmd.get_program())
            .args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        wrapped.env_remove("DBUS_SESSION_BUS_ADDRESS");
        wrapped
    });
    assert_all_no_backend(&results);
}

#[test]
fn a_secret_service_without_any_keyring_is_reported_and_writes_nothing() {
    if !tool_available("dbus-run-session") || !tool_available("gnome-keyring-daemon") {
        return;
    }
    // A standard session bus starts gnome-keyring on demand; with a fresh HOME it has no
    // keyring at all, so there is no default collection to keep entries in.
    let config = config_dir_with_profiles();
    let xdg = tempfile::tempdir().unwrap();
    let results = run_child("no-backend", config.path(), |cmd| {
        let mut wrapped = Command::new("dbus-run-session");
        wrapped
            .arg("--")
            .arg(cmd.get_program())
            .args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        wrapped
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_DATA_HOME", xdg.path().join("data"))
            .env("XDG_RUNTIME_DIR", xdg.path());
        wrapped
    });
    for op in ["probe", "get", "set", "delete"] {
        let (variant, message) = &results[op];
        assert_eq!(variant, "NoDefaultCollection", "{op}: {message}");
        assert!(message.contains("no default collection"), "{message}");
    }
}

#[test]
fn no_bus_at_all_is_no_backend_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_dir_with_profiles();
    // An address whose socket does not exist.
    let missing = format!("unix:path={}", dir.path().join("no-bus-here").display());
    let results = run_child("no-backend", config.path(), |mut cmd| {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &missing);
        cmd
    });
    assert_all_no_backend(&results);

    // No address at all, no X11 display to autolaunch a bus with, no bus in the runtime dir.
    let runtime = tempfile::tempdir().unwrap();
    let results = run_child("no-backend", config.path(), |mut cmd| {
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_RUNTIME_DIR", runtime.path());
        cmd
    });
    assert_all_no_backend(&results);
}

fn assert_all_no_backend(results: &BTreeMap<String, (String, String)>) {
    for op in ["probe", "get", "set", "delete"] {
        let (variant, message) = results
            .get(op)
            .unwrap_or_else(|| panic!("no result for {op}: {results:?}"));
        assert_eq!(variant, "NoBackend", "{op}: {message}");
        assert!(
            message.starts_with(
                "No Secret Service is running: install and unlock GNOME Keyring or KeePassXC"
            ),
            "{message}"
        );
    }
}

/// Runs this test binary again as a child in scenario `scenario` (the command built by `wrap`
/// from the plain one), and returns `op -> (variant, message)` from its output. Checks that the
/// config dir and the child's HOME hold the same bytes as before (and no secret).
fn run_child(
    scenario: &str,
    config: &Path,
    wrap: impl FnOnce(Command) -> Command,
) -> BTreeMap<String, (String, String)> {
    let before = snapshot(config);
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "child_process_scenario",
        "--exact",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD_ENV, scenario)
    .env(CHILD_CONFIG_ENV, config)
    .env("PINDESK_CONFIG_DIR", config)
    .env("HOME", home.path())
    .env_remove("DISPLAY")
    .env_remove("WAYLAND_DISPLAY");
    let output = wrap(cmd).output().expect("start the child test process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "child failed: {}\n{stdout}\n{stderr}",
        output.status
    );
    let mut results = BTreeMap::new();
    for line in stdout.lines() {
        // The test harness may have printed "test … ... " on the same line first.
        if let Some(rest) = line.find("RESULT ").map(|at| &line[at + "RESULT ".len()..]) {
            let mut parts = rest.splitn(3, ' ');
            let op = parts.next().unwrap_or_default().to_owned();
            let variant = parts.next().unwrap_or_default().to_owned();
            let message = parts.next().unwrap_or_default().to_owned();
            results.insert(op, (variant, message));
        }
    }
    assert!(
        !results.is_empty(),
        "child printed no result:\n{stdout}\n{stderr}"
    );
    assert_eq!(snapshot(config), before, "the config dir changed");
    assert!(snapshot(home.path())
        .keys()
        .all(|p| !p.to_string_lossy().contains("pindesk")));
    assert_no_canary(home.path(), &[CHILD_CANARY]);
    assert_no_canary(config, &[CHILD_CANARY]);
    results
}

const CHILD_CANARY: &str = "canary-child-secret-5c1f";

fn variant(e: &CredentialError) -> &'static str {
    match e {
        CredentialError::NoBackend { .. } => "NoBackend",
        CredentialError::NoDefaultCollection { .. } => "NoDefaultCollection",
        CredentialError::Locked { .. } => "Locked",
        CredentialError::Refused { .. } => "Refused",
        CredentialError::NotResponding { .. } => "NotResponding",
        CredentialError::Ambiguous { .. } => "Ambiguous",
        CredentialError::Corrupt { .. } => "Corrupt",
        CredentialError::Platform { .. } => "Platform",
        _ => "Other",
    }
}

fn report<T>(op: &str, result: Result<T, CredentialError>) {
    match result {
        Ok(_) => println!("RESULT {op} Ok -"),
        Err(e) => {
            let mut chain = String::new();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                chain.push_str(&format!(" <- {s}"));
                if let Some(name) = s.downcast_ref::<dbus::Error>().and_then(|d| d.name()) {
                    chain.push_str(&format!(" [{name}]"));
                }
                source = s.source();
            }
            eprintln!("{op}: {e}{chain}");
            println!("RESULT {op} {} {e}", variant(&e));
        }
    }
}

/// Not a test by itself: the body of the child processes started by the tests above.
#[test]
fn child_process_scenario() {
    let Ok(scenario) = std::env::var(CHILD_ENV) else {
        return;
    };
    let service = test_service();
    let store = KeyringStore::with_service(&service);
    let profile = id("ops-vault");
    match scenario.as_str() {
        "no-backend" => {
            report("probe", store.probe());
            report("get", store.get(&profile, SecretKind::AccessToken));
            report(
                "set",
                store.set(&profile, SecretKind::AccessToken, CHILD_CANARY),
            );
            report("delete", store.delete(&profile, SecretKind::AccessToken));
        }
        "locked" => {
            store
                .set(&profile, SecretKind::AccessToken, CHILD_CANARY)
                .expect("set while unlocked");
            lock_default_collection();
            report("probe", store.probe());
            report("get", store.get(&profile, SecretKind::AccessToken));
            report("set", store.set(&profile, SecretKind::ApiKey, CHILD_CANARY));
            report("delete", store.delete(&profile, SecretKind::AccessToken));
        }
        other => panic!("unknown scenario {other}"),
    }
}

fn lock_default_collection() {
    use dbus_secret_service::{EncryptionType, SecretService};
    let ss = SecretService::connect(EncryptionType::Dh).expect("connect");
    let collection = ss.get_default_collection().expect("default collection");
    collection.lock().expect("lock");
    assert!(collection.is_locked().unwrap());
}
