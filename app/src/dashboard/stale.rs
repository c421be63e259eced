//! A page served from the last view kept while Qlik is away or slow: what
//! the banner says, and (on the server) the settings, the counters and the
//! keeping of views in the store.

use serde::{Deserialize, Serialize};

/// The response header that marks a page or view served from a kept view
/// (`unreachable` or `slow`): caches must not keep it as live.
pub const STALE_HEADER: &str = "x-mashup-stale";

/// Why a page shows a kept view instead of live data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaleReason {
    /// Qlik cannot be reached (refused, TLS or proxy failure, no answer).
    Unreachable,
    /// Qlik did not answer within `qlik.request_timeout`; the live view is
    /// still being computed and the tab turns live when it is there.
    Slow,
}

/// The banner of a page showing a kept view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleNotice {
    /// Why.
    pub reason: StaleReason,
    /// The banner's sentence.
    pub message: String,
    /// When the view was computed (Unix seconds).
    pub computed_at: i64,
    /// Why the controls that need Qlik are disabled.
    pub disabled_because: String,
}

/// Seconds since 1970-01-01 as (year, month, day), proleptic Gregorian
/// (days-to-civil after Howard Hinnant's public-domain algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// "18:42 UTC today", "18:42 UTC yesterday" or "18:42 UTC on 2026-12-03":
/// when `at` was, seen from `now` (both Unix seconds).
pub fn when(at: i64, now: i64) -> String {
    let (day, second) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    let time = format!("{:02}:{:02} UTC", second / 3600, second % 3600 / 60);
    match now.div_euclid(86_400) - day {
        0 => format!("{time} today"),
        1 => format!("{time} yesterday"),
        _ => {
            let (y, m, d) = civil(day);
            format!("{time} on {y:04}-{m:02}-{d:02}")
        }
    }
}

impl StaleNotice {
    /// The notice of a view computed at `computed_at` showing `selections`
    /// (as `Region = EMEA; Year = 2024`, empty for none), seen at `now`.
    pub fn new(reason: StaleReason, computed_at: i64, selections: &str, now: i64) -> Self {
        let then = if selections.is_empty() {
            "with no selections".to_owned()
        } else {
            format!("with your selections then: {selections}")
        };
        let as_of = when(computed_at, now);
        let (message, disabled_because) = match reason {
            StaleReason::Unreachable => (
                format!("Qlik Sense is not reachable. Showing the data as of {as_of} {then}."),
                "Not available while Qlik Sense is not reachable.",
            ),
            StaleReason::Slow => (
                format!(
                    "Qlik Sense is slow to answer. Showing the data as of {as_of} {then}; \
                     the page turns live when the new data arrives."
                ),
                "Not available until Qlik Sense answers.",
            ),
        };
        Self {
            reason,
            message,
            computed_at,
            disabled_because: disabled_because.to_owned(),
        }
    }
}

/// The selections a view shows, as the banner says them.
pub fn selections_text(view: &super::view_model::DashboardView) -> String {
    view.selections
        .chips
        .iter()
        .map(|chip| format!("{} = {}", chip.field, chip.summary))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(feature = "ssr")]
pub use server::{StaleCounts, Staleness};

#[cfg(feature = "ssr")]
mod server {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    /// What the server does when Qlik is away or slow, and what it counted.
    #[derive(Debug)]
    pub struct Staleness {
        /// How much of the last views the store keeps (0: none).
        pub limits: store::LastViewLimits,
        /// How long a page waits for Qlik's layouts before a kept view is
        /// served (`qlik.request_timeout`).
        pub request_timeout: Duration,
        served: AtomicU64,
        last_age: AtomicU64,
        past_deadline: AtomicU64,
        cancelled: AtomicU64,
    }

    /// The counters for `/metrics`.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct StaleCounts {
        /// Pages served from a kept view.
        pub served: u64,
        /// The age (seconds) of the data of the last page served stale.
        pub last_age_seconds: u64,
        /// Page loads whose layouts did not come within the deadline.
        pub past_deadline: u64,
        /// Background computations cancelled because no tab waited.
        pub cancelled: u64,
    }

    impl Staleness {
        /// Settings with the counters at zero.
        pub fn new(limits: store::LastViewLimits, request_timeout: Duration) -> Self {
            Self {
                limits,
                request_timeout,
                served: AtomicU64::new(0),
                last_age: AtomicU64::new(0),
                past_deadline: AtomicU64::new(0),
                cancelled: AtomicU64::new(0),
            }
        }

        /// A page was served from a view `age_seconds` old.
        pub fn served_stale(&self, age_seconds: u64) {
            self.served.fetch_add(1, Ordering::Relaxed);
            self.last_age.store(age_seconds, Ordering::Relaxed);
        }

        /// A page's layouts missed the deadline.
        pub fn missed_deadline(&self) {
            self.past_deadline.fetch_add(1, Ordering::Relaxed);
        }

        /// A background computation was cancelled.
        pub fn cancelled(&self) {
            self.cancelled.fetch_add(1, Ordering::Relaxed);
        }

        /// The counters now.
        pub fn counts(&self) -> StaleCounts {
            StaleCounts {
                served: self.served.load(Ordering::Relaxed),
                last_age_seconds: self.last_age.load(Ordering::Relaxed),
                past_deadline: self.past_deadline.load(Ordering::Relaxed),
                cancelled: self.cancelled.load(Ordering::Relaxed),
            }
        }
    }

    impl Default for Staleness {
        fn default() -> Self {
            Self::new(
                store::LastViewLimits {
                    per_user_bytes: 0,
                    total_bytes: 0,
                },
                Duration::from_secs(10),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_said_relative_to_today() {
        let day = 20_429 * 86_400; // 2025-12-07
        assert_eq!(civil(20_429), (2025, 12, 7));
        assert_eq!(civil(0), (1970, 1, 1));
        let at = day + 18 * 3600 + 42 * 60 + 5;
        assert_eq!(when(at, at + 60), "18:42 UTC today");
        assert_eq!(when(at, day + 86_400 + 7 * 3600), "18:42 UTC yesterday");
        assert_eq!(when(at, day + 5 * 86_400), "18:42 UTC on 2025-12-07");
    }

    #[test]
    fn the_banner_names_the_time_and_the_selections() {
        let at = 20_429 * 86_400 + 18 * 3600 + 42 * 60;
        let notice = StaleNotice::new(StaleReason::Unreachable, at, "Region = EMEA", at + 86_400);
        assert_eq!(
            notice.message,
            "Qlik Sense is not reachable. Showing the data as of 18:42 UTC yesterday \
             with your selections then: Region = EMEA."
        );
        let slow = StaleNotice::new(StaleReason::Slow, at, "", at);
        assert!(slow.message.starts_with("Qlik Sense is slow to answer."));
        assert!(slow.message.contains("with no selections"));
    }
}
