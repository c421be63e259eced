//! The server binary's error type.

use std::path::PathBuf;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Everything that can stop the server from starting or serving.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The configuration file named by `--config` / `MASHUP_CONFIG` does not exist.
    #[error("configuration file {0} does not exist")]
    ConfigFileMissing(PathBuf),
    /// A key in the configuration has an unknown name or a wrong type: where
    /// (the environment variable, or the key and its file) and what is wrong,
    /// never the value.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A value or a combination of values is wrong or dangerous.
    #[error("configuration key `{key}`: {reason}")]
    Invalid {
        /// The key to change.
        key: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Leptos' own settings (from cargo-leptos' environment) are unusable.
    #[error("invalid Leptos settings: {0}")]
    Leptos(String),
    /// The session store (or its key) is unusable.
    #[error("session store: {0}")]
    Store(String),
    /// The directory settings are unusable or the embedded directory failed to start.
    #[error("directory: {0}")]
    Directory(String),
    /// The Qlik settings are unusable or the embedded simulator failed to start.
    #[error("qlik: {0}")]
    Qlik(String),
    /// The listening socket could not be opened, or serving failed.
    #[error("cannot serve on {addr}: {source}")]
    Serve {
        /// The address in question.
        addr: std::net::SocketAddr,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A background task of the server ended abnormally.
    #[error("server task failed: {0}")]
    Task(String),
}

/// Seconds a client is asked to wait after a store outage's 503.
const STORE_RETRY_AFTER: &str = "5";

/// The answer to a request the server cannot serve right now because its
/// session store failed (`error` says so): a quick 503 with the message and
/// `Retry-After`, never a logout or a redirect to the login page.
pub(crate) fn store_unavailable(error: &app::error::AppError) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, STORE_RETRY_AFTER)],
        error.to_string(),
    )
        .into_response()
}
