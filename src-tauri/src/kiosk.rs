//! Kiosk rules: which mode the app runs in (a machine-wide config that says kiosk wins over
//! the command line), the idle timeout in force (at most 15 minutes in every mode), and the
//! refusal of credential and settings edits in a kiosk.

use crate::ipc::Mode;
use crate::state::AppState;
use pindesk_core::api::ErrorReport;
use pindesk_core::error::Category;
use pindesk_core::system_config::SystemConfig;

pub use pindesk_core::system_config::{KIOSK_IDLE_SECS, MAX_IDLE_SECS};

/// The mode to run in: a kiosk when the machine's config says so, whatever was asked for.
pub fn mode(requested: Mode, system: &SystemConfig) -> Mode {
    if system.kiosk {
        Mode::Kiosk
    } else {
        requested
    }
}

/// The idle timeout in force, in seconds, never above [`MAX_IDLE_SECS`]. A kiosk uses the
/// machine's value (default [`KIOSK_IDLE_SECS`]) and ignores the user's settings; elsewhere
/// the user's setting applies, and the machine's value, if any, is its ceiling.
pub fn idle_timeout(mode: Mode, configured: u64, system: &SystemConfig) -> u64 {
    let secs = match mode {
        Mode::Kiosk => system.idle_timeout_secs.unwrap_or(KIOSK_IDLE_SECS),
        _ => configured.min(system.idle_timeout_secs.unwrap_or(MAX_IDLE_SECS)),
    };
    secs.clamp(1, MAX_IDLE_SECS)
}

/// Refuses a change that a kiosk must not allow (credentials and settings are provisioned by
/// an administrator with `pindesk-cli`).
pub fn refuse_in_kiosk(state: &AppState) -> Result<(), ErrorReport> {
    if state.mode == Mode::Kiosk {
        return Err(refusal());
    }
    Ok(())
}

/// What a kiosk answers a command it does not offer.
pub fn refusal() -> ErrorReport {
    ErrorReport {
        code: "kiosk".into(),
        ..ErrorReport::new(
            Category::Validation,
            "this is a kiosk: profiles, settings and the history are managed by an administrator",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing imposed.
    fn none() -> SystemConfig {
        SystemConfig::default()
    }

    #[test]
    fn idle_timeout_is_capped() {
        assert_eq!(idle_timeout(Mode::Normal, 300, &none()), 300);
        assert_eq!(idle_timeout(Mode::Normal, 10_000, &none()), MAX_IDLE_SECS);
        assert_eq!(idle_timeout(Mode::Normal, 0, &none()), 1);
        assert_eq!(idle_timeout(Mode::Kiosk, 300, &none()), KIOSK_IDLE_SECS);
    }

    #[test]
    fn the_machine_sets_the_kiosk_timeout_and_caps_the_user_s() {
        let machine = |secs| SystemConfig {
            idle_timeout_secs: Some(secs),
            ..SystemConfig::default()
        };
        assert_eq!(idle_timeout(Mode::Kiosk, 900, &machine(3)), 3);
        assert_eq!(idle_timeout(Mode::Kiosk, 30, &machine(600)), 600);
        assert_eq!(idle_timeout(Mode::Normal, 900, &machine(60)), 60);
        assert_eq!(idle_timeout(Mode::Demo, 45, &machine(60)), 45);
        assert_eq!(
            idle_timeout(Mode::Kiosk, 0, &machine(u64::MAX)),
            MAX_IDLE_SECS
        );
    }

    #[test]
    fn a_machine_kiosk_cannot_be_turned_off_by_flags() {
        let kiosk = SystemConfig {
            kiosk: true,
            ..SystemConfig::default()
        };
        for requested in [Mode::Normal, Mode::Demo, Mode::Kiosk] {
            assert_eq!(mode(requested, &kiosk), Mode::Kiosk);
            assert_eq!(mode(requested, &none()), requested);
        }
    }
}
