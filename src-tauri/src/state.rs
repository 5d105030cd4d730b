//! The state the app hands to Tauri with `.manage()`: one newtype per concern, read by
//! commands through `State<'_, T>`. Nothing here holds a secret.

use crate::ipc::{Mode, ProfileSummary};
use std::time::Instant;

/// How the app was started (`--demo`, `--kiosk` or neither).
#[derive(Debug, Clone, Copy)]
pub struct LaunchMode(pub Mode);

/// When the process started, to report how long the UI took to become ready.
#[derive(Debug, Clone, Copy)]
pub struct StartedAt(pub Instant);

/// The profile that requests go through, as the status bar shows it.
#[derive(Debug, Clone)]
pub struct ActiveProfile(pub Option<ProfileSummary>);
