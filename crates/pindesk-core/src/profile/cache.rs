//! The parsed profiles file a [`ProfileStore`](super::ProfileStore) keeps in memory, and the
//! file identity that says when it no longer describes the file on disk.
//!
//! Every read `stat`s the file and compares its [`Stamp`] with the one of the bytes in memory;
//! only a different stamp (or one that had not settled, see [`Stamp::settled`]) makes the
//! store read the file again, and only different bytes make it parse them again.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::ProfilesFile;

/// How long after its newest time a stamp is trusted to change with any change of the file.
/// File times come from a clock that advances in steps: a kernel tick (a few milliseconds) on
/// filesystems with nanosecond times, a whole second on some (ext3, HFS+), two on FAT. Two
/// seconds cover them all.
pub(super) const SETTLE: Duration = Duration::from_secs(2);

/// One state of the file at a path, as one `stat` tells it: its size, modification time (with
/// nanoseconds where the filesystem keeps them) and creation time, and on Unix its device and
/// inode numbers and its status-change time (`ctime`).
///
/// Why this suffices to notice any change made after the stamp was taken, once it has
/// [settled](Self::settled):
/// - PinDesk's writers (this app, another instance, the CLI) never rewrite the file in place:
///   they rename a new file over it, which the old file's inode number tells apart — the new
///   file was created while the old one still existed, so it has another number.
/// - Any program may set the modification time back (a same-size edit then keeps size and
///   mtime), but none can set `ctime`: the kernel sets it to the current time at every change
///   of the inode, its content or its times, and at its creation or rename. A file changed in
///   place, or a new file that reuses a freed inode number (created after the old one was
///   removed, so after the stamp was taken), therefore has a later `ctime` — provided the
///   stamp's own times were already a clock step old when it was taken, so that a change in
///   the same step cannot leave them equal. That is [`settled`](Self::settled); a stamp not
///   settled yet is checked against the file's bytes on the next read instead.
///
/// Without `ctime` and inodes (Windows), a same-size edit by another program that also sets the
/// modification time back goes unnoticed; PinDesk's own writers never do that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    created: Option<SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(unix)]
    changed: Option<SystemTime>,
}

impl Stamp {
    pub(super) fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            created: meta.created().ok(),
            #[cfg(unix)]
            inode: (meta.dev(), meta.ino()),
            #[cfg(unix)]
            changed: u64::try_from(meta.ctime())
                .ok()
                .and_then(|secs| u32::try_from(meta.ctime_nsec()).ok().map(|ns| (secs, ns)))
                .and_then(|(secs, ns)| SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, ns))),
        }
    }

    /// Whether every time in this stamp was at least `settle` older than `now`, the moment
    /// just before the stamp was taken: then any later change of the file gives another stamp.
    /// A stamp without the times that guard it (`ctime` on Unix, mtime elsewhere) never settles.
    pub(super) fn settled(&self, now: SystemTime, settle: Duration) -> bool {
        #[cfg(unix)]
        let guard = self.changed;
        #[cfg(not(unix))]
        let guard = self.modified;
        let Some(limit) = now.checked_sub(settle) else {
            return false;
        };
        guard.is_some()
            && [guard, self.modified, self.created]
                .into_iter()
                .flatten()
                .all(|time| time <= limit)
    }
}

/// What a store last read from or wrote to the file: its bytes, what they parse to, and the
/// stamp of the file they were read from.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) stamp: Stamp,
    /// The stamp had [settled](Stamp::settled) when it was taken: a read that finds the same
    /// stamp uses [`file`](Self::file) without reading the file.
    pub(super) trusted: bool,
    pub(super) bytes: Vec<u8>,
    pub(super) file: ProfilesFile,
}

/// The file's stamp and content, from one open file (the stamp taken before the content is
/// read, so a change while reading gives the next read another stamp). `None` when there is no
/// file.
pub(super) fn read_stamped(path: &Path) -> io::Result<Option<(Stamp, Vec<u8>)>> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(Some((Stamp::of(&meta), bytes)))
}

/// The stamp of the file at `path` now (`None` when there is none).
pub(super) fn stamp_of(path: &Path) -> io::Result<Option<Stamp>> {
    match fs::metadata(path) {
        Ok(meta) => Ok(Some(Stamp::of(&meta))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
