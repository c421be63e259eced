//! One user's engine session on one app, shared by all their browser sessions
//! and tabs: the socket (opened on demand on the user's one proxy session,
//! replaced when lost), the layout cache, and the selection operations that
//! end in exactly one change event.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::broadcast;

use crate::backoff::Backoff;
use crate::changes::{Change, Dirty};
use crate::config::AppObjects;
use crate::error::{Error, Result};
use crate::shared::Shared;
use crate::socket::{self, EngineSocket, SELECTIONS_ID};
use crate::user::ProxyUser;
use crate::view_cache::SessionViews;
use crate::watcher;

mod bookmarks;
mod locale;
mod proxy_session;
use store::{EngineKey, FieldSelection};

/// The layouts the engine has not changed since they were fetched, packed
/// (see [`PackedLayout`]), and their generation: bumped whenever one is
/// dropped.
#[derive(Default)]
struct Cache {
    layouts: HashMap<String, PackedLayout>,
    generation: u64,
}

/// A layout kept as LZ4-compressed JSON text. A held user's layouts were the
/// largest part of their memory (a heap profile under the load tool: ~36 KB
/// of JSON text per user; a `Value` tree takes several times that); LZ4
/// shrinks Qlik's repetitive JSON several times and unpacks far faster than
/// the JSON is parsed afterwards.
struct PackedLayout(Box<[u8]>);

impl PackedLayout {
    fn pack(layout: &Value) -> Self {
        let text = layout.to_string();
        Self(lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice())
    }

    /// The JSON text back.
    fn unpack(&self) -> Result<Vec<u8>> {
        lz4_flex::decompress_size_prepended(&self.0)
            .map_err(|e| Error::Qlik(qlik::Error::BadResponse(e.to_string())))
    }
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

/// A user's engine session on one app. Cheap to share (`Arc`).
pub struct EngineSession {
    key: EngineKey,
    /// The user's proxy session, shared with their sessions on other apps.
    user: Arc<ProxyUser>,
    /// Which of the configured apps (an index into `HubConfig::apps`).
    app: usize,
    /// A socket was opened for this session before (in this process).
    connected_before: AtomicBool,
    shared: Arc<Shared>,
    socket: tokio::sync::Mutex<Option<EngineSocket>>,
    /// A socket is held (for the gauge and the fast path of `ensure_socket`).
    socket_up: AtomicBool,
    cache: Mutex<Cache>,
    /// This session's number in the hub's view cache.
    view_owner: u64,
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
    /// The app's `GetLocaleInfo` answer, once asked.
    locale: Mutex<Option<Value>>,
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

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl EngineSession {
    pub(crate) fn new(
        key: EngineKey,
        user: Arc<ProxyUser>,
        app: usize,
        shared: Arc<Shared>,
    ) -> Arc<Self> {
        let view_owner = shared.views.new_owner();
        Arc::new_cyclic(|this| Self {
            key,
            user,
            app,
            connected_before: AtomicBool::new(false),
            shared,
            socket: tokio::sync::Mutex::new(None),
            socket_up: AtomicBool::new(false),
            cache: Mutex::new(Cache::default()),
            view_owner,
            unannounced: Mutex::new(Dirty::default()),
            turn: tokio::sync::Mutex::new(()),
            changes: broadcast::channel(16).0,
            last_use_ms: AtomicU64::new(0),
            phase: AtomicU8::new(Phase::Open as u8),
            retry: Mutex::new(Backoff::default()),
            this: this.clone(),
            locale: Mutex::new(None),
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

    /// The app and the objects this session holds.
    pub(crate) fn app(&self) -> &AppObjects {
        &self.shared.config.apps[self.app]
    }

    /// The ids of the dashboard objects held in this session.
    pub fn object_ids(&self) -> Vec<String> {
        self.app()
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

    /// The generation of the cached layouts: views built from layouts read
    /// at one generation stay right while it holds. Reading it is a use.
    pub fn layouts_generation(&self) -> u64 {
        self.touch();
        lock(&self.cache).generation
    }

    /// Views built from this session's layouts (a page's view model), kept
    /// per layout generation in the hub's bounded view cache.
    pub fn views(&self) -> SessionViews<'_> {
        self.shared.views.owner(self.view_owner)
    }

    async fn cached_layout(&self, object_id: &str) -> Result<Value> {
        let generation = {
            let cache = lock(&self.cache);
            if let Some(packed) = cache.layouts.get(object_id) {
                let text = packed.unpack()?;
                drop(cache);
                // Written by serde_json from a `Value` below: it reads back.
                return serde_json::from_slice(&text)
                    .map_err(|e| Error::Qlik(qlik::Error::BadResponse(e.to_string())));
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
            cache
                .layouts
                .insert(object_id.to_owned(), PackedLayout::pack(&layout));
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
        self.select_in_object(object_id, values, move |object, values| async move {
            object
                .select_list_object_values("/qListObjectDef", &values, toggle)
                .await
        })
        .await
    }

    /// Selects (or toggles) values of a hypercube's dimension by element
    /// number (a click on a chart's bar or point).
    pub async fn select_hypercube_values(
        &self,
        object_id: &str,
        dimension: i64,
        values: &[i64],
        toggle: bool,
    ) -> Result<bool> {
        self.select_in_object(object_id, values, move |object, values| async move {
            object
                .select_hypercube_values("/qHyperCubeDef", dimension, &values, toggle)
                .await
        })
        .await
    }

    /// A selection through one of the session's objects (by element numbers).
    async fn select_in_object<F, Fut>(
        &self,
        object_id: &str,
        values: &[i64],
        select: F,
    ) -> Result<bool>
    where
        F: Fn(qlik::qix::GenericObject, Vec<i64>) -> Fut,
        Fut: Future<Output = qlik::Result<bool>>,
    {
        let id = object_id.to_owned();
        let values = values.to_vec();
        self.selection_op(move |socket| {
            let object = socket.objects.get(&id).cloned();
            let found = object.map(|object| select(object, values.clone()));
            let id = id.clone();
            async move {
                match found {
                    Some(selecting) => Ok(selecting.await?),
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

    fn invalidate_all(&self) {
        let mut cache = lock(&self.cache);
        cache.layouts.clear();
        // Views of older generations are never read again.
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
    use serde_json::{Value, json};

    use super::PackedLayout;

    #[test]
    fn a_packed_layout_reads_back_whole_and_smaller() {
        let rows: Vec<Value> = (0..200)
            .map(|i| json!([{"qText": format!("Customer {i}"), "qNum": "NaN", "qElemNumber": i, "qState": "O"}]))
            .collect();
        let layout =
            json!({"qInfo": {"qId": "table-0"}, "qHyperCube": {"qDataPages": [{"qMatrix": rows}]}});
        let packed = PackedLayout::pack(&layout);
        let text = packed.unpack().unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&text).unwrap(), layout);
        assert!(
            packed.0.len() * 3 < text.len(),
            "{} bytes packed from {}",
            packed.0.len(),
            text.len()
        );
    }
}
