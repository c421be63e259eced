//! One user's engine session, shared by all their browser sessions and tabs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use qlik::proxy::SessionCookie;
use qlik::qix::{HandleEvent, SessionState};
use serde_json::Value;
use tokio::sync::broadcast;

use crate::config::SessionSource;
use crate::error::{Error, Result};
use crate::hub::Shared;
use crate::live::{self, Live, SELECTIONS_ID};
use crate::metrics::Metrics;
use store::{EngineKey, FieldSelection, QlikCookie};

/// Objects whose layouts changed: the dashboard fetches them again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Ids of the changed dashboard objects.
    pub objects: Vec<String>,
}

#[derive(Default)]
struct Cache {
    layouts: HashMap<String, Value>,
    generation: u64,
}

/// A user's engine session. Cheap to share (`Arc`).
pub struct EngineSession {
    key: EngineKey,
    attributes: Vec<(String, String)>,
    shared: Arc<Shared>,
    live: tokio::sync::Mutex<Option<Live>>,
    cache: Mutex<Cache>,
    changes: broadcast::Sender<Change>,
    last_use_ms: AtomicU64,
    ended: AtomicBool,
    this: Weak<EngineSession>,
}

impl std::fmt::Debug for EngineSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineSession")
            .field("key", &self.key)
            .finish()
    }
}

/// Calls that fail this way are retried once on a fresh socket.
fn socket_lost(error: &Error) -> bool {
    matches!(
        error,
        Error::Qlik(qlik::Error::ConnectionLost | qlik::Error::SessionEnded(_))
    )
}

/// The proxy no longer knows the session cookie: a new proxy session is needed.
fn proxy_session_gone(error: &qlik::Error) -> bool {
    matches!(
        error,
        qlik::Error::AuthenticationRequired | qlik::Error::SessionEnded(_)
    )
}

impl EngineSession {
    pub(crate) fn new(
        key: EngineKey,
        attributes: Vec<(String, String)>,
        shared: Arc<Shared>,
    ) -> Arc<Self> {
        Arc::new_cyclic(|this| Self {
            key,
            attributes,
            shared,
            live: tokio::sync::Mutex::new(None),
            cache: Mutex::new(Cache::default()),
            changes: broadcast::channel(64).0,
            last_use_ms: AtomicU64::new(0),
            ended: AtomicBool::new(false),
            this: this.clone(),
        })
    }

    /// Whose session this is.
    pub fn key(&self) -> &EngineKey {
        &self.key
    }

    /// Change events (another tab selected, the engine invalidated objects).
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// The ids of the dashboard objects held in this session.
    pub fn object_ids(&self) -> Vec<String> {
        self.shared
            .config
            .objects
            .iter()
            .map(|o| o.id().to_owned())
            .chain([SELECTIONS_ID.to_owned()])
            .collect()
    }

    /// The layout of a dashboard object, from the cache when the engine has not
    /// invalidated it (a refresh costs no round trip).
    pub async fn layout(&self, object_id: &str) -> Result<Value> {
        self.touch();
        if let Ok(cache) = self.cache.lock()
            && let Some(layout) = cache.layouts.get(object_id)
        {
            return Ok(layout.clone());
        }
        let generation = self.generation();
        let id = object_id.to_owned();
        let layout = self
            .with_live(move |live| {
                let object = live.objects.get(&id).cloned();
                let id = id.clone();
                async move {
                    match object {
                        Some(object) => Ok(object.layout().await?),
                        None => Err(Error::UnknownObject(id)),
                    }
                }
            })
            .await?;
        if let Ok(mut cache) = self.cache.lock()
            && cache.generation == generation
        {
            cache.layouts.insert(object_id.to_owned(), layout.clone());
        }
        Ok(layout)
    }

    /// The current selections layout (the hub's own selections object).
    pub async fn current_selections(&self) -> Result<Value> {
        self.layout(SELECTIONS_ID).await
    }

    /// Fetches a page of a hypercube (for paging tables).
    pub async fn hypercube_page(
        &self,
        object_id: &str,
        page: qlik::qix::NxPage,
    ) -> Result<Vec<Value>> {
        self.touch();
        let id = object_id.to_owned();
        self.with_live(move |live| {
            let object = live.objects.get(&id).cloned();
            let id = id.clone();
            async move {
                match object {
                    Some(object) => Ok(object.hypercube_data("/qHyperCubeDef", &[page]).await?),
                    None => Err(Error::UnknownObject(id)),
                }
            }
        })
        .await
    }

