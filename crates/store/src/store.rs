//! The SQLite store.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use sqlx::Row;

use crate::backend::{self, Backend};
use crate::error::{Error, Result};
use crate::sealing::SealingKey;
use crate::sessions::{BrowserSession, SessionToken, SessionUser};

/// Which engine session: (user directory, user id, app id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EngineKey {
    /// Qlik user directory.
    pub directory: String,
    /// Qlik user id.
    pub user_id: String,
    /// The app.
    pub app_id: String,
}

impl EngineKey {
    fn context(&self) -> Vec<u8> {
        format!(
            "{}\u{0}{}\u{0}{}",
            self.directory, self.user_id, self.app_id
        )
        .into_bytes()
    }
}

/// A Qlik proxy session cookie as stored (name and secret value).
#[derive(Clone, PartialEq, Eq)]
pub struct QlikCookie {
    /// Cookie name, e.g. `X-Qlik-Session-mashup`.
    pub name: String,
    /// The session id: a secret.
    pub value: String,
}

impl std::fmt::Debug for QlikCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QlikCookie({}=<redacted>)", self.name)
    }
}

/// The selected values of one field, as the hub re-applies them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSelection {
    /// Field name.
    pub field: String,
    /// Selected values, by text.
    pub values: Vec<String>,
}

/// The persistent store: SQLite for one instance, PostgreSQL for several.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    key: SealingKey,
    backend: Backend,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A duration in whole seconds, as the store's timestamps are.
fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

impl Store {
    /// Opens the store at `url`: `sqlite://PATH` (created if missing, owner
    /// only) or `postgres://…`; the schema is brought up to date.
    pub async fn connect(url: &str, key: SealingKey) -> Result<Self> {
        let (pool, backend) = backend::connect(url).await?;
        Ok(Self { pool, key, backend })
    }

    /// Opens (creating if needed) the SQLite database at `path`. The file (and
    /// so its `-wal` and `-shm` files) is readable by the owner only.
    pub async fn open(path: &Path, key: SealingKey) -> Result<Self> {
        Self::connect(&backend::sqlite_url(path), key).await
    }

