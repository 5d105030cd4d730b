//! The parsed file a store keeps in memory: used while the file is unchanged, never once it
//! changed, whoever changed it.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::cache::{Stamp, SETTLE};
use super::store::Counts;
use super::*;

const HOUR: Duration = Duration::from_secs(3600);

fn id(s: &str) -> ProfileId {
    ProfileId::new(s).unwrap()
}

fn profile(name: &str, display: &str) -> Profile {
    Profile::new(id(name), display, Provider::Vault, Environment::Sandbox)
}

fn names(store: &ProfileStore) -> Vec<String> {
    let profiles = store.list().unwrap();
    profiles.into_iter().map(|p| p.display_name).collect()
}

/// A file holding profile `a` ("Aaaa"), and a reader over it that trusts a stamp at once
/// (so that only the stamp can tell it the file changed), its cache filled and trusted.
fn settled_reader() -> (tempfile::TempDir, ProfileStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profiles.toml");
    ProfileStore::new(&path).add(profile("a", "Aaaa")).unwrap();
    let reader = ProfileStore::with_settle(&path, Duration::ZERO);
    assert_eq!(names(&reader), ["Aaaa"]);
    let before = reader.counts();
    assert_eq!(names(&reader), ["Aaaa"]);
    assert_eq!(
        reader.counts(),
        before,
        "a settled stamp is used without reading"
    );
    (dir, reader)
}

#[test]
fn reads_of_an_unchanged_file_do_not_parse_it_again() {
    // (settle, reads of the file each later read costs): a settled stamp costs none; one not
    // settled yet costs a read of the bytes, compared with the cached ones, never a parse.
    for (settle, reads_each) in [(Duration::ZERO, 0), (HOUR, 1)] {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::with_settle(dir.path().join("profiles.toml"), settle);
        store.add(profile("a", "Aaaa")).unwrap();
        // The write kept what it wrote: not parsed again. Its stamp, taken as the file was
        // written, may not have settled yet: this read checks it.
        let written = store.counts();
        store.load().unwrap();
        assert_eq!(store.counts().parses, written.parses, "{settle:?}");
        let before = store.counts();
        store.load().unwrap();
        store.get(&id("a")).unwrap();
        assert_eq!(names(&store), ["Aaaa"]);
        let expected = Counts {
            reads: before.reads + 3 * reads_each,
            parses: before.parses,
        };
        assert_eq!(store.counts(), expected, "{settle:?}");
    }
}

#[test]
fn a_change_by_another_writer_is_seen_by_the_next_read() {
    type Edit = fn(&Path, &ProfileStore);
    let cases: [(&str, Edit, &[&str]); 3] = [
        (
            "another store (as the CLI) adds a profile",
            |path, _| ProfileStore::new(path).add(profile("b", "Bbbb")).unwrap(),
            &["Aaaa", "Bbbb"],
        ),
        (
            "a same-size file renamed over it, its mtime set back to the old one",
            |path, _| {
                let old = fs::metadata(path).unwrap();
                ProfileStore::new(path)
                    .update(profile("a", "Zzzz"))
                    .unwrap();
                let file = fs::File::options().write(true).open(path).unwrap();
                file.set_modified(old.modified().unwrap()).unwrap();
                let new = fs::metadata(path).unwrap();
                assert_eq!(new.len(), old.len());
                assert_eq!(new.modified().unwrap(), old.modified().unwrap());
            },
            &["Zzzz"],
        ),
        (
            "deleted (no profiles), then written again",
            |path, reader| {
                fs::remove_file(path).unwrap();
                assert!(names(reader).is_empty());
                ProfileStore::new(path).add(profile("a", "Zzzz")).unwrap();
            },
            &["Zzzz"],
        ),
    ];
    for (case, edit, expected) in cases {
        let (_dir, reader) = settled_reader();
        edit(reader.path(), &reader);
        assert_eq!(names(&reader), expected, "{case}");
    }
}

/// Not settled yet, a stamp does not vouch for the file: a deletion and a same-size rewrite
/// in the same clock step are still seen, by the bytes.
#[test]
fn a_file_recreated_at_once_is_seen_by_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profiles.toml");
    let reader = ProfileStore::new(&path);
    reader.add(profile("a", "Aaaa")).unwrap();
    assert_eq!(names(&reader), ["Aaaa"]);
    fs::remove_file(&path).unwrap();
    ProfileStore::new(&path).add(profile("a", "Zzzz")).unwrap();
    assert_eq!(names(&reader), ["Zzzz"]);
}

#[test]
fn a_change_reads_the_file_not_the_cache() {
    let (_dir, reader) = settled_reader();
    ProfileStore::new(reader.path())
        .add(profile("b", "Bbbb"))
        .unwrap();
    reader.add(profile("c", "Cccc")).unwrap();
    assert_eq!(names(&reader), ["Aaaa", "Bbbb", "Cccc"]);
    let other = ProfileStore::new(reader.path());
    assert_eq!(names(&other), ["Aaaa", "Bbbb", "Cccc"]);
}

#[test]
fn a_damaged_file_after_a_valid_one_is_reported_not_the_cache() {
    let (_dir, reader) = settled_reader();
    fs::write(reader.path(), "active = = \"a\"\n").unwrap();
    // Every read reports it: the damaged file is never kept as if it were valid.
    for _ in 0..2 {
        assert!(matches!(
            reader.load(),
            Err(ProfileError::Corrupt { line: 1, .. })
        ));
    }
    assert!(matches!(
        reader.get(&id("a")),
        Err(ProfileError::Corrupt { .. })
    ));
    assert!(matches!(
        reader.add(profile("b", "Bbbb")),
        Err(ProfileError::WritesBlocked { .. })
    ));
    // Moved aside by the operator's reset: the next read finds no file.
    ProfileStore::new(reader.path())
        .reset(time::OffsetDateTime::UNIX_EPOCH)
        .unwrap();
    assert!(names(&reader).is_empty());
}

#[test]
fn a_stamp_settles_once_its_times_are_a_clock_step_old() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    let before = SystemTime::now();
    fs::write(&path, "x").unwrap();
    let after = SystemTime::now();
    let stamp = Stamp::of(&fs::metadata(&path).unwrap());
    // (the moment the stamp is taken, the settle time, settled): the file's times lie
    // between `before` (less a clock step) and `after`.
    let cases = [
        (after, Duration::ZERO, true),
        (after + SETTLE, SETTLE, true),
        (after, SETTLE, false),
        (after + HOUR, HOUR * 2, false),
        (before - HOUR, Duration::ZERO, false),
    ];
    for (now, settle, settled) in cases {
        assert_eq!(stamp.settled(now, settle), settled, "{now:?} {settle:?}");
    }
}

#[test]
fn the_store_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<ProfileStore>();
}