    /// Selects (or toggles) values of a list object by element number.
    pub async fn select_list_values(
        &self,
        object_id: &str,
        values: &[i64],
        toggle: bool,
    ) -> Result<bool> {
        let id = object_id.to_owned();
        let values = values.to_vec();
        self.selection_op(move |live| {
            let object = live.objects.get(&id).cloned();
            let (id, values) = (id.clone(), values.clone());
            async move {
                match object {
                    Some(object) => Ok(object
                        .select_list_object_values("/qListObjectDef", &values, toggle)
                        .await?),
                    None => Err(Error::UnknownObject(id)),
                }
            }
        })
        .await
    }

    /// Selects values of a field by text (replacing its selection).
    pub async fn select_field_values(&self, field: &str, values: &[String]) -> Result<()> {
        let selection = [FieldSelection {
            field: field.to_owned(),
            values: values.to_vec(),
        }];
        self.selection_op(move |live| {
            let doc = live.doc.clone();
            let selection = selection.clone();
            async move { live::apply_selections(&doc, &selection).await }
        })
        .await
    }

    /// Clears one field.
    pub async fn clear_field(&self, field: &str) -> Result<()> {
        let field = field.to_owned();
        self.selection_op(move |live| {
            let doc = live.doc.clone();
            let field = field.clone();
            async move {
                doc.get_field(&field).await?.clear().await?;
                Ok(())
            }
        })
        .await
    }

    /// Clears every selection.
    pub async fn clear_all(&self) -> Result<()> {
        self.selection_op(|live| {
            let doc = live.doc.clone();
            async move { Ok(doc.clear_all(false).await?) }
        })
        .await
    }

    /// Steps back in the selection history.
    pub async fn back(&self) -> Result<()> {
        self.selection_op(|live| {
            let doc = live.doc.clone();
            async move { Ok(doc.back().await?) }
        })
        .await
    }

    /// Steps forward in the selection history.
    pub async fn forward(&self) -> Result<()> {
        self.selection_op(|live| {
            let doc = live.doc.clone();
            async move { Ok(doc.forward().await?) }
        })
        .await
    }

