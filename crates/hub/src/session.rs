//! One user's engine session on one app, shared by all their browser sessions
//! and tabs: the socket (opened on demand on the user's one proxy session,
//! replaced when lost), the layout cache, and the selection operations that
//! end in exactly one change event. This file holds the session itself and
//! its state; the concerns live in the submodules: `cache` (layouts),
//! `selection` (selections and their one change event), `socket_life`
//! (opening, replacing, parking and ending the socket), `proxy_session`
//! (which Qlik proxy session a socket uses), `pivot` (pivot pages, expansion
//! and cell selections) and `bookmarks`.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::backoff::Backoff;
use crate::changes::{Change, Dirty};
use crate::config::AppObjects;
use crate::error::Error;
use crate::shared::Shared;
use crate::socket::{EngineSocket, SELECTIONS_ID};
use crate::user::ProxyUser;
use crate::view_cache::SessionViews;

mod bookmarks;
mod cache;
mod fresh;
mod lists;
mod locale;
mod patches;
mod pivot;
mod proxy_session;
mod selection;
mod socket_life;
use cache::Cache;
pub use pivot::PivotToggle;
use store::EngineKey;

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
    locale: Mutex<Option<serde_json::Value>>,
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

    /// Views built from this session's layouts (a page's view model), kept
    /// per layout generation in the hub's bounded view cache.
    pub fn views(&self) -> SessionViews<'_> {
        self.shared.views.owner(self.view_owner)
    }

    fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
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
}
