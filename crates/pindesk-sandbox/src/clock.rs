//! The sandbox's virtual clock: real time plus an offset that `/_sandbox/clock/advance` moves
//! forward, so every lifetime (SMS codes, access tokens, PIN tokens) can be tested without
//! sleeping. Every TTL check reads the time from here, never from the system clock directly.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// Real time shifted by an offset that only grows.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// The virtual monotonic time, for lifetimes.
    pub(crate) fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// The virtual wall-clock time (UTC), for timestamps shown in answers.
    pub(crate) fn wall(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset()
    }

    /// Moves the clock forward; answers the total offset.
    pub(crate) fn advance(&self, by: Duration) -> Duration {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset = offset.saturating_add(by);
        *offset
    }

    /// How far the clock has been moved so far.
    pub(crate) fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// RFC 3339 in UTC with whole seconds, as Solid writes `created_at`.
pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_both_clocks() {
        let clock = Clock::default();
        let before = clock.now();
        let wall = clock.wall();
        clock.advance(Duration::from_secs(600));
        assert!(clock.now() >= before + Duration::from_secs(600));
        assert!(clock.wall() - wall >= time::Duration::seconds(600));
    }

    #[test]
    fn timestamps_are_utc_whole_seconds() {
        let s = rfc3339(time::macros::datetime!(2024-06-12 20:47:38.123 UTC));
        assert_eq!(s, "2024-06-12T20:47:38Z");
    }
}
