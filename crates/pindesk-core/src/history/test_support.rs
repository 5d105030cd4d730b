//! What the history's unit tests share: a fresh database, entries and their ends.

use std::time::Duration;

use time::macros::datetime;
use time::OffsetDateTime;

use super::{Finish, History, NewEntry, Outcome};
use crate::profile::Provider;

pub(super) const T0: OffsetDateTime = datetime!(2026-03-01 10:00:00 UTC);

pub(super) fn open() -> (tempfile::TempDir, History) {
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(dir.path().join("data").join("history.sqlite3")).unwrap();
    (dir, history)
}

pub(super) fn new_entry(at: OffsetDateTime, provider: Provider, card: &str) -> NewEntry {
    NewEntry {
        started_at: at,
        os_user: "alice".into(),
        profile: format!("ops-{provider}"),
        provider,
        environment: "sandbox".into(),
        operation: match provider {
            Provider::Vault => "vault.set_passcode".into(),
            Provider::Solid => "solid.set_pin".into(),
        },
        card_id: Some(card.into()),
        ticket: None,
    }
}

pub(super) fn done(outcome: Outcome, at: OffsetDateTime) -> Finish {
    Finish {
        outcome,
        reference: Some("req_123".into()),
        message: Some("card not found".into()),
        finished_at: at,
        duration: Duration::from_millis(250),
    }
}
