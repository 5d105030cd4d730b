//! Reading and writing the profiles file: atomic, private, never over a damaged file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::cache::{read_stamped, stamp_of, Entry, Stamp, SETTLE};
use super::lock::FileLock;
use super::{AppSettings, Profile, ProfileError, ProfileId, ProfilesFile};

/// 1-based line and column (in characters) of a byte offset in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Reads and writes the profiles file, keeping its parsed content in memory.
///
/// Every read checks the file's stamp with one `stat` and uses the content in memory while
/// the file is unchanged, so the CLI's or another instance's change is seen by the next read;
/// a changed file is read again, and parsed again only when its bytes changed. A damaged file
/// is never kept: every read reports it. Every change reads the file from disk under the lock
/// (never from memory) and keeps what it wrote.
#[derive(Debug)]
pub struct ProfileStore {
    path: PathBuf,
    state: Mutex<State>,
    /// [`SETTLE`], or less in tests.
    settle: Duration,
}

#[derive(Debug, Default)]
struct State {
    /// Set once a read found the file damaged; cleared only by [`ProfileStore::reset`].
    blocked: bool,
    /// The file as last read or written; `None` when unknown or there was no file.
    cache: Option<Entry>,
    /// How often the file's bytes were read and parsed.
    #[cfg(test)]
    counts: Counts,
}

/// How often a store read the file's bytes and parsed them: what the cache saves.
#[cfg(test)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) reads: usize,
    pub(super) parses: usize,
}

