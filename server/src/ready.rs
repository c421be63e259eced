//! `/readyz`: is the server able to log people in and serve them? 200 when the
//! store is writable, Qlik's QPS answers, (unless embedded) the directory
//! accepts the service account and (several instances on PostgreSQL) the
//! logout notices of the other instances are heard; else 503 naming what
//! fails. `/healthz` stays
//! a liveness check (the process answers).

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qlik::qps::{QpsClient, UserRef};
use serde::Serialize;

/// Where readiness is served.
pub const PATH: &str = "/readyz";
/// Longest wait for any one dependency.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// A user id nobody has: listing its proxy sessions is a cheap QPS call.
const PROBE_USER: &str = "qlik-mashup-readiness-probe";

/// What the readiness check asks.
#[derive(Clone)]
pub struct Readiness {
    /// The persistent store.
    pub store: store::Store,
    /// Qlik's QPS.
    pub qps: QpsClient,
    /// The Qlik user directory (for the probe's user reference).
    pub user_directory: String,
    /// The configured LDAP directory; `None` when embedded (in-process).
    pub directory: Option<directory::Directory>,
    /// Whether the other instances' notices are heard; `None` on SQLite.
    pub notices: Option<store::NoticeHealth>,
}

/// The JSON body of `/readyz`.
#[derive(Debug, Serialize)]
struct Report {
    ready: bool,
    failing: Vec<&'static str>,
}

impl Readiness {
    /// The failing dependencies (`store`, `qps`, `directory`, `notices`);
    /// empty when ready.
    pub async fn failing(&self) -> Vec<&'static str> {
        let store = within(self.store.check_writable());
        let probe = UserRef::new(self.user_directory.clone(), PROBE_USER);
        let qps = within(self.qps.user_sessions(&probe));
        let directory = async {
            match &self.directory {
                Some(directory) => within(directory.check()).await,
                None => true,
            }
        };
        let (store, qps, directory) = tokio::join!(store, qps, directory);
        let notices = self.notices.as_ref().is_none_or(|n| n.is_listening());
        [
            ("store", store),
            ("qps", qps),
            ("directory", directory),
            ("notices", notices),
        ]
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| name)
        .collect()
    }

    /// The response for `GET /readyz`.
    pub async fn response(&self) -> Response {
        let failing = self.failing().await;
        if !failing.is_empty() {
            tracing::warn!(?failing, "not ready");
        }
        let status = if failing.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        let body = Report {
            ready: failing.is_empty(),
            failing,
        };
        (status, axum::Json(body)).into_response()
    }
}

/// Did `check` succeed in time?
async fn within<T, E: std::fmt::Display>(check: impl Future<Output = Result<T, E>>) -> bool {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(_)) => true,
        Ok(Err(error)) => {
            tracing::debug!(%error, "readiness check failed");
            false
        }
        Err(_) => false,
    }
}
