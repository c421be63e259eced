//! `[qlik]`: the Qlik site, or the embedded simulator.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The Qlik site. Without `qps_url`, an embedded qlik-sim is started on
/// loopback ports (the development and test default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QlikConfig {
    /// The Qlik user directory every user is given (e.g. `CORP`).
    pub user_directory: String,
    /// QPS base URL, e.g. `https://qlik:4243`; absent: the embedded simulator.
    pub qps_url: Option<String>,
    /// The proxy's base URL, e.g. `https://qlik` (required with `qps_url`).
    pub proxy_url: Option<String>,
    /// Virtual proxy prefix (empty: the default virtual proxy).
    pub virtual_proxy: String,
    /// Qlik's exported client certificate (`client.pem`).
    pub client_cert: Option<PathBuf>,
    /// Its key (`client_key.pem`).
    pub client_key: Option<PathBuf>,
    /// The CA of the Qlik server certificates (`root.pem`).
    pub root_ca: Option<PathBuf>,
    /// How long an engine session outlives a dropped socket (the URL's `/ttl/`).
    #[serde(with = "humantime_serde")]
    pub engine_ttl: Duration,
    /// `ticket` (request and redeem a ticket) or `session_api` (QPS session API).
    pub session_source: SessionSourceConfig,
    /// While a user is active, a cheap engine call this often keeps the proxy session.
    #[serde(with = "humantime_serde")]
    pub keepalive_interval: Duration,
    /// Close an unused user's socket (not their Qlik session) after this long.
    #[serde(with = "humantime_serde")]
    pub idle_eviction: Duration,
    /// `Origin` sent on the engine socket (must be in the virtual proxy's white list).
    pub origin: Option<String>,
    /// Fetch and send the proxy's WebSocket CSRF token (QSEoW November 2024+).
    pub ws_csrf: bool,
    /// How long a page waits for Qlik (its engine session and layouts)
    /// before the user's last view kept is served, marked as such.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// Embedded simulator: its QPS address (port 0: any free port).
    pub embedded_qps: SocketAddr,
    /// Embedded simulator: its proxy address.
    pub embedded_proxy: SocketAddr,
    /// Embedded simulator: order lines of the sample app.
    pub embedded_rows: usize,
    /// Embedded simulator: a folder of apps to serve instead of the built-in
    /// samples (unbuilt with `qlik app unbuild`, with `data/*.csv`).
    pub embedded_apps: Option<PathBuf>,
}

/// How proxy sessions are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionSourceConfig {
    /// A ticket, redeemed with a GET under the virtual proxy.
    Ticket,
    /// The QPS session API with a random session id.
    SessionApi,
}

impl Default for QlikConfig {
    fn default() -> Self {
        Self {
            user_directory: "CORP".into(),
            qps_url: None,
            proxy_url: None,
            virtual_proxy: String::new(),
            client_cert: None,
            client_key: None,
            root_ca: None,
            engine_ttl: Duration::from_secs(300),
            session_source: SessionSourceConfig::Ticket,
            keepalive_interval: Duration::from_secs(240),
            idle_eviction: Duration::from_secs(15 * 60),
            origin: None,
            ws_csrf: false,
            request_timeout: Duration::from_secs(10),
            embedded_qps: SocketAddr::from(([127, 0, 0, 1], 0)),
            embedded_proxy: SocketAddr::from(([127, 0, 0, 1], 0)),
            embedded_rows: 100_000,
            embedded_apps: None,
        }
    }
}

impl QlikConfig {
    /// An incomplete certificate set, described by the missing key: the client
    /// certificate needs its key (and the key its certificate), and both need
    /// the root that QPS's certificate is checked against.
    pub(super) fn incomplete_certificates(&self) -> Option<String> {
        let missing = |key: &str, because: &str| Some(format!("qlik.{key} is missing: {because}"));
        match (&self.client_cert, &self.client_key, &self.root_ca) {
            (Some(_), None, _) => missing("client_key", "qlik.client_cert needs its key"),
            (None, Some(_), _) => missing("client_cert", "qlik.client_key needs its certificate"),
            (Some(_), Some(_), None) => missing(
                "root_ca",
                "the client certificate needs the CA of Qlik's certificates",
            ),
            _ => None,
        }
    }
}
