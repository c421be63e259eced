//! Server configuration: built-in defaults, then an optional TOML file, then
//! `MASHUP_*` environment variables (nested keys joined with `__`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::error::ServerError;

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
    /// Graceful shutdown.
    pub shutdown: ShutdownConfig,
}

/// The company's look, applied without rebuilding: CSS custom properties and
/// the top bar's name and logo. Qlik's selection colours stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeConfig {
    /// The name in the top bar and the browser's title.
    pub product_name: String,
    /// The brand colour (`#rrggbb`): top bar, links, buttons, focus rings.
    pub brand_colour: String,
    /// A logo (SVG, PNG or JPEG file) shown in the top bar; absent: a mark in
    /// the brand colour.
    pub logo: Option<PathBuf>,
}

impl Default for ThemeConfig {
    fn default() -> Self {
        Self {
            product_name: "qlik-mashup".into(),
            brand_colour: "#1f3a5f".into(),
            logo: None,
        }
    }
}

/// Downloads of tables and charts (`/export/{id}.csv` and `.xlsx`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// Most rows one download holds; a larger one is refused with a message
    /// asking for a narrower selection.
    pub max_rows: u32,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self { max_rows: 100_000 }
    }
}

/// The live event streams (`/api/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    /// Open streams allowed per user (every tab holds one); past it the
    /// user's oldest stream ends.
    pub max_streams_per_user: usize,
}

impl Default for EventsConfig {
    fn default() -> Self {
        Self {
            max_streams_per_user: 64,
        }
    }
}

/// Rendered dashboard pages kept and served again while the engine shows
/// the user nothing new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PageCacheConfig {
    /// Most KiB of pages kept, all users together (least recently used go
    /// first); 0 renders every page.
    pub max_kib: u64,
}

impl Default for PageCacheConfig {
    fn default() -> Self {
        Self { max_kib: 8192 }
    }
}

/// What happens on SIGTERM/SIGINT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShutdownConfig {
    /// How long in-flight requests may take to finish after the signal
    /// (event streams end at once); then the process exits regardless.
    #[serde(with = "humantime_serde")]
    pub drain: Duration,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        Self {
            drain: Duration::from_secs(4),
        }
    }
}

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
    /// Embedded simulator: its QPS address (port 0: any free port).
    pub embedded_qps: SocketAddr,
    /// Embedded simulator: its proxy address.
    pub embedded_proxy: SocketAddr,
    /// Embedded simulator: order lines of the sample app.
    pub embedded_rows: usize,
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
            embedded_qps: SocketAddr::from(([127, 0, 0, 1], 0)),
            embedded_proxy: SocketAddr::from(([127, 0, 0, 1], 0)),
            embedded_rows: 100_000,
        }
    }
}

/// The server's own certificate, for https without a reverse proxy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain (the server's certificate first).
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// Where the Prometheus metrics are served.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// A separate address for `/metrics` (e.g. `127.0.0.1:9100`); absent:
    /// `/metrics` is served on the public listener.
    pub listen: Option<SocketAddr>,
}

/// Browser sessions and the persistent store.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// The shared store of several instances, `postgres://…`; empty: the
    /// SQLite file `store_path` (one instance). `sqlite://PATH` also works.
    pub store_url: String,
    /// SQLite file holding browser sessions and sealed Qlik cookies.
    pub store_path: PathBuf,
    /// Base64 of 32 random bytes sealing Qlik cookies at rest. When empty, a
    /// key is generated once into `key_file`.
    pub key: String,
    /// Where the generated key is kept when `key` is empty.
    pub key_file: PathBuf,
    /// Mark the cookie `Secure` and name it `__Host-…` even without an https
    /// `public_url` or `[tls]` (which imply it).
    pub secure_cookie: bool,
    /// A session unused this long ends (e.g. "30m").
    #[serde(with = "humantime_serde")]
    pub idle_timeout: Duration,
    /// A session ends this long after login (e.g. "12h").
    #[serde(with = "humantime_serde")]
    pub absolute_timeout: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            store_url: String::new(),
            store_path: PathBuf::from("data/mashup.sqlite"),
            key: String::new(),
            key_file: PathBuf::from("data/store.key"),
            secure_cookie: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 3600),
        }
    }
}

impl SessionConfig {
    /// The store is PostgreSQL (shared by several instances).
    pub fn is_postgres(&self) -> bool {
        self.store_url.starts_with("postgres://") || self.store_url.starts_with("postgresql://")
    }

