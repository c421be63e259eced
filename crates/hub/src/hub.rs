//! The hub: the map from user to engine session, with single flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::config::HubConfig;
use crate::error::Result;
use crate::metrics::{Metrics, MetricsSnapshot};
use crate::session::EngineSession;
use store::{EngineKey, Store};

type Slot = Arc<OnceCell<Arc<EngineSession>>>;

/// What every engine session shares.
pub(crate) struct Shared {
    pub config: HubConfig,
    pub store: Store,
    pub metrics: Metrics,
    started: Instant,
}

impl Shared {
    pub(crate) fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

/// The engine hub. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    shared: Arc<Shared>,
    sessions: Arc<Mutex<HashMap<EngineKey, Slot>>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("held_sessions", &self.held_sessions())
            .finish()
    }
}

impl Hub {
    /// A hub over `store`; starts the idle-eviction sweeper.
    pub fn new(config: HubConfig, store: Store) -> Self {
        let hub = Self {
            shared: Arc::new(Shared {
                config,
                store,
                metrics: Metrics::default(),
                started: Instant::now(),
            }),
            sessions: Arc::new(Mutex::new(HashMap::new())),
        };
        let sweeper = hub.clone();
        let period = (hub.shared.config.idle_eviction / 4).max(Duration::from_millis(100));
        tokio::spawn(async move {
            let weak = Arc::downgrade(&sweeper.sessions);
            let shared = Arc::downgrade(&sweeper.shared);
            drop(sweeper);
            loop {
                tokio::time::sleep(period).await;
                let (Some(sessions), Some(shared)) = (weak.upgrade(), shared.upgrade()) else {
                    return;
                };
                Hub { shared, sessions }.evict_idle().await;
            }
        });
        hub
    }

    /// The key of `user` for the configured app.
    pub fn key(&self, directory: &str, user_id: &str) -> EngineKey {
        EngineKey {
            directory: directory.to_owned(),
            user_id: user_id.to_owned(),
            app_id: self.shared.config.app_id.clone(),
        }
    }

    /// The user's engine session, opened if needed: reattached with the stored
    /// cookie, or — when there is none or the proxy has forgotten it — on a new
    /// proxy session made with `attributes`. Concurrent callers for one user
    /// share one attempt (one ticket, one socket).
    pub async fn session(
        &self,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let key = self.key(directory, user_id);
        let slot = {
            let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
            sessions.entry(key.clone()).or_default().clone()
        };
        let session = slot
            .get_or_try_init(|| async {
                let session =
                    EngineSession::new(key.clone(), attributes.to_vec(), self.shared.clone());
                session.ensure_live().await?;
                Ok::<_, crate::Error>(session)
            })
            .await;
        if session.is_err() {
            // Nothing half-made stays behind: the next attempt starts afresh.
            let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
            if sessions
                .get(&key)
                .is_some_and(|s| Arc::ptr_eq(s, &slot) && !s.initialized())
            {
                sessions.remove(&key);
            }
        }
        session.cloned()
    }

    /// Logs the user out of Qlik: the proxy session is deleted at QPS (which
    /// closes its sockets), the socket closed, the stored cookie and selections
    /// forgotten.
    pub async fn logout(&self, directory: &str, user_id: &str) -> Result<()> {
        let key = self.key(directory, user_id);
        let slot = self
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key);
        if let Some(session) = slot.and_then(|s| s.get().cloned()) {
            session.detach().await;
        }
        let store = &self.shared.store;
        if let Some(cookie) = store.qlik_cookie(&key).await? {
            match self.shared.config.qps.delete_session(&cookie.value).await {
                Ok(()) | Err(qlik::Error::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        }
        store.forget_qlik_session(&key).await?;
        Ok(())
    }

    /// The gauge and counters of the invariant.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot(self.held_sessions())
    }

    fn held_sessions(&self) -> usize {
        self.sessions
            .lock()
            .map(|s| s.values().filter(|slot| slot.initialized()).count())
            .unwrap_or_default()
    }

    /// Closes the sockets of sessions unused for longer than the idle time;
    /// their Qlik sessions stay reattachable.
    async fn evict_idle(&self) {
        let idle = self.shared.config.idle_eviction;
        let evicted: Vec<Arc<EngineSession>> = {
            let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
            let keys: Vec<EngineKey> = sessions
                .iter()
                .filter(|(_, slot)| slot.get().is_some_and(|s| s.idle_for() > idle))
                .map(|(k, _)| k.clone())
                .collect();
            keys.iter()
                .filter_map(|k| sessions.remove(k))
                .filter_map(|slot| slot.get().cloned())
                .collect()
        };
        for session in evicted {
            tracing::info!(user = %session.key().user_id, "evicting idle engine session");
            session.detach().await;
        }
    }
}
