//! `[session]`: browser sessions and the persistent store.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

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
