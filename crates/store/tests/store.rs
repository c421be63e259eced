//! What only the SQLite backend has: a file on disk (the shared behaviour of
//! both backends is in `backends.rs`).

use std::time::Duration;

use store::{EngineKey, FieldSelection, QlikCookie, SealingKey, SessionUser, Store};

fn user() -> SessionUser {
    SessionUser {
        directory: "CORP".into(),
        user_id: "alice".into(),
        display_name: "Alice".into(),
        attributes: vec![("Group".into(), "Sales".into())],
    }
}

fn key() -> EngineKey {
    EngineKey {
        directory: "CORP".into(),
        user_id: "alice".into(),
        app_id: "sample-sales".into(),
    }
}

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn secrets_are_not_in_the_file_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let sealing = SealingKey::generate_base64();
    let token = {
        let store = Store::open(&path, SealingKey::from_base64(&sealing).unwrap())
            .await
            .unwrap();
        let token = store.create_browser_session(&user()).await.unwrap();
        store
            .save_qlik_cookie(
                &key().user(),
                &QlikCookie {
                    name: "X-Qlik-Session".into(),
                    value: "guid-secret".into(),
                },
            )
            .await
            .unwrap();
        store
            .save_selections(
                &key(),
                &[FieldSelection {
                    field: "Region".into(),
                    values: vec!["EMEA".into()],
                }],
            )
            .await
            .unwrap();
        token
    };
    // The cookie is not stored in clear.
    let raw = std::fs::read(&path).unwrap();
    let wal = std::fs::read(path.with_extension("sqlite-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        assert!(!bytes.windows(11).any(|w| w == b"guid-secret"));
        assert!(
            !bytes
                .windows(token.expose().len())
                .any(|w| w == token.expose().as_bytes())
        );
    }

    let store = Store::open(&path, SealingKey::from_base64(&sealing).unwrap())
        .await
        .unwrap();
    let session = store
        .browser_session(&token, HOUR, HOUR)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.user, user());
    let cookie = store.qlik_cookie(&key().user()).await.unwrap().unwrap();
    assert_eq!(cookie.value, "guid-secret");
    assert_eq!(store.selections(&key()).await.unwrap()[0].values, ["EMEA"]);

    // A wrong key cannot open the cookie.
    let wrong = Store::open(
        &path,
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    assert!(wrong.qlik_cookie(&key().user()).await.is_err());
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let store = Store::open(
        &path,
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    store.create_browser_session(&user()).await.unwrap();
    store.check_writable().await.unwrap();
    for name in ["store.sqlite", "store.sqlite-wal", "store.sqlite-shm"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
    }
    // A file made by an earlier version with a wider mode is narrowed.
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    Store::open(
        &path,
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn the_unused_csrf_column_of_an_older_store_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    {
        use sqlx::ConnectOptions;
        let mut old = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::query(
            "CREATE TABLE browser_sessions (token_hash BLOB PRIMARY KEY,
                user_directory TEXT NOT NULL, user_id TEXT NOT NULL,
                display_name TEXT NOT NULL, attributes TEXT NOT NULL,
                csrf_token TEXT NOT NULL, created_at INTEGER NOT NULL,
                last_seen INTEGER NOT NULL)",
        )
        .execute(&mut old)
        .await
        .unwrap();
    }
    let store = Store::open(
        &path,
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    // Inserting without a csrf_token works only once the column is gone.
    let token = store.create_browser_session(&user()).await.unwrap();
    assert!(
        store
            .browser_session(&token, HOUR, HOUR)
            .await
            .unwrap()
            .is_some()
    );
}