    /// The store's URL: `store_url`, or the SQLite file `store_path`.
    pub fn url(&self) -> String {
        if self.store_url.is_empty() {
            format!("sqlite://{}", self.store_path.display())
        } else {
            self.store_url.clone()
        }
    }
}

/// The key is a secret: never in `Debug` output (nor the logs).
impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A PostgreSQL URL may carry a password: only its scheme is shown.
        let store_url = self
            .store_url
            .split_once("://")
            .map_or("", |(scheme, _)| scheme);
        f.debug_struct("SessionConfig")
            .field("store_url", &store_url)
            .field("store_path", &self.store_path)
            .field(
                "key",
                &if self.key.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .field("key_file", &self.key_file)
            .field("secure_cookie", &self.secure_cookie)
            .field("idle_timeout", &self.idle_timeout)
            .field("absolute_timeout", &self.absolute_timeout)
            .finish()
    }
}

/// Login policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoginConfig {
    /// Growing delays after failed attempts.
    pub throttle: auth::ThrottleConfig,
}

/// Logging settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A `tracing` filter such as `info` or `qlik_mashup=debug,info`.
    pub filter: String,
    /// `text` (for people) or `json` (one object a line, for log shippers).
    pub format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info".into(),
            format: LogFormat::Text,
        }
    }
}

impl Config {
    /// Loads the configuration: defaults, then `file` if given (it must exist),
    /// then the environment. Errors name the offending key and its source.
    pub fn load(file: Option<&Path>) -> Result<Self, ServerError> {
        Self::load_with_env(file, Env::prefixed(ENV_PREFIX))
    }

    fn load_with_env(file: Option<&Path>, env: Env) -> Result<Self, ServerError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ServerError::ConfigFileMissing(path.to_path_buf()));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let env = env.ignore(&["config"]).split("__");
        let error = |source| ServerError::Config {
            file: file.map(PathBuf::from),
            source: Box::new(source),
        };
        let config: Self = figment.merge(env).extract().map_err(error)?;
        if let Some(message) = config.qlik.incomplete_certificates() {
            return Err(error(figment::Error::from(message)));
        }
        Ok(config)
    }
}

