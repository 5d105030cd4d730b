//! The desk's start-up states: the history opened on first use (recovering first), and demo
//! mode whose backend starts after the desk (not ready → ready, or failed).

use super::*;
use crate::credentials::MemoryStore;
use crate::history::{NewEntry, Outcome};
use crate::secret::{AccessToken, ApiKey};
use crate::validate::BaseUrl;
use pindesk_sandbox::{Sandbox, SandboxConfig};

const VAULT_CARD: &str = "1234435";

fn paths(dir: &tempfile::TempDir) -> Paths {
    Paths::new(dir.path().join("config"), dir.path().join("data"))
}

fn starting(dir: &tempfile::TempDir) -> Desk {
    Desk::open_demo_starting(paths(dir), Box::new(MemoryStore::new())).expect("desk opens")
}

fn backend(sandbox: &Sandbox) -> DemoBackend {
    DemoBackend {
        base_url: BaseUrl::parse(&sandbox.base_url()).unwrap(),
        vault_token: AccessToken::new(sandbox.config().vault_token.clone()),
        solid_api_key: ApiKey::new(sandbox.config().solid_api_key.clone()),
    }
}

/// `(entry id, event kind)` of every history event, in chain order.
fn events(db: &std::path::Path) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT entry_id, kind FROM events ORDER BY seq")
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn a_desk_that_never_needs_the_history_never_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let desk = starting(&dir);
    desk.list_profiles().unwrap();
    desk.resolve_profile(Some(DEMO_VAULT_PROFILE)).unwrap();
    assert!(desk.demo_state().is_some());
    let db = desk.paths().history_db();
    assert!(!db.exists(), "the database was created: {}", db.display());
    desk.history().expect("opens on first use");
    assert!(db.exists());
}

/// An entry another process left `started` (its writer is gone) is marked unknown by the
/// first operation of a new desk, and in the chain before that operation's own entry.
#[tokio::test]
async fn the_first_operation_recovers_what_another_process_left_started() {
    let dir = tempfile::tempdir().unwrap();
    let db = paths(&dir).history_db();
    let left = {
        let history = History::open(&db).unwrap();
        history
            .start(&NewEntry {
                started_at: OffsetDateTime::now_utc(),
                os_user: "alice".into(),
                profile: "ops".into(),
                provider: Provider::Vault,
                environment: "production".into(),
                operation: "vault.set_passcode".into(),
                card_id: Some(VAULT_CARD.into()),
                ticket: None,
            })
            .unwrap()
    };
    // As if written by a process that was killed: its token, its lock file free.
    let gone = "0d0d0d0d-dead-4000-8000-00000000a017";
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE entries SET writer_token = ?1, writer_pid = 1 WHERE id = ?2",
            rusqlite::params![gone, left.0],
        )
        .unwrap();
    let mut writers = db.clone().into_os_string();
    writers.push(".writers");
    std::fs::File::create(std::path::Path::new(&writers).join(format!("{gone}.lock"))).unwrap();

    let desk = starting(&dir);
    let profile = desk.resolve_profile(Some(DEMO_VAULT_PROFILE)).unwrap();
    let seen = desk
        .recorded(&profile, "profile.test", None, None, async {
            Ok(desk.history()?.query(&Filter::default(), Page::first(10))?)
        })
        .await
        .unwrap();
    let old = seen.iter().find(|e| e.id == left).expect("the old entry");
    assert_eq!(old.outcome, Outcome::Unknown, "{old:?}");
    let chain: Vec<(bool, String)> = events(&db)
        .into_iter()
        .map(|(id, kind)| (id == left.0, kind))
        .collect();
    let want = [
        (true, "started"),
        (true, "unknown"),
        (false, "started"),
        (false, "finished"),
    ]
    .map(|(old, kind)| (old, kind.to_owned()));
    assert_eq!(chain, want, "recovery comes before the new entry");
}

