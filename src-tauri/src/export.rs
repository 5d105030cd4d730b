//! Writing the history as CSV to a file the operator chose (or the export folder set for
//! locked-down machines with `PINDESK_EXPORT_DIR`, where no dialog is shown).

use pindesk_core::history::{Filter, History};
use std::path::{Path, PathBuf};

/// The variable naming a folder where exports go without a dialog.
pub const EXPORT_DIR_ENV: &str = "PINDESK_EXPORT_DIR";

/// The file to write when `PINDESK_EXPORT_DIR` is set: a new, timestamped name in that folder.
pub fn target_override() -> Option<PathBuf> {
    let dir = std::env::var_os(EXPORT_DIR_ENV)?;
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
    Some(PathBuf::from(dir).join(format!("pindesk-history-{stamp}.csv")))
}

/// Writes the matching entries to `path` through a temporary file, so a failed export leaves
/// no half-written file. Returns the number of rows.
pub fn write_csv(history: &History, filter: &Filter, path: &Path) -> Result<u64, String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("could not write in {}: {e}", dir.display()))?;
    let rows = history
        .export_csv(filter, &mut tmp)
        .map_err(|e| format!("could not export the history: {e}"))?;
    tmp.persist(path)
        .map_err(|e| format!("could not save {}: {}", path.display(), e.error))?;
    Ok(rows)
}
