//! How soon a failed attempt to reach Qlik may be tried again: doubling
//! delays with jitter, so a Qlik outage sees one attempt per user per window
//! instead of one per request (or per reconnecting tab). Pure: the time and
//! the random draw are passed in.

use std::time::{Duration, Instant};

use crate::error::Error;

/// The wait after the first failure.
const FIRST: Duration = Duration::from_millis(500);
/// The longest wait.
const LONGEST: Duration = Duration::from_secs(30);

/// The wait before attempt `failures + 1`: `FIRST` doubled per earlier
/// failure, at most `LONGEST`, of which a random half (`draw` in `[0, 1)`)
/// is taken away so that users who failed together do not retry together.
pub(crate) fn delay(failures: u32, draw: f64) -> Duration {
    let doubled = FIRST.saturating_mul(1 << failures.saturating_sub(1).min(16));
    let window = doubled.min(LONGEST);
    window.mul_f64(1.0 - draw.clamp(0.0, 1.0) / 2.0)
}

/// The failures since the last success of one kind of attempt.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    failures: u32,
    retry_at: Option<Instant>,
    last_error: Option<Error>,
}

impl Backoff {
    /// `Ok` when an attempt may be made at `now`; otherwise the last failure's
    /// error, which the caller returns without trying.
    pub(crate) fn gate(&self, now: Instant) -> Result<(), Error> {
        match (&self.retry_at, &self.last_error) {
            (Some(at), Some(error)) if now < *at => Err(error.clone()),
            _ => Ok(()),
        }
    }

    /// How long from `now` until the next attempt is allowed.
    pub(crate) fn remaining(&self, now: Instant) -> Duration {
        self.retry_at
            .map(|at| at.saturating_duration_since(now))
            .unwrap_or_default()
    }

    /// Records a failed attempt made at `now`.
    pub(crate) fn failed(&mut self, now: Instant, error: Error, draw: f64) {
        self.failures = self.failures.saturating_add(1);
        self.retry_at = Some(now + delay(self.failures, draw));
        self.last_error = Some(error);
    }

    /// True after a failure, until the next success.
    pub(crate) fn failing(&self) -> bool {
        self.failures > 0
    }

    /// Records a success: the next failure starts from the shortest wait.
    pub(crate) fn succeeded(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down() -> Error {
        Error::Qlik(qlik::Error::Transport("connection refused".into()))
    }

    #[test]
    fn delays_double_up_to_the_longest() {
        assert_eq!(delay(1, 0.0), FIRST);
        assert_eq!(delay(2, 0.0), FIRST * 2);
        assert_eq!(delay(3, 0.0), FIRST * 4);
        assert_eq!(delay(20, 0.0), LONGEST);
        assert_eq!(delay(u32::MAX, 0.0), LONGEST);
    }

    #[test]
    fn jitter_takes_away_at_most_half() {
        assert_eq!(delay(3, 0.5), FIRST * 3);
        assert!(delay(3, 0.999) > FIRST);
        assert_eq!(delay(20, 2.0), LONGEST / 2, "draws are clamped");
    }

    #[test]
    fn a_failure_closes_the_gate_until_its_delay_has_passed() {
        let start = Instant::now();
        let mut backoff = Backoff::default();
        assert!(backoff.gate(start).is_ok());
        backoff.failed(start, down(), 0.0);
        assert!(matches!(
            backoff.gate(start + Duration::from_millis(499)),
            Err(Error::Qlik(qlik::Error::Transport(_)))
        ));
        assert_eq!(backoff.remaining(start), FIRST);
        assert!(backoff.gate(start + FIRST).is_ok());
        // The second failure waits twice as long.
        let later = start + FIRST;
        backoff.failed(later, down(), 0.0);
        assert!(backoff.gate(later + FIRST).is_err());
        assert!(backoff.gate(later + FIRST * 2).is_ok());
    }

    #[test]
    fn a_success_resets() {
        let start = Instant::now();
        let mut backoff = Backoff::default();
        backoff.failed(start, down(), 0.0);
        backoff.failed(start, down(), 0.0);
        backoff.succeeded();
        assert!(backoff.gate(start).is_ok());
        backoff.failed(start, down(), 0.0);
        assert_eq!(backoff.remaining(start), FIRST);
    }
}
