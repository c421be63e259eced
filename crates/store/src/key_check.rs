//! The sealing key's fingerprint, kept in the store: an instance started
//! with another `session.key` is told so at start-up, instead of sealing
//! Qlik cookies the other instances cannot open (and each making the users
//! new Qlik sessions over the other's).

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Row;

use crate::error::Result;
use crate::store::Store;

/// What the store says about the key this instance was opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// No key was recorded; this one now is. `sealed_cookies` were already
    /// in the store, sealed with a key nobody recorded.
    Recorded {
        /// Qlik cookies in the store.
        sealed_cookies: u64,
    },
    /// The recorded key is this one.
    Same,
    /// Another key is recorded (nothing was changed): the store's
    /// `sealed_cookies` Qlik cookies do not open with this key.
    Different {
        /// Qlik cookies in the store.
        sealed_cookies: u64,
    },
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

impl Store {
    /// Compares this store's key with the recorded one, recording it when
    /// none is (the first instance to ask wins; every other compares).
    pub async fn check_key(&self) -> Result<KeyCheck> {
        let fingerprint = self.sealing_key().fingerprint();
        let inserted = sqlx::query(
            "INSERT INTO store_key (id, fingerprint, recorded_at) VALUES (1, $1, $2)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(fingerprint)
        .bind(now())
        .execute(self.pool())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(KeyCheck::Recorded {
                sealed_cookies: self.sealed_cookies().await?,
            });
        }
        let recorded: String = sqlx::query("SELECT fingerprint FROM store_key WHERE id = 1")
            .fetch_one(self.pool())
            .await?
            .get("fingerprint");
        if recorded == fingerprint {
            Ok(KeyCheck::Same)
        } else {
            Ok(KeyCheck::Different {
                sealed_cookies: self.sealed_cookies().await?,
            })
        }
    }

    /// Makes this store's key the recorded one (a deliberate key change).
    /// When another key was recorded, the Qlik cookies sealed with it are
    /// forgotten, as they cannot be opened any more (their users get a new
    /// Qlik session at their next request); returns how many went.
    pub async fn adopt_key(&self) -> Result<u64> {
        let fingerprint = self.sealing_key().fingerprint();
        let mut transaction = self.pool().begin().await?;
        let recorded: Option<String> =
            sqlx::query("SELECT fingerprint FROM store_key WHERE id = 1")
                .fetch_optional(&mut *transaction)
                .await?
                .map(|row| row.get("fingerprint"));
        let mut forgotten = 0;
        if recorded.as_deref() != Some(fingerprint) {
            if recorded.is_some() {
                forgotten = sqlx::query("DELETE FROM qlik_proxy_sessions")
                    .execute(&mut *transaction)
                    .await?
                    .rows_affected();
            }
            sqlx::query(
                "INSERT INTO store_key (id, fingerprint, recorded_at) VALUES (1, $1, $2)
                 ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,
                    recorded_at = excluded.recorded_at",
            )
            .bind(fingerprint)
            .bind(now())
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(forgotten)
    }

    /// How many Qlik cookies the store holds.
    async fn sealed_cookies(&self) -> Result<u64> {
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM qlik_proxy_sessions")
            .fetch_one(self.pool())
            .await?
            .get("n");
        Ok(u64::try_from(count).unwrap_or_default())
    }
}