impl ProfileStore {
    /// A store over the profiles file at `path` (usually [`Paths::profiles_file`](crate::paths::Paths::profiles_file)).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            state: Mutex::default(),
            settle: SETTLE,
        }
    }

    /// A store that trusts a stamp once it is `settle` old, so that tests can show what the
    /// stamp alone notices.
    #[cfg(test)]
    pub(super) fn with_settle(path: impl Into<PathBuf>, settle: Duration) -> Self {
        Self {
            settle,
            ..Self::new(path)
        }
    }

    #[cfg(test)]
    pub(super) fn counts(&self) -> Counts {
        self.state().counts
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| {
            // A panic mid-read may have left the cache half-updated: drop it, keep `blocked`.
            self.state.clear_poison();
            let mut state = poisoned.into_inner();
            state.cache = None;
            state
        })
    }

    /// Reads the file. A missing file is an empty [`ProfilesFile`]; a damaged one is
    /// [`ProfileError::Corrupt`] and blocks every later write of this store until
    /// [`reset`](Self::reset).
    pub fn load(&self) -> Result<ProfilesFile, ProfileError> {
        self.with_file(ProfilesFile::clone)
    }

    /// Calls `use_file` with the file as it is on disk now: the one in memory when its stamp
    /// is unchanged and trusted, else the file read (and parsed if its bytes changed) again.
    fn with_file<T>(&self, use_file: impl FnOnce(&ProfilesFile) -> T) -> Result<T, ProfileError> {
        let mut state = self.state();
        let now = SystemTime::now();
        let stamp = stamp_of(&self.path).map_err(|e| {
            state.cache = None;
            self.read_error(e)
        })?;
        match stamp {
            None => state.cache = None,
            Some(stamp)
                if state
                    .cache
                    .as_ref()
                    .is_some_and(|e| e.trusted && e.stamp == stamp) => {}
            Some(_) => self.refresh(&mut state, now)?,
        }
        let empty = ProfilesFile::default();
        Ok(use_file(state.cache.as_ref().map_or(&empty, |e| &e.file)))
    }

    fn read_error(&self, source: io::Error) -> ProfileError {
        ProfileError::Read {
            path: self.path.clone(),
            source,
        }
    }

    /// Reads the file from disk into the cache (`now`: just before). Parses it only when its
    /// bytes differ from the cached ones; a damaged file leaves no cache and blocks writes.
    fn refresh(&self, state: &mut State, now: SystemTime) -> Result<(), ProfileError> {
        let read = read_stamped(&self.path).map_err(|e| {
            state.cache = None;
            self.read_error(e)
        })?;
        let Some((stamp, bytes)) = read else {
            state.cache = None;
            return Ok(());
        };
        #[cfg(test)]
        {
            state.counts.reads += 1;
        }
        let trusted = stamp.settled(now, self.settle);
        if let Some(entry) = state.cache.as_mut().filter(|e| e.bytes == bytes) {
            entry.stamp = stamp;
            entry.trusted = trusted;
            return Ok(());
        }
        state.cache = None;
        #[cfg(test)]
        {
            state.counts.parses += 1;
        }
        let file = self.parse(&bytes).inspect_err(|_| state.blocked = true)?;
        state.cache = Some(Entry {
            stamp,
            trusted,
            bytes,
            file,
        });
        Ok(())
    }

    /// Parses the file's bytes; every error is [`ProfileError::Corrupt`]. Warns about each
    /// setting out of range (so once per distinct content), whose default is used.
    fn parse(&self, bytes: &[u8]) -> Result<ProfilesFile, ProfileError> {
        let corrupt = |line, column, message: String| ProfileError::Corrupt {
            path: self.path.clone(),
            line,
            column,
            message,
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
                let (line, column) = line_column(&valid, valid.len());
                return Err(corrupt(line, column, "the file is not UTF-8 text".into()));
            }
        };
        let mut file: ProfilesFile = match toml::from_str(text) {
            Ok(file) => file,
            Err(e) => {
                let (line, column) = e
                    .span()
                    .map_or((1, 1), |span| line_column(text, span.start));
                return Err(corrupt(line, column, e.message().trim().to_owned()));
            }
        };
        let (settings, replaced) = file.settings.with_safe_defaults();
        for (key, why) in replaced {
            tracing::warn!(
                file = %self.path.display(),
                key,
                "setting out of range ({why}): its default is used"
            );
        }
        file.settings = settings;
        if let Err(e) = file.validate() {
            return Err(corrupt(1, 1, e.to_string()));
        }
        Ok(file)
    }

    /// Re-reads the file from disk, applies `change` and writes the result atomically, all
    /// while holding the file's cross-process lock (see [`super::lock`]), so a change made
    /// meanwhile by another process is neither lost nor overwritten. Nothing is written when
    /// reading fails, when a damaged file was seen before, or when `change` fails.
    fn modify<T>(
        &self,
        change: impl FnOnce(&mut ProfilesFile) -> Result<T, ProfileError>,
    ) -> Result<T, ProfileError> {
        let mut state = self.state();
        if state.blocked {
            return Err(ProfileError::WritesBlocked {
                path: self.path.clone(),
            });
        }
        let _held = FileLock::acquire(&self.path)?;
        self.refresh(&mut state, SystemTime::now())?;
        let mut file = state
            .cache
            .as_ref()
            .map_or_else(ProfilesFile::default, |e| e.file.clone());
        let out = change(&mut file)?;
        file.validate()?;
        self.write(&mut state, &file)?;
        Ok(out)
    }

    /// Writes `file` and keeps it in the cache with the stamp of the file written.
    fn write(&self, state: &mut State, file: &ProfilesFile) -> Result<(), ProfileError> {
        let text = toml::to_string_pretty(file).map_err(|e| ProfileError::Write {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        let content = format!(
            "# PinDesk profiles. Holds no secret: credentials live in the OS keyring.\n\
             # Format: docs/CONFIG.md.\n\n{text}"
        );
        state.cache = None;
        let now = SystemTime::now();
        let written = write_atomically(&self.path, content.as_bytes())?;
        // What a read of these bytes gives (the same parse), under the stamp of the file
        // written: its own open file, not the path, which another program may have replaced.
        let bytes = content.into_bytes();
        if let (Ok(meta), Ok(file)) = (written.metadata(), self.parse(&bytes)) {
            let stamp = Stamp::of(&meta);
            state.cache = Some(Entry {
                stamp,
                trusted: stamp.settled(now, self.settle),
                bytes,
                file,
            });
        }
        Ok(())
    }

    /// Adds a profile. Fails if the id is taken or the profile breaks a rule.
    pub fn add(&self, profile: Profile) -> Result<(), ProfileError> {
        profile.validate()?;
        self.modify(|file| {
            if file.get(&profile.id).is_some() {
                return Err(ProfileError::AlreadyExists {
                    id: profile.id.to_string(),
                });
            }
            file.profiles.push(profile);
            Ok(())
        })
    }

    /// Adds a profile and, when the file had none, makes it the active one, in one change: of
    /// several processes adding profiles at once, only the first to write makes its own active.
    /// Fails as [`add`](Self::add) does.
    pub fn add_first_active(&self, profile: Profile) -> Result<(), ProfileError> {
        profile.validate()?;
        self.modify(|file| {
            if file.get(&profile.id).is_some() {
                return Err(ProfileError::AlreadyExists {
                    id: profile.id.to_string(),
                });
            }
            if file.profiles.is_empty() {
                file.active = Some(profile.id.clone());
            }
            file.profiles.push(profile);
            Ok(())
        })
    }

    /// Replaces the profile with the same id.
    pub fn update(&self, profile: Profile) -> Result<(), ProfileError> {
        profile.validate()?;
        self.modify(|file| {
            let slot = file
                .profiles
                .iter_mut()
                .find(|p| p.id == profile.id)
                .ok_or_else(|| ProfileError::NotFound {
                    id: profile.id.to_string(),
                })?;
            *slot = profile;
            Ok(())
        })
    }

    /// Removes a profile and returns it; clears `active` if it named it. The caller deletes
    /// the profile's keyring entries ([`SecretStore::delete_all`](crate::credentials::SecretStore::delete_all)).
    pub fn remove(&self, id: &ProfileId) -> Result<Profile, ProfileError> {
        self.modify(|file| {
            let index = file
                .profiles
                .iter()
                .position(|p| &p.id == id)
                .ok_or_else(|| ProfileError::NotFound { id: id.to_string() })?;
            if file.active.as_ref() == Some(id) {
                file.active = None;
            }
            Ok(file.profiles.remove(index))
        })
    }

    /// Makes a profile the active one (`None` clears it).
    pub fn set_active(&self, id: Option<&ProfileId>) -> Result<(), ProfileError> {
        self.modify(|file| {
            if let Some(id) = id {
                if file.get(id).is_none() {
                    return Err(ProfileError::NotFound { id: id.to_string() });
                }
            }
            file.active = id.cloned();
            Ok(())
        })
    }

    /// Replaces the application settings.
    pub fn set_settings(&self, settings: AppSettings) -> Result<(), ProfileError> {
        self.modify(|file| {
            file.settings = settings;
            Ok(())
        })
    }

    /// The profile with this id.
    pub fn get(&self, id: &ProfileId) -> Result<Profile, ProfileError> {
        self.with_file(|file| file.get(id).cloned())?
            .ok_or_else(|| ProfileError::NotFound { id: id.to_string() })
    }

    /// Every profile, in file order.
    pub fn list(&self) -> Result<Vec<Profile>, ProfileError> {
        self.with_file(|file| file.profiles.clone())
    }

    /// The operator's explicit reset: moves the current file aside to
    /// `profiles.toml.damaged-<unix seconds>` (when one exists) and allows writes again.
    /// Returns where the old file went.
    pub fn reset(&self, now: time::OffsetDateTime) -> Result<Option<PathBuf>, ProfileError> {
        let mut state = self.state();
        state.cache = None;
        if !self.path.exists() {
            state.blocked = false;
            return Ok(None);
        }
        // Not in the middle of another process's change.
        let _held = FileLock::acquire(&self.path)?;
        let mut aside = self.path.as_os_str().to_owned();
        aside.push(format!(".damaged-{}", now.unix_timestamp()));
        let aside = PathBuf::from(aside);
        fs::rename(&self.path, &aside).map_err(|source| ProfileError::Write {
            path: aside.clone(),
            source,
        })?;
        state.blocked = false;
        Ok(Some(aside))
    }
}

/// Creates `dir` (and missing parents) with mode 0700 on Unix.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to `path` atomically: temporary file in the same folder (mode 0600 on
/// Unix), fsync, rename, fsync of the folder. Returns the file written, open.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<fs::File, ProfileError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ProfileError::Write { path, source }
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    create_private_dir(dir).map_err(err(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".profiles.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err(dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(err(tmp.path()))?;
    }
    tmp.write_all(bytes).map_err(err(path))?;
    tmp.as_file().sync_all().map_err(err(path))?;
    let written = tmp.persist(path).map_err(|e| ProfileError::Write {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(err(dir))?;
    Ok(written)
}
