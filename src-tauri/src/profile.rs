//! Which profile the shell shows at start.
//!
//! Until the profile store is wired in, the app always starts on a placeholder DEMO profile,
//! which is what it will show in `--demo` mode and on a first run with no profiles anyway.

use crate::ipc::{Environment, Mode, ProfileSummary, Provider};

/// The profile to show at start for a given mode.
pub fn initial(_mode: Mode) -> Option<ProfileSummary> {
    Some(demo_placeholder())
}

/// The DEMO profile: the Vault provider on the embedded sandbox.
pub fn demo_placeholder() -> ProfileSummary {
    ProfileSummary {
        name: "Demo".to_owned(),
        provider: Provider::Vault,
        environment: Environment::Demo,
    }
}
