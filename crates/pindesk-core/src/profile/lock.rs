//! The cross-process lock of the profiles file, so the desktop app and `pindesk-cli` (or two
//! of either) never lose each other's change.
//!
//! Every change of the file (read → modify → atomic write) holds an exclusive advisory lock
//! (`std::fs::File::lock`: `flock` on Unix, `LockFileEx` on Windows) on a separate, empty file
//! beside it, `profiles.toml.lock`. It is a separate file because the atomic write renames a
//! new file over `profiles.toml`: a lock on the old file would no longer guard the new one.
//! The lock file is created at the first change (mode 0600 on Unix) and never removed —
//! removing it would let a late-comer lock a new file while another process still holds the
//! old one. Reads take no lock: a rename is atomic, so a reader sees the old file or the new.
//! The OS releases the lock when its holder exits, however it ends.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::ProfileError;

/// The lock file of the profiles file at `profiles`: `<profiles>.lock`.
pub(super) fn lock_path(profiles: &Path) -> PathBuf {
    let mut path = profiles.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

/// An exclusive hold on the profiles file's lock, released when dropped.
#[derive(Debug)]
pub(super) struct FileLock {
    /// Closing the file releases the lock.
    _file: File,
}

impl FileLock {
    /// Waits until no other holder (in this process or another) has the lock of the profiles
    /// file at `profiles`, and takes it. Creates its folder (0700) and the lock file if needed.
    pub(super) fn acquire(profiles: &Path) -> Result<Self, ProfileError> {
        let path = lock_path(profiles);
        let err = |source| ProfileError::Lock {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            super::create_private_dir(dir).map_err(err)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(err)?;
        file.lock().map_err(err)?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = dir.path().join("config").join("profiles.toml");
        let held = FileLock::acquire(&profiles).unwrap();
        let lock = lock_path(&profiles);
        assert_eq!(lock, dir.path().join("config").join("profiles.toml.lock"));
        // Another open file description, as another process would have, cannot take it.
        let other = File::options().write(true).open(&lock).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(held);
        other.try_lock().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&lock).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
