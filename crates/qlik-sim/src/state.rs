//! The simulator's shared state: tickets, proxy sessions, sockets and engine
//! sessions, with Qlik's rules for each.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::catalog::Catalog;
use crate::config::SimConfig;
use crate::engine::{Bookmarks, EngineData};

/// A Qlik user: directory and id, as given (compared case-insensitively).
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub directory: String,
    pub id: String,
}

impl User {
    /// Directory and id in lower case.
    pub fn key(&self) -> (String, String) {
        (self.directory.to_lowercase(), self.id.to_lowercase())
    }

    pub fn is(&self, other: &User) -> bool {
        self.key() == other.key()
    }
}

struct Ticket {
    user: User,
    attributes: Vec<Value>,
    expires: Instant,
}

/// A proxy session.
#[derive(Debug, Clone)]
pub(crate) struct ProxySession {
    pub id: String,
    pub user: User,
    pub attributes: Vec<Value>,
    last_activity: Instant,
}

impl ProxySession {
    /// The QPS JSON shape of a session.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "UserDirectory": self.user.directory,
            "UserId": self.user.id,
            "Attributes": self.attributes,
            "SessionId": self.id,
        })
    }
}

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

struct Socket {
    session_id: String,
    user: User,
    tx: mpsc::UnboundedSender<SocketSignal>,
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

struct EngineSlot {
    data: Arc<tokio::sync::Mutex<EngineData>>,
    sockets: usize,
    ttl: Duration,
    generation: u64,
}

/// Why a ticket could not be redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedeemError {
    /// Unknown, used or expired.
    Invalid,
    /// The user already has the maximum of parallel sessions.
    Limit,
}

#[derive(Default)]
struct Inner {
    tickets: HashMap<String, Ticket>,
    sessions: HashMap<String, ProxySession>,
    sockets: HashMap<u64, Socket>,
    engines: HashMap<EngineKey, EngineSlot>,
    csrf_tokens: HashMap<String, String>,
}

/// Counters for tests (`GET /sim/stats`; not part of Qlik).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Tickets issued by QPS.
    pub tickets_issued: u64,
    /// Tickets redeemed at the proxy.
    pub tickets_redeemed: u64,
    /// Proxy sessions ever created.
    pub sessions_created: u64,
    /// Proxy sessions alive now.
    pub sessions_alive: u64,
    /// Engine sessions alive now.
    pub engine_sessions: u64,
    /// Engine WebSockets open now.
    pub open_sockets: u64,
    /// Engine calls received so far, by JSON-RPC method (`GetLayout`,
    /// `CancelRequest`, …), over every socket.
    pub calls: BTreeMap<String, u64>,
}

impl Stats {
    /// How many calls of `method` the engine received.
    pub fn calls_of(&self, method: &str) -> u64 {
        self.calls.get(method).copied().unwrap_or_default()
    }
}

/// The shared state.
pub(crate) struct State {
    pub config: SimConfig,
    pub catalog: Catalog,
    /// Every app's bookmarks, by owner.
    pub bookmarks: Bookmarks,
    inner: Mutex<Inner>,
    next_id: AtomicU64,
    tickets_issued: AtomicU64,
    tickets_redeemed: AtomicU64,
    sessions_created: AtomicU64,
    calls: Mutex<BTreeMap<String, u64>>,
}

