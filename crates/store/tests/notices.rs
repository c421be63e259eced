//! Notices between instances on PostgreSQL: every instance hears a logout
//! and a session's end, and the listener comes back by itself after the
//! database went away for longer than a connection attempt may take.

use std::time::{Duration, Instant};

use store::testing::TestPostgres;
use store::{Notice, NoticeHealth, Notices, SealingKey, SessionToken, Store};
use tokio::sync::mpsc;

async fn store(server: &TestPostgres) -> Store {
    let key = SealingKey::from_base64(&SealingKey::generate_base64()).unwrap();
    Store::connect(&server.url(), key).await.unwrap()
}

/// Follows `notices` in the background, as the server does.
fn follow(mut notices: Notices) -> (NoticeHealth, mpsc::UnboundedReceiver<Notice>) {
    let health = notices.health();
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let notice = notices.next().await;
            if sender.send(notice).is_err() {
                return;
            }
        }
    });
    (health, receiver)
}

/// Waits (bounded) until `condition` holds.
async fn until(what: &str, within: Duration, condition: impl Fn() -> bool) -> Duration {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

async fn next(heard: &mut mpsc::UnboundedReceiver<Notice>) -> Notice {
    tokio::time::timeout(Duration::from_secs(3), heard.recv())
        .await
        .expect("a notice in time")
        .expect("the listener runs")
}

#[tokio::test]
async fn every_instance_hears_a_logout_and_a_session_end() {
    let server = TestPostgres::start();
    let (a, b) = (store(&server).await, store(&server).await);
    let (health, mut heard) = follow(b.notices(&server.url()).expect("PostgreSQL listens"));
    until("listening", Duration::from_secs(5), || {
        health.is_listening()
    })
    .await;
    a.notify_logout("CORP", "alice").await.unwrap();
    assert_eq!(
        next(&mut heard).await,
        Notice::LoggedOut {
            directory: "CORP".into(),
            user_id: "alice".into()
        }
    );
    let token = SessionToken::generate();
    a.notify_session_ended(&token).await.unwrap();
    assert_eq!(
        next(&mut heard).await,
        Notice::SessionEnded(token.digest_hex())
    );
}

/// The outage that killed the listener for good: the database refusing
/// connections for longer than one reconnection may wait (sqlx's own
/// reconnect gave up after its pool's acquire timeout and ended the
/// stream). Ending the listener's connection alone (`pg_terminate_backend`)
/// never reproduced it: the database is back before the reconnect starts.
#[tokio::test]
async fn the_listener_comes_back_after_an_outage_and_says_so() {
    let server = TestPostgres::start();
    let (a, b) = (store(&server).await, store(&server).await);
    let (health, mut heard) = follow(b.notices(&server.url()).expect("PostgreSQL listens"));
    until("listening", Duration::from_secs(5), || {
        health.is_listening()
    })
    .await;

    server.stop();
    let noticed = until("the outage noticed", Duration::from_secs(5), || {
        !health.is_listening()
    })
    .await;
    // Longer than a connection attempt may take (2 s): several attempts fail.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(!health.is_listening(), "down while the database is");
    server.resume();
    let back = until("listening again", Duration::from_secs(15), || {
        health.is_listening()
    })
    .await;
    assert_eq!(
        next(&mut heard).await,
        Notice::Resumed,
        "missed notices are announced"
    );
    a.notify_logout("CORP", "alice").await.unwrap();
    assert_eq!(
        next(&mut heard).await,
        Notice::LoggedOut {
            directory: "CORP".into(),
            user_id: "alice".into()
        },
        "a logout sent after the outage is heard"
    );
    // And the database sees one LISTENing connection again.
    let listening: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
            .fetch_one(&sqlx::PgPool::connect(&server.url()).await.unwrap())
            .await
            .unwrap();
    assert_eq!(listening, 1);
    println!("outage noticed after {noticed:?}; listening again {back:?} after the restart");
}