    /// Which database this store is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Writes to the database (a one-row table): fails when the store is not writable.
    pub async fn check_writable(&self) -> Result<()> {
        sqlx::query(
            "INSERT INTO health (id, checked_at) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes every browser session past its idle or absolute timeout;
    /// returns how many went.
    pub async fn delete_expired_browser_sessions(
        &self,
        idle: Duration,
        absolute: Duration,
    ) -> Result<u64> {
        let now = now();
        let done =
            sqlx::query("DELETE FROM browser_sessions WHERE last_seen < $1 OR created_at < $2")
                .bind(now.saturating_sub(secs(idle)))
                .bind(now.saturating_sub(secs(absolute)))
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    /// Starts a browser session for `user`; returns the token for the cookie.
    pub async fn create_browser_session(&self, user: &SessionUser) -> Result<SessionToken> {
        let token = SessionToken::generate();
        let attributes =
            serde_json::to_string(&user.attributes).map_err(|e| Error::Corrupt(e.to_string()))?;
        let now = now();
        sqlx::query(
            "INSERT INTO browser_sessions (token_hash, user_directory, user_id, display_name,
                attributes, created_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token.digest())
        .bind(&user.directory)
        .bind(&user.user_id)
        .bind(&user.display_name)
        .bind(attributes)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The live session behind `token`, refreshing its idle timer (written
    /// at most once a minute, or every half idle timeout if that is shorter);
    /// `None` (and the row deleted) when unknown or past the idle or absolute
    /// timeout.
    pub async fn browser_session(
        &self,
        token: &SessionToken,
        idle: Duration,
        absolute: Duration,
    ) -> Result<Option<BrowserSession>> {
        let digest = token.digest();
        let row = sqlx::query(
            "SELECT user_directory, user_id, display_name, attributes,
                    created_at, last_seen FROM browser_sessions WHERE token_hash = $1",
        )
        .bind(&digest)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let now = now();
        let created_at: i64 = row.get("created_at");
        let last_seen: i64 = row.get("last_seen");
        if now - last_seen > secs(idle) || now - created_at > secs(absolute) {
            self.delete_browser_session(token).await?;
            return Ok(None);
        }
        // A use moves the idle timer, but a write per request is not needed
        // for that: at most once a minute (or half the idle timeout if shorter).
        let touch_every = (secs(idle) / 2).clamp(1, 60);
        if now - last_seen >= touch_every {
            sqlx::query("UPDATE browser_sessions SET last_seen = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&digest)
                .execute(&self.pool)
                .await?;
        }
        let attributes: String = row.get("attributes");
        Ok(Some(BrowserSession {
            user: SessionUser {
                directory: row.get("user_directory"),
                user_id: row.get("user_id"),
                display_name: row.get("display_name"),
                attributes: serde_json::from_str(&attributes)
                    .map_err(|e| Error::Corrupt(e.to_string()))?,
            },
            created_at,
        }))
    }

    /// When the session behind `token` ends (Unix seconds) unless it is used
    /// again: the earlier of its idle and absolute timeouts. `None` when it
    /// has ended already. Unlike [`Store::browser_session`] this is not a use
    /// (an open event stream does not keep a session alive).
    pub async fn browser_session_end(
        &self,
        token: &SessionToken,
        idle: Duration,
        absolute: Duration,
    ) -> Result<Option<i64>> {
        let row =
            sqlx::query("SELECT created_at, last_seen FROM browser_sessions WHERE token_hash = $1")
                .bind(token.digest())
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let created_at: i64 = row.get("created_at");
        let last_seen: i64 = row.get("last_seen");
        // `browser_session` ends it once `now - last_seen > idle`: one second on.
        let end =
            (last_seen + idle.as_secs() as i64).min(created_at + absolute.as_secs() as i64) + 1;
        Ok((now() < end).then_some(end))
    }

    /// Ends one browser session.
    pub async fn delete_browser_session(&self, token: &SessionToken) -> Result<()> {
        sqlx::query("DELETE FROM browser_sessions WHERE token_hash = $1")
            .bind(token.digest())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every browser session of a user (logout everywhere).
    pub async fn delete_user_browser_sessions(
        &self,
        directory: &str,
        user_id: &str,
    ) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM browser_sessions WHERE user_directory = $1 AND user_id = $2")
                .bind(directory)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    /// Stores the user's Qlik session cookie, sealed.
    pub async fn save_qlik_cookie(&self, key: &EngineKey, cookie: &QlikCookie) -> Result<()> {
        let sealed = self.key.seal(cookie.value.as_bytes(), &key.context());
        sqlx::query(
            "INSERT INTO qlik_sessions (user_directory, user_id, app_id, cookie_name,
                cookie_sealed, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (user_directory, user_id, app_id) DO UPDATE SET
                cookie_name = excluded.cookie_name, cookie_sealed = excluded.cookie_sealed,
                updated_at = excluded.updated_at",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .bind(&cookie.name)
        .bind(sealed)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user's stored Qlik session cookie, if any.
    pub async fn qlik_cookie(&self, key: &EngineKey) -> Result<Option<QlikCookie>> {
        let row = sqlx::query(
            "SELECT cookie_name, cookie_sealed FROM qlik_sessions
             WHERE user_directory = $1 AND user_id = $2 AND app_id = $3",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (Some(name), Some(sealed)) = (
            row.get::<Option<String>, _>("cookie_name"),
            row.get::<Option<Vec<u8>>, _>("cookie_sealed"),
        ) else {
            return Ok(None);
        };
        let value = self.key.open(&sealed, &key.context())?;
        let value = String::from_utf8(value).map_err(|e| Error::Corrupt(e.to_string()))?;
        Ok(Some(QlikCookie { name, value }))
    }

    /// Records the user's current selections (to re-apply on a new engine session).
    pub async fn save_selections(
        &self,
        key: &EngineKey,
        selections: &[FieldSelection],
    ) -> Result<()> {
        let json = serde_json::to_string(selections).map_err(|e| Error::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO qlik_sessions (user_directory, user_id, app_id, selections, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_directory, user_id, app_id) DO UPDATE SET
                selections = excluded.selections, updated_at = excluded.updated_at",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .bind(json)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user's last recorded selections (empty when none).
    pub async fn selections(&self, key: &EngineKey) -> Result<Vec<FieldSelection>> {
        let row = sqlx::query(
            "SELECT selections FROM qlik_sessions
             WHERE user_directory = $1 AND user_id = $2 AND app_id = $3",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => serde_json::from_str(&row.get::<String, _>("selections"))
                .map_err(|e| Error::Corrupt(e.to_string())),
            None => Ok(Vec::new()),
        }
    }

    /// Forgets the user's Qlik session: cookie and selections (at logout).
    pub async fn forget_qlik_session(&self, key: &EngineKey) -> Result<()> {
        sqlx::query(
            "DELETE FROM qlik_sessions WHERE user_directory = $1 AND user_id = $2 AND app_id = $3",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
