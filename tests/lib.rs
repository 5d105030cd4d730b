//! Shared helpers for PinDesk's end-to-end tests.
//!
//! - [`webdriver`]: a small blocking W3C WebDriver client (sessions, elements, keys,
//!   screenshots) over HTTP.
//! - [`harness`]: starts `tauri-driver` on free loopback ports and `pindesk` through it, with its
//!   own config and data folders, and tears both down; saves a screenshot per test.
//! - [`paths`]: where the built binaries and the test artefacts are.
//!
//! A scenario is a `#[test]` in `e2e/` that starts with
//! `let Some(app) = App::launch("name", &["--demo"]) else { return };`. Nothing here reaches
//! anything but loopback.

pub mod harness;
pub mod paths;
pub mod webdriver;
