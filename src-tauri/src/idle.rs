//! The app's own idle deadline, behind the page's idle timer: if the page's timer never fires
//! (a hung or throttled page), the app still forgets the secrets it holds and clears a PIN token
//! it copied. Activity is every command the page calls, and a "still active" ping the page
//! sends at most every [`PING_EVERY_SECS`] while the operator types or moves the pointer, so
//! the deadline is the idle timeout plus that interval and a second of slack: normally the
//! page's own timer acts first.

use crate::state::AppState;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager, Runtime};

/// The longest the page waits between two "still active" pings while the operator is there.
pub const PING_EVERY_SECS: u64 = 5;

/// How often the deadline is looked at.
const TICK: Duration = Duration::from_secs(1);

/// When the page last showed the operator was there, and what became of that idle spell.
pub struct Activity {
    spell: Mutex<Spell>,
}

struct Spell {
    since: Instant,
    /// The deadline of this spell, read once it has lasted a second.
    limit: Option<Duration>,
    /// The secrets were forgotten in this spell (once is enough).
    forgotten: bool,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            spell: Mutex::new(Spell {
                since: Instant::now(),
                limit: None,
                forgotten: false,
            }),
        }
    }
}

impl Activity {
    /// The operator is there: a new idle spell starts now.
    pub fn touch(&self) {
        *self.lock() = Spell {
            since: Instant::now(),
            limit: None,
            forgotten: false,
        };
    }

    /// Whether this spell has just passed its deadline (`limit_of` gives it, read once per
    /// spell); true once per spell.
    fn due(&self, now: Instant, limit_of: impl FnOnce() -> Duration) -> bool {
        let mut spell = self.lock();
        let idle = now.saturating_duration_since(spell.since);
        if spell.forgotten || idle < TICK {
            return false;
        }
        let limit = *spell.limit.get_or_insert_with(limit_of);
        spell.forgotten = idle >= limit;
        spell.forgotten
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Spell> {
        self.spell.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The app's deadline for an idle timeout of `idle_secs`.
pub fn deadline(idle_secs: u64) -> Duration {
    Duration::from_secs(idle_secs + PING_EVERY_SECS + 1)
}

/// Watches the deadline for the app's life, with the idle timeout in force.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    watch_with(app, TICK, |app| deadline(crate::commands::idle_secs(app)));
}

/// [`watch`] with its own tick and deadline (the tests' short ones).
pub fn watch_with<R: Runtime>(
    app: AppHandle<R>,
    tick: Duration,
    limit_of: impl Fn(&AppHandle<R>) -> Duration + Send + 'static,
) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(tick).await;
            let activity = app.state::<Activity>();
            if activity.due(Instant::now(), || limit_of(&app)) {
                app.state::<AppState>().desk.forget_secrets();
                crate::clipboard::clear_ours(&app, "the app's idle deadline passed");
                tracing::info!("idle deadline passed: secrets held in memory cleared");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spell_is_due_once_past_its_deadline_and_a_touch_starts_a_new_one() {
        let activity = Activity::default();
        let start = activity.lock().since;
        let limit = || Duration::from_secs(10);
        assert!(!activity.due(start + Duration::from_secs(9), limit));
        assert!(activity.due(start + Duration::from_secs(10), limit));
        assert!(
            !activity.due(start + Duration::from_secs(11), limit),
            "once"
        );
        activity.touch();
        let start = activity.lock().since;
        assert!(!activity.due(start + Duration::from_secs(5), limit));
        assert!(activity.due(start + Duration::from_secs(12), limit));
    }

    #[test]
    fn the_deadline_leaves_the_page_room_to_act_first() {
        assert_eq!(
            deadline(120),
            Duration::from_secs(120 + PING_EVERY_SECS + 1)
        );
        assert!(deadline(1) > Duration::from_secs(PING_EVERY_SECS));
    }
}
