//! Notices between instances (PostgreSQL `LISTEN/NOTIFY`): a user who
//! logs out on one instance has their event streams ended on every other
//! one too, and a new login in a browser ends the streams of the session it
//! replaced wherever they are. The browser sessions are gone from the shared
//! store already, so no stream or page of theirs can come back.
//!
//! The listener reconnects by itself after an outage; notices sent while it
//! was down are lost, so it then ends every open stream whose browser
//! session the store no longer has (`/readyz` says `notices` meanwhile).

use std::time::Duration;

use app::server::Streams;
use store::{Notice, Notices, Store};

/// The store and the session timeouts, to check open streams against.
pub struct Sessions {
    /// The shared store.
    pub store: Store,
    /// `session.idle_timeout`.
    pub idle: Duration,
    /// `session.absolute_timeout`.
    pub absolute: Duration,
}

/// Ends the streams that the notices of every instance (this one included)
/// say have ended, until `stop` completes.
pub async fn run(
    mut notices: Notices,
    sessions: Sessions,
    streams: Streams,
    stop: impl Future<Output = ()>,
) -> Result<(), crate::ServerError> {
    let following = async {
        loop {
            match notices.next().await {
                Notice::LoggedOut { directory, user_id } => streams.end_user(&directory, &user_id),
                Notice::SessionEnded(digest) => streams.end_session_digest(&digest),
                Notice::Resumed => end_streams_of_gone_sessions(&sessions, &streams).await,
            }
        }
    };
    tokio::select! {
        _ = following => {}
        () = stop => {}
    }
    Ok(())
}

/// After missed notices: every open stream whose browser session the store
/// no longer has ends (a logout or new login elsewhere during the outage).
async fn end_streams_of_gone_sessions(sessions: &Sessions, streams: &Streams) {
    let mut ended = 0;
    for token in streams.sessions() {
        let end = sessions
            .store
            .browser_session_end(&token, sessions.idle, sessions.absolute)
            .await;
        match end {
            Ok(Some(_)) => {}
            Ok(None) => {
                streams.end_session(&token);
                ended += 1;
            }
            Err(error) => {
                tracing::warn!(%error, "checking open streams against the store failed");
                return;
            }
        }
    }
    tracing::info!(ended, "open streams checked after missed notices");
}
