//! What several instances on one PostgreSQL coordinate through it: a lock
//! per user held while a Qlik session is made (so two instances racing make
//! one). On SQLite (one instance) the lock is the hub's own single flight.
//! (Notices between instances are in `notices.rs`.)

use sha2::{Digest, Sha256};
use sqlx::Any;
use sqlx::pool::PoolConnection;

use crate::backend::Backend;
use crate::error::Result;
use crate::store::{Store, UserKey};

/// A user's lock (PostgreSQL advisory lock); released by [`UserLock::release`],
/// or with its connection if the holder dies.
#[must_use = "release the lock when done"]
pub struct UserLock {
    held: Option<(PoolConnection<Any>, i64)>,
}

impl UserLock {
    /// Releases the lock.
    pub async fn release(mut self) -> Result<()> {
        if let Some((mut connection, id)) = self.held.take() {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(id)
                .execute(&mut *connection)
                .await?;
        }
        Ok(())
    }
}

impl Drop for UserLock {
    fn drop(&mut self) {
        // Not released (a failure on the way): the connection is closed
        // instead of returned, which releases the lock.
        if let Some((connection, _)) = self.held.take() {
            drop(connection.detach());
        }
    }
}

/// A 64-bit advisory-lock id for `key`.
fn lock_id(key: &UserKey) -> i64 {
    let digest = Sha256::digest(format!("qlik-mashup\0{}\0{}", key.directory, key.user_id));
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

impl Store {
    /// Waits for and takes the lock of `key`'s user, across every instance
    /// on this database (a no-op on SQLite).
    pub async fn lock_user(&self, key: &UserKey) -> Result<UserLock> {
        if self.backend() != Backend::Postgres {
            return Ok(UserLock { held: None });
        }
        let id = lock_id(key);
        let mut connection = self.pool().acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(id)
            .execute(&mut *connection)
            .await?;
        Ok(UserLock {
            held: Some((connection, id)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_ids_differ_per_user() {
        let key = |directory: &str, user: &str| UserKey::new(directory, user);
        assert_eq!(
            lock_id(&key("CORP", "alice")),
            lock_id(&key("CORP", "alice"))
        );
        assert_ne!(lock_id(&key("CORP", "alice")), lock_id(&key("CORP", "bob")));
        assert_ne!(
            lock_id(&key("CORP", "alice")),
            lock_id(&key("EXT", "alice"))
        );
    }
}
