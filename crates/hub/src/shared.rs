//! What every engine session of one hub shares.

use std::time::Instant;

use crate::config::HubConfig;
use crate::metrics::Metrics;
use crate::reachability::Reachability;
use crate::view_cache::ViewCache;
use store::Store;

/// The hub's settings, store and counters, shared by its engine sessions.
pub(crate) struct Shared {
    pub config: HubConfig,
    pub store: Store,
    pub metrics: Metrics,
    /// Views built from every session's layouts, bounded.
    pub views: ViewCache,
    /// Whether Qlik answers (logged once per change).
    pub reachability: Reachability,
    started: Instant,
}

impl Shared {
    pub(crate) fn new(config: HubConfig, store: Store) -> Self {
        Self {
            config,
            store,
            metrics: Metrics::default(),
            views: ViewCache::default(),
            reachability: Reachability::default(),
            started: Instant::now(),
        }
    }

    /// Milliseconds since the hub started (a cheap clock for "last used").
    pub(crate) fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}