#[test]
fn a_history_that_cannot_open_is_an_error_at_first_use() {
    let dir = tempfile::tempdir().unwrap();
    // The data folder is a file: the database cannot be created in it.
    std::fs::write(dir.path().join("data"), b"not a folder").unwrap();
    let desk = starting(&dir);
    desk.list_profiles().expect("what needs no history works");
    let Err(err) = desk.history() else {
        panic!("the history opened in a data folder that is a file");
    };
    assert!(matches!(err, Error::History(_)), "{err:?}");
    assert_eq!(err.code(), "history");
}

#[tokio::test]
async fn demo_profiles_are_listed_while_starting_and_a_call_waits_for_the_backend() {
    let dir = tempfile::tempdir().unwrap();
    let desk = starting(&dir);
    assert_eq!(desk.demo_state(), Some(DemoState::Starting));
    let listed = desk.list_profiles().unwrap();
    let demo: Vec<_> = listed.iter().filter(|v| v.demo).collect();
    assert_eq!(demo.len(), 2);
    assert!(demo
        .iter()
        .all(|v| v.demo_state == Some(DemoState::Starting)));
    // Nothing can reach the placeholder address, even without waiting.
    let placeholder = desk.resolve_profile(Some(DEMO_VAULT_PROFILE)).unwrap();
    assert!(matches!(
        desk.client_for(&placeholder, false),
        Err(Error::Demo(DemoError::NotListening(_)))
    ));

    let sandbox = Sandbox::start(SandboxConfig::demo()).await.unwrap();
    let call = desk.vault_send_code(Some(DEMO_VAULT_PROFILE), VAULT_CARD, None);
    let listen = async {
        tokio::task::yield_now().await;
        assert!(desk.demo_listening(Ok(backend(&sandbox))));
    };
    let (sent, ()) = tokio::join!(call, listen);
    sent.expect("the waiting call went on once the backend listened");
    assert_eq!(desk.demo_state(), Some(DemoState::Ready));
    let vault = desk.show_profile(DEMO_VAULT_PROFILE).unwrap();
    assert_eq!(vault.demo_state, Some(DemoState::Ready));
    assert_eq!(
        vault.profile.base_url().unwrap().as_str(),
        BaseUrl::parse(&sandbox.base_url()).unwrap().as_str()
    );
    assert!(!desk.demo_listening(Err("late".into())), "set once");
    assert_eq!(desk.demo_state(), Some(DemoState::Ready));
}

#[tokio::test]
async fn a_backend_that_failed_is_said_so_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let desk = starting(&dir);
    assert!(desk.demo_listening(Err("address in use".into())));
    let state = desk.demo_state();
    assert_eq!(
        state,
        Some(DemoState::Failed {
            reason: "address in use".into()
        })
    );
    let err = desk
        .vault_send_code(Some(DEMO_VAULT_PROFILE), VAULT_CARD, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Demo(DemoError::Failed(_))), "{err:?}");
    assert_eq!(err.code(), "demo_unavailable");
    assert!(err.message().contains("address in use"), "{err}");
    assert!(!desk.paths().history_db().exists(), "nothing was recorded");
    // The demo profiles stay listed, marked failed.
    let listed = desk.list_profiles().unwrap();
    assert!(listed
        .iter()
        .filter(|v| v.demo)
        .all(|v| v.demo_state == state));
}

#[tokio::test]
async fn a_call_gives_up_waiting_after_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    let desk = starting(&dir);
    let slot = desk.secrets.demo_slot().unwrap();
    let bound = std::time::Duration::from_millis(10);
    assert_eq!(
        slot.wait(bound).await.err(),
        Some(DemoError::NotListening(bound))
    );
    assert_eq!(
        desk.demo_state(),
        Some(DemoState::Starting),
        "still starting"
    );
}

#[test]
fn outside_demo_mode_there_is_no_demo_state_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(paths(&dir), Box::new(MemoryStore::new()), None).unwrap();
    assert_eq!(desk.demo_state(), None);
    assert!(!desk.demo_listening(Err("no".into())));
    assert!(desk
        .list_profiles()
        .unwrap()
        .iter()
        .all(|v| v.demo_state.is_none()));
}
