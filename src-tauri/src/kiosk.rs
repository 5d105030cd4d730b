//! Kiosk rules the commands enforce: no credential or settings editing, and an idle timeout
//! capped at 15 minutes in every mode.

use crate::ipc::{ErrorCategory, IpcError, Mode};
use crate::state::AppState;

/// The longest idle time allowed in any mode (PCI DSS 8.2.8: 15 minutes).
pub const MAX_IDLE_SECS: u64 = 15 * 60;
/// The kiosk's default idle timeout.
pub const KIOSK_IDLE_SECS: u64 = 120;

/// The idle timeout in force: the setting, capped at 15 minutes; in kiosk mode at most 120 s.
pub fn idle_timeout(mode: Mode, configured: u64) -> u64 {
    let capped = configured.clamp(1, MAX_IDLE_SECS);
    match mode {
        Mode::Kiosk => capped.min(KIOSK_IDLE_SECS),
        _ => capped,
    }
}

/// Refuses a change that a kiosk must not allow (credentials and settings are provisioned by
/// an administrator with `pindesk-cli`).
pub fn refuse_in_kiosk(state: &AppState) -> Result<(), IpcError> {
    if state.mode == Mode::Kiosk {
        return Err(IpcError {
            category: ErrorCategory::Validation,
            message: "this is a kiosk: profiles and settings are managed by an administrator"
                .into(),
            field: None,
            reference: None,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_timeout_is_capped() {
        assert_eq!(idle_timeout(Mode::Normal, 300), 300);
        assert_eq!(idle_timeout(Mode::Normal, 10_000), MAX_IDLE_SECS);
        assert_eq!(idle_timeout(Mode::Kiosk, 300), KIOSK_IDLE_SECS);
        assert_eq!(idle_timeout(Mode::Kiosk, 60), 60);
    }
}
