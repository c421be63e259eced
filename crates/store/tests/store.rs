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
