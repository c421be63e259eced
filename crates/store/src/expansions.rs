//! Each user's pivot expansions, per app and object: the engine's
//! `qExpansionState` as it last reported it, kept so that a re-created
//! engine session shows the pivots as the user left them (as the selections
//! are kept).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use sqlx::Row;

use crate::error::{Error, Result};
use crate::store::{EngineKey, Store, UserKey};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// True for a state that expands nothing (none, or an empty list).
fn is_empty(state: &Value) -> bool {
    state.is_null() || state.as_array().is_some_and(Vec::is_empty)
}

impl Store {
    /// Records the expansion state of the pivot `object_id` in the user's
    /// engine session (an empty state forgets it).
    pub async fn save_expansion(
        &self,
        key: &EngineKey,
        object_id: &str,
        state: &Value,
    ) -> Result<()> {
        if is_empty(state) {
            sqlx::query(
                "DELETE FROM pivot_expansions WHERE user_directory = $1 AND user_id = $2
                 AND app_id = $3 AND object_id = $4",
            )
            .bind(&key.directory)
            .bind(&key.user_id)
            .bind(&key.app_id)
            .bind(object_id)
            .execute(self.pool())
            .await?;
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO pivot_expansions
                (user_directory, user_id, app_id, object_id, expansion, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (user_directory, user_id, app_id, object_id) DO UPDATE SET
                expansion = excluded.expansion, updated_at = excluded.updated_at",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .bind(object_id)
        .bind(state.to_string())
        .bind(now())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The recorded expansion states of the user's pivots on the app:
    /// (object id, `qExpansionState`), by object id.
    pub async fn expansions(&self, key: &EngineKey) -> Result<Vec<(String, Value)>> {
        let rows = sqlx::query(
            "SELECT object_id, expansion FROM pivot_expansions
             WHERE user_directory = $1 AND user_id = $2 AND app_id = $3 ORDER BY object_id",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                let state = serde_json::from_str(&row.get::<String, _>("expansion"))
                    .map_err(|e| Error::Corrupt(e.to_string()))?;
                Ok((row.get::<String, _>("object_id"), state))
            })
            .collect()
    }

    /// Forgets the user's expansion states on every app (at logout).
    pub async fn forget_expansions(&self, user: &UserKey) -> Result<()> {
        sqlx::query("DELETE FROM pivot_expansions WHERE user_directory = $1 AND user_id = $2")
            .bind(&user.directory)
            .bind(&user.user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
