//! What a user's engine sessions (one per app) share: their one Qlik proxy
//! session — its stored cookie, the attributes it is made with — and the rule
//! that only one of them makes a new one at a time.

use std::sync::{Arc, Mutex};

use qlik::proxy::SessionCookie;

use crate::config::SessionSource;
use crate::error::Result;
use crate::metrics::Metrics;
use crate::shared::Shared;
use store::{QlikCookie, UserKey};

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
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

/// A user's Qlik proxy session, shared by their engine sessions on every app.
pub(crate) struct ProxyUser {
    key: UserKey,
    /// The attributes (groups) a new proxy session is made with.
    attributes: Mutex<Vec<(String, String)>>,
    /// The attributes of the proxy session held now, when this server made
    /// it (`None` when it was found through the stored cookie).
    bound: Mutex<Option<Vec<(String, String)>>>,
    /// One new proxy session at a time for this user on this instance (the
    /// store's user lock does the same across instances).
    starting: tokio::sync::Mutex<()>,
    shared: Arc<Shared>,
}

impl ProxyUser {
    pub(crate) fn new(
        key: UserKey,
        attributes: Vec<(String, String)>,
        shared: Arc<Shared>,
    ) -> Self {
        Self {
            key,
            attributes: Mutex::new(attributes),
            bound: Mutex::new(None),
            starting: tokio::sync::Mutex::new(()),
            shared,
        }
    }

    /// Whose proxy session this is.
    pub(crate) fn key(&self) -> &UserKey {
        &self.key
    }

    /// Waits for this user's turn to make a proxy session (on this instance).
    pub(crate) async fn starting(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.starting.lock().await
    }

    /// The stored proxy-session cookie. One that no longer unseals (the
    /// sealing key was lost or changed) counts as absent: a new proxy session
    /// replaces it, instead of failing every request from now on.
    pub(crate) async fn stored_cookie(&self) -> Result<Option<QlikCookie>> {
        match self.shared.store.qlik_cookie(&self.key).await {
            Err(store::Error::Unseal | store::Error::Corrupt(_)) => {
                tracing::warn!(user = %self.key.user_id, "the stored Qlik cookie does not open with the current key: making a new Qlik session");
                Ok(None)
            }
            other => Ok(other?),
        }
    }

    /// Makes a new proxy session with the user's attributes and stores its
    /// cookie (callers hold the user's turn).
    pub(crate) async fn new_proxy_session(&self) -> Result<SessionCookie> {
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
    /// of the Qlik proxy session held for them, that session ends (deleted at
    /// QPS, cookie forgotten, selections kept) and the next socket of any app
    /// is opened on a new one made with `attributes`. True when it ended:
    /// the caller then closes the sockets still open on it.
    pub(crate) async fn rebind(&self, attributes: &[(String, String)]) -> Result<bool> {
        let _turn = self.starting().await;
        *lock(&self.attributes) = attributes.to_vec();
        let known = lock(&self.bound).clone();
        let Some(cookie) = self.stored_cookie().await? else {
            return Ok(false);
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
                Err(qlik::Error::NotFound) => return Ok(false),
                Err(other) => return Err(other.into()),
            },
        };
        if same_attributes(&held, attributes) {
            *lock(&self.bound) = Some(held);
            return Ok(false);
        }
        tracing::info!(user = %self.key.user_id, "directory groups changed: ending the Qlik session made with the old ones");
        self.shared.store.forget_qlik_cookie(&self.key).await?;
        *lock(&self.bound) = None;
        match self.shared.config.qps.delete_session(&cookie.value).await {
            Ok(()) | Err(qlik::Error::NotFound) => Ok(true),
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