impl QlikConfig {
    /// An incomplete certificate set, described by the missing key: the client
    /// certificate needs its key (and the key its certificate), and both need
    /// the root that QPS's certificate is checked against.
    fn incomplete_certificates(&self) -> Option<String> {
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

impl Config {
    /// Refuses wrong or dangerous combinations, naming the key to change.
    pub fn validate(&self) -> Result<(), ServerError> {
        let invalid = |key: &'static str, reason: &str| {
            Err(ServerError::Invalid {
                key,
                reason: reason.into(),
            })
        };
        if self.qlik.qps_url.is_some() && self.ldap.is_none() && !self.allow_demo_directory {
            return invalid(
                "ldap",
                "a real Qlik site (qlik.qps_url) needs a real directory: configure [ldap] \
                 (the demo directory's passwords are public; allow_demo_directory = true \
                 allows it anyway, for a demonstration)",
            );
        }
        let public = match &self.public_url {
            Some(url) => Some(
                PublicUrl::parse(url).map_err(|reason| ServerError::Invalid {
                    key: "public_url",
                    reason,
                })?,
            ),
            None => None,
        };
        let public_http = public.as_ref().is_some_and(|p| !p.https);
        if self.tls.is_some() && public_http {
            return invalid(
                "public_url",
                "is http, but [tls] makes the server serve https",
            );
        }
        if self.session.secure_cookie && public_http {
            return invalid(
                "session.secure_cookie",
                "a Secure cookie is never sent back over the http public_url",
            );
        }
        if self.session.is_postgres() && self.session.key.is_empty() {
            return invalid(
                "session.key",
                "must be set with a PostgreSQL store: every instance must open the Qlik \
                 cookies another sealed (a generated key file is one instance's own)",
            );
        }
        let url = &self.session.store_url;
        if !url.is_empty() && !url.starts_with("sqlite://") && !self.session.is_postgres() {
            return invalid(
                "session.store_url",
                "must be postgres://… (several instances) or sqlite://PATH (one)",
            );
        }
        if self.trusted_proxies.iter().any(|net| net.prefix_len() == 0) {
            return invalid(
                "trusted_proxies",
                "a /0 network trusts every client's X-Forwarded-For: list the proxies' addresses",
            );
        }
        if !self.pages.is_empty() && self.dashboard != Default::default() {
            return invalid(
                "dashboard",
                "set either [dashboard] (one page) or [[pages]], not both",
            );
        }
        if self.dashboard.path != "/" {
            return invalid(
                "dashboard.path",
                "[dashboard] is the one page at \"/\": use [[pages]] for pages at other paths",
            );
        }
        self.dashboard_pages()?;
        if !is_hex_colour(&self.theme.brand_colour) {
            return invalid("theme.brand_colour", "must be a colour like \"#1f3a5f\"");
        }
        if self.export.max_rows == 0 {
            return invalid("export.max_rows", "must be at least 1");
        }
        if let Some(metrics) = self.metrics.listen
            && metrics.port() != 0
            && Some(metrics) == self.listen
        {
            return invalid(
                "metrics.listen",
                "must differ from listen (the public listener)",
            );
        }
        Ok(())
    }

    /// The dashboard's pages: `[[pages]]`, or the one `[dashboard]`.
    pub fn dashboard_pages(&self) -> Result<app::dashboard::pages::Pages, ServerError> {
        if self.pages.is_empty() {
            return Ok(app::dashboard::pages::Pages::single(self.dashboard.clone()));
        }
        let pages = self.pages.iter().cloned().map(Into::into).collect();
        app::dashboard::pages::Pages::new(pages).map_err(|reason| ServerError::Invalid {
            key: "pages",
            reason,
        })
    }

    /// Do users reach the server over https (its own TLS, or an https `public_url`)?
    pub fn https(&self) -> bool {
        self.tls.is_some()
            || self
                .public_url
                .as_deref()
                .and_then(|url| PublicUrl::parse(url).ok())
                .is_some_and(|p| p.https)
    }

    /// Is the session cookie `Secure` (and `__Host-` prefixed)?
    pub fn secure_cookie(&self) -> bool {
        self.session.secure_cookie || self.https()
    }

    /// The origin of `public_url` (`https://host[:port]`), if set and valid.
    pub fn public_origin(&self) -> Option<String> {
        self.public_url
            .as_deref()
            .and_then(|url| PublicUrl::parse(url).ok())
            .map(|p| p.origin)
    }
}

/// `#rrggbb` (what a CSS custom property may safely hold).
fn is_hex_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// A parsed `public_url`.
struct PublicUrl {
    https: bool,
    /// `scheme://host[:port]`, lower-case, without a default port: what
    /// browsers send as `Origin`.
    origin: String,
}

impl PublicUrl {
    fn parse(url: &str) -> Result<Self, String> {
        let uri: http::Uri = url
            .parse()
            .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(format!("{url:?} must start with https:// or http://")),
        };
        let Some(host) = uri.host().filter(|h| !h.is_empty()) else {
            return Err(format!("{url:?} has no host"));
        };
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(format!(
                "{url:?}: the site must be served at the root (no path or query)"
            ));
        }
        let scheme = if https { "https" } else { "http" };
        let default_port = if https { 443 } else { 80 };
        let origin = match uri.port_u16() {
            Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
            _ => format!("{scheme}://{host}"),
        };
        Ok(Self {
            https,
            origin: origin.to_ascii_lowercase(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(contents: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        file.write_all(contents.as_bytes()).unwrap();
        file
    }

    fn no_env() -> Env {
        Env::prefixed("MASHUP_TEST_UNSET_PREFIX_")
    }

    #[test]
    fn defaults_without_a_file() {
        let config = Config::load_with_env(None, no_env()).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn the_example_file_documents_the_defaults() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/example.toml");
        let config = Config::load_with_env(Some(&example), no_env()).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn the_browser_suites_two_pages_load() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/mashup.toml");
        let config = Config::load_with_env(Some(&file), no_env()).unwrap();
        config.validate().unwrap();
        let pages = config.dashboard_pages().unwrap();
        let home = pages.get(None).unwrap();
        assert_eq!(
            home.config,
            app::dashboard::config::DashboardConfig::default()
        );
        assert_eq!(
            pages.get(Some("support")).unwrap().config.app_id,
            "sample-support"
        );
    }

    #[test]
    fn file_values_override_defaults() {
        let file = file_with("listen = \"127.0.0.1:4000\"\n[log]\nfilter = \"debug\"\n");
        let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
        assert_eq!(config.listen, Some("127.0.0.1:4000".parse().unwrap()));
        assert_eq!(config.log.filter, "debug");
    }

    #[test]
    fn unknown_key_names_the_key_and_the_file() {
        let file = file_with("[log]\nfilterr = \"debug\"\n");
        let message = Config::load_with_env(Some(file.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(message.contains("filterr"), "{message}");
        assert!(
            message.contains(&file.path().display().to_string()),
            "{message}"
        );
    }

    #[test]
    fn durations_are_human_readable() {
        let file =
            file_with("[session]\nidle_timeout = \"5m\"\n[login.throttle]\nfree_failures = 1\n");
        let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
        assert_eq!(config.session.idle_timeout, Duration::from_secs(300));
        assert_eq!(config.login.throttle.free_failures, 1);
    }

    #[test]
    fn wrong_type_names_the_key() {
        let file = file_with("listen = 3000\n");
        let message = Config::load_with_env(Some(file.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(message.contains("listen"), "{message}");
    }

    fn invalid_key(config: &Config) -> &'static str {
        match config.validate() {
            Err(ServerError::Invalid { key, .. }) => key,
            other => panic!("expected an invalid key, got {other:?}"),
        }
    }

    #[test]
    fn pages_or_dashboard_not_both_and_page_paths_are_checked() {
        use app::dashboard::config::PageConfig;
        let page = |path: &str| PageConfig {
            path: path.into(),
            app_id: "sample-sales".into(),
            title: "A page".into(),
            filters: Vec::new(),
            kpis: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
            masters: Vec::new(),
        };
        let key = |config: &Config| match config.validate() {
            Err(ServerError::Invalid { key, .. }) => key,
            other => panic!("{other:?}"),
        };
        let mut config = Config {
            pages: vec![page("/"), page("/support")],
            ..Config::default()
        };
        assert!(config.validate().is_ok());
        assert_eq!(config.dashboard_pages().unwrap().iter().count(), 2);
        config.dashboard.title = "Mine".into();
        assert_eq!(key(&config), "dashboard");
        let config = Config {
            pages: vec![page("/support")],
            ..Config::default()
        };
        assert_eq!(key(&config), "pages");
        let mut config = Config::default();
        config.dashboard.path = "/x".into();
        assert_eq!(key(&config), "dashboard.path");
        let mut config = Config::default();
        config.theme.brand_colour = "red; background: url(x)".into();
        assert_eq!(key(&config), "theme.brand_colour");
        let mut config = Config::default();
        config.export.max_rows = 0;
        assert_eq!(key(&config), "export.max_rows");
    }

    #[test]
    fn a_real_qlik_site_needs_ldap_or_an_explicit_demo_directory() {
        let mut config = Config::default();
        assert!(config.validate().is_ok(), "pure demo: both embedded");
        config.qlik.qps_url = Some("https://qlik.example.com:4243".into());
        assert_eq!(invalid_key(&config), "ldap");
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains("[ldap]"), "{message}");
        config.allow_demo_directory = true;
        assert!(config.validate().is_ok());
    }

    #[test]
    fn public_url_sets_the_origin_and_https() {
        let mut config = Config::default();
        assert!(!config.https());
        config.public_url = Some("https://Mashup.Example.com:443/".into());
        assert!(config.validate().is_ok());
        assert!(config.https() && config.secure_cookie());
        assert_eq!(
            config.public_origin().as_deref(),
            Some("https://mashup.example.com")
        );
        config.public_url = Some("http://mashup.example.com:8080".into());
        assert!(!config.secure_cookie());
        assert_eq!(
            config.public_origin().as_deref(),
            Some("http://mashup.example.com:8080")
        );
        for wrong in [
            "mashup.example.com",
            "ftp://x",
            "https://x/app",
            "https://x/?a=b",
        ] {
            config.public_url = Some(wrong.into());
            assert_eq!(invalid_key(&config), "public_url", "{wrong}");
        }
    }

    #[test]
    fn dangerous_combinations_name_their_key() {
        let mut config = Config {
            public_url: Some("http://mashup.example.com".into()),
            ..Config::default()
        };
        config.session.secure_cookie = true;
        assert_eq!(invalid_key(&config), "session.secure_cookie");
        config.session.secure_cookie = false;
        config.tls = Some(TlsConfig {
            cert: "cert.pem".into(),
            key: "key.pem".into(),
        });
        assert_eq!(invalid_key(&config), "public_url");
        let mut config = Config {
            listen: Some("127.0.0.1:3000".parse().unwrap()),
            ..Config::default()
        };
        config.metrics.listen = config.listen;
        assert_eq!(invalid_key(&config), "metrics.listen");
        let config = Config {
            trusted_proxies: vec!["0.0.0.0/0".parse().unwrap()],
            ..Config::default()
        };
        assert_eq!(invalid_key(&config), "trusted_proxies");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut config = Config::default();
        config.session.key = "c2VjcmV0LXNlYWxpbmcta2V5LWJhc2U2NC1ieXRlcyE=".into();
        config.ldap = Some(directory::LdapConfig {
            url: "ldaps://ldap.example.com".into(),
            starttls: false,
            ca_file: None,
            bind_dn: "cn=mashup,dc=example,dc=com".into(),
            bind_password: "ldap-service-secret".into(),
            base_dn: "dc=example,dc=com".into(),
            user_filter: "(uid={})".into(),
            user_id_attribute: "uid".into(),
            display_name_attribute: "cn".into(),
            groups: directory::GroupSource::Attribute {
                attribute: "memberOf".into(),
            },
            connect_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(5),
        });
        let debug = format!("{config:?} {config:#?}");
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
        assert!(!debug.contains("ldap-service-secret"), "{debug}");
        assert!(debug.contains("<redacted>"));
        assert!(debug.contains("cn=mashup"), "the rest is still shown");
    }

    #[test]
    fn trusted_proxies_and_new_sections_parse() {
        let file = file_with(
            "public_url = \"https://mashup.example.com\"\ntrusted_proxies = [\"10.0.0.0/8\", \"::1/128\"]\n\
             [log]\nformat = \"json\"\n[metrics]\nlisten = \"127.0.0.1:9100\"\n\
             [tls]\ncert = \"/etc/c.pem\"\nkey = \"/etc/k.pem\"\n",
        );
        let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
        assert_eq!(config.trusted_proxies.len(), 2);
        assert_eq!(config.log.format, LogFormat::Json);
        assert_eq!(
            config.metrics.listen,
            Some("127.0.0.1:9100".parse().unwrap())
        );
        assert_eq!(config.tls.unwrap().cert, PathBuf::from("/etc/c.pem"));
        let wrong = file_with("trusted_proxies = [\"10.0.0.0/33\"]\n");
        let message = Config::load_with_env(Some(wrong.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(message.contains("trusted_proxies"), "{message}");
    }

    #[test]
    fn missing_named_file_is_an_error() {
        let message = Config::load_with_env(Some(Path::new("/nonexistent/mashup.toml")), no_env())
            .unwrap_err()
            .to_string();
        assert!(message.contains("/nonexistent/mashup.toml"), "{message}");
    }

    #[test]
    fn an_incomplete_certificate_set_names_the_missing_key() {
        let cases = [
            (
                "client_cert = \"c.pem\"\nroot_ca = \"r.pem\"\n",
                "qlik.client_key",
            ),
            (
                "client_key = \"k.pem\"\nroot_ca = \"r.pem\"\n",
                "qlik.client_cert",
            ),
            (
                "client_cert = \"c.pem\"\nclient_key = \"k.pem\"\n",
                "qlik.root_ca",
            ),
        ];
        for (keys, missing) in cases {
            let file = file_with(&format!("[qlik]\n{keys}"));
            let message = Config::load_with_env(Some(file.path()), no_env())
                .unwrap_err()
                .to_string();
            assert!(
                message.contains(&format!("{missing} is missing")),
                "{message}"
            );
            assert!(
                message.contains(&file.path().display().to_string()),
                "{message}"
            );
        }
    }

    #[test]
    fn a_complete_certificate_set_or_a_root_alone_is_accepted() {
        let file = file_with(
            "[qlik]\nclient_cert = \"c.pem\"\nclient_key = \"k.pem\"\nroot_ca = \"r.pem\"\n",
        );
        let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
        assert_eq!(config.qlik.client_key, Some(PathBuf::from("k.pem")));
        let file = file_with("[qlik]\nroot_ca = \"r.pem\"\n");
        let config = Config::load_with_env(Some(file.path()), no_env()).unwrap();
        assert_eq!(config.qlik.root_ca, Some(PathBuf::from("r.pem")));
    }

    // `Jail`'s closure type is figment's; its error type is not ours to shrink.
    #[allow(clippy::result_large_err)]
    #[test]
    fn environment_overrides_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MASHUP_JAILTEST_LOG__FILTER", "warn");
            let file = file_with("[log]\nfilter = \"debug\"\n");
            let config =
                Config::load_with_env(Some(file.path()), Env::prefixed("MASHUP_JAILTEST_"))
                    .unwrap();
            assert_eq!(config.log.filter, "warn");
            Ok(())
        });
    }
}
