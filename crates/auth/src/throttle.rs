//! Growing delays after failed logins, per username and per client address.
//!
//! The first `free_failures` failures cost nothing; each further one doubles
//! the wait before the next attempt is accepted (from `base_delay` up to
//! `max_delay`). A success clears the username's record. Records are forgotten
//! once they have been quiet for `max_delay`, so the table stays small.
//!
//! An attempt is admitted with [`Throttle::begin`] *before* the directory is
//! asked, and counts as a failure until it is settled: of many parallel
//! attempts at most `free_failures + 1` reach the directory.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// Throttling settings (`[login.throttle]` in the server configuration).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleConfig {
    /// Failures allowed per username before any delay.
    pub free_failures: u32,
    /// Failures allowed per client address (any usernames) before any delay.
    pub address_free_failures: u32,
    /// The first delay, doubled with each further failure.
    #[serde(with = "duration")]
    pub base_delay: Duration,
    /// The longest delay.
    #[serde(with = "duration")]
    pub max_delay: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            free_failures: 3,
            address_free_failures: 20,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(15 * 60),
        }
    }
}

/// A duration written as humantime text (`"2s"`, `"15m"`) or, as before,
/// whole seconds; written back as text.
mod duration {
    use std::fmt;
    use std::time::Duration;

    use serde::de::{self, Unexpected, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_duration(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        d.deserialize_any(DurationVisitor)
    }

    struct DurationVisitor;

    impl Visitor<'_> for DurationVisitor {
        type Value = Duration;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a duration such as \"2s\" or \"15m\", or whole seconds")
        }

        fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Duration, E> {
            Ok(Duration::from_secs(seconds))
        }

        fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Duration, E> {
            u64::try_from(seconds)
                .map(Duration::from_secs)
                .map_err(|_| E::invalid_value(Unexpected::Signed(seconds), &self))
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Duration, E> {
            humantime::parse_duration(text)
                .map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
        }
    }
}

/// An attempt refused until the wait is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// How long to wait (the `Retry-After` value).
    pub retry_after: Duration,
}

/// The failures of one username or address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    pub failures: u32,
    /// Attempts begun and not yet settled; they count as failures meanwhile.
    pub in_flight: u32,
    pub blocked_until: Instant,
    pub last_failure: Instant,
}

impl Record {
    pub(crate) fn new(now: Instant) -> Self {
        Self {
            failures: 0,
            in_flight: 0,
            blocked_until: now,
            last_failure: now,
        }
    }
}

/// The throttle: thread-safe, in memory.
#[derive(Debug, Default)]
pub struct Throttle {
    config: ThrottleConfig,
    users: Mutex<HashMap<String, Record>>,
    addresses: Mutex<HashMap<IpAddr, Record>>,
}

/// A login attempt admitted by [`Throttle::begin`]. Until it is settled it
/// counts as a failure, so parallel attempts cannot all pass the check before
/// the first failure is recorded. Dropping it unsettled (the directory could
/// not be asked) releases it without counting a failure.
#[derive(Debug)]
#[must_use = "settle the attempt with `failed` or `succeeded`"]
pub struct Reservation<'a> {
    throttle: &'a Throttle,
    username: String,
    address: IpAddr,
    settled: bool,
}

impl Reservation<'_> {
    /// The password was wrong: the attempt becomes a recorded failure.
    pub fn failed(mut self) {
        self.settled = true;
        self.throttle.settle(
            &self.username,
            self.address,
            Outcome::Failed,
            Instant::now(),
        );
    }

    /// The login succeeded: the username starts afresh.
    pub fn succeeded(mut self) {
        self.settled = true;
        self.throttle.settle(
            &self.username,
            self.address,
            Outcome::Succeeded,
            Instant::now(),
        );
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.throttle.settle(
                &self.username,
                self.address,
                Outcome::Abandoned,
                Instant::now(),
            );
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Failed,
    Succeeded,
    Abandoned,
}

