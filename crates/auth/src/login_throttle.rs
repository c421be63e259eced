//! The throttle a login goes through: in this process's memory (one
//! instance), or in the shared store (several instances on PostgreSQL, so N
//! instances do not allow N times the guesses). The rules are the same
//! ([`crate::throttle`]); only where the records live differs.

use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use store::{Store, ThrottleRecord};

use crate::throttle::{self, Record, Reservation, Throttle, ThrottleConfig, Throttled};

/// Where failed logins are counted.
pub enum LoginThrottle {
    /// In memory (one instance).
    Local(Throttle),
    /// In the shared store: every instance sees every failure.
    Shared {
        /// The rules.
        config: ThrottleConfig,
        /// The PostgreSQL store holding the records.
        store: Store,
    },
}

/// Why a login attempt was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many failures: the next attempt is accepted after the wait.
    Throttled(Throttled),
    /// The shared store could not be asked. Not the user's doing: they are
    /// told to try again, not to wait as if they had guessed wrong.
    StoreUnavailable,
}

/// An admitted login attempt; it counts as a failure until settled.
/// Dropping it unsettled (the directory could not be asked) releases it.
#[must_use = "settle the attempt with `failed` or `succeeded`"]
pub enum Attempt<'a> {
    /// Counted in memory.
    Local(Reservation<'a>),
    /// Counted in the shared store.
    Shared(SharedAttempt),
}

/// An attempt counted in the shared store.
pub struct SharedAttempt {
    config: ThrottleConfig,
    store: Store,
    username: String,
    address: String,
    settled: bool,
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The store's times (Unix milliseconds) as the rules' instants, around one
/// reading of both clocks.
#[derive(Clone, Copy)]
struct Clock {
    now: Instant,
    now_ms: i64,
}

impl Clock {
    fn read() -> Self {
        Self {
            now: Instant::now(),
            now_ms: unix_ms(),
        }
    }

    fn instant(self, ms: i64) -> Instant {
        let offset = Duration::from_millis(ms.abs_diff(self.now_ms));
        if ms >= self.now_ms {
            self.now + offset
        } else {
            // Long ago: as far back as this process can say, which is
            // "not blocked" and "quiet" all the same.
            self.now.checked_sub(offset).unwrap_or(self.now)
        }
    }

    fn ms(self, at: Instant) -> i64 {
        if at >= self.now {
            self.now_ms + at.duration_since(self.now).as_millis() as i64
        } else {
            self.now_ms - self.now.duration_since(at).as_millis() as i64
        }
    }

    fn record(self, stored: &ThrottleRecord) -> Record {
        Record {
            failures: stored.failures,
            in_flight: stored.in_flight,
            blocked_until: self.instant(stored.blocked_until_ms),
            last_failure: self.instant(stored.last_failure_ms),
        }
    }

    fn store(self, record: &Record, stored: &mut ThrottleRecord) {
        *stored = ThrottleRecord {
            failures: record.failures,
            in_flight: record.in_flight,
            blocked_until_ms: self.ms(record.blocked_until),
            last_failure_ms: self.ms(record.last_failure),
        };
    }
}

impl LoginThrottle {
    /// Admits an attempt of `username` from `address` now, or says how long
    /// to wait. A store that cannot be asked refuses (fails closed) with
    /// [`Refused::StoreUnavailable`].
    pub async fn begin(&self, username: &str, address: IpAddr) -> Result<Attempt<'_>, Refused> {
        let (config, store) = match self {
            LoginThrottle::Local(throttle) => {
                return throttle
                    .begin(username, address)
                    .map(Attempt::Local)
                    .map_err(Refused::Throttled);
            }
            LoginThrottle::Shared { config, store } => (config, store),
        };
        let username = throttle::normalise(username);
        let address = address.to_string();
        let admitted = store
            .update_throttle(&username, &address, |user, by_address| {
                // Read under the rows' lock: every stored time was written
                // by a transaction that read its clock before this one, so
                // a success's "unblocked now" is never in this one's future.
                let clock = Clock::read();
                let (mut u, mut a) = (clock.record(user), clock.record(by_address));
                let wait = throttle::wait(&u, clock.now, config, config.free_failures).max(
                    throttle::wait(&a, clock.now, config, config.address_free_failures),
                );
                if let Some(retry_after) = wait {
                    return Err(Throttled { retry_after });
                }
                u.in_flight += 1;
                a.in_flight += 1;
                clock.store(&u, user);
                clock.store(&a, by_address);
                Ok(())
            })
            .await;
        match admitted {
            Ok(Ok(())) => Ok(Attempt::Shared(SharedAttempt {
                config: config.clone(),
                store: store.clone(),
                username,
                address,
                settled: false,
            })),
            Ok(Err(throttled)) => Err(Refused::Throttled(throttled)),
            Err(error) => {
                tracing::error!(%error, "the shared login throttle cannot reach the store");
                Err(Refused::StoreUnavailable)
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Settle {
    Failed,
    Succeeded,
    Abandoned,
}

impl SharedAttempt {
    async fn settle(&mut self, outcome: Settle) {
        self.settled = true;
        settle(
            &self.config,
            &self.store,
            &self.username,
            &self.address,
            outcome,
        )
        .await;
    }
}

async fn settle(
    config: &ThrottleConfig,
    store: &Store,
    username: &str,
    address: &str,
    outcome: Settle,
) {
    let written = store
        .update_throttle(username, address, |user, by_address| {
            // Under the rows' lock, as in `begin`.
            let clock = Clock::read();
            let (mut u, mut a) = (clock.record(user), clock.record(by_address));
            u.in_flight = u.in_flight.saturating_sub(1);
            a.in_flight = a.in_flight.saturating_sub(1);
            match outcome {
                Settle::Failed => {
                    throttle::fail(&mut u, clock.now, config, config.free_failures);
                    throttle::fail(&mut a, clock.now, config, config.address_free_failures);
                }
                Settle::Succeeded => {
                    u.failures = 0;
                    u.blocked_until = clock.now;
                }
                Settle::Abandoned => {}
            }
            clock.store(&u, user);
            clock.store(&a, by_address);
        })
        .await;
    if let Err(error) = written {
        // The attempt stays counted in flight: the next one waits a base delay.
        tracing::warn!(%error, "recording a login attempt in the shared store failed");
    }
}

impl Drop for SharedAttempt {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let (config, store) = (self.config.clone(), self.store.clone());
        let (username, address) = (
            std::mem::take(&mut self.username),
            std::mem::take(&mut self.address),
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                settle(&config, &store, &username, &address, Settle::Abandoned).await;
            });
        }
    }
}

impl Attempt<'_> {
    /// The password was wrong: the attempt becomes a recorded failure.
    pub async fn failed(self) {
        match self {
            Attempt::Local(reservation) => reservation.failed(),
            Attempt::Shared(mut shared) => shared.settle(Settle::Failed).await,
        }
    }

    /// The login succeeded: the username starts afresh.
    pub async fn succeeded(self) {
        match self {
            Attempt::Local(reservation) => reservation.succeeded(),
            Attempt::Shared(mut shared) => shared.settle(Settle::Succeeded).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_times_round_trip_through_instants() {
        let clock = Clock::read();
        for offset in [-90_000, -1, 0, 1, 120_000] {
            let ms = clock.now_ms + offset;
            assert_eq!(clock.ms(clock.instant(ms)), ms, "{offset}");
        }
        // Far in the past is "now" at the latest: never blocking.
        assert!(clock.instant(0) <= clock.now);
    }
}
