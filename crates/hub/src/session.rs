//! One user's engine session, shared by all their browser sessions and tabs:
//! the socket (opened on demand, replaced when lost), the layout cache, and
//! the selection operations that end in exactly one change event.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use qlik::proxy::SessionCookie;
use qlik::qix::SessionState;
use serde_json::Value;
use tokio::sync::broadcast;

use crate::backoff::Backoff;
use crate::changes::{Change, Dirty};
use crate::config::SessionSource;
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::shared::Shared;
use crate::socket::{self, EngineSocket, SELECTIONS_ID};
use crate::watcher;
use store::{EngineKey, FieldSelection, QlikCookie};

#[derive(Default)]
struct Cache {
    layouts: HashMap<String, Value>,
    generation: u64,
}

/// What the session wants of its socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Phase {
    /// A socket is wanted: a lost one is replaced in the background.
    Open = 0,
    /// The socket was closed on purpose (idle, shutdown) and the Qlik session
    /// left to its `/ttl/`; the next request opens a socket again.
    Parked = 1,
    /// The user logged out: no socket is opened again.
    Ended = 2,
}

impl Phase {
    fn from_u8(value: u8) -> Self {
        match value {
            0 => Phase::Open,
            1 => Phase::Parked,
            _ => Phase::Ended,
        }
    }
}

/// A user's engine session. Cheap to share (`Arc`).
pub struct EngineSession {
    key: EngineKey,
    /// The attributes (groups) a new proxy session is made with.
    attributes: Mutex<Vec<(String, String)>>,
    /// The attributes of the proxy session held now, when this server made
    /// it (`None` when it was found through the stored cookie).
    bound: Mutex<Option<Vec<(String, String)>>>,
    shared: Arc<Shared>,
    socket: tokio::sync::Mutex<Option<EngineSocket>>,
    /// A socket is held (for the gauge and the fast path of `ensure_socket`).
    socket_up: AtomicBool,
    cache: Mutex<Cache>,
    /// Objects the engine changed that no event has announced yet.
    unannounced: Mutex<Dirty>,
    /// One selection or announcement at a time: a selection's own changes are
    /// announced by the selection, never a second time by the watcher.
    turn: tokio::sync::Mutex<()>,
    changes: broadcast::Sender<Change>,
    last_use_ms: AtomicU64,
    phase: AtomicU8,
    retry: Mutex<Backoff>,
    this: Weak<EngineSession>,
}

impl std::fmt::Debug for EngineSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineSession")
            .field("key", &self.key)
            .finish()
    }
}

/// Whether opening a socket may start a new Qlik proxy session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// A request of a logged-in browser: a new proxy session if needed.
    MayStartNew,
    /// The watcher after a drop: only the Qlik session the store names.
    ReattachOnly,
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