impl Throttle {
    /// A throttle with these settings.
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Admits an attempt of `username` from `address` now, or says how long to
    /// wait. Failures and attempts still in flight both count.
    pub fn begin(&self, username: &str, address: IpAddr) -> Result<Reservation<'_>, Throttled> {
        self.begin_at(username, address, Instant::now())
    }

    fn begin_at(
        &self,
        username: &str,
        address: IpAddr,
        now: Instant,
    ) -> Result<Reservation<'_>, Throttled> {
        let username = normalise(username);
        let config = &self.config;
        // Lock order: users, then addresses (everywhere).
        let (Ok(mut users), Ok(mut addresses)) = (self.users.lock(), self.addresses.lock()) else {
            return Err(Throttled {
                retry_after: config.base_delay,
            });
        };
        let user_wait = users
            .get(&username)
            .and_then(|r| wait(r, now, config, config.free_failures));
        let address_wait = addresses
            .get(&address)
            .and_then(|r| wait(r, now, config, config.address_free_failures));
        if let Some(retry_after) = user_wait.max(address_wait) {
            return Err(Throttled { retry_after });
        }
        forget_quiet(&mut users, now, config);
        forget_quiet(&mut addresses, now, config);
        users
            .entry(username.clone())
            .or_insert_with(|| Record::new(now))
            .in_flight += 1;
        addresses
            .entry(address)
            .or_insert_with(|| Record::new(now))
            .in_flight += 1;
        Ok(Reservation {
            throttle: self,
            username,
            address,
            settled: false,
        })
    }

    fn settle(&self, username: &str, address: IpAddr, outcome: Outcome, now: Instant) {
        let config = &self.config;
        let (Ok(mut users), Ok(mut addresses)) = (self.users.lock(), self.addresses.lock()) else {
            return;
        };
        if let Some(user) = users.get_mut(username) {
            user.in_flight = user.in_flight.saturating_sub(1);
            match outcome {
                Outcome::Failed => fail(user, now, config, config.free_failures),
                Outcome::Succeeded => {
                    user.failures = 0;
                    user.blocked_until = now;
                }
                Outcome::Abandoned => {}
            }
            if user.failures == 0 && user.in_flight == 0 {
                users.remove(username);
            }
        }
        if let Some(record) = addresses.get_mut(&address) {
            record.in_flight = record.in_flight.saturating_sub(1);
            if outcome == Outcome::Failed {
                fail(record, now, config, config.address_free_failures);
            }
            if record.failures == 0 && record.in_flight == 0 {
                addresses.remove(&address);
            }
        }
    }
}

pub(crate) fn normalise(username: &str) -> String {
    username.trim().to_lowercase()
}

/// How long `record` must wait: until its block ends; or, while attempts are
/// in flight that would use up the free failures if they failed, the first delay.
pub(crate) fn wait(
    record: &Record,
    now: Instant,
    config: &ThrottleConfig,
    free: u32,
) -> Option<Duration> {
    if record.blocked_until > now {
        // Round up: a client that waits Retry-After seconds gets through.
        let wait = record.blocked_until - now;
        return Some(Duration::from_secs(
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        ));
    }
    let busy = record.in_flight > 0 && record.failures + record.in_flight > free;
    busy.then_some(config.base_delay.max(Duration::from_secs(1)))
}

/// Forgets records quiet for `max_delay`, keeping those with attempts in flight.
fn forget_quiet<K>(table: &mut HashMap<K, Record>, now: Instant, config: &ThrottleConfig) {
    table.retain(|_, r| r.in_flight > 0 || now.duration_since(r.last_failure) < config.max_delay);
}

