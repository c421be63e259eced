//! Server configuration: built-in defaults, then an optional TOML file, then
//! `MASHUP_*` environment variables (nested keys joined with `__`).
//!
//! `load.rs` reads the sources, `validate.rs` refuses wrong or dangerous
//! combinations; the sections live in `section.rs`, `qlik.rs` and `session.rs`.

mod describe;
mod load;
mod qlik;
mod section;
mod session;
#[cfg(test)]
mod tests;
mod validate;

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

pub use qlik::{QlikConfig, SessionSourceConfig};
pub use section::{
    EventsConfig, ExportConfig, LastViewConfig, LogConfig, LogFormat, LoginConfig, MetricsConfig,
    PageCacheConfig, ShutdownConfig, ThemeConfig, TlsConfig,
};
pub use session::SessionConfig;

/// Environment variable naming the configuration file (like `--config`).
pub const CONFIG_ENV: &str = "MASHUP_CONFIG";
/// Prefix of the environment variables that override single keys.
pub const ENV_PREFIX: &str = "MASHUP_";

/// Everything the server can be configured with. Every key is documented in
/// `config/example.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on; when absent, Leptos' `site-addr` (set by cargo-leptos).
    pub listen: Option<SocketAddr>,
    /// The URL users type (e.g. `https://mashup.example.com`): the origin the
    /// same-origin rule expects; when https, the cookie is `Secure`.
    pub public_url: Option<String>,
    /// Reverse proxies (CIDRs) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Allow the embedded demo directory in front of a real Qlik site.
    pub allow_demo_directory: bool,
    /// Logging settings.
    pub log: LogConfig,
    /// Browser sessions and the persistent store.
    pub session: SessionConfig,
    /// Login policy.
    pub login: LoginConfig,
    /// https served by the server itself; absent: plain http.
    pub tls: Option<TlsConfig>,
    /// Where `/metrics` is served.
    pub metrics: MetricsConfig,
    /// The Qlik site.
    pub qlik: QlikConfig,
    /// The LDAP directory; when absent, the embedded demo directory is started.
    pub ldap: Option<directory::LdapConfig>,
    /// What the dashboard shows: the one-page shorthand (at `/`).
    pub dashboard: app::dashboard::config::DashboardConfig,
    /// Several pages, each with a path, a title, an app and its objects
    /// (instead of `[dashboard]`).
    pub pages: Vec<app::dashboard::config::PageConfig>,
    /// The company's look: product name, brand colour, logo.
    pub theme: ThemeConfig,
    /// Downloads of tables and charts.
    pub export: ExportConfig,
    /// The live event streams.
    pub events: EventsConfig,
    /// Rendered pages kept for refreshes with nothing changed.
    pub page_cache: PageCacheConfig,
    /// Each user's last views, served while Qlik is away or slow.
    pub last_view: LastViewConfig,
    /// Graceful shutdown.
    pub shutdown: ShutdownConfig,
}