    /// Runs a selection operation, then drops every cached layout, records the
    /// new selections in the store and tells every tab.
    async fn selection_op<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: Fn(&Live) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.touch();
        let outcome = self.with_live(op).await?;
        self.invalidate_all();
        let layout = self.layout(SELECTIONS_ID).await?;
        self.shared
            .store
            .save_selections(&self.key, &live::selections_from_layout(&layout))
            .await?;
        // Warm the cache before telling the tabs: every tab that reloads then
        // reads the new layouts without a round trip, and none computes twice.
        for id in self.object_ids() {
            if let Err(error) = self.layout(&id).await {
                tracing::debug!(object = %id, %error, "layout not cached after a selection");
            }
        }
        let _ = self.changes.send(Change {
            objects: self.object_ids(),
        });
        Ok(outcome)
    }

    /// Makes sure a socket is up, then runs `op` on it; a socket lost during
    /// the call is replaced once and the call retried.
    async fn with_live<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: Fn(&Live) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        for attempt in 0..2 {
            let mut guard = self.live.lock().await;
            if guard.as_ref().is_none_or(|l| l.connection.is_closed()) {
                *guard = Some(self.open_live().await?);
            }
            let Some(live) = guard.as_ref() else {
                continue;
            };
            match op(live).await {
                Err(error) if attempt == 0 && socket_lost(&error) => {
                    *guard = None;
                }
                other => return other,
            }
        }
        Err(Error::Qlik(qlik::Error::ConnectionLost))
    }

    /// Ensures the session has a live socket (used at login and after a drop).
    pub(crate) async fn ensure_live(&self) -> Result<()> {
        self.with_live(|_| async { Ok(()) }).await
    }

    /// Opens a socket: reattach with the stored cookie; if the proxy has
    /// forgotten it, one new proxy session (we hold the lock: single flight).
    async fn open_live(&self) -> Result<Live> {
        if self.ended.load(Ordering::Acquire) {
            return Err(Error::NotLoggedIn);
        }
        let store = &self.shared.store;
        let selections = store.selections(&self.key).await?;
        let stored = store.qlik_cookie(&self.key).await?;
        let first_ever = stored.is_none();
        let outcome = match stored {
            Some(cookie) => {
                let cookie = SessionCookie::new(cookie.name, cookie.value);
                match live::connect(&self.shared.config, &cookie, &selections).await {
                    Err(Error::Qlik(e)) if proxy_session_gone(&e) => None,
                    other => Some(other?),
                }
            }
            None => None,
        };
        let (live, state, fresh) = match outcome {
            Some((live, state)) => (live, state, false),
            None => {
                let cookie = self.new_proxy_session().await?;
                let (live, state) =
                    live::connect(&self.shared.config, &cookie, &selections).await?;
                (live, state, first_ever)
            }
        };
        let metrics = &self.shared.metrics;
        Metrics::bump(&metrics.connects);
        match state {
            SessionState::Attached => Metrics::bump(&metrics.reattaches),
            _ if !fresh => Metrics::bump(&metrics.recreations),
            _ => {}
        }
        tracing::info!(user = %self.key.user_id, ?state, "engine socket open");
        self.invalidate_all();
        self.watch(&live);
        Ok(live)
    }

    async fn new_proxy_session(&self) -> Result<SessionCookie> {
        let config = &self.shared.config;
        let user = qlik::qps::UserRef::new(&self.key.directory, &self.key.user_id);
        let cookie = match config.session_source {
            SessionSource::Ticket => {
                Metrics::bump(&self.shared.metrics.tickets_requested);
                let ticket = config.qps.ticket(&user, &self.attributes).await?;
                config.proxy.redeem_ticket(&ticket).await?
            }
            SessionSource::SessionApi => {
                let id = store::SessionToken::generate();
                config
                    .qps
                    .add_session(&user, &self.attributes, id.expose())
                    .await?;
                SessionCookie::new(config.proxy.session_cookie_name(), id.expose())
            }
        };
        self.shared
            .store
            .save_qlik_cookie(
                &self.key,
                &QlikCookie {
                    name: cookie.name().to_owned(),
                    value: cookie.expose_value().to_owned(),
                },
            )
            .await?;
        Ok(cookie)
    }

    /// Follows the socket: engine change lists invalidate layouts and reach
    /// every tab; a lost socket is replaced in the background (with backoff);
    /// while the user is active a cheap call keeps the proxy session alive.
    fn watch(&self, live: &Live) {
        let mut events = live.connection.handle_events();
        let connection = live.connection.clone();
        let handles: HashMap<i64, String> = live
            .objects
            .iter()
            .map(|(id, o)| (o.handle(), id.clone()))
            .collect();
        let session = self.this.clone();
        let keepalive = self.shared.config.keepalive_interval;
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(keepalive);
            ticker.tick().await;
            loop {
                tokio::select! {
                    event = events.recv() => match event {
                        Ok(HandleEvent::Changed(handle)) => {
                            let Some(session) = session.upgrade() else { return };
                            if let Some(id) = handles.get(&handle) {
                                session.invalidate(id);
                                let _ = session.changes.send(Change { objects: vec![id.clone()] });
                            }
                        }
                        Ok(HandleEvent::Closed(_)) => {}
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            let Some(session) = session.upgrade() else { return };
                            session.invalidate_all();
                        }
                        Err(broadcast::error::RecvError::Closed) => break,
                    },
                    _ = connection.closed() => break,
                    _ = ticker.tick() => {
                        let Some(session) = session.upgrade() else { return };
                        if session.idle_for() < session.shared.config.idle_eviction {
                            let _ = connection.global().engine_version().await;
                        }
                    }
                }
            }
            // The socket is gone: reconnect unless the session was ended on purpose.
            let mut delay = Duration::from_millis(100);
            loop {
                let Some(session) = session.upgrade() else {
                    return;
                };
                if session.ended.load(Ordering::Acquire) {
                    return;
                }
                session.invalidate_all();
                match session.ensure_live().await {
                    Ok(()) => {
                        let _ = session.changes.send(Change {
                            objects: session.object_ids(),
                        });
                        return;
                    }
                    Err(error) => {
                        tracing::warn!(user = %session.key.user_id, %error, "engine reconnect failed");
                    }
                }
                drop(session);
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        });
    }

    fn invalidate(&self, id: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.layouts.remove(id);
            cache.generation += 1;
        }
    }

    fn invalidate_all(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.layouts.clear();
            cache.generation += 1;
        }
    }

    fn generation(&self) -> u64 {
        self.cache.lock().map(|c| c.generation).unwrap_or_default()
    }

    fn touch(&self) {
        self.last_use_ms
            .store(self.shared.elapsed_ms(), Ordering::Relaxed);
    }

    /// How long since the session was last used.
    pub(crate) fn idle_for(&self) -> Duration {
        let now = self.shared.elapsed_ms();
        Duration::from_millis(now.saturating_sub(self.last_use_ms.load(Ordering::Relaxed)))
    }

    /// Closes the socket without ending the Qlik session (idle eviction).
    pub(crate) async fn detach(&self) {
        self.ended.store(true, Ordering::Release);
        if let Some(live) = self.live.lock().await.take() {
            live.connection.close();
        }
    }
}
