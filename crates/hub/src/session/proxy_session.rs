//! How an engine session gets its Qlik proxy session: reattach with the
//! stored cookie, or make a new one (one per user at a time, across
//! instances), and end it when the user's groups changed.

use std::sync::atomic::Ordering;

use qlik::proxy::SessionCookie;
use qlik::qix::SessionState;

use super::{EngineSession, Opening, lock};
use crate::config::SessionSource;
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

/// Attribute lists compared as sets (Qlik does not keep their order).
fn same_attributes(a: &[(String, String)], b: &[(String, String)]) -> bool {
    let sorted = |list: &[(String, String)]| {
        let mut list = list.to_vec();
        list.sort();
        list.dedup();
        list
    };
    sorted(a) == sorted(b)
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
        let stored = self.stored_cookie().await?;
        let first_ever = stored.is_none();
        let tried = stored.as_ref().map(|c| c.value.clone());
        let outcome = match stored {
            Some(cookie) => self.attach(cookie, &selections).await?,
            None => None,
        };
        let (socket, state, fresh) = match outcome {
            Some((socket, state)) => (socket, state, false),
            None if opening == Opening::ReattachOnly => return Err(Error::ProxySessionGone),
            None => {
                // Another instance may be making this user's Qlik session
                // right now: one at a time per user, across instances.
                let lock = store.lock_user(&self.key).await?;
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
        tracing::info!(user = %self.key.user_id, ?state, "engine socket open");
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
        match socket::connect(&self.shared.config, &cookie, selections).await {
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
        if let Some(cookie) = self.stored_cookie().await?
            && Some(&cookie.value) != tried.as_ref()
            && let Some((socket, state)) = self.attach(cookie, selections).await?
        {
            return Ok((socket, state, false));
        }
        let cookie = self.new_proxy_session().await?;
        let (socket, state) = socket::connect(&self.shared.config, &cookie, selections).await?;
        Ok((socket, state, first_ever))
    }

    /// The stored proxy-session cookie. One that no longer unseals (the
    /// sealing key was lost or changed) counts as absent: a new proxy session
    /// replaces it, instead of failing every request from now on.
    async fn stored_cookie(&self) -> Result<Option<QlikCookie>> {
        match self.shared.store.qlik_cookie(&self.key).await {
            Err(store::Error::Unseal | store::Error::Corrupt(_)) => {
                tracing::warn!(user = %self.key.user_id, "the stored Qlik cookie does not open with the current key: making a new Qlik session");
                Ok(None)
            }
            other => Ok(other?),
        }
    }

    async fn new_proxy_session(&self) -> Result<SessionCookie> {
        let config = &self.shared.config;
        let user = qlik::qps::UserRef::new(&self.key.directory, &self.key.user_id);
        let attributes = lock(&self.attributes).clone();
        let cookie = match config.session_source {
            SessionSource::Ticket => {
                Metrics::bump(&self.shared.metrics.tickets_requested);
                let ticket = config.qps.ticket(&user, &attributes).await?;
                config.proxy.redeem_ticket(&ticket).await?
            }
            SessionSource::SessionApi => {
                let id = store::SessionToken::generate();
                config
                    .qps
                    .add_session(&user, &attributes, id.expose())
                    .await?;
                SessionCookie::new(config.proxy.session_cookie_name(), id.expose())
            }
        };
        self.shared
            .store
            .save_qlik_cookie(
                &self.key,
                &QlikCookie {
                    name: cookie.name().to_owned(),
                    value: cookie.expose_value().to_owned(),
                },
            )
            .await?;
        *lock(&self.bound) = Some(attributes);
        Ok(cookie)
    }

    /// At login: when the user's directory groups differ from the attributes
    /// of the Qlik session held for them, that Qlik session ends (deleted at
    /// QPS, cookie forgotten, selections kept) and the next socket is opened
    /// on a new one made with `attributes`.
    pub(crate) async fn rebind(&self, attributes: &[(String, String)]) -> Result<()> {
        let _turn = self.turn.lock().await;
        let mut socket = self.socket.lock().await;
        *lock(&self.attributes) = attributes.to_vec();
        let known = lock(&self.bound).clone();
        let stored = self.stored_cookie().await?;
        let Some(cookie) = stored else {
            return Ok(());
        };
        let held = match known {
            Some(held) => held,
            // Found through the stored cookie (e.g. after a restart): ask QPS.
            None => match self.shared.config.qps.session(&cookie.value).await {
                Ok(session) => session
                    .attributes
                    .into_iter()
                    .map(|a| (a.name, a.value))
                    .collect(),
                Err(qlik::Error::NotFound) => return Ok(()),
                Err(other) => return Err(other.into()),
            },
        };
        if same_attributes(&held, attributes) {
            *lock(&self.bound) = Some(held);
            return Ok(());
        }
        tracing::info!(user = %self.key.user_id, "directory groups changed: ending the Qlik session made with the old ones");
        if let Some(live) = socket.take() {
            live.connection.close();
        }
        self.socket_up.store(false, Ordering::Release);
        self.invalidate_all();
        let selections = self.shared.store.selections(&self.key).await?;
        self.shared.store.forget_qlik_session(&self.key).await?;
        self.shared
            .store
            .save_selections(&self.key, &selections)
            .await?;
        *lock(&self.bound) = None;
        match self.shared.config.qps.delete_session(&cookie.value).await {
            Ok(()) | Err(qlik::Error::NotFound) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn attributes_compare_as_sets() {
        let a = pairs(&[("Group", "Sales"), ("Group", "EMEA")]);
        let b = pairs(&[("Group", "EMEA"), ("Group", "Sales"), ("Group", "Sales")]);
        assert!(same_attributes(&a, &b));
        assert!(!same_attributes(&a, &pairs(&[("Group", "Sales")])));
        assert!(same_attributes(&[], &[]));
    }
}