/// Attribute lists compared as sets (Qlik does not keep their order).
fn same_attributes(a: &[(String, String)], b: &[(String, String)]) -> bool {
    let sorted = |list: &[(String, String)]| {
        let mut list = list.to_vec();
        list.sort();
        list.dedup();
        list
    };
    sorted(a) == sorted(b)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl EngineSession {
    pub(crate) fn new(
        key: EngineKey,
        attributes: Vec<(String, String)>,
        shared: Arc<Shared>,
    ) -> Arc<Self> {
        Arc::new_cyclic(|this| Self {
            key,
            attributes: Mutex::new(attributes),
            bound: Mutex::new(None),
            shared,
            socket: tokio::sync::Mutex::new(None),
            socket_up: AtomicBool::new(false),
            cache: Mutex::new(Cache::default()),
            unannounced: Mutex::new(Dirty::default()),
            turn: tokio::sync::Mutex::new(()),
            changes: broadcast::channel(16).0,
            last_use_ms: AtomicU64::new(0),
            phase: AtomicU8::new(Phase::Open as u8),
            retry: Mutex::new(Backoff::default()),
            this: this.clone(),
        })
    }

    /// Whose session this is.
    pub fn key(&self) -> &EngineKey {
        &self.key
    }

    /// Change events: one per selection made through the hub, one per burst
    /// of changes made elsewhere (another device, an app reload), each sent
    /// once the new layouts are cached.
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
    /// changed it (a refresh costs no round trip).
    pub async fn layout(&self, object_id: &str) -> Result<Value> {
        self.touch();
        self.cached_layout(object_id).await
    }

    async fn cached_layout(&self, object_id: &str) -> Result<Value> {
        let generation = {
            let cache = lock(&self.cache);
            if let Some(layout) = cache.layouts.get(object_id) {
                return Ok(layout.clone());
            }
            cache.generation
        };
        let id = object_id.to_owned();
        let layout = self
            .with_socket(move |socket| {
                let object = socket.objects.get(&id).cloned();
                let id = id.clone();
                async move {
                    match object {
                        Some(object) => Ok(object.layout().await?),
                        None => Err(Error::UnknownObject(id)),
                    }
                }
            })
            .await?;
        let mut cache = lock(&self.cache);
        if cache.generation == generation {
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
        self.with_socket(move |socket| {
            let object = socket.objects.get(&id).cloned();
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
        self.selection_op(move |socket| {
            let object = socket.objects.get(&id).cloned();
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
        self.selection_op(move |socket| {
            let doc = socket.doc.clone();
            let selection = selection.clone();
            async move { socket::apply_selections(&doc, &selection).await }
        })
        .await
    }

    /// Clears one field.
    pub async fn clear_field(&self, field: &str) -> Result<()> {
        let field = field.to_owned();
        self.selection_op(move |socket| {
            let doc = socket.doc.clone();
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
        self.selection_op(|socket| {
            let doc = socket.doc.clone();
            async move { Ok(doc.clear_all(false).await?) }
        })
        .await
    }

    /// Steps back in the selection history.
    pub async fn back(&self) -> Result<()> {
        self.selection_op(|socket| {
            let doc = socket.doc.clone();
            async move { Ok(doc.back().await?) }
        })
        .await
    }

    /// Steps forward in the selection history.
    pub async fn forward(&self) -> Result<()> {
        self.selection_op(|socket| {
            let doc = socket.doc.clone();
            async move { Ok(doc.forward().await?) }
        })
        .await
    }

    /// Runs a selection operation, then announces what the engine changed
    /// with it: once, after the new layouts are cached.
    async fn selection_op<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: Fn(&EngineSocket) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let arrived = Instant::now();
        self.touch();
        let _turn = self.turn.lock().await;
        let outcome = self.with_socket(op).await;
        if self.announce().await {
            self.shared.metrics.selection_announced(arrived.elapsed());
        }
        outcome
    }

    /// Announces changes the engine made on its own or through another
    /// socket of this Qlik session (the watcher calls this after a short
    /// window, so a burst becomes one event). Changes a selection of ours
    /// already announced are not announced again.
    pub(crate) async fn settle_outside_changes(&self) {
        let _turn = self.turn.lock().await;
        if let Some(live) = self.socket.lock().await.as_ref() {
            self.note_changes(live.take_changes());
        }
        self.announce().await;
    }

    /// After a lost socket was replaced: anything may have changed meanwhile.
    pub(crate) async fn announce_everything(&self) {
        let _turn = self.turn.lock().await;
        self.note_changes(Dirty::everything());
        self.announce().await;
    }

    /// Forgets the layouts the engine changed and remembers them for the
    /// next announcement.
    fn note_changes(&self, dirty: Dirty) {
        if dirty.is_empty() {
            return;
        }
        {
            let mut cache = lock(&self.cache);
            cache.layouts.retain(|id, _| !dirty.contains(id));
            cache.generation += 1;
        }
        lock(&self.unannounced).merge(dirty);
    }

    /// Caches the new layouts of the unannounced changes, records the
    /// selections, and sends one event (callers hold the turn); false when
    /// nothing had changed.
    async fn announce(&self) -> bool {
        let dirty = std::mem::take(&mut *lock(&self.unannounced));
        if dirty.is_empty() {
            return false;
        }
        let objects = dirty.among(&self.object_ids());
        for id in &objects {
            if let Err(error) = self.cached_layout(id).await {
                tracing::debug!(object = %id, %error, "layout not cached after a change");
            }
        }
        if dirty.contains(SELECTIONS_ID) {
            self.record_selections().await;
        }
        let _ = self.changes.send(Change { objects });
        true
    }

    /// Stores the current selections, to re-apply them on a new engine session.
    async fn record_selections(&self) {
        let saved = match self.cached_layout(SELECTIONS_ID).await {
            Ok(layout) => self
                .shared
                .store
                .save_selections(&self.key, &socket::selections_from_layout(&layout))
                .await
                .map_err(Error::from),
            Err(error) => Err(error),
        };
        if let Err(error) = saved {
            tracing::warn!(user = %self.key.user_id, %error, "selections not recorded");
        }
    }

    /// Makes sure a socket is up, then runs `op` on it; a socket lost during
    /// the call is replaced once and the call retried. What the engine
    /// changed with the call is noted for the next announcement.
    async fn with_socket<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: Fn(&EngineSocket) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.with_socket_as(Opening::MayStartNew, op).await
    }

    async fn with_socket_as<T, F, Fut>(&self, opening: Opening, op: F) -> Result<T>
    where
        F: Fn(&EngineSocket) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        for attempt in 0..2 {
            let mut guard = self.socket.lock().await;
            if guard.as_ref().is_none_or(|l| l.connection.is_closed()) {
                *guard = None;
                self.socket_up.store(false, Ordering::Release);
                let live = self.open_socket(opening).await?;
                self.socket_up.store(true, Ordering::Release);
                *guard = Some(live);
            }
            let Some(live) = guard.as_ref() else {
                continue;
            };
            let outcome = op(live).await;
            self.note_changes(live.take_changes());
            match outcome {
                Err(error) if attempt == 0 && socket_lost(&error) => {
                    *guard = None;
                    self.socket_up.store(false, Ordering::Release);
                }
                other => return other,
            }
        }
        Err(Error::Qlik(qlik::Error::ConnectionLost))
    }

    /// Ensures the session has a live socket (at login, and for every request
    /// after an eviction or a drop). Cheap when one is up.
    pub(crate) async fn ensure_socket(&self) -> Result<()> {
        if self.socket_up.load(Ordering::Acquire) && self.phase() == Phase::Open {
            return Ok(());
        }
        self.with_socket(|_| async { Ok(()) }).await
    }

    /// Reattaches a socket to the Qlik session the store names, for the
    /// watcher after a drop. Never starts a new Qlik session: only a request
    /// of a logged-in browser may (so nothing re-opens Qlik for a user who
    /// logged out, on this instance or another).
    pub(crate) async fn reattach(&self) -> Result<()> {
        self.with_socket_as(Opening::ReattachOnly, |_| async { Ok(()) })
            .await
    }

    /// Opens a socket, unless the last attempt failed too recently (then its
    /// error, without trying: one attempt per backoff window, whatever the
    /// number of requests or reconnecting tabs).
    async fn open_socket(&self, opening: Opening) -> Result<EngineSocket> {
        if self.phase() == Phase::Ended {
            return Err(Error::NotLoggedIn);
        }
        lock(&self.retry).gate(Instant::now())?;
        match self.connect(opening).await {
            Err(Error::ProxySessionGone) => Err(Error::ProxySessionGone),
            Ok(live) => {
                lock(&self.retry).succeeded();
                // Parked → open; an end that raced us wins.
                let _ = self.phase.compare_exchange(
                    Phase::Parked as u8,
                    Phase::Open as u8,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
                if self.phase() == Phase::Ended {
                    live.connection.close();
                    return Err(Error::NotLoggedIn);
                }
                self.invalidate_all();
                watcher::watch(
                    self.this.clone(),
                    &live,
                    self.shared.config.keepalive_interval,
                );
                Ok(live)
            }
            Err(error) => {
                lock(&self.retry).failed(Instant::now(), error.clone(), rand::random());
                Err(error)
            }
        }
    }

    /// Reattaches with the stored cookie; if the proxy has forgotten it (or
    /// there is none, or it no longer unseals), one new proxy session. We
    /// hold the socket lock: single flight.
    async fn connect(&self, opening: Opening) -> Result<EngineSocket> {
        let store = &self.shared.store;
        let selections = match store.selections(&self.key).await {
            Err(store::Error::Corrupt(reason)) => {
                tracing::warn!(user = %self.key.user_id, %reason, "stored selections unreadable: starting without them");
                Vec::new()
            }
            other => other?,
        };
        let stored = self.stored_cookie().await?;
        let first_ever = stored.is_none();
        let tried = stored.as_ref().map(|c| c.value.clone());
        let outcome = match stored {
            Some(cookie) => self.attach(cookie, &selections).await?,
            None => None,
        };
        let (socket, state, fresh) = match outcome {
            Some((socket, state)) => (socket, state, false),
            None if opening == Opening::ReattachOnly => return Err(Error::ProxySessionGone),
            None => {
                // Another instance may be making this user's Qlik session
                // right now: one at a time per user, across instances.
                let lock = store.lock_user(&self.key).await?;
                let made = self.start_or_join(tried, &selections, first_ever).await;
                if let Err(error) = lock.release().await {
                    tracing::warn!(user = %self.key.user_id, %error, "releasing the user lock failed");
                }
                made?
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
        Ok(socket)
    }

    /// Attaches to the Qlik session of `cookie`; `None` when the proxy no
    /// longer knows it.
    async fn attach(
        &self,
        cookie: QlikCookie,
        selections: &[FieldSelection],
    ) -> Result<Option<(EngineSocket, SessionState)>> {
        let cookie = SessionCookie::new(cookie.name, cookie.value);
        match socket::connect(&self.shared.config, &cookie, selections).await {
            Err(Error::Qlik(e)) if proxy_session_gone(&e) => Ok(None),
            other => other.map(Some),
        }
    }

    /// Under the user's lock: joins the Qlik session another instance made
    /// meanwhile (a stored cookie other than the one `tried`), or makes one.
    async fn start_or_join(
        &self,
        tried: Option<String>,
        selections: &[FieldSelection],
        first_ever: bool,
    ) -> Result<(EngineSocket, SessionState, bool)> {
        if let Some(cookie) = self.stored_cookie().await?
            && Some(&cookie.value) != tried.as_ref()
            && let Some((socket, state)) = self.attach(cookie, selections).await?
        {
            return Ok((socket, state, false));
        }
        let cookie = self.new_proxy_session().await?;
        let (socket, state) = socket::connect(&self.shared.config, &cookie, selections).await?;
        Ok((socket, state, first_ever))
    }

    /// The stored proxy-session cookie. One that no longer unseals (the
    /// sealing key was lost or changed) counts as absent: a new proxy session
    /// replaces it, instead of failing every request from now on.
    async fn stored_cookie(&self) -> Result<Option<QlikCookie>> {
        match self.shared.store.qlik_cookie(&self.key).await {
            Err(store::Error::Unseal | store::Error::Corrupt(_)) => {
                tracing::warn!(user = %self.key.user_id, "the stored Qlik cookie does not open with the current key: making a new Qlik session");
                Ok(None)
            }
            other => Ok(other?),
        }
    }

    async fn new_proxy_session(&self) -> Result<SessionCookie> {
        let config = &self.shared.config;
        let user = qlik::qps::UserRef::new(&self.key.directory, &self.key.user_id);
        let attributes = lock(&self.attributes).clone();
        let cookie = match config.session_source {
            SessionSource::Ticket => {
                Metrics::bump(&self.shared.metrics.tickets_requested);
                let ticket = config.qps.ticket(&user, &attributes).await?;
                config.proxy.redeem_ticket(&ticket).await?
            }
            SessionSource::SessionApi => {
                let id = store::SessionToken::generate();
                config
                    .qps
                    .add_session(&user, &attributes, id.expose())
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
        *lock(&self.bound) = Some(attributes);
        Ok(cookie)
    }

    /// At login: when the user's directory groups differ from the attributes
    /// of the Qlik session held for them, that Qlik session ends (deleted at
    /// QPS, cookie forgotten, selections kept) and the next socket is opened
    /// on a new one made with `attributes`.
    pub(crate) async fn rebind(&self, attributes: &[(String, String)]) -> Result<()> {
        let _turn = self.turn.lock().await;
        let mut socket = self.socket.lock().await;
        *lock(&self.attributes) = attributes.to_vec();
        let known = lock(&self.bound).clone();
        let stored = self.stored_cookie().await?;
        let Some(cookie) = stored else {
            return Ok(());
        };
        let held = match known {
            Some(held) => held,
            // Found through the stored cookie (e.g. after a restart): ask QPS.
            None => match self.shared.config.qps.session(&cookie.value).await {
                Ok(session) => session
                    .attributes
                    .into_iter()
                    .map(|a| (a.name, a.value))
                    .collect(),
                Err(qlik::Error::NotFound) => return Ok(()),
                Err(other) => return Err(other.into()),
            },
        };
        if same_attributes(&held, attributes) {
            *lock(&self.bound) = Some(held);
            return Ok(());
        }
        tracing::info!(user = %self.key.user_id, "directory groups changed: ending the Qlik session made with the old ones");
        if let Some(live) = socket.take() {
            live.connection.close();
        }
        self.socket_up.store(false, Ordering::Release);
        self.invalidate_all();
        let selections = self.shared.store.selections(&self.key).await?;
        self.shared.store.forget_qlik_session(&self.key).await?;
        self.shared
            .store
            .save_selections(&self.key, &selections)
            .await?;
        *lock(&self.bound) = None;
        match self.shared.config.qps.delete_session(&cookie.value).await {
            Ok(()) | Err(qlik::Error::NotFound) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }

    fn invalidate_all(&self) {
        let mut cache = lock(&self.cache);
        cache.layouts.clear();
        cache.generation += 1;
    }

    fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
    }

    /// Drops the held socket if it has closed (the watcher saw it go).
    pub(crate) async fn forget_closed_socket(&self) {
        let mut socket = self.socket.lock().await;
        if socket.as_ref().is_some_and(|l| l.connection.is_closed()) {
            *socket = None;
            self.socket_up.store(false, Ordering::Release);
        }
    }

    /// The watcher replaces a lost socket only while this holds.
    pub(crate) fn wants_socket(&self) -> bool {
        self.phase() == Phase::Open
    }

    /// Tabs are listening for this session's changes (open event streams).
    pub(crate) fn has_listeners(&self) -> bool {
        self.changes.receiver_count() > 0
    }

    /// A socket is held now.
    pub(crate) fn has_socket(&self) -> bool {
        self.socket_up.load(Ordering::Acquire)
    }

    /// How long the watcher waits before its next reconnect attempt.
    pub(crate) fn retry_wait(&self) -> Duration {
        lock(&self.retry).remaining(Instant::now())
    }

    /// Unused this long, the session is idle: its socket is parked and the
    /// watcher stops keeping the proxy session alive.
    pub(crate) fn idle_limit(&self) -> Duration {
        self.shared.config.idle_eviction
    }

    fn touch(&self) {
        self.last_use_ms
            .store(self.shared.elapsed_ms(), Ordering::Relaxed);
    }

    /// How long since the session was last used by a request.
    pub(crate) fn idle_for(&self) -> Duration {
        let now = self.shared.elapsed_ms();
        Duration::from_millis(now.saturating_sub(self.last_use_ms.load(Ordering::Relaxed)))
    }

    /// Closes the socket and leaves the Qlik session to its `/ttl/` (idle
    /// eviction, server shutdown). The user stays logged in: the next request
    /// opens a socket again and reattaches.
    pub(crate) async fn park(&self) {
        let mut socket = self.socket.lock().await;
        let _ = self.phase.compare_exchange(
            Phase::Open as u8,
            Phase::Parked as u8,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        if let Some(live) = socket.take() {
            live.connection.close();
        }
        self.socket_up.store(false, Ordering::Release);
        self.invalidate_all();
    }

    /// Ends the session for good (logout): the socket closes and none is
    /// opened again.
    pub(crate) async fn end(&self) {
        self.phase.store(Phase::Ended as u8, Ordering::Release);
        if let Some(live) = self.socket.lock().await.take() {
            live.connection.close();
        }
        self.socket_up.store(false, Ordering::Release);
        self.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn attributes_compare_as_sets() {
        let a = pairs(&[("Group", "Sales"), ("Group", "EMEA")]);
        let b = pairs(&[("Group", "EMEA"), ("Group", "Sales"), ("Group", "Sales")]);
        assert!(same_attributes(&a, &b));
        assert!(!same_attributes(&a, &pairs(&[("Group", "Sales")])));
        assert!(same_attributes(&[], &[]));
    }
}
