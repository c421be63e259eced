//! The hub: the map from user to their proxy session and their engine
//! session on each app.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::config::HubConfig;
use crate::error::{Error, Result};
use crate::metrics::MetricsSnapshot;
use crate::session::EngineSession;
use crate::shared::Shared;
use crate::user::ProxyUser;
use store::{EngineKey, Store, UserKey};

/// The held users: each one's proxy session and engine sessions by app.
#[derive(Default)]
struct Held {
    users: HashMap<UserKey, Arc<ProxyUser>>,
    sessions: HashMap<EngineKey, Arc<EngineSession>>,
}

type Sessions = Arc<Mutex<Held>>;

/// The engine hub. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    pub(crate) shared: Arc<Shared>,
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
    ///
    /// # Panics
    /// When `config.apps` is empty (the configuration always names an app).
    pub fn new(config: HubConfig, store: Store) -> Self {
        assert!(!config.apps.is_empty(), "the hub needs at least one app");
        let hub = Self {
            shared: Arc::new(Shared::new(config, store)),
            sessions: Arc::new(Mutex::new(Held::default())),
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

    /// The key of `user` for the first configured app.
    pub fn key(&self, directory: &str, user_id: &str) -> EngineKey {
        self.key_in(&self.shared.config.apps[0].app_id, directory, user_id)
    }

    /// The key of `user` for `app_id`.
    pub fn key_in(&self, app_id: &str, directory: &str, user_id: &str) -> EngineKey {
        EngineKey {
            directory: directory.to_owned(),
            user_id: user_id.to_owned(),
            app_id: app_id.to_owned(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The user's proxy session, made (without a Qlik session) if there is none.
    fn user(
        &self,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Arc<ProxyUser> {
        let key = UserKey::new(directory, user_id);
        self.lock()
            .users
            .entry(key.clone())
            .or_insert_with(|| {
                Arc::new(ProxyUser::new(
                    key,
                    attributes.to_vec(),
                    self.shared.clone(),
                ))
            })
            .clone()
    }

    /// The user's session object on `app_id`, made (without a socket) if
    /// there is none; an app that is not configured is an error.
    pub(crate) fn entry(
        &self,
        app_id: &str,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let app = self
            .shared
            .config
            .apps
            .iter()
            .position(|a| a.app_id == app_id)
            .ok_or_else(|| Error::UnknownApp(app_id.to_owned()))?;
        let user = self.user(directory, user_id, attributes);
        let key = self.key_in(app_id, directory, user_id);
        Ok(self
            .lock()
            .sessions
            .entry(key.clone())
            .or_insert_with(|| EngineSession::new(key, user, app, self.shared.clone()))
            .clone())
    }

    /// The user's engine session on the first configured app; see
    /// [`Hub::session_in`].
    pub async fn session(
        &self,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let app_id = self.shared.config.apps[0].app_id.clone();
        self.session_in(&app_id, directory, user_id, attributes)
            .await
    }

    /// The user's engine session on `app_id` with a socket up: reattached
    /// with the stored cookie, or — when there is none or the proxy has
    /// forgotten it — on a new proxy session made with `attributes`. Every
    /// app's socket is on the user's one proxy session. Concurrent callers
    /// for one user share one attempt (one ticket, one socket per app); after
    /// a failure, callers within the backoff window get its error without a
    /// new attempt.
    pub async fn session_in(
        &self,
        app_id: &str,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let session = self.entry(app_id, directory, user_id, attributes)?;
        session.ensure_socket().await?;
        Ok(session)
    }

    /// The user's engine session on the first app for a new login: as
    /// [`Hub::session`], but a held Qlik proxy session whose attributes differ
    /// from `attributes` (the user's groups changed in the directory) is
    /// ended first — the sockets of every app on it closed — and a new one
    /// made with the new attributes.
    pub async fn login(
        &self,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let app_id = self.shared.config.apps[0].app_id.clone();
        let session = self.entry(&app_id, directory, user_id, attributes)?;
        if self
            .user(directory, user_id, attributes)
            .rebind(attributes)
            .await?
        {
            for other in self.user_sessions(&UserKey::new(directory, user_id)) {
                other.park().await;
            }
        }
        session.ensure_socket().await?;
        Ok(session)
    }

    /// The user's engine sessions on every app held now.
    fn user_sessions(&self, user: &UserKey) -> Vec<Arc<EngineSession>> {
        self.lock()
            .sessions
            .values()
            .filter(|s| s.key().is_of(user))
            .cloned()
            .collect()
    }

    /// Logs the user out of Qlik: the sockets of every app closed for good,
    /// the stored cookie and selections forgotten (even when QPS cannot be
    /// reached), and the proxy session deleted at QPS (which closes its other
    /// sockets).
    pub async fn logout(&self, directory: &str, user_id: &str) -> Result<()> {
        let user = UserKey::new(directory, user_id);
        let ended: Vec<Arc<EngineSession>> = {
            let mut held = self.lock();
            held.users.remove(&user);
            held.sessions
                .extract_if(|key, _| key.is_of(&user))
                .map(|(_, session)| session)
                .collect()
        };
        for session in &ended {
            session.end().await;
        }
        let store = &self.shared.store;
        let cookie = match store.qlik_cookie(&user).await {
            Ok(cookie) => cookie,
            Err(store::Error::Unseal | store::Error::Corrupt(_)) => None,
            Err(other) => return Err(other.into()),
        };
        store.forget_qlik_sessions(&user).await?;
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
        let sessions: Vec<Arc<EngineSession>> = self.lock().sessions.values().cloned().collect();
        for session in sessions {
            session.park().await;
        }
    }

    /// The gauge and counters of the invariant.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot(self.held_sessions())
    }

    /// Users with an engine socket open now (on any app).
    fn held_sessions(&self) -> usize {
        let held = self.lock();
        let mut users: Vec<(&str, &str)> = held
            .sessions
            .values()
            .filter(|s| s.has_socket())
            .map(|s| (s.key().directory.as_str(), s.key().user_id.as_str()))
            .collect();
        users.sort_unstable();
        users.dedup();
        users.len()
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
            .sessions
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
