//! Browser sessions: the token in our cookie and who it belongs to.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The secret token a browser holds in its session cookie: 128 random bits
/// from rand's CSPRNG (ChaCha, seeded by the OS). The store keeps only its SHA-256 hash.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionToken(String);

impl SessionToken {
    /// A fresh random token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Wraps the value read from a cookie.
    pub fn from_cookie(value: &str) -> Self {
        Self(value.to_owned())
    }

    /// The value to put in the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the store keeps: the token's hash.
    pub(crate) fn digest(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }

    /// The token's hash in hex: what names the session between instances
    /// (the store keeps the same hash, so it reveals nothing the store does
    /// not hold).
    pub fn digest_hex(&self) -> String {
        self.digest().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// The user a browser session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// Qlik user directory.
    pub directory: String,
    /// Qlik user id.
    pub user_id: String,
    /// Name to greet the user with.
    pub display_name: String,
    /// Ticket attributes (e.g. groups), to ask for a new ticket after a restart.
    pub attributes: Vec<(String, String)>,
}

/// A live browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSession {
    /// Whose it is.
    pub user: SessionUser,
    /// Creation time (Unix seconds).
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::SessionToken;

    #[test]
    fn tokens_have_128_bits_and_differ() {
        let a = SessionToken::generate();
        assert_eq!(a.expose().len(), 22);
        assert_ne!(a, SessionToken::generate());
        assert_eq!(a.digest().len(), 32);
    }
}
