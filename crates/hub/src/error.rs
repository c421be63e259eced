//! The hub's error type.

/// Why the hub could not give a user their engine session.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Qlik (QPS, proxy or engine) failed or refused.
    #[error(transparent)]
    Qlik(#[from] qlik::Error),
    /// The persistent store failed.
    #[error("session store: {0}")]
    Store(String),
    /// The user has no Qlik session and none may be created here (not logged in).
    #[error("no Qlik session for this user: log in again")]
    NotLoggedIn,
    /// The stored Qlik session is gone and this path may not start another
    /// (the hub's own reconnects after a drop).
    #[error("the Qlik session is gone; a request of the user must start a new one")]
    ProxySessionGone,
    /// The dashboard asked for an object the hub does not hold.
    #[error("unknown dashboard object {0:?}")]
    UnknownObject(String),
    /// The dashboard asked for an app the hub is not configured with.
    #[error("unknown app {0:?}")]
    UnknownApp(String),
    /// The user has no bookmark with this id (never had, destroyed, or
    /// another user's).
    #[error("unknown bookmark {0:?}")]
    UnknownBookmark(String),
}

impl From<store::Error> for Error {
    fn from(error: store::Error) -> Self {
        Error::Store(error.to_string())
    }
}

impl Error {
    /// A message fit for the user (no Qlik internals).
    pub fn user_message(&self) -> &'static str {
        match self {
            Error::Qlik(qlik::Error::SessionLimit) => {
                "Qlik Sense refuses a new session: too many sessions are active for your account. Try again later."
            }
            Error::Qlik(
                qlik::Error::Transport(_) | qlik::Error::Timeout | qlik::Error::ConnectionLost,
            ) => "Qlik Sense cannot be reached right now. Try again in a moment.",
            Error::Qlik(_) => "Qlik Sense refused the request. Try again, or contact support.",
            Error::ProxySessionGone => {
                "Qlik Sense cannot be reached right now. Try again in a moment."
            }
            Error::Store(_) => {
                "The server is temporarily unavailable (its session store cannot be reached). Please try again in a moment."
            }
            Error::NotLoggedIn => "Your session has ended. Please log in again.",
            Error::UnknownObject(_) | Error::UnknownApp(_) => {
                "This part of the dashboard does not exist."
            }
            Error::UnknownBookmark(_) => "This bookmark does not exist (any more).",
        }
    }
}

/// The hub's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
