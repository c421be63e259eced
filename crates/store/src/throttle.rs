//! Failed-login records shared by every instance on PostgreSQL: read,
//! changed and written back in one transaction with the rows locked, so
//! instances cannot together admit more attempts than one would.

use sqlx::Row;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::store::Store;

/// One username's or address's failures, with times in Unix milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThrottleRecord {
    /// Failures counted.
    pub failures: u32,
    /// Attempts admitted and not yet settled.
    pub in_flight: u32,
    /// No attempt before this time.
    pub blocked_until_ms: i64,
    /// When the last failure was counted.
    pub last_failure_ms: i64,
}

impl Store {
    /// Reads the records of `username` and `address` (fresh ones when there
    /// are none), lets `change` change them, and writes them back, all in one
    /// transaction holding both rows. PostgreSQL only (one SQLite instance
    /// keeps its records in memory).
    pub async fn update_throttle<T>(
        &self,
        username: &str,
        address: &str,
        change: impl FnOnce(&mut ThrottleRecord, &mut ThrottleRecord) -> T,
    ) -> Result<T> {
        if self.backend() != Backend::Postgres {
            return Err(Error::Url(
                "shared login throttling needs PostgreSQL".to_owned(),
            ));
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO login_throttle (scope, subject) VALUES ('user', $1), ('address', $2)
             ON CONFLICT (scope, subject) DO NOTHING",
        )
        .bind(username)
        .bind(address)
        .execute(&mut *tx)
        .await?;
        // Always user before address: two transactions lock in one order.
        let rows = sqlx::query(
            "SELECT scope, failures, in_flight, blocked_until_ms, last_failure_ms
             FROM login_throttle
             WHERE (scope = 'user' AND subject = $1) OR (scope = 'address' AND subject = $2)
             ORDER BY scope DESC FOR UPDATE",
        )
        .bind(username)
        .bind(address)
        .fetch_all(&mut *tx)
        .await?;
        let read = |scope: &str| {
            rows.iter()
                .find(|row| row.get::<String, _>("scope") == scope)
                .map(|row| ThrottleRecord {
                    failures: row.get::<i32, _>("failures").max(0) as u32,
                    in_flight: row.get::<i32, _>("in_flight").max(0) as u32,
                    blocked_until_ms: row.get("blocked_until_ms"),
                    last_failure_ms: row.get("last_failure_ms"),
                })
                .unwrap_or_default()
        };
        let (mut user, mut by_address) = (read("user"), read("address"));
        let outcome = change(&mut user, &mut by_address);
        for (scope, subject, record) in [("user", username, user), ("address", address, by_address)]
        {
            sqlx::query(
                "UPDATE login_throttle SET failures = $1, in_flight = $2,
                    blocked_until_ms = $3, last_failure_ms = $4
                 WHERE scope = $5 AND subject = $6",
            )
            .bind(i32::try_from(record.failures).unwrap_or(i32::MAX))
            .bind(i32::try_from(record.in_flight).unwrap_or(i32::MAX))
            .bind(record.blocked_until_ms)
            .bind(record.last_failure_ms)
            .bind(scope)
            .bind(subject)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }
}
