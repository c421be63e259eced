//! The store's behaviour, the same on both backends: each check runs against
//! a SQLite file and against a throwaway PostgreSQL server.

use std::time::Duration;

use store::testing::TestPostgres;
use store::{EngineKey, FieldSelection, QlikCookie, SealingKey, SessionToken, SessionUser, Store};

const HOUR: Duration = Duration::from_secs(3600);

/// A database for one test: its URL, kept alive as long as this is.
enum Database {
    Sqlite(tempfile::TempDir),
    Postgres(TestPostgres),
}

impl Database {
    fn url(&self) -> String {
        match self {
            Database::Sqlite(dir) => format!("sqlite://{}", dir.path().join("s.sqlite").display()),
            Database::Postgres(server) => server.url(),
        }
    }

    async fn store(&self, key: &str) -> Store {
        Store::connect(&self.url(), SealingKey::from_base64(key).unwrap())
            .await
            .unwrap()
    }
}

/// Runs `check` on both backends, as `<name>::sqlite` and `<name>::postgres`.
macro_rules! on_both {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            #[tokio::test]
            async fn sqlite() {
                super::$check(super::Database::Sqlite(tempfile::tempdir().unwrap())).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$check(super::Database::Postgres(store::testing::TestPostgres::start())).await;
            }
        }
    )*};
}

