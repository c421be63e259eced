//! The simulator's shared state: tickets, proxy sessions, sockets and engine
//! sessions, with Qlik's rules for each.

mod engines;
mod sessions;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::config::SimConfig;
use crate::engine::Bookmarks;
use crate::outage::Outage;
pub(crate) use engines::{EngineKey, SocketSignal};
use engines::{EngineSlot, Socket};
use sessions::Ticket;
pub(crate) use sessions::{ProxySession, RedeemError};

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
    /// The test controls that make the site slow or away.
    pub outage: Outage,
    inner: Mutex<Inner>,
    next_id: AtomicU64,
    tickets_issued: AtomicU64,
    tickets_redeemed: AtomicU64,
    sessions_created: AtomicU64,
    calls: Mutex<BTreeMap<String, u64>>,
}

impl State {
    pub fn new(config: SimConfig, catalog: Catalog) -> Arc<Self> {
        Arc::new(Self {
            config,
            catalog,
            bookmarks: Bookmarks::default(),
            outage: Outage::default(),
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
