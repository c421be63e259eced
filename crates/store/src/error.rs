//! The store's error type.

/// What can go wrong reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be opened, read or written.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The store URL names no supported database.
    #[error("URL: {0}")]
    Url(String),
    /// The database file's permissions could not be set.
    #[error("file {0}")]
    File(String),
    /// The sealing key is not 32 bytes of base64.
    #[error("the session store key must be 32 bytes, base64-encoded: {0}")]
    Key(String),
    /// A sealed value does not open with the configured key (wrong key or tampering).
    #[error("a sealed value in the session store does not open with the configured key")]
    Unseal,
    /// A stored value is not in the expected shape.
    #[error("corrupt value in the session store: {0}")]
    Corrupt(String),
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
