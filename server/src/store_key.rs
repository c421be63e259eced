//! The store's sealing key at start-up: instances with different keys would
//! each fail to open the Qlik cookies the other sealed and make the users
//! new Qlik sessions over each other's, so a key other than the one the
//! store recorded (by fingerprint) stops start-up, naming the key; a key file
//! generated afresh over a store sealed with a lost key is warned about.

use store::{KeyCheck, Store};

use crate::error::ServerError;

/// Where the sealing key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// `session.key`.
    Configured,
    /// `session.key_file`, as found.
    File,
    /// `session.key_file`, just generated (it did not exist).
    Generated,
}

impl KeySource {
    /// The configuration key to name.
    pub fn key(self) -> &'static str {
        match self {
            KeySource::Configured => "session.key",
            KeySource::File | KeySource::Generated => "session.key_file",
        }
    }
}

/// Compares the key with the store's recorded one: refuses a different
/// configured key; adopts a freshly generated one with a WARN saying what
/// it means.
pub async fn check(store: &Store, source: KeySource) -> Result<(), ServerError> {
    let check = store.check_key().await.map_err(store_error)?;
    match (check, source) {
        (KeyCheck::Same, _) => Ok(()),
        (KeyCheck::Recorded { sealed_cookies }, KeySource::Generated) if sealed_cookies > 0 => {
            warn_lost_key(sealed_cookies);
            Ok(())
        }
        (KeyCheck::Recorded { .. }, _) => Ok(()),
        (KeyCheck::Different { sealed_cookies }, KeySource::Generated) => {
            store.adopt_key().await.map_err(store_error)?;
            warn_lost_key(sealed_cookies);
            Ok(())
        }
        (KeyCheck::Different { .. }, source) => Err(ServerError::Invalid {
            key: source.key(),
            reason: "is not the key this store's Qlik cookies are sealed with (another \
                     instance on this store runs with another key, or the key was changed): \
                     give every instance the same key; to change it on purpose, stop every \
                     instance and start one once with --rotate-session-key"
                .into(),
        }),
    }
}

/// Makes the configured key the store's; returns how many Qlik cookies
/// sealed with the old one were forgotten.
pub async fn rotate(store: &Store) -> Result<u64, ServerError> {
    let forgotten = store.adopt_key().await.map_err(store_error)?;
    tracing::warn!(
        forgotten_qlik_cookies = forgotten,
        "session key rotated: Qlik cookies sealed with the old key were forgotten; their users \
         get a new Qlik session at their next request (the old ones end at Qlik's timeout)"
    );
    Ok(forgotten)
}

fn warn_lost_key(sealed_cookies: u64) {
    tracing::warn!(
        sealed_cookies,
        "generated a new store key (session.key_file did not exist), but the store holds Qlik \
         cookies sealed with another key (a lost or deleted key file?): they cannot be opened, \
         so those users get a new Qlik session at their next request (the old sessions end at \
         Qlik's timeout). Keep session.key_file with the store"
    );
}

fn store_error(error: store::Error) -> ServerError {
    ServerError::Store(error.to_string())
}
