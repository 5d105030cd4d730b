//! Settings edited by hand in the profiles file are checked when it is read: a value out of
//! its range is replaced by its default (and the log names the key), so that, for one, a
//! `history_retention_days = 0` no longer deletes the whole history when PinDesk starts.

use pindesk_core::credentials::MemoryStore;
use pindesk_core::desk::Desk;
use pindesk_core::history::{Filter, History, NewEntry, Page};
use pindesk_core::paths::Paths;
use pindesk_core::profile::{AppSettings, Provider};
use time::OffsetDateTime;

/// One row per setting: the key, a value out of its range.
const OUT_OF_RANGE: &[(&str, &str)] = &[
    ("history_retention_days", "0"),
    ("history_retention_days", "100000"),
    ("idle_timeout_secs", "5"),
    ("idle_timeout_secs", "86400"),
    ("clipboard_clear_secs", "0"),
    ("clipboard_clear_secs", "100000"),
];

fn paths_with_settings(dir: &std::path::Path, settings: &str) -> Paths {
    let paths = Paths::new(dir.join("config"), dir.join("data"));
    std::fs::create_dir_all(dir.join("config")).unwrap();
    std::fs::write(paths.profiles_file(), format!("[settings]\n{settings}\n")).unwrap();
    paths
}

#[test]
fn each_setting_out_of_range_is_replaced_by_its_default() {
    let defaults = AppSettings::default();
    for &(key, value) in OUT_OF_RANGE {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths_with_settings(dir.path(), &format!("{key} = {value}"));
        let desk = Desk::open(paths, Box::new(MemoryStore::default()), None).unwrap();
        let settings = desk.profiles_file().unwrap().settings;
        assert_eq!(settings, defaults, "{key} = {value}");
    }
    // In range, a value is kept.
    let dir = tempfile::tempdir().unwrap();
    let paths = paths_with_settings(
        dir.path(),
        "history_retention_days = 7\nidle_timeout_secs = 60\nclipboard_clear_secs = 10",
    );
    let desk = Desk::open(paths, Box::new(MemoryStore::default()), None).unwrap();
    let settings = desk.profiles_file().unwrap().settings;
    assert_eq!(
        (
            settings.history_retention_days,
            settings.idle_timeout_secs,
            settings.clipboard_clear_secs
        ),
        (7, 60, 10)
    );
}

#[test]
fn a_retention_of_zero_days_keeps_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let paths = paths_with_settings(dir.path(), "history_retention_days = 0");
    {
        let history = History::open(paths.history_db()).unwrap();
        history
            .start(&NewEntry {
                started_at: OffsetDateTime::now_utc() - time::Duration::days(2),
                os_user: "op".into(),
                profile: "p".into(),
                provider: Provider::Vault,
                environment: "sandbox".into(),
                operation: "vault.send_code".into(),
                card_id: Some("1234435".into()),
                ticket: None,
            })
            .unwrap();
    }
    let desk = Desk::open(paths, Box::new(MemoryStore::default()), None).unwrap();
    let rows = desk
        .history_page(&Filter::default(), Page::first(10))
        .unwrap();
    assert_eq!(rows.len(), 1, "the two-day-old entry is kept");
}
