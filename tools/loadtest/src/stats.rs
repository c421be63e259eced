//! Latencies and errors of one phase, and the line that reports them.

use std::time::Duration;

/// What one phase measured.
#[derive(Debug, Default)]
pub struct Phase {
    /// Latency of every successful request.
    pub latencies: Vec<Duration>,
    /// Failed requests, and the first failure's text.
    pub errors: u64,
    /// The first error seen.
    pub first_error: Option<String>,
    /// Wall time of the phase.
    pub elapsed: Duration,
}

impl Phase {
    /// Adds another worker's measurements.
    pub fn merge(&mut self, other: Phase) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// Records one request's outcome.
    pub fn record(&mut self, took: Duration, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.latencies.push(took),
            Err(error) => {
                self.errors += 1;
                self.first_error.get_or_insert(error);
            }
        }
    }

    /// Successful requests per second of wall time.
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile (0..=1) of the latencies.
    pub fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((sorted.len() - 1) as f64 * q).round() as usize;
        sorted[rank]
    }

    /// One report line: name, count, errors, req/s, p50, p99, max.
    pub fn line(&self, name: &str) -> String {
        let mut line = format!(
            "{name:<44} {:>7} ok {:>4} err {:>9.1} req/s   p50 {:>8}   p99 {:>8}   max {:>8}",
            self.latencies.len(),
            self.errors,
            self.throughput(),
            ms(self.quantile(0.5)),
            ms(self.quantile(0.99)),
            ms(self.quantile(1.0)),
        );
        if let Some(error) = &self.first_error {
            line.push_str(&format!("   first error: {error}"));
        }
        line
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}ms", d.as_secs_f64() * 1e3)
}
