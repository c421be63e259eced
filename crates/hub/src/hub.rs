//! The hub: the map from user to engine session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::config::HubConfig;
use crate::error::Result;
use crate::metrics::MetricsSnapshot;
use crate::session::EngineSession;
use crate::shared::Shared;
use store::{EngineKey, Store};

type Sessions = Arc<Mutex<HashMap<EngineKey, Arc<EngineSession>>>>;

/// The engine hub. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    shared: Arc<Shared>,
    sessions: Sessions,
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
            shared: Arc::new(Shared::new(config, store)),
            sessions: Arc::new(Mutex::new(HashMap::new())),
        };
        let period = (hub.shared.config.idle_eviction / 4).max(Duration::from_millis(100));
        let weak = (Arc::downgrade(&hub.sessions), Arc::downgrade(&hub.shared));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let (Some(sessions), Some(shared)) = (weak.0.upgrade(), weak.1.upgrade()) else {
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<EngineKey, Arc<EngineSession>>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The user's session object, made (without a socket) if there is none.
    fn entry(
        &self,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Arc<EngineSession> {
        let key = self.key(directory, user_id);
        self.lock()
            .entry(key.clone())
            .or_insert_with(|| EngineSession::new(key, attributes.to_vec(), self.shared.clone()))
            .clone()
    }

    /// The user's engine session with a socket up: reattached with the stored
    /// cookie, or — when there is none or the proxy has forgotten it — on a
    /// new proxy session made with `attributes`. Concurrent callers for one
    /// user share one attempt (one ticket, one socket); after a failure,
    /// callers within the backoff window get its error without a new attempt.
    pub async fn session(
        &self,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let session = self.entry(directory, user_id, attributes);
        session.ensure_socket().await?;
        Ok(session)
    }

    /// The user's engine session for a new login: as [`Hub::session`], but a
    /// held Qlik session whose attributes differ from `attributes` (the
    /// user's groups changed in the directory) is ended first and a new one
    /// made with the new attributes.
    pub async fn login(
        &self,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let session = self.entry(directory, user_id, attributes);
        session.rebind(attributes).await?;
        session.ensure_socket().await?;
        Ok(session)
    }

    /// Logs the user out of Qlik: the socket closed for good, the stored
    /// cookie and selections forgotten (even when QPS cannot be reached), and
    /// the proxy session deleted at QPS (which closes its other sockets).
    pub async fn logout(&self, directory: &str, user_id: &str) -> Result<()> {
        let key = self.key(directory, user_id);
        let session = self.lock().remove(&key);
        if let Some(session) = &session {
            session.end().await;
        }
        let store = &self.shared.store;
        let cookie = match store.qlik_cookie(&key).await {
            Ok(cookie) => cookie,
            Err(store::Error::Unseal | store::Error::Corrupt(_)) => None,
            Err(other) => return Err(other.into()),
        };
        store.forget_qlik_session(&key).await?;
        if let Some(cookie) = cookie {
            match self.shared.config.qps.delete_session(&cookie.value).await {
                Ok(()) | Err(qlik::Error::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }

    /// Closes every socket and leaves the Qlik sessions to their `/ttl/`, so
    /// that the next start reattaches (graceful shutdown).
    pub async fn close_sockets(&self) {
        let sessions: Vec<Arc<EngineSession>> = self.lock().values().cloned().collect();
        for session in sessions {
            session.park().await;
        }
    }

    /// The gauge and counters of the invariant.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot(self.held_sessions())
    }

    /// Users whose engine socket is open now.
    fn held_sessions(&self) -> usize {
        self.lock().values().filter(|s| s.has_socket()).count()
    }

    /// Closes the sockets of sessions unused for longer than the idle time
    /// and with no open event stream (a tab's stream needs the engine's change
    /// lists, e.g. of selections made through another instance; it ends with
    /// its browser session). Nobody is logged out: their Qlik sessions stay reattachable, and a
    /// request (even one racing the eviction) opens a socket again.
    async fn evict_idle(&self) {
        let idle = self.shared.config.idle_eviction;
        let idle_sessions: Vec<Arc<EngineSession>> = self
            .lock()
            .values()
            .filter(|s| s.has_socket() && !s.has_listeners() && s.idle_for() > idle)
            .cloned()
            .collect();
        for session in idle_sessions {
            tracing::info!(user = %session.key().user_id, "closing an idle engine socket");
            session.park().await;
        }
    }
}
