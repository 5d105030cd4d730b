//! Recording an operation in the history around the provider calls it makes.
//!
//! The entry is written `started` before the first request leaves and finished with the
//! outcome after; a process that dies in between leaves it `started`, which the next start
//! reports as unknown. Only the error's operator message and reference are stored.

use super::{Desk, Error};
use crate::api::OpDone;
use crate::error::Category;
use crate::history::{os_user, Finish, NewEntry, Outcome};
use crate::profile::Profile;
use std::future::Future;
use std::time::Instant;
use time::OffsetDateTime;

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
        work: Fut,
    ) -> Result<OpDone, Error>
    where
        Fut: Future<Output = Result<(), Error>>,
    {
        self.recorded(profile, operation, Some(card_id), work)
            .await?;
        Ok(OpDone::now(operation, card_id))
    }

    /// Runs `work` (the provider calls of one operation) between a `started` history entry
    /// and its completion.
    pub(super) async fn recorded<T, Fut>(
        &self,
        profile: &Profile,
        operation: &str,
        card_id: Option<&str>,
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
        };
        let id = self.history.start(&entry)?;
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
        if let Err(e) = self.history.finish(id, &finish) {
            // The operation itself is done; its result matters more than the record.
            tracing::error!(error = %e, entry = %id, "could not finish the history entry");
        }
        result
    }
}
