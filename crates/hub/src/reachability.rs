//! Whether Qlik answers, as the operators hear it: one WARN when it stops
//! answering and one INFO when it answers again, not one per request or
//! per user; and the tabs that wait for it, woken once when it is back.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::session::EngineSession;
use crate::shared::Shared;
use store::EngineKey;

/// The shortest pause between two attempts of a waiting tab's reviver.
const MIN_RETRY: Duration = Duration::from_millis(50);

/// True for the failures that mean Qlik cannot be reached or does not
/// answer (network, TLS, the proxy, a deadline), rather than a refusal.
pub fn is_outage(error: &Error) -> bool {
    matches!(
        error,
        Error::ProxySessionGone
            | Error::Qlik(
                qlik::Error::Transport(_)
                    | qlik::Error::Timeout
                    | qlik::Error::ConnectionLost
                    | qlik::Error::UntrustedServer(_)
                    | qlik::Error::BadResponse(_)
            )
    )
}

/// The hub's view of Qlik: answering or not, and who is being revived.
#[derive(Debug, Default)]
pub(crate) struct Reachability {
    down: AtomicBool,
    reviving: Mutex<HashSet<EngineKey>>,
}

impl Reachability {
    /// An attempt to reach Qlik failed with `error`: the first such failure
    /// after Qlik answered is logged (WARN), later ones are not.
    pub(crate) fn failed(&self, error: &Error) {
        if is_outage(error) && !self.down.swap(true, Ordering::AcqRel) {
            tracing::warn!(%error, "Qlik Sense is not reachable: pages are served from the last views kept until it answers again");
        }
    }

    /// Qlik answered: logged (INFO) once after an outage.
    pub(crate) fn answered(&self) {
        if self.down.swap(false, Ordering::AcqRel) {
            tracing::info!("Qlik Sense answers again: pages are live");
        }
    }

    /// True while Qlik is taken to be away.
    pub(crate) fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }
}

impl Hub {
    /// The user's engine session on `app_id` whether or not Qlik answers now:
    /// for an event stream opened while Qlik is away (the tab shows a kept
    /// view). Without a socket, one task per session keeps trying (within
    /// the backoff) for as long as a tab listens; the socket it opens
    /// announces one change to every tab.
    pub fn waiting_session_in(
        &self,
        app_id: &str,
        directory: &str,
        user_id: &str,
        attributes: &[(String, String)],
    ) -> Result<Arc<EngineSession>> {
        let session = self.entry(app_id, directory, user_id, attributes)?;
        if !session.has_socket() {
            revive(self.shared.clone(), &session);
        }
        Ok(session)
    }

    /// Qlik is taken to be away now (the last attempt to reach it failed).
    pub fn qlik_down(&self) -> bool {
        self.shared.reachability.is_down()
    }
}

/// Starts the session's reviver unless one runs.
fn revive(shared: Arc<Shared>, session: &Arc<EngineSession>) {
    if !lock(&shared.reachability.reviving).insert(session.key().clone()) {
        return;
    }
    let weak = Arc::downgrade(session);
    tokio::spawn(async move {
        loop {
            let Some(session) = weak.upgrade() else { break };
            let wait = session.retry_wait().max(MIN_RETRY);
            let key = session.key().clone();
            drop(session);
            tokio::time::sleep(wait).await;
            let Some(session) = weak.upgrade() else { break };
            // Nobody waits any more: stop (a page load tries by itself).
            if !session.has_listeners() {
                lock(&shared.reachability.reviving).remove(&key);
                return;
            }
            match session.ensure_socket().await {
                Ok(()) | Err(Error::NotLoggedIn) => {
                    lock(&shared.reachability.reviving).remove(&key);
                    return;
                }
                Err(error) => tracing::debug!(user = %key.user_id, %error, "Qlik still away"),
            }
        }
    });
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_told_apart_from_refusals() {
        assert!(is_outage(&Error::Qlik(qlik::Error::Transport(
            "refused".into()
        ))));
        assert!(is_outage(&Error::Qlik(qlik::Error::Timeout)));
        assert!(is_outage(&Error::ProxySessionGone));
        assert!(!is_outage(&Error::Qlik(qlik::Error::SessionLimit)));
        assert!(!is_outage(&Error::NotLoggedIn));
        assert!(!is_outage(&Error::Store("down".into())));
    }

    #[test]
    fn the_state_flips_once_each_way() {
        let reachability = Reachability::default();
        assert!(!reachability.is_down());
        reachability.failed(&Error::Qlik(qlik::Error::Timeout));
        reachability.failed(&Error::Qlik(qlik::Error::Timeout));
        assert!(reachability.is_down());
        reachability.answered();
        assert!(!reachability.is_down());
        reachability.failed(&Error::Qlik(qlik::Error::SessionLimit));
        assert!(!reachability.is_down(), "a refusal is not an outage");
    }
}
