//! How an engine session gets its socket on the user's one Qlik proxy
//! session: reattach with the stored cookie, or make a new proxy session (one
//! per user at a time, across apps and instances).

use std::sync::atomic::Ordering;

use qlik::proxy::SessionCookie;
use qlik::qix::SessionState;

use super::{EngineSession, Opening};
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::socket::{self, EngineSocket};
use store::{FieldSelection, QlikCookie};

/// The proxy no longer knows the session cookie: a new proxy session is needed.
fn proxy_session_gone(error: &qlik::Error) -> bool {
    matches!(
        error,
        qlik::Error::AuthenticationRequired | qlik::Error::SessionEnded(_)
    )
}

impl EngineSession {
    /// Reattaches with the stored cookie; if the proxy has forgotten it (or
    /// there is none, or it no longer unseals), one new proxy session. We
    /// hold the socket lock: single flight.
    pub(super) async fn connect(&self, opening: Opening) -> Result<EngineSocket> {
        let store = &self.shared.store;
        let selections = match store.selections(&self.key).await {
            Err(store::Error::Corrupt(reason)) => {
                tracing::warn!(user = %self.key.user_id, %reason, "stored selections unreadable: starting without them");
                Vec::new()
            }
            other => other?,
        };
        let stored = self.user.stored_cookie().await?;
        // A new engine session counts as made again (not fresh) when this
        // app was open before for the user: in this process, or as far as
        // the selections kept for it show.
        let first_ever = stored.is_none()
            || (!self.connected_before.load(Ordering::Acquire) && selections.is_empty());
        let tried = stored.as_ref().map(|c| c.value.clone());
        let outcome = match stored {
            Some(cookie) => self.attach(cookie, &selections).await?,
            None => None,
        };
        let (socket, state, fresh) = match outcome {
            Some((socket, state)) => (socket, state, false),
            None if opening == Opening::ReattachOnly => return Err(Error::ProxySessionGone),
            None => {
                // Another app's socket or another instance may be making
                // this user's Qlik session right now: one at a time per user.
                let _turn = self.user.starting().await;
                let lock = store.lock_user(self.user.key()).await?;
                let made = self.start_or_join(tried, &selections, first_ever).await;
                if let Err(error) = lock.release().await {
                    tracing::warn!(user = %self.key.user_id, %error, "releasing the user lock failed");
                }
                made?
            }
        };
        let metrics = &self.shared.metrics;
        Metrics::bump(&metrics.connects);
        match state {
            SessionState::Attached => Metrics::bump(&metrics.reattaches),
            _ if !fresh => Metrics::bump(&metrics.recreations),
            _ => {}
        }
        if state == SessionState::Created {
            self.restore_expansions(&socket).await;
        }
        self.connected_before.store(true, Ordering::Release);
        tracing::info!(user = %self.key.user_id, app = %self.key.app_id, ?state, "engine socket open");
        Ok(socket)
    }

    /// Attaches to the Qlik session of `cookie`; `None` when the proxy no
    /// longer knows it.
    async fn attach(
        &self,
        cookie: QlikCookie,
        selections: &[FieldSelection],
    ) -> Result<Option<(EngineSocket, SessionState)>> {
        let cookie = SessionCookie::new(cookie.name, cookie.value);
        match socket::connect(&self.shared.config, self.app(), &cookie, selections).await {
            Err(Error::Qlik(e)) if proxy_session_gone(&e) => Ok(None),
            other => other.map(Some),
        }
    }

    /// Under the user's lock: joins the Qlik session another instance made
    /// meanwhile (a stored cookie other than the one `tried`), or makes one.
    async fn start_or_join(
        &self,
        tried: Option<String>,
        selections: &[FieldSelection],
        first_ever: bool,
    ) -> Result<(EngineSocket, SessionState, bool)> {
        if let Some(cookie) = self.user.stored_cookie().await?
            && Some(&cookie.value) != tried.as_ref()
            && let Some((socket, state)) = self.attach(cookie, selections).await?
        {
            return Ok((socket, state, false));
        }
        let cookie = self.user.new_proxy_session().await?;
        let (socket, state) =
            socket::connect(&self.shared.config, self.app(), &cookie, selections).await?;
        Ok((socket, state, first_ever))
    }
}
