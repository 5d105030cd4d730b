//! Recording an operation in the history around the provider calls it makes.
//!
//! The entry is written `started` before the first request leaves and finished with the
//! outcome after; a process that dies in between leaves it `started`, which the next start
//! reports as unknown. Only the error's operator message and reference are stored.
//!
//! A process that is still alive may have an entry `started` for as long as its operation's
//! calls may take: [`operation_deadline`]. Recovery leaves a live writer's entry alone until
//! then, so starting the CLI while the app is in the middle of a slow Vault operation (or the
//! other way round) does not declare that operation interrupted.

use super::{Desk, Error};
use crate::api::OpDone;
use crate::error::Category;
use crate::history::{os_user, Finish, NewEntry, Outcome, Ticket};
use crate::http::HttpSettings;
use crate::profile::Profile;
use std::future::Future;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The most provider calls one recorded operation makes, each bounded by the HTTP total
/// timeout. A call made with a profile's bearer token is at most 4 calls: with a stored
/// sign-in, a sign-in when no token is held, the call, and after a refused token one new
/// sign-in and the call again. The longest operation, `vault.set_passcode`, makes at most 4
/// such calls: the RSA key, the set, and when Vault refuses the key's id, the key again and
/// the set again — 16. The others make fewer: `vault.send_code` and `vault.set_card_pin` 8 (the
/// card lookup and the call), `vault.verify_code` and `profile.test` 4, `solid.pin_token` 2,
/// `solid.set_pin` and `vault.sign_out` 1. One bound for all, rather than one per operation,
/// also covers an entry whose operation this build does not know (written by another version).
pub const MAX_CALLS_PER_OPERATION: u32 = 16;

/// How long one recorded operation may legitimately take with these HTTP settings: the total
/// timeout of each of the [`MAX_CALLS_PER_OPERATION`] calls (320 s with the defaults). A
/// live writer's `started` entry younger than this is not recovered as interrupted. Time
/// spent outside HTTP calls (keyring reads, encryption) is not counted: it is short, unless a
/// keyring unlock prompt waits for the operator.
pub fn operation_deadline(http: &HttpSettings) -> Duration {
    http.total_timeout
        .checked_mul(MAX_CALLS_PER_OPERATION)
        .unwrap_or(Duration::MAX)
}

/// The history outcome of a failed operation.
fn outcome_of(error: &Error) -> Outcome {
    match error.category() {
        Category::Rejected | Category::Credentials => Outcome::Rejected,
        Category::UnknownOutcome => Outcome::Unknown,
        _ => Outcome::Failed,
    }
}

impl Desk {
    /// [`recorded`](Self::recorded) for a flow step that changes something: its result is the
    /// step's [`OpDone`], named as the history names the operation.
    pub(super) async fn recorded_step<Fut>(
        &self,
        profile: &Profile,
        operation: &str,
        card_id: &str,
        ticket: Option<&Ticket>,
        work: Fut,
    ) -> Result<OpDone, Error>
    where
        Fut: Future<Output = Result<(), Error>>,
    {
        self.recorded(profile, operation, Some(card_id), ticket, work)
            .await?;
        Ok(OpDone::now(operation, card_id))
    }

    /// Checks an operation's ticket reference against the machine's `[audit] require_ticket`:
    /// without one, where one is required, the operation is refused (field `ticket`) before
    /// anything is looked up or sent. Call it first in every operation the operator starts.
    pub fn ticket_allowed(&self, ticket: Option<&Ticket>) -> Result<(), Error> {
        if self.require_ticket && ticket.is_none() {
            return Err(crate::validate::ValidationError::new(
                "ticket",
                "this computer requires a ticket reference for every operation \
                 ([audit] require_ticket in the system config): give the case's reference",
            )
            .into());
        }
        Ok(())
    }

    /// Runs `work` (the provider calls of one operation) between a `started` history entry
    /// and its completion; the entry carries the operator's ticket reference, if any.
    pub(super) async fn recorded<T, Fut>(
        &self,
        profile: &Profile,
        operation: &str,
        card_id: Option<&str>,
        ticket: Option<&Ticket>,
        work: Fut,
    ) -> Result<T, Error>
    where
        Fut: Future<Output = Result<T, Error>>,
    {
        let entry = NewEntry {
            started_at: OffsetDateTime::now_utc(),
            os_user: os_user(),
            profile: profile.id.to_string(),
            provider: profile.provider(),
            environment: self.environment_label(profile),
            operation: operation.to_owned(),
            card_id: card_id.map(str::to_owned),
            ticket: ticket.cloned(),
        };
        let history = self.history()?;
        let id = history.start(&entry)?;
        let clock = Instant::now();
        let result = work.await;
        let (outcome, reference, message) = match &result {
            Ok(_) => (Outcome::Ok, None, None),
            Err(e) => (outcome_of(e), e.reference(), Some(e.message())),
        };
        let finish = Finish {
            outcome,
            reference,
            message,
            finished_at: OffsetDateTime::now_utc(),
            duration: clock.elapsed(),
        };
        if let Err(e) = history.finish(id, &finish) {
            // The operation itself is done; its result matters more than the record.
            tracing::error!(error = %e, entry = %id, "could not finish the history entry");
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_may_take_every_call_of_the_longest_flow() {
        let http = HttpSettings::default();
        assert_eq!(http.total_timeout, Duration::from_secs(20));
        assert_eq!(operation_deadline(&http), Duration::from_secs(320));
        let short = HttpSettings {
            connect_timeout: Duration::from_millis(100),
            total_timeout: Duration::from_millis(500),
        };
        assert_eq!(operation_deadline(&short), Duration::from_secs(8));
    }
}
