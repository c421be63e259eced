//! The crate's error type.

/// Why an authentication failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// Unknown user, wrong or empty password, ambiguous match: one answer.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// The directory could not be reached or answered in time.
    #[error("the directory is unavailable: {0}")]
    Unavailable(String),
    /// More than one entry carries this user id (the user-id attribute's
    /// value): the login is refused, as the users would share one Qlik user.
    #[error("more than one directory entry has the user id {0:?}")]
    DuplicateUserId(String),
    /// The settings or the seed file are unusable.
    #[error("directory configuration: {0}")]
    Config(String),
}
