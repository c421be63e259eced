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
    /// The user this key is of (whose one Qlik proxy session serves every app).
    pub fn user(&self) -> UserKey {
        UserKey {
            directory: self.directory.clone(),
            user_id: self.user_id.clone(),
        }
    }

    /// True when this key is of `user` (any of their apps).
    pub fn is_of(&self, user: &UserKey) -> bool {
        self.directory == user.directory && self.user_id == user.user_id
    }

    fn context(&self) -> Vec<u8> {
        format!(
            "{}\u{0}{}\u{0}{}",
            self.directory, self.user_id, self.app_id
        )
        .into_bytes()
    }
}

/// Which user: (user directory, user id). A user has one Qlik proxy session,
/// shared by their engine sessions on every app.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserKey {
    /// Qlik user directory.
    pub directory: String,
    /// Qlik user id.
    pub user_id: String,
}

impl UserKey {
    /// The key of `user_id` in `directory`.
    pub fn new(directory: &str, user_id: &str) -> Self {
        Self {
            directory: directory.to_owned(),
            user_id: user_id.to_owned(),
        }
    }

    fn context(&self) -> Vec<u8> {
        format!("{}\u{0}{}", self.directory, self.user_id).into_bytes()
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

    pub(crate) fn sealing_key(&self) -> &SealingKey {
        &self.key
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

    /// Stores the user's Qlik proxy-session cookie, sealed (one per user,
    /// whatever the app).
    pub async fn save_qlik_cookie(&self, user: &UserKey, cookie: &QlikCookie) -> Result<()> {
        let sealed = self.key.seal(cookie.value.as_bytes(), &user.context());
        sqlx::query(
            "INSERT INTO qlik_proxy_sessions (user_directory, user_id, cookie_name,
                cookie_sealed, sealed_app_id, updated_at) VALUES ($1, $2, $3, $4, NULL, $5)
             ON CONFLICT (user_directory, user_id) DO UPDATE SET
                cookie_name = excluded.cookie_name, cookie_sealed = excluded.cookie_sealed,
                sealed_app_id = NULL, updated_at = excluded.updated_at",
        )
        .bind(&user.directory)
        .bind(&user.user_id)
        .bind(&cookie.name)
        .bind(sealed)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user's stored Qlik proxy-session cookie, if any.
    pub async fn qlik_cookie(&self, user: &UserKey) -> Result<Option<QlikCookie>> {
        let row = sqlx::query(
            "SELECT cookie_name, cookie_sealed, sealed_app_id FROM qlik_proxy_sessions
             WHERE user_directory = $1 AND user_id = $2",
        )
        .bind(&user.directory)
        .bind(&user.user_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let name: String = row.get("cookie_name");
        let sealed: Vec<u8> = row.get("cookie_sealed");
        // Sealed before cookies were kept per user: with its app's key.
        let context = match row.get::<Option<String>, _>("sealed_app_id") {
            Some(app_id) => EngineKey {
                directory: user.directory.clone(),
                user_id: user.user_id.clone(),
                app_id,
            }
            .context(),
            None => user.context(),
        };
        let value = self.key.open(&sealed, &context)?;
        let value = String::from_utf8(value).map_err(|e| Error::Corrupt(e.to_string()))?;
        Ok(Some(QlikCookie { name, value }))
    }

    /// Forgets the user's Qlik proxy-session cookie, keeping the selections
    /// of every app (the session was ended to make one with new attributes).
    pub async fn forget_qlik_cookie(&self, user: &UserKey) -> Result<()> {
        sqlx::query("DELETE FROM qlik_proxy_sessions WHERE user_directory = $1 AND user_id = $2")
            .bind(&user.directory)
            .bind(&user.user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
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

    /// Forgets the user's Qlik session: the cookie, the selections and the
    /// pivot expansions of every app (at logout).
    pub async fn forget_qlik_sessions(&self, user: &UserKey) -> Result<()> {
        self.forget_qlik_cookie(user).await?;
        self.forget_expansions(user).await?;
        sqlx::query("DELETE FROM qlik_sessions WHERE user_directory = $1 AND user_id = $2")
            .bind(&user.directory)
            .bind(&user.user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cookie stored before cookies were kept per user was sealed with its
    /// app's key; the migration keeps that app id, so it still opens.
    #[tokio::test]
    async fn a_cookie_sealed_per_app_before_the_migration_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let sealing = SealingKey::from_base64(&SealingKey::generate_base64()).unwrap();
        let store = Store::open(&dir.path().join("s.sqlite"), sealing)
            .await
            .unwrap();
        let user = UserKey::new("CORP", "alice");
        let old_key = EngineKey {
            directory: "CORP".into(),
            user_id: "alice".into(),
            app_id: "sample-sales".into(),
        };
        let sealed = store.key.seal(b"guid-before", &old_key.context());
        sqlx::query(
            "INSERT INTO qlik_proxy_sessions (user_directory, user_id, cookie_name,
                cookie_sealed, sealed_app_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind("CORP")
        .bind("alice")
        .bind("X-Qlik-Session")
        .bind(sealed)
        .bind("sample-sales")
        .bind(now())
        .execute(&store.pool)
        .await
        .unwrap();
        let cookie = store.qlik_cookie(&user).await.unwrap().unwrap();
        assert_eq!(cookie.value, "guid-before");
        // Saved again, it is sealed for the user alone.
        store.save_qlik_cookie(&user, &cookie).await.unwrap();
        assert_eq!(
            store.qlik_cookie(&user).await.unwrap().unwrap().value,
            "guid-before"
        );
    }
}