fn random_token(len: usize) -> String {
    use rand::Rng;
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

impl State {
    pub fn new(config: SimConfig, catalog: Catalog) -> Arc<Self> {
        Arc::new(Self {
            config,
            catalog,
            bookmarks: Bookmarks::default(),
            inner: Mutex::new(Inner::default()),
            next_id: AtomicU64::new(1),
            tickets_issued: AtomicU64::new(0),
            tickets_redeemed: AtomicU64::new(0),
            sessions_created: AtomicU64::new(0),
            calls: Mutex::new(BTreeMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh id for sockets and handles.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Issues a single-use ticket.
    pub fn issue_ticket(&self, user: User, attributes: Vec<Value>) -> String {
        let ticket = random_token(16);
        let expires = Instant::now() + self.config.ticket_ttl;
        self.lock().tickets.insert(
            ticket.clone(),
            Ticket {
                user,
                attributes,
                expires,
            },
        );
        self.tickets_issued.fetch_add(1, Ordering::Relaxed);
        ticket
    }

    /// Redeems a ticket into a new proxy session; returns the session.
    pub fn redeem_ticket(&self, ticket: &str) -> Result<ProxySession, RedeemError> {
        let mut inner = self.lock();
        // Single use: the ticket is gone whatever happens next.
        let ticket = inner.tickets.remove(ticket).ok_or(RedeemError::Invalid)?;
        if ticket.expires < Instant::now() {
            return Err(RedeemError::Invalid);
        }
        let alive = inner
            .sessions
            .values()
            .filter(|s| s.user.is(&ticket.user))
            .count();
        if alive >= self.config.max_sessions {
            return Err(RedeemError::Limit);
        }
        self.tickets_redeemed.fetch_add(1, Ordering::Relaxed);
        let session = ProxySession {
            id: uuid::Uuid::new_v4().to_string(),
            user: ticket.user,
            attributes: ticket.attributes,
            last_activity: Instant::now(),
        };
        inner.sessions.insert(session.id.clone(), session.clone());
        self.sessions_created.fetch_add(1, Ordering::Relaxed);
        Ok(session)
    }

    /// Adds a session with a caller-chosen id; `Err` with `new_user` unused when limited.
    pub fn add_session(
        &self,
        user: User,
        attributes: Vec<Value>,
        id: String,
    ) -> Result<(ProxySession, bool), RedeemError> {
        let mut inner = self.lock();
        let alive = inner.sessions.values().filter(|s| s.user.is(&user)).count();
        if alive >= self.config.max_sessions {
            return Err(RedeemError::Limit);
        }
        let session = ProxySession {
            id: id.clone(),
            user,
            attributes,
            last_activity: Instant::now(),
        };
        inner.sessions.insert(id, session.clone());
        self.sessions_created.fetch_add(1, Ordering::Relaxed);
        Ok((session, alive == 0))
    }

    /// The live session with this id, marking activity.
    pub fn touch(&self, id: &str) -> Option<ProxySession> {
        let mut inner = self.lock();
        let session = inner.sessions.get_mut(id)?;
        session.last_activity = Instant::now();
        Some(session.clone())
    }

    /// The session with this id, without marking activity.
    pub fn session(&self, id: &str) -> Option<ProxySession> {
        self.lock().sessions.get(id).cloned()
    }

    /// Deletes a session; its sockets get `OnSessionClosed` and close.
    pub fn delete_session(&self, id: &str) -> Option<ProxySession> {
        let mut inner = self.lock();
        let session = inner.sessions.remove(id)?;
        inner.csrf_tokens.remove(id);
        signal_session(
            &inner,
            id,
            SocketSignal::Fatal {
                method: "OnSessionClosed",
                message: "Session closed by server",
            },
        );
        Some(session)
    }

    /// The user's sessions.
    pub fn user_sessions(&self, user: &User) -> Vec<ProxySession> {
        self.lock()
            .sessions
            .values()
            .filter(|s| s.user.is(user))
            .cloned()
            .collect()
    }

    /// Logs the user out everywhere: sockets get `OnSessionLoggedOut`.
    pub fn delete_user(&self, user: &User) -> Vec<ProxySession> {
        let mut inner = self.lock();
        let ids: Vec<String> = inner
            .sessions
            .values()
            .filter(|s| s.user.is(user))
            .map(|s| s.id.clone())
            .collect();
        let mut removed = Vec::new();
        for id in ids {
            if let Some(session) = inner.sessions.remove(&id) {
                inner.csrf_tokens.remove(&id);
                signal_session(
                    &inner,
                    &id,
                    SocketSignal::Fatal {
                        method: "OnSessionLoggedOut",
                        message: "User logged out manually",
                    },
                );
                removed.push(session);
            }
        }
        removed
    }

    /// Ends sessions idle past the timeout (sockets get `OnSessionTimedOut`)
    /// and forgets expired tickets.
    pub fn expire(&self) {
        let mut inner = self.lock();
        let now = Instant::now();
        let timeout = self.config.session_timeout;
        let expired: Vec<String> = inner
            .sessions
            .values()
            .filter(|s| now.duration_since(s.last_activity) >= timeout)
            .map(|s| s.id.clone())
            .collect();
        for id in expired {
            inner.sessions.remove(&id);
            inner.csrf_tokens.remove(&id);
            signal_session(
                &inner,
                &id,
                SocketSignal::Fatal {
                    method: "OnSessionTimedOut",
                    message: "Session timed out due to inactivity",
                },
            );
        }
        inner.tickets.retain(|_, t| t.expires >= now);
    }

    /// The CSRF token of a session (made on first request).
    pub fn csrf_token(&self, session_id: &str) -> String {
        self.lock()
            .csrf_tokens
            .entry(session_id.to_owned())
            .or_insert_with(|| random_token(32))
            .clone()
    }

    /// Is `token` the CSRF token of the session?
    pub fn csrf_ok(&self, session_id: &str, token: &str) -> bool {
        self.lock()
            .csrf_tokens
            .get(session_id)
            .is_some_and(|t| t == token)
    }

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

    /// The counters.
    pub fn stats(&self) -> Stats {
        let inner = self.lock();
        Stats {
            tickets_issued: self.tickets_issued.load(Ordering::Relaxed),
            tickets_redeemed: self.tickets_redeemed.load(Ordering::Relaxed),
            sessions_created: self.sessions_created.load(Ordering::Relaxed),
            sessions_alive: inner.sessions.len() as u64,
            engine_sessions: inner.engines.len() as u64,
            open_sockets: inner.sockets.len() as u64,
            calls: self.calls.lock().map(|c| c.clone()).unwrap_or_default(),
        }
    }

    /// Counts one engine call of `method`.
    pub fn count_call(&self, method: &str) {
        if let Ok(mut calls) = self.calls.lock() {
            match calls.get_mut(method) {
                Some(count) => *count += 1,
                None => {
                    calls.insert(method.to_owned(), 1);
                }
            }
        }
    }
}

fn signal_session(inner: &Inner, session_id: &str, signal: SocketSignal) {
    for socket in inner
        .sockets
        .values()
        .filter(|s| s.session_id == session_id)
    {
        let _ = socket.tx.send(signal.clone());
    }
}
