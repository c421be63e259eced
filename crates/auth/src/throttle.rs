//! Growing delays after failed logins, per username and per client address.
//!
//! The first `free_failures` failures cost nothing; each further one doubles
//! the wait before the next attempt is accepted (from `base_delay` up to
//! `max_delay`). A success clears the username's record. Records are forgotten
//! once they have been quiet for `max_delay`, so the table stays small.

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
    #[serde(with = "seconds")]
    pub base_delay: Duration,
    /// The longest delay.
    #[serde(with = "seconds")]
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

mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

/// An attempt refused until the wait is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// How long to wait (the `Retry-After` value).
    pub retry_after: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    blocked_until: Instant,
    last_failure: Instant,
}

/// The throttle: thread-safe, in memory.
#[derive(Debug, Default)]
pub struct Throttle {
    config: ThrottleConfig,
    users: Mutex<HashMap<String, Record>>,
    addresses: Mutex<HashMap<IpAddr, Record>>,
}

impl Throttle {
    /// A throttle with these settings.
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// May `username` try to log in from `address` now?
    pub fn check(&self, username: &str, address: IpAddr) -> Result<(), Throttled> {
        self.check_at(username, address, Instant::now())
    }

    /// Records a failed attempt.
    pub fn failure(&self, username: &str, address: IpAddr) {
        self.failure_at(username, address, Instant::now());
    }

    /// Records a success: the username starts afresh.
    pub fn success(&self, username: &str) {
        if let Ok(mut users) = self.users.lock() {
            users.remove(&normalise(username));
        }
    }

    fn check_at(&self, username: &str, address: IpAddr, now: Instant) -> Result<(), Throttled> {
        let user_wait = wait(&self.users, &normalise(username), now);
        let address_wait = wait(&self.addresses, &address, now);
        match user_wait.max(address_wait) {
            Some(retry_after) => Err(Throttled { retry_after }),
            None => Ok(()),
        }
    }

    fn failure_at(&self, username: &str, address: IpAddr, now: Instant) {
        let config = &self.config;
        record(
            &self.users,
            normalise(username),
            now,
            config,
            config.free_failures,
        );
        record(
            &self.addresses,
            address,
            now,
            config,
            config.address_free_failures,
        );
    }
}

fn normalise(username: &str) -> String {
    username.trim().to_lowercase()
}

fn wait<K: std::hash::Hash + Eq>(
    table: &Mutex<HashMap<K, Record>>,
    key: &K,
    now: Instant,
) -> Option<Duration> {
    let table = table.lock().ok()?;
    let record = table.get(key)?;
    (record.blocked_until > now).then(|| {
        // Round up: a client that waits Retry-After seconds gets through.
        let wait = record.blocked_until - now;
        Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
    })
}

fn record<K: std::hash::Hash + Eq>(
    table: &Mutex<HashMap<K, Record>>,
    key: K,
    now: Instant,
    config: &ThrottleConfig,
    free_failures: u32,
) {
    let Ok(mut table) = table.lock() else { return };
    table.retain(|_, r| now.duration_since(r.last_failure) < config.max_delay);
    let entry = table.entry(key).or_insert(Record {
        failures: 0,
        blocked_until: now,
        last_failure: now,
    });
    entry.failures += 1;
    entry.last_failure = now;
    if let Some(over) = entry.failures.checked_sub(free_failures + 1) {
        let factor = 2u32.saturating_pow(over.min(30));
        let delay = config
            .base_delay
            .saturating_mul(factor)
            .min(config.max_delay);
        entry.blocked_until = now + delay;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn delays_grow_after_the_free_failures_and_are_capped() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..2 {
            assert!(t.check_at("alice", ALICE_IP, now).is_ok());
            t.failure_at("alice", ALICE_IP, now);
        }
        assert!(
            t.check_at("alice", ALICE_IP, now).is_ok(),
            "two failures are free"
        );
        let mut waits = Vec::new();
        for _ in 0..5 {
            t.failure_at("alice", ALICE_IP, now);
            waits.push(
                t.check_at("alice", ALICE_IP, now)
                    .unwrap_err()
                    .retry_after
                    .as_secs(),
            );
        }
        assert_eq!(waits, [1, 2, 4, 8, 8]);
        assert!(
            t.check_at("alice", ALICE_IP, now + Duration::from_secs(9))
                .is_ok()
        );
    }

    #[test]
    fn usernames_are_throttled_from_any_address_and_addresses_for_any_name() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..3 {
            t.failure_at("Alice ", ALICE_IP, now);
        }
        assert!(
            t.check_at("alice", OTHER_IP, now).is_err(),
            "same account elsewhere"
        );
        assert!(
            t.check_at("bob", ALICE_IP, now).is_err(),
            "same address, other name"
        );
        assert!(t.check_at("bob", OTHER_IP, now).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..3 {
            t.failure_at("alice", ALICE_IP, now);
        }
        t.success("ALICE");
        assert!(t.check_at("alice", OTHER_IP, now).is_ok());
    }
}
