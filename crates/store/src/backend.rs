//! Which database the store is on, and opening it: the pool, the file's
//! permissions (SQLite) and the schema through `sqlx::migrate!`.

use std::path::Path;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::Executor;
use sqlx::Row;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;

use crate::error::{Error, Result};

/// The SQLite schema (one instance).
static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
/// The PostgreSQL schema (several instances).
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The longest a request waits for a PostgreSQL connection (a free one in
/// the pool, or a new one when the database went away): past it the store
/// answers an error at once, so a request during an outage gets a quick
/// "try again" instead of hanging.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Mode of the SQLite database file; SQLite gives its `-wal` and `-shm`
/// files the database file's mode.
#[cfg(unix)]
const PRIVATE_MODE: u32 = 0o600;

/// The database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A local SQLite file: one server instance.
    Sqlite,
    /// PostgreSQL: shared by several instances.
    Postgres,
}

/// The `sqlite://` URL of a database file.
pub(crate) fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Opens the pool for `url` and brings the schema up to date.
pub(crate) async fn connect(url: &str) -> Result<(AnyPool, Backend)> {
    sqlx::any::install_default_drivers();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = Path::new(path.split('?').next().unwrap_or(path));
        make_private(path)?;
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(|connection, _| {
                Box::pin(async move {
                    connection
                        .execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;")
                        .await?;
                    Ok(())
                })
            })
            .connect(&format!("{}?mode=rwc", sqlite_url(path)))
            .await?;
        SQLITE.run(&pool).await?;
        drop_unused_columns(&pool).await?;
        Ok((pool, Backend::Sqlite))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await?;
        POSTGRES.run(&pool).await?;
        Ok((pool, Backend::Postgres))
    } else {
        Err(Error::Url(
            "expected sqlite://PATH or postgres://…".to_owned(),
        ))
    }
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

/// Drops the `csrf_token` column that SQLite stores made before migrations
/// kept but never used.
async fn drop_unused_columns(pool: &AnyPool) -> Result<()> {
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
