//! Logout notices between instances (PostgreSQL `LISTEN/NOTIFY`): a user who
//! logs out on one instance has their event streams ended on every other
//! one too. Their browser sessions are gone from the shared store already,
//! so no stream or page of theirs can come back.

use app::server::Streams;
use futures::StreamExt;

/// Ends the streams of every user another instance (or this one) reports
/// logged out, until `stop` completes. Nothing to do on SQLite.
pub async fn run(
    store: store::Store,
    url: String,
    streams: Streams,
    stop: impl Future<Output = ()>,
) -> Result<(), crate::ServerError> {
    let notices = match store.logout_notices(&url).await {
        Ok(Some(notices)) => notices,
        Ok(None) => return Ok(()),
        Err(error) => return Err(crate::ServerError::Store(error.to_string())),
    };
    let following = notices.for_each(|(directory, user_id)| {
        streams.end_user(&directory, &user_id);
        async {}
    });
    tokio::select! {
        () = following => tracing::warn!("the logout notice channel closed"),
        () = stop => {},
    }
    Ok(())
}
