//! The simulator's error type.

/// What can stop the simulator from starting.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The TLS files are missing or unusable.
    #[error("TLS: {0}")]
    Tls(String),
    /// An app folder could not be loaded (names the file and what is wrong).
    #[error("apps: {0}")]
    Apps(String),
}
