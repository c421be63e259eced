//! The SQLite store.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::error::{Error, Result};
use crate::sealing::SealingKey;
use crate::sessions::{BrowserSession, SessionToken, SessionUser};

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS browser_sessions (
        token_hash BLOB PRIMARY KEY,
        user_directory TEXT NOT NULL,
        user_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        attributes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS browser_sessions_user
        ON browser_sessions (user_directory, user_id)",
    "CREATE TABLE IF NOT EXISTS qlik_sessions (
        user_directory TEXT NOT NULL,
        user_id TEXT NOT NULL,
        app_id TEXT NOT NULL,
        cookie_name TEXT,
        cookie_sealed BLOB,
        selections TEXT NOT NULL DEFAULT '[]',
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_directory, user_id, app_id))",
    "CREATE TABLE IF NOT EXISTS health (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        checked_at INTEGER NOT NULL)",
];

/// Mode of the database file; SQLite gives its `-wal` and `-shm` files the
/// database file's mode.
#[cfg(unix)]
const PRIVATE_MODE: u32 = 0o600;

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

/// The persistent store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    key: SealingKey,
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

/// Creates the database file with owner-only permissions, or narrows those
/// of an existing one and of its `-wal`/`-shm` files.
fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |e: std::io::Error| Error::File(format!("{}: {e}", path.display()));
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(PRIVATE_MODE)
            .open(path)
            .map_err(io)?;
        let mut files = vec![path.to_path_buf()];
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            files.push(name.into());
        }
        for file in files.iter().filter(|f| f.exists()) {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(PRIVATE_MODE))
                .map_err(io)?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Drops the `csrf_token` column that earlier versions stored but never used.
async fn drop_unused_columns(pool: &SqlitePool) -> Result<()> {
    let columns = sqlx::query("SELECT name FROM pragma_table_info('browser_sessions')")
        .fetch_all(pool)
        .await?;
    if columns
        .iter()
        .any(|row| row.get::<String, _>("name") == "csrf_token")
    {
        sqlx::query("ALTER TABLE browser_sessions DROP COLUMN csrf_token")
            .execute(pool)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path`. The file (and so
    /// its `-wal` and `-shm` files) is readable by the owner only.
    pub async fn open(path: &Path, key: SealingKey) -> Result<Self> {
        make_private(path)?;
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        for statement in SCHEMA {
            sqlx::query(statement).execute(&pool).await?;
        }
        drop_unused_columns(&pool).await?;
        Ok(Self { pool, key })
    }

    /// Writes to the database (a one-row table): fails when the store is not writable.
    pub async fn check_writable(&self) -> Result<()> {
        sqlx::query(
            "INSERT INTO health (id, checked_at) VALUES (1, ?)
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
            sqlx::query("DELETE FROM browser_sessions WHERE last_seen < ? OR created_at < ?")
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
                attributes, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
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

    /// The live session behind `token`, refreshing its idle timer; `None` (and
    /// the row deleted) when unknown or past the idle or absolute timeout.
    pub async fn browser_session(
        &self,
        token: &SessionToken,
        idle: Duration,
        absolute: Duration,
    ) -> Result<Option<BrowserSession>> {
        let digest = token.digest();
        let row = sqlx::query(
            "SELECT user_directory, user_id, display_name, attributes,
                    created_at, last_seen FROM browser_sessions WHERE token_hash = ?",
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
        if now != last_seen {
            sqlx::query("UPDATE browser_sessions SET last_seen = ? WHERE token_hash = ?")
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
            sqlx::query("SELECT created_at, last_seen FROM browser_sessions WHERE token_hash = ?")
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
        sqlx::query("DELETE FROM browser_sessions WHERE token_hash = ?")
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
            sqlx::query("DELETE FROM browser_sessions WHERE user_directory = ? AND user_id = ?")
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
                cookie_sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
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
             WHERE user_directory = ? AND user_id = ? AND app_id = ?",
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
             VALUES (?, ?, ?, ?, ?)
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
             WHERE user_directory = ? AND user_id = ? AND app_id = ?",
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
            "DELETE FROM qlik_sessions WHERE user_directory = ? AND user_id = ? AND app_id = ?",
        )
        .bind(&key.directory)
        .bind(&key.user_id)
        .bind(&key.app_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