on_both!(
    sessions_cookies_and_selections_survive_a_reconnect,
    unknown_expired_and_deleted_sessions_are_gone,
    a_session_end_is_read_without_counting_as_a_use,
    expired_sessions_are_swept,
    the_store_reports_whether_it_is_writable,
    a_use_moves_the_idle_timer_at_most_once_a_minute,
    pivot_expansions_are_kept_per_object_until_logout,
);

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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn sessions_cookies_and_selections_survive_a_reconnect(db: Database) {
    let sealing = SealingKey::generate_base64();
    let token = {
        let store = db.store(&sealing).await;
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
    let store = db.store(&sealing).await;
    let session = store
        .browser_session(&token, HOUR, HOUR)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.user, user());
    let cookie = store.qlik_cookie(&key().user()).await.unwrap().unwrap();
    assert_eq!(cookie.value, "guid-secret");
    assert_eq!(store.selections(&key()).await.unwrap()[0].values, ["EMEA"]);
    // Saving the cookie again keeps the selections (a cookie per user, selections per app).
    store
        .save_qlik_cookie(
            &key().user(),
            &QlikCookie {
                name: "X-Qlik-Session".into(),
                value: "other".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(store.selections(&key()).await.unwrap()[0].values, ["EMEA"]);
    // A wrong key cannot open the cookie.
    let wrong = db.store(&SealingKey::generate_base64()).await;
    assert!(matches!(
        wrong.qlik_cookie(&key().user()).await,
        Err(store::Error::Unseal)
    ));
}

async fn unknown_expired_and_deleted_sessions_are_gone(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
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
    assert_eq!(
        store
            .delete_user_browser_sessions("CORP", "alice")
            .await
            .unwrap(),
        1
    );
    assert!(
        store
            .browser_session(&token, HOUR, HOUR)
            .await
            .unwrap()
            .is_none()
    );
    store.forget_qlik_sessions(&key().user()).await.unwrap();
    assert!(store.selections(&key()).await.unwrap().is_empty());
    assert!(store.qlik_cookie(&key().user()).await.unwrap().is_none());
}

async fn a_session_end_is_read_without_counting_as_a_use(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
    let token = store.create_browser_session(&user()).await.unwrap();
    let now = now();
    let end = store
        .browser_session_end(&token, Duration::from_secs(60), HOUR)
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
    store.delete_browser_session(&token).await.unwrap();
    assert_eq!(
        store.browser_session_end(&token, HOUR, HOUR).await.unwrap(),
        None
    );
}

async fn expired_sessions_are_swept(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
    let old = store.create_browser_session(&user()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let fresh = store.create_browser_session(&user()).await.unwrap();
    assert_eq!(
        store
            .delete_expired_browser_sessions(HOUR, HOUR)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .delete_expired_browser_sessions(Duration::from_secs(1), HOUR)
            .await
            .unwrap(),
        1
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
}

async fn the_store_reports_whether_it_is_writable(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
    store.check_writable().await.unwrap();
    store.check_writable().await.unwrap();
}

#[tokio::test]
async fn on_postgres_a_user_lock_is_held_across_connections_and_instances() {
    let server = TestPostgres::start();
    let db = Database::Postgres(server);
    let (a, b) = (
        db.store(&SealingKey::generate_base64()).await,
        db.store(&SealingKey::generate_base64()).await,
    );
    let lock = a.lock_user(&key().user()).await.unwrap();
    // Another instance waits for it …
    let waiting = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let lock = b.lock_user(&key().user()).await.unwrap();
        let waited = started.elapsed();
        lock.release().await.unwrap();
        waited
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    lock.release().await.unwrap();
    let waited = waiting.await.unwrap();
    assert!(waited >= Duration::from_millis(250), "waited {waited:?}");
    // … and another user's lock is free at once.
    let other = EngineKey {
        user_id: "bob".into(),
        ..key()
    };
    let started = std::time::Instant::now();
    a.lock_user(&other.user())
        .await
        .unwrap()
        .release()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(250));
    // A holder that dies (lock dropped unreleased) frees the lock.
    let dropped = a.lock_user(&key().user()).await.unwrap();
    drop(dropped);
    tokio::time::timeout(Duration::from_secs(2), a.lock_user(&key().user()))
        .await
        .expect("the lock is free again")
        .unwrap()
        .release()
        .await
        .unwrap();
}

#[tokio::test]
async fn on_sqlite_there_is_nothing_to_coordinate() {
    let db = Database::Sqlite(tempfile::tempdir().unwrap());
    let store = db.store(&SealingKey::generate_base64()).await;
    assert!(store.notices("unused").is_none());
    store.notify_logout("CORP", "alice").await.unwrap();
    store
        .notify_session_ended(&SessionToken::generate())
        .await
        .unwrap();
    store
        .lock_user(&key().user())
        .await
        .unwrap()
        .release()
        .await
        .unwrap();
}

async fn a_use_moves_the_idle_timer_at_most_once_a_minute(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
    let token = store.create_browser_session(&user()).await.unwrap();
    let end = |idle: Duration| {
        let (store, token) = (&store, &token);
        async move {
            store
                .browser_session_end(token, idle, HOUR)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let at_login = end(HOUR).await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    // A use a second later, with an hour's idle timeout: no write.
    store
        .browser_session(&token, HOUR, HOUR)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(end(HOUR).await, at_login, "not written within the minute");
    // With a 2 s idle timeout the timer is written every second.
    let short = Duration::from_secs(2);
    store
        .browser_session(&token, short, HOUR)
        .await
        .unwrap()
        .unwrap();
    assert!(end(short).await > at_login - 3600 + 2, "moved by the use");
}

async fn pivot_expansions_are_kept_per_object_until_logout(db: Database) {
    let store = db.store(&SealingKey::generate_base64()).await;
    let state = serde_json::json!([{"qExcludeList": false, "qPos": {"qElemNo": [2]}}]);
    store
        .save_expansion(&key(), "pivot-b", &state)
        .await
        .unwrap();
    store
        .save_expansion(&key(), "pivot-a", &state)
        .await
        .unwrap();
    let later = serde_json::json!([{"qExcludeList": true, "qPos": {"qElemNo": []}}]);
    store
        .save_expansion(&key(), "pivot-a", &later)
        .await
        .unwrap();
    let other_app = EngineKey {
        app_id: "sample-support".into(),
        ..key()
    };
    assert!(store.expansions(&other_app).await.unwrap().is_empty());
    assert_eq!(
        store.expansions(&key()).await.unwrap(),
        [("pivot-a".to_owned(), later), ("pivot-b".to_owned(), state)]
    );
    // Collapsed back to nothing: forgotten.
    store
        .save_expansion(&key(), "pivot-b", &serde_json::json!([]))
        .await
        .unwrap();
    assert_eq!(store.expansions(&key()).await.unwrap().len(), 1);
    store.forget_qlik_sessions(&key().user()).await.unwrap();
    assert!(store.expansions(&key()).await.unwrap().is_empty());
}
