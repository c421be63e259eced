//! The smaller sections of the configuration: theme, downloads, event
//! streams, page cache, shutdown, TLS, metrics, login and logging.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

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

/// The last view of each user and page, kept in the store and served
/// (marked) while Qlik is away or slow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LastViewConfig {
    /// Most KiB (packed) of one user's kept views; 0: none kept.
    pub max_kib_per_user: u64,
    /// Most MiB (packed) of every user's kept views; 0: none kept.
    pub max_mib_total: u64,
}

impl Default for LastViewConfig {
    fn default() -> Self {
        Self {
            max_kib_per_user: 256,
            max_mib_total: 256,
        }
    }
}

impl LastViewConfig {
    /// The limits in bytes.
    pub fn limits(&self) -> store::LastViewLimits {
        store::LastViewLimits {
            per_user_bytes: self.max_kib_per_user.saturating_mul(1024),
            total_bytes: self.max_mib_total.saturating_mul(1024 * 1024),
        }
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
