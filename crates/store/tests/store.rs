//! The store against a real SQLite file.

use std::time::Duration;

use store::{EngineKey, FieldSelection, QlikCookie, SealingKey, SessionToken, SessionUser, Store};

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
async fn sessions_and_cookies_survive_a_reopen() {
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
                &key(),
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
    let cookie = store.qlik_cookie(&key()).await.unwrap().unwrap();
    assert_eq!(cookie.value, "guid-secret");
    assert_eq!(store.selections(&key()).await.unwrap()[0].values, ["EMEA"]);

    // A wrong key cannot open the cookie.
    let wrong = Store::open(
        &path,
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    assert!(wrong.qlik_cookie(&key()).await.is_err());
}

#[tokio::test]
async fn unknown_expired_and_deleted_sessions_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("s.sqlite"),
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    assert!(
        store
            .browser_session(&SessionToken::generate(), HOUR, HOUR)
            .await
            .unwrap()
            .is_none()
    );
    let token = store.create_browser_session(&user()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(
        store
            .browser_session(&token, Duration::ZERO, HOUR)
            .await
            .unwrap()
            .is_none(),
        "idle timeout"
    );
    let token = store.create_browser_session(&user()).await.unwrap();
    store
        .delete_user_browser_sessions("CORP", "alice")
        .await
        .unwrap();
    assert!(
        store
            .browser_session(&token, HOUR, HOUR)
            .await
            .unwrap()
            .is_none()
    );
    store.forget_qlik_session(&key()).await.unwrap();
    assert!(store.qlik_cookie(&key()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_session_end_is_read_without_counting_as_a_use() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("store.sqlite"),
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    let token = store.create_browser_session(&user()).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let idle = Duration::from_secs(60);
    let end = store
        .browser_session_end(&token, idle, HOUR)
        .await
        .unwrap()
        .expect("a live session");
    assert!(
        (now + 60..=now + 62).contains(&end),
        "idle ends first: {end}"
    );
    let end = store
        .browser_session_end(&token, HOUR, Duration::from_secs(10))
        .await
        .unwrap()
        .unwrap();
    assert!((now + 10..=now + 12).contains(&end), "absolute ends first");
    // Past both timeouts: ended, and (unlike a use) the row is still there.
    assert_eq!(
        store
            .browser_session_end(&token, Duration::ZERO, Duration::ZERO)
            .await
            .unwrap()
            .filter(|end| *end > now + 1),
        None
    );
    store.delete_browser_session(&token).await.unwrap();
    assert_eq!(
        store.browser_session_end(&token, HOUR, HOUR).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn expired_sessions_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("store.sqlite"),
        SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
    )
    .await
    .unwrap();
    let old = store.create_browser_session(&user()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let fresh = store.create_browser_session(&user()).await.unwrap();
    assert_eq!(
        store
            .delete_expired_browser_sessions(HOUR, HOUR)
            .await
            .unwrap(),
        0,
        "nothing is past an hour"
    );
    let second = Duration::from_secs(1);
    assert_eq!(
        store
            .delete_expired_browser_sessions(second, HOUR)
            .await
            .unwrap(),
        1,
        "only the session unused for two seconds is past a one-second idle timeout"
    );
    assert!(
        store
            .browser_session(&old, HOUR, HOUR)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .browser_session(&fresh, HOUR, HOUR)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .delete_expired_browser_sessions(HOUR, Duration::ZERO)
            .await
            .unwrap(),
        0,
        "created this second: not past even a zero absolute timeout"
    );
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
