//! The log file as the CLI and the desktop app set it up (`logging::init`): where it is, its
//! permissions, and that both flows and a stored sign-in run end to end with every log level
//! on (`PINDESK_LOG=trace`, so the HTTP stack's own events are in it too, those logged through
//! the `log` crate among them) leave no secret in it. Its own process: `init` installs the
//! global subscriber once.

mod common;

use common::{vault_profile, SharedStore};
use pindesk_core::credentials::{SecretKind, SecretStore};
use pindesk_core::desk::{
    DemoBackend, Desk, NewCredentials, BEST_EFFORT_SIGN_OUT, DEMO_SOLID_PROFILE, DEMO_VAULT_PROFILE,
};
use pindesk_core::http::{HttpSettings, RefusingResolver};
use pindesk_core::logging::{self, LogError};
use pindesk_core::paths::Paths;
use pindesk_core::profile::{Environment, ProfileId};
use pindesk_core::secret::{AccessToken, ApiKey, CardPin, Passcode, Password, Pin, SmsCode};
use pindesk_core::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};
use std::sync::Arc;
use std::time::Duration;
use zeroize::Zeroizing;

const VAULT_CARD: &str = "1234435";
const SOLID_CARD: &str = "crd_7948d9a96706dd05360a340002de725f";

#[tokio::test]
async fn both_flows_at_trace_level_leave_no_secret_in_the_log_file() {
    // Before any thread of the test's own starts: nothing else reads the environment yet.
    std::env::set_var(logging::LOG_ENV, "trace");
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::new(dir.path().join("config"), dir.path().join("data"));
    let file = logging::init(&paths, "pindesk-test").unwrap();
    assert_eq!(file, paths.log_dir().join("pindesk-test.log"));
    assert!(matches!(
        logging::init(&paths, "pindesk-test"),
        Err(LogError::AlreadyInitialized)
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&paths.log_dir()), 0o700);
    }

    let sandbox = Sandbox::start(SandboxConfig {
        key_bits: 1024,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let backend = DemoBackend {
        base_url: BaseUrl::parse(&sandbox.base_url()).unwrap(),
        vault_token: AccessToken::new(sandbox.config().vault_token.clone()),
        solid_api_key: ApiKey::new(sandbox.config().solid_api_key.clone()),
    };
    let store = SharedStore::default();
    let desk = Desk::open_with(
        paths.clone(),
        Box::new(store.clone()),
        Some(backend),
        HttpSettings {
            connect_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(5),
        },
        Some(Arc::new(RefusingResolver)),
    )
    .unwrap();

    let passcode = "Canary7Passcode";
    desk.vault_send_code(Some(DEMO_VAULT_PROFILE), VAULT_CARD, None)
        .await
        .unwrap();
    let code = sandbox.last_sms_code(1_234_435).unwrap();
    desk.vault_verify_code(
        Some(DEMO_VAULT_PROFILE),
        VAULT_CARD,
        SmsCode::new(code.clone()),
        None,
    )
    .await
    .unwrap();
    desk.vault_set_passcode(
        Some(DEMO_VAULT_PROFILE),
        VAULT_CARD,
        SmsCode::new(code.clone()),
        Passcode::new(passcode.into()),
        None,
    )
    .await
    .unwrap();
    assert!(sandbox.passcode_matches(1_234_435, passcode));

    let card_pin = "7391";
    desk.vault_set_card_pin(
        Some(DEMO_VAULT_PROFILE),
        VAULT_CARD,
        CardPin::new(card_pin.into()),
        None,
    )
    .await
    .unwrap();
    assert!(sandbox.vault_pin_matches(1_234_435, card_pin));

    desk.solid_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD, None)
        .await
        .unwrap();
    let pin_token = desk
        .reveal_pin_token(Some(DEMO_SOLID_PROFILE), SOLID_CARD)
        .unwrap()
        .unwrap();
    let pin_token = pin_token.expose().to_owned();
    desk.solid_set_pin(
        Some(DEMO_SOLID_PROFILE),
        SOLID_CARD,
        Pin::new("6644".into()),
        Some("11/2029"),
        Some("3738"),
        None,
    )
    .await
    .unwrap();
    assert!(sandbox.pin_matches(SOLID_CARD, "6644"));

    // A stored sign-in: signed in for a card list, then signed out.
    let config = sandbox.config();
    let profile = vault_profile(
        "branch",
        "Branch",
        Environment::parse(&sandbox.base_url()).unwrap(),
        Some(&config.merchant_id),
    );
    desk.add_profile(
        profile,
        NewCredentials::VaultSignIn {
            phone: Zeroizing::new(config.phone.clone()),
            password: Password::new(config.password.clone()),
        },
    )
    .unwrap();
    desk.vault_cards(Some("branch")).await.unwrap();
    let obtained = store
        .get(&ProfileId::new("branch").unwrap(), SecretKind::AccessToken)
        .unwrap()
        .expect("the sign-in stored its token");
    let obtained: serde_json::Value = serde_json::from_str(&obtained).unwrap();
    let obtained_tokens: Vec<String> = ["access_token", "refresh_token"]
        .iter()
        .filter_map(|k| obtained[*k].as_str().map(str::to_owned))
        .collect();
    assert!(!obtained_tokens.is_empty(), "{obtained}");
    desk.sign_out_all(BEST_EFFORT_SIGN_OUT).await;

    let log = std::fs::read_to_string(&file).unwrap();
    assert!(
        log.contains("provider call"),
        "the core's events are in the file"
    );
    assert!(
        log.lines().any(|l| l.contains(" reqwest::")),
        "events logged through the `log` crate (reqwest's) are in the file"
    );
    assert!(
        log.contains("/v2/card/{id}/passcode/code/set"),
        "routes are logged as templates"
    );
    let mut secrets = vec![
        config.vault_token.as_str(),
        config.solid_api_key.as_str(),
        config.phone.as_str(),
        config.phone.trim_start_matches('+'),
        config.password.as_str(),
        passcode,
        pin_token.as_str(),
        "card_pin_test_",
        "\"6644\"",
        "pin=6644",
        "\"7391\"",
        "pin=7391",
    ];
    secrets.extend(obtained_tokens.iter().map(String::as_str));
    for secret in &secrets {
        assert!(!log.contains(secret), "a secret reached the log: {secret}");
    }
    // The SMS code and the card PIN are short numbers: look for them as whole numbers, outside
    // the timestamps (whose fractions of a second would match a short code by chance).
    for line in log.lines() {
        let rest = line.split_once(' ').map_or("", |(_, rest)| rest);
        let numbers: Vec<&str> = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .collect();
        assert!(!numbers.contains(&code.as_str()), "the SMS code in {line}");
        assert!(!numbers.contains(&card_pin), "the card PIN in {line}");
    }
    // Nor anything else under the config and data folders (history, logs).
    let mut stored = Vec::new();
    let mut pending = vec![dir.path().to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                stored.extend(std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    assert!(!stored.is_empty(), "the history and the log were written");
    let history = desk
        .history_page(&Default::default(), pindesk_core::history::Page::first(10))
        .unwrap();
    assert!(history.len() >= 6, "every operation was recorded");
    for secret in secrets.iter().filter(|s| s.len() > 8) {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "a secret reached the disk: {secret}"
        );
    }
    if let Ok(copy) = std::env::var("PINDESK_TEST_KEEP_LOG") {
        std::fs::copy(&file, copy).unwrap();
    }
    sandbox.stop().await;
}
