//! The session's socket over its life: opened on demand (one attempt per
//! backoff window), replaced once when lost during a call, parked when idle
//! and ended at logout.

use std::sync::atomic::Ordering;
use std::time::Instant;

use super::{EngineSession, Opening, Phase, lock, socket_lost};
use crate::error::{Error, Result};
use crate::socket::EngineSocket;
use crate::watcher;

impl EngineSession {
    /// Makes sure a socket is up, then runs `op` on it; a socket lost during
    /// the call is replaced once and the call retried. What the engine
    /// changed with the call is noted for the next announcement.
    pub(super) async fn with_socket<T, F, Fut>(&self, op: F) -> Result<T>
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
                self.shared.reachability.answered();
                let recovered = lock(&self.retry).failing();
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
                // Back after failures: the tabs showing a kept view reload
                // (the watcher announces the sockets it replaces itself).
                if recovered && opening == Opening::MayStartNew {
                    self.announce_fresh();
                }
                Ok(live)
            }
            Err(error) => {
                self.shared.reachability.failed(&error);
                lock(&self.retry).failed(Instant::now(), error.clone(), rand::random());
                Err(error)
            }
        }
    }

    /// Drops the held socket if it has closed (the watcher saw it go).
    pub(crate) async fn forget_closed_socket(&self) {
        let mut socket = self.socket.lock().await;
        if socket.as_ref().is_some_and(|l| l.connection.is_closed()) {
            *socket = None;
            self.socket_up.store(false, Ordering::Release);
        }
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
