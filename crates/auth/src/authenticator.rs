//! The seam between the login form and a directory: anything that checks a
//! username and password.

use std::future::Future;
use std::pin::Pin;

/// A boxed future, so authenticators can be used as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Who logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The id Qlik will know the user by.
    pub user_id: String,
    /// Name to greet the user with.
    pub display_name: String,
    /// Group names, passed to Qlik as `Group` attributes.
    pub groups: Vec<String>,
}

/// Why a login failed. The message shown to users never says which part was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// Unknown user, wrong or empty password: one answer for all.
    #[error("Invalid username or password")]
    InvalidCredentials,
    /// The directory could not be asked.
    #[error("The directory is unreachable. Please try again later.")]
    Unavailable,
}

/// Checks credentials (the LDAP directory in production).
pub trait Authenticator: Send + Sync + 'static {
    /// Authenticates `username` with `password`.
    fn authenticate<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Identity, AuthError>>;
}