/// Counts a failure; past the free ones, blocks for a doubling delay.
pub(crate) fn fail(record: &mut Record, now: Instant, config: &ThrottleConfig, free_failures: u32) {
    record.failures += 1;
    record.last_failure = now;
    if let Some(over) = record.failures.checked_sub(free_failures + 1) {
        let factor = 2u32.saturating_pow(over.min(30));
        let delay = config
            .base_delay
            .saturating_mul(factor)
            .min(config.max_delay);
        record.blocked_until = now + delay;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_read_as_text_or_whole_seconds() {
        use serde::de::IntoDeserializer;
        use serde::de::value::Error;
        let read = |d: serde::de::value::StrDeserializer<'_, Error>| duration::deserialize(d);
        assert_eq!(
            read("15m".into_deserializer()),
            Ok(Duration::from_secs(900))
        );
        assert_eq!(read("2s".into_deserializer()), Ok(Duration::from_secs(2)));
        assert!(read("soon".into_deserializer()).is_err());
        let seconds: serde::de::value::I64Deserializer<Error> = 2_i64.into_deserializer();
        assert_eq!(duration::deserialize(seconds), Ok(Duration::from_secs(2)));
        let negative: serde::de::value::I64Deserializer<Error> = (-1_i64).into_deserializer();
        assert!(duration::deserialize(negative).is_err());
    }

    const ALICE_IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const OTHER_IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    fn throttle() -> Throttle {
        Throttle::new(ThrottleConfig {
            free_failures: 2,
            address_free_failures: 2,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
        })
    }

    /// A failure recorded at `now`, as a begun-then-failed attempt (without
    /// the admission check, so tests can pile failures up at one instant).
    fn fail_at(t: &Throttle, user: &str, ip: IpAddr, now: Instant) {
        let user = normalise(user);
        t.users
            .lock()
            .unwrap()
            .entry(user.clone())
            .or_insert_with(|| Record::new(now))
            .in_flight += 1;
        t.addresses
            .lock()
            .unwrap()
            .entry(ip)
            .or_insert_with(|| Record::new(now))
            .in_flight += 1;
        t.settle(&user, ip, Outcome::Failed, now);
    }

    fn retry_after(t: &Throttle, user: &str, ip: IpAddr, now: Instant) -> Option<u64> {
        t.begin_at(user, ip, now)
            .err()
            .map(|throttled| throttled.retry_after.as_secs())
    }

    #[test]
    fn delays_grow_after_the_free_failures_and_are_capped() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..2 {
            fail_at(&t, "alice", ALICE_IP, now);
        }
        assert_eq!(
            retry_after(&t, "alice", ALICE_IP, now),
            None,
            "two failures are free"
        );
        let mut waits = Vec::new();
        for _ in 0..5 {
            fail_at(&t, "alice", ALICE_IP, now);
            waits.push(retry_after(&t, "alice", ALICE_IP, now).unwrap_or_default());
        }
        assert_eq!(waits, [1, 2, 4, 8, 8]);
        assert_eq!(
            retry_after(&t, "alice", ALICE_IP, now + Duration::from_secs(9)),
            None
        );
    }

    #[test]
    fn usernames_are_throttled_from_any_address_and_addresses_for_any_name() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..3 {
            fail_at(&t, "Alice ", ALICE_IP, now);
        }
        assert!(
            retry_after(&t, "alice", OTHER_IP, now).is_some(),
            "same account elsewhere"
        );
        assert!(
            retry_after(&t, "bob", ALICE_IP, now).is_some(),
            "same address, other name"
        );
        assert_eq!(retry_after(&t, "bob", OTHER_IP, now), None);
    }

    #[test]
    fn success_clears_the_account() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..3 {
            fail_at(&t, "alice", ALICE_IP, now);
        }
        let later = now + Duration::from_secs(2);
        t.begin_at("alice", OTHER_IP, later)
            .expect("the wait is over")
            .succeeded();
        assert_eq!(retry_after(&t, "alice", OTHER_IP, Instant::now()), None);
    }

    #[test]
    fn attempts_in_flight_count_as_failures() {
        let t = throttle();
        let now = Instant::now();
        // Three parallel attempts: the free failures plus one are admitted...
        let admitted: Vec<_> = (0..3)
            .map(|_| t.begin_at("alice", ALICE_IP, now).expect("admitted"))
            .collect();
        // ...and the next waits, though none of them has failed yet.
        assert_eq!(retry_after(&t, "alice", OTHER_IP, now), Some(1));
        drop(admitted);
        assert_eq!(
            retry_after(&t, "alice", OTHER_IP, now),
            None,
            "attempts the directory never answered are not failures"
        );
        assert!(t.users.lock().unwrap().is_empty(), "nothing left behind");
    }

    #[test]
    fn a_settled_failure_stays_counted() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..3 {
            t.begin_at("alice", ALICE_IP, now)
                .expect("admitted")
                .failed();
        }
        assert!(retry_after(&t, "alice", OTHER_IP, Instant::now()).is_some());
    }
}
