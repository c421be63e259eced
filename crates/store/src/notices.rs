//! Notices between instances on one PostgreSQL (`LISTEN/NOTIFY` on one
//! channel): a user logged out (every browser session of theirs ended), or
//! one browser session ended (a new login in its browser). Every instance
//! listens and ends the matching event streams; on SQLite (one instance)
//! there is nobody to tell.
//!
//! The listening connection comes back by itself after any outage: a lost
//! connection, or a database that refuses connections for a while, is
//! retried with a growing wait (up to [`MAX_RETRY`]) and the `LISTEN`
//! renewed. Notices sent while it was down are lost, so the listener then
//! says [`Notice::Resumed`] for the instance to check what it holds against
//! the store. Whether it is listening right now is [`NoticeHealth`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPoolOptions};

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::sessions::SessionToken;
use crate::store::Store;

/// The PostgreSQL channel of the notices (named for its first use).
const CHANNEL: &str = "mashup_logout";
/// The longest a (re)connection of the listener may take before it counts
/// as failed and is retried after a wait.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The first wait before retrying a failed connection; it doubles per
/// failure up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(250);
/// The longest wait between two connection attempts.
const MAX_RETRY: Duration = Duration::from_secs(5);

/// What another instance (or this one) announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Every browser session of the user ended (logout).
    LoggedOut {
        /// User directory.
        directory: String,
        /// User id.
        user_id: String,
    },
    /// One browser session ended (a new login in its browser); the hex
    /// SHA-256 of its token ([`SessionToken::digest_hex`]).
    SessionEnded(String),
    /// The listener is back after an outage: notices sent meanwhile were
    /// missed, so what they would have ended must be checked in the store.
    Resumed,
}

/// A notice as sent: a logout is the `[directory, user id]` pair (the form
/// every instance has always read), one session `{"session": hash}`.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Wire {
    LoggedOut(String, String),
    SessionEnded { session: String },
}

/// Whether the notice listener is listening now. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct NoticeHealth(Arc<AtomicBool>);

impl NoticeHealth {
    /// True while the `LISTEN` connection is up.
    pub fn is_listening(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    fn set(&self, listening: bool) {
        self.0.store(listening, Ordering::Release);
    }
}

/// This instance's listener: [`Notices::next`] waits for the next notice,
/// reconnecting for as long as it takes.
pub struct Notices {
    url: String,
    listener: Option<PgListener>,
    health: NoticeHealth,
    /// Notices may have been missed (a connection lost or not made).
    missed: bool,
    retry: Duration,
}

impl Notices {
    /// Whether it is listening now (for readiness).
    pub fn health(&self) -> NoticeHealth {
        self.health.clone()
    }

    /// The next notice. Never ends: a lost connection is made again (with
    /// a growing wait between failed attempts) and the `LISTEN` renewed,
    /// after which [`Notice::Resumed`] comes first.
    pub async fn next(&mut self) -> Notice {
        loop {
            let Some(listener) = self.listener.as_mut() else {
                match listen(&self.url).await {
                    Ok(listener) => {
                        self.listener = Some(listener);
                        self.health.set(true);
                        self.retry = FIRST_RETRY;
                        if std::mem::take(&mut self.missed) {
                            tracing::info!("listening for logout notices again");
                            return Notice::Resumed;
                        }
                    }
                    Err(error) => {
                        self.missed = true;
                        tracing::warn!(%error, retry_in = ?self.retry, "cannot listen for logout notices");
                        tokio::time::sleep(self.retry).await;
                        self.retry = (self.retry * 2).min(MAX_RETRY);
                    }
                }
                continue;
            };
            match listener.try_recv().await {
                Ok(Some(notification)) => match parse(notification.payload()) {
                    Some(notice) => return notice,
                    None => tracing::warn!("ignoring a logout notice this server cannot read"),
                },
                Ok(None) | Err(_) => {
                    tracing::warn!("the logout notice connection was lost; reconnecting");
                    self.listener = None;
                    self.health.set(false);
                    self.missed = true;
                }
            }
        }
    }
}

/// A new listening connection (its own pool of one, so that a wait for it
/// is bounded by [`CONNECT_TIMEOUT`] and its loss is this module's to handle).
async fn listen(url: &str) -> Result<PgListener> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(CONNECT_TIMEOUT)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_lazy(url)?;
    let mut listener = PgListener::connect_with(&pool).await?;
    // A lost connection ends `try_recv` with `None` at once; reconnecting
    // (and how long to wait for it) is decided in `Notices::next`.
    listener.eager_reconnect(false);
    listener.ignore_pool_close_event(true);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

fn parse(payload: &str) -> Option<Notice> {
    Some(match serde_json::from_str::<Wire>(payload).ok()? {
        Wire::LoggedOut(directory, user_id) => Notice::LoggedOut { directory, user_id },
        Wire::SessionEnded { session } => Notice::SessionEnded(session),
    })
}

impl Store {
    /// This instance's notice listener (it connects on the first
    /// [`Notices::next`]), or `None` on SQLite. `url` is the store's
    /// PostgreSQL URL.
    pub fn notices(&self, url: &str) -> Option<Notices> {
        (self.backend() == Backend::Postgres).then(|| Notices {
            url: url.to_owned(),
            listener: None,
            health: NoticeHealth::default(),
            missed: false,
            retry: FIRST_RETRY,
        })
    }

    /// Tells every instance that the user logged out (a no-op on SQLite).
    pub async fn notify_logout(&self, directory: &str, user_id: &str) -> Result<()> {
        self.notify(&Wire::LoggedOut(directory.to_owned(), user_id.to_owned()))
            .await
    }

    /// Tells every instance that the browser session of `token` ended (a
    /// no-op on SQLite).
    pub async fn notify_session_ended(&self, token: &SessionToken) -> Result<()> {
        self.notify(&Wire::SessionEnded {
            session: token.digest_hex(),
        })
        .await
    }

    async fn notify(&self, wire: &Wire) -> Result<()> {
        if self.backend() != Backend::Postgres {
            return Ok(());
        }
        let payload = serde_json::to_string(wire).map_err(|e| Error::Corrupt(e.to_string()))?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_read_back_and_logouts_keep_their_old_form() {
        let logout =
            serde_json::to_string(&Wire::LoggedOut("CORP".into(), "alice".into())).unwrap();
        assert_eq!(logout, r#"["CORP","alice"]"#);
        assert_eq!(
            parse(&logout),
            Some(Notice::LoggedOut {
                directory: "CORP".into(),
                user_id: "alice".into()
            })
        );
        let session = serde_json::to_string(&Wire::SessionEnded {
            session: "ab12".into(),
        })
        .unwrap();
        assert_eq!(parse(&session), Some(Notice::SessionEnded("ab12".into())));
        assert_eq!(parse("{}"), None);
        assert_eq!(parse("not json"), None);
    }
}
