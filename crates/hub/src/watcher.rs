//! The task that follows one engine socket: changes made outside our own
//! selections become one announcement per burst, an active user's proxy
//! session is kept alive, and a socket lost while wanted is replaced (with
//! backoff) and everything announced once.

use std::sync::Weak;
use std::time::Duration;

use qlik::qix::HandleEvent;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;

use crate::error::Error;
use crate::session::EngineSession;
use crate::socket::EngineSocket;

/// Changes from elsewhere arriving within this window become one event.
pub(crate) const OUTSIDE_CHANGE_WINDOW: Duration = Duration::from_millis(20);
/// The shortest pause between two reconnect attempts.
const MIN_RETRY: Duration = Duration::from_millis(50);

/// Starts following `live` for `session`.
pub(crate) fn watch(session: Weak<EngineSession>, live: &EngineSocket, keepalive: Duration) {
    let mut events = live.connection.handle_events();
    let connection = live.connection.clone();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(keepalive);
        ticker.tick().await;
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(HandleEvent::Changed(_)) | Err(RecvError::Lagged(_)) => {
                        let burst_end = Instant::now() + OUTSIDE_CHANGE_WINDOW;
                        if !gather(&mut events, burst_end).await {
                            break;
                        }
                        let Some(session) = session.upgrade() else { return };
                        session.settle_outside_changes().await;
                    }
                    Ok(HandleEvent::Closed(_)) => {}
                    Err(RecvError::Closed) => break,
                },
                _ = connection.closed() => break,
                _ = ticker.tick() => {
                    let Some(session) = session.upgrade() else { return };
                    if session.idle_for() < session.idle_limit() {
                        let _ = connection.global().engine_version().await;
                    }
                }
            }
        }
        reconnect(session).await;
    });
}

/// Lets a burst of change events pass until `until`; false when the socket
/// closed meanwhile.
async fn gather(events: &mut broadcast::Receiver<HandleEvent>, until: Instant) -> bool {
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(until) => return true,
            event = events.recv() => if matches!(event, Err(RecvError::Closed)) {
                return false;
            },
        }
    }
}

/// The socket is gone: reattach unless it was closed on purpose, then tell
/// every tab (changes may have happened meanwhile).
async fn reconnect(session: Weak<EngineSession>) {
    if let Some(strong) = session.upgrade() {
        strong.forget_closed_socket().await;
    }
    loop {
        let Some(strong) = session.upgrade() else {
            return;
        };
        if !strong.wants_socket() {
            return;
        }
        match strong.reattach().await {
            Ok(()) => {
                strong.announce_everything().await;
                return;
            }
            Err(Error::ProxySessionGone | Error::NotLoggedIn) => {
                // Qlik ended the session (logout elsewhere, timeout): the next
                // request of a logged-in browser starts a new one.
                strong.park().await;
                return;
            }
            // Qlik away is logged once by the hub, not per user and attempt.
            Err(error) if crate::reachability::is_outage(&error) => {
                tracing::debug!(user = %strong.key().user_id, %error, "engine reconnect failed");
            }
            Err(error) => {
                tracing::warn!(user = %strong.key().user_id, %error, "engine reconnect failed");
            }
        }
        let wait = strong.retry_wait().max(MIN_RETRY);
        drop(strong);
        tokio::time::sleep(wait).await;
    }
}
