//! Engine sockets and engine sessions: attach, detach with the TTL, and the
//! signals the proxy sends to open sockets.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{ProxySession, State, User};
use crate::engine::EngineData;

/// What the state tells an open socket.
#[derive(Debug, Clone)]
pub(crate) enum SocketSignal {
    /// Send this proxy notification (severity fatal), then close.
    Fatal {
        method: &'static str,
        message: &'static str,
    },
    /// Close abruptly, as a network failure would (no notification).
    Drop,
}

pub(super) struct Socket {
    pub(super) session_id: String,
    pub(super) user: User,
    pub(super) tx: mpsc::UnboundedSender<SocketSignal>,
}

/// Which engine session: user, app (or `engineData`), identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct EngineKey {
    user: (String, String),
    app: String,
    identity: String,
}

impl EngineKey {
    pub fn new(user: &User, app: &str, identity: &str) -> Self {
        Self {
            user: user.key(),
            app: app.to_owned(),
            identity: identity.to_owned(),
        }
    }
}

pub(super) struct EngineSlot {
    data: Arc<tokio::sync::Mutex<EngineData>>,
    sockets: usize,
    ttl: Duration,
    generation: u64,
}

impl State {
    /// Registers an open socket of a session.
    pub fn add_socket(
        &self,
        session: &ProxySession,
        tx: mpsc::UnboundedSender<SocketSignal>,
    ) -> u64 {
        let id = self.next_id();
        self.lock().sockets.insert(
            id,
            Socket {
                session_id: session.id.clone(),
                user: session.user.clone(),
                tx,
            },
        );
        id
    }

    /// Forgets a closed socket.
    pub fn remove_socket(&self, id: u64) {
        self.lock().sockets.remove(&id);
    }

    /// Closes the user's engine sockets abruptly, keeping every session.
    pub fn drop_user_sockets(&self, user: &User) -> usize {
        let inner = self.lock();
        let mut dropped = 0;
        for socket in inner.sockets.values().filter(|s| s.user.is(user)) {
            if socket.tx.send(SocketSignal::Drop).is_ok() {
                dropped += 1;
            }
        }
        dropped
    }

    /// Closes every listener for `length` and drops every engine socket,
    /// keeping the sessions (the `pause` test control). Returns how many
    /// sockets were dropped.
    pub fn pause(&self, length: Duration) -> usize {
        self.outage.pause_for(length);
        let inner = self.lock();
        inner
            .sockets
            .values()
            .filter(|s| s.tx.send(SocketSignal::Drop).is_ok())
            .count()
    }

    /// Attaches a socket to the engine session of `key`, creating it if
    /// needed. Returns its data and whether it already existed. The TTL of the
    /// latest URL wins, as in Qlik.
    pub fn attach_engine(
        &self,
        key: &EngineKey,
        ttl: Duration,
    ) -> (Arc<tokio::sync::Mutex<EngineData>>, bool) {
        let mut inner = self.lock();
        let generation = self.next_id();
        let attached = inner.engines.contains_key(key);
        let slot = inner
            .engines
            .entry(key.clone())
            .or_insert_with(|| EngineSlot {
                data: Arc::new(tokio::sync::Mutex::new(EngineData::default())),
                sockets: 0,
                ttl,
                generation,
            });
        slot.sockets += 1;
        slot.ttl = ttl;
        slot.generation = generation;
        (slot.data.clone(), attached)
    }

    /// A socket of the engine session closed: with no socket left, the session
    /// ends now (TTL 0) or after its TTL unless a socket attaches meanwhile.
    pub fn detach_engine(self: &Arc<Self>, key: &EngineKey) {
        let mut inner = self.lock();
        let Some(slot) = inner.engines.get_mut(key) else {
            return;
        };
        slot.sockets = slot.sockets.saturating_sub(1);
        if slot.sockets > 0 {
            return;
        }
        if slot.ttl.is_zero() {
            inner.engines.remove(key);
            return;
        }
        let (ttl, generation) = (slot.ttl, slot.generation);
        let state = Arc::downgrade(self);
        let key = key.clone();
        tokio::spawn(async move {
            tokio::time::sleep(ttl).await;
            // A pause (test control) keeps sessions: their TTL counts from
            // its end.
            while let Some(end) = state.upgrade().and_then(|s| s.outage.pause_end()) {
                if end + ttl <= tokio::time::Instant::now() {
                    break;
                }
                tokio::time::sleep_until(end + ttl).await;
            }
            if let Some(state) = state.upgrade() {
                let mut inner = state.lock();
                if inner
                    .engines
                    .get(&key)
                    .is_some_and(|s| s.sockets == 0 && s.generation == generation)
                {
                    inner.engines.remove(&key);
                }
            }
        });
    }
}
