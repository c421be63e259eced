//! What the hub needs to know about the Qlik site and the dashboard.

use std::time::Duration;

use serde_json::Value;

/// How the hub gets a proxy session for a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionSource {
    /// Request a ticket and redeem it with a GET under the virtual proxy.
    Ticket,
    /// Create the session with the QPS session API and a random id.
    SessionApi,
}

/// A dashboard object the hub keeps per engine session.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectDef {
    /// A session object created from these properties; `id` becomes its `qInfo.qId`.
    Session {
        /// Stable id (the dashboard refers to it).
        id: String,
        /// Generic object properties (`qInfo.qType`, `qHyperCubeDef`, …).
        properties: Value,
    },
    /// A master object of the app, by id.
    Master {
        /// The app object's id.
        id: String,
    },
}

impl ObjectDef {
    /// The object's id.
    pub fn id(&self) -> &str {
        match self {
            ObjectDef::Session { id, .. } | ObjectDef::Master { id } => id,
        }
    }
}

/// An app the dashboard shows, with the objects to hold in every user's
/// engine session on it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppObjects {
    /// The app's id.
    pub app_id: String,
    /// The objects to hold per session.
    pub objects: Vec<ObjectDef>,
}

/// The hub's settings.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// The QPS client.
    pub qps: qlik::qps::QpsClient,
    /// The proxy client (ticket redemption).
    pub proxy: qlik::proxy::Proxy,
    /// Base of the engine URL (`wss://qlik` or `ws://127.0.0.1:port`).
    pub engine_base: String,
    /// The virtual proxy prefix.
    pub virtual_proxy: String,
    /// The apps the dashboard's pages show (at least one; the first is the
    /// default of [`crate::Hub::session`]). A user has one engine socket per
    /// app, all on their one Qlik proxy session.
    pub apps: Vec<AppObjects>,
    /// The engine session's `/ttl/` in seconds (how long it survives a dropped socket).
    pub ttl_seconds: u32,
    /// How proxy sessions are made.
    pub session_source: SessionSource,
    /// Close a user's socket (not their Qlik session) after this long unused.
    pub idle_eviction: Duration,
    /// While the user is active, send a cheap call this often to keep the proxy session.
    pub keepalive_interval: Duration,
    /// `Origin` header for the engine socket, if the proxy wants one.
    pub origin: Option<String>,
    /// Ask the proxy for a CSRF token before each upgrade (QSEoW Nov 2024+).
    pub ws_csrf: bool,
    /// The CA of the engine's `wss://` certificate; none: the web PKI roots.
    pub root_ca: Option<qlik::RootCertificates>,
}
