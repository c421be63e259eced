//! Tickets, proxy sessions and their CSRF tokens, with Qlik's rules: single
//! use tickets, the parallel-session limit, the inactivity timeout.

use std::sync::atomic::Ordering;
use std::time::Instant;

use serde_json::Value;

use super::{Inner, SocketSignal, State, User};

pub(super) struct Ticket {
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

/// Why a ticket could not be redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedeemError {
    /// Unknown, used or expired.
    Invalid,
    /// The user already has the maximum of parallel sessions.
    Limit,
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
        // No session times out during a pause (test control): inactivity
        // counts from its end.
        let pause_end = self.outage.pause_end().map(tokio::time::Instant::into_std);
        let expired: Vec<String> = inner
            .sessions
            .values()
            .filter(|s| {
                now.saturating_duration_since(
                    s.last_activity.max(pause_end.unwrap_or(s.last_activity)),
                ) >= timeout
            })
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
