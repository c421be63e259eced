//! Counters that show the "one session per user" invariant holding.

use std::sync::atomic::{AtomicU64, Ordering};

/// The hub's counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub tickets_requested: AtomicU64,
    pub connects: AtomicU64,
    pub reattaches: AtomicU64,
    pub recreations: AtomicU64,
    pub selections_announced: AtomicU64,
    pub selection_to_event_micros: AtomicU64,
}

impl Metrics {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one selection announced `elapsed` after it arrived.
    pub(crate) fn selection_announced(&self, elapsed: std::time::Duration) {
        Self::bump(&self.selections_announced);
        self.selection_to_event_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, held_sessions: usize) -> MetricsSnapshot {
        MetricsSnapshot {
            held_sessions,
            tickets_requested: self.tickets_requested.load(Ordering::Relaxed),
            connects: self.connects.load(Ordering::Relaxed),
            reattaches: self.reattaches.load(Ordering::Relaxed),
            recreations: self.recreations.load(Ordering::Relaxed),
            selections_announced: self.selections_announced.load(Ordering::Relaxed),
            selection_to_event_micros: self.selection_to_event_micros.load(Ordering::Relaxed),
        }
    }
}

/// A reading of the hub's gauge and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Users with an engine session held in memory.
    pub held_sessions: usize,
    /// Tickets requested from QPS.
    pub tickets_requested: u64,
    /// Engine sockets opened.
    pub connects: u64,
    /// Sockets that found their engine session (`SESSION_ATTACHED`).
    pub reattaches: u64,
    /// Engine sessions re-created (app re-opened, selections re-applied).
    pub recreations: u64,
    /// Selections whose change event was sent.
    pub selections_announced: u64,
    /// Their total time from the selection's arrival at the hub to its event
    /// sent to every tab (engine call, layouts cached, store written), in µs.
    pub selection_to_event_micros: u64,
}
