//! Expired browser sessions are deleted when next used; this sweep deletes
//! the ones nobody comes back for, so the store does not grow forever.

use std::time::Duration;

/// How often the store is swept.
const EVERY: Duration = Duration::from_secs(5 * 60);

/// Sweeps every [`EVERY`] until `stop` completes.
pub async fn run(
    store: store::Store,
    idle: Duration,
    absolute: Duration,
    stop: impl Future<Output = ()>,
) -> Result<(), crate::ServerError> {
    let sweeping = async {
        let mut ticks = tokio::time::interval(EVERY);
        loop {
            ticks.tick().await;
            match store.delete_expired_browser_sessions(idle, absolute).await {
                Ok(0) => {}
                Ok(swept) => tracing::info!(swept, "expired browser sessions deleted"),
                Err(error) => tracing::warn!(%error, "sweeping expired browser sessions failed"),
            }
        }
    };
    tokio::select! {
        () = sweeping => {},
        () = stop => {},
    }
    Ok(())
}
