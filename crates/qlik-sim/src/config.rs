//! The simulator's settings.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Certificate files: TLS on both listeners (the proxy serves `https://` and
/// `wss://`), client certificates on QPS only, as in Qlik.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// Server certificate chain (PEM), for both listeners.
    pub cert: PathBuf,
    /// Server private key (PEM).
    pub key: PathBuf,
    /// CA whose client certificates QPS requires (PEM); none: no client auth.
    /// The proxy never asks for one.
    pub client_ca: Option<PathBuf>,
}

/// Settings; [`SimConfig::default`] listens on free loopback ports.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Proxy listener (pages and engine WebSockets).
    pub proxy_addr: SocketAddr,
    /// QPS listener.
    pub qps_addr: SocketAddr,
    /// Virtual proxy prefix; empty for the default virtual proxy.
    pub virtual_proxy: String,
    /// Folder of apps (sub-folders with `app.toml`, or unbuilt with
    /// `config.yml`); none: the built-in apps
    /// (`sample-sales`, `sample-support`).
    pub apps_dir: Option<PathBuf>,
    /// Order lines of the built-in sample sales app.
    pub sample_rows: usize,
    /// Parallel proxy sessions per user (Qlik: 5).
    pub max_sessions: usize,
    /// Proxy session inactivity timeout (Qlik: 30 min).
    pub session_timeout: Duration,
    /// Ticket lifetime (Qlik: 1 min).
    pub ticket_ttl: Duration,
    /// Require `qlik-csrf-token` on WebSocket upgrades (QSEoW November 2024).
    pub ws_csrf: bool,
    /// TLS on the QPS and proxy listeners.
    pub tls: Option<TlsFiles>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            proxy_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            qps_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            virtual_proxy: String::new(),
            apps_dir: None,
            sample_rows: crate::data::DEFAULT_ROWS,
            max_sessions: 5,
            session_timeout: Duration::from_secs(30 * 60),
            ticket_ttl: Duration::from_secs(60),
            ws_csrf: false,
            tls: None,
        }
    }
}

impl SimConfig {
    /// The proxy session cookie name: `X-Qlik-Session`, `-{prefix}` for a
    /// named virtual proxy, then `-HTTP` when the proxy listener is plain http
    /// (nothing over https, as Qlik names it).
    pub fn cookie_name(&self) -> String {
        let mut name = "X-Qlik-Session".to_owned();
        if !self.virtual_proxy.is_empty() {
            name.push('-');
            name.push_str(&self.virtual_proxy);
        }
        if self.tls.is_none() {
            name.push_str("-HTTP");
        }
        name
    }

    /// `/{prefix}` or the empty string.
    pub(crate) fn path_prefix(&self) -> String {
        if self.virtual_proxy.is_empty() {
            String::new()
        } else {
            format!("/{}", self.virtual_proxy)
        }
    }
}
