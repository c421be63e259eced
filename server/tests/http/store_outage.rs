//! The shared store (PostgreSQL) going away under a running server: every
//! request gets a quick, honest 503 "try again" — never "logged out", never
//! "too many attempts" — `/readyz` says what fails within its deadline, and
//! when the database is back the user is still logged in and the other
//! instances' notices are heard again.

use std::time::{Duration, Instant};

use crate::support::{TestServer, location};
use qlik_sim::{RunningSim, SimConfig, Simulator};
use store::testing::TestPostgres;

/// The pool waits 2 s for a connection; a request answers well within this.
const QUICK: Duration = Duration::from_secs(4);
/// `/readyz` asks each dependency for at most 5 s.
const READYZ_DEADLINE: Duration = Duration::from_secs(6);

async fn server_on(db: &TestPostgres, sim: &RunningSim) -> TestServer {
    let (url, qps, proxy) = (db.url(), sim.qps_addr(), sim.proxy_addr());
    TestServer::start_with(move |config| {
        config.session.store_url = url;
        config.session.key = store::SealingKey::generate_base64();
        config.qlik.qps_url = Some(format!("http://{qps}"));
        config.qlik.proxy_url = Some(format!("http://{proxy}"));
        config.allow_demo_directory = true;
        // Generous: a throttle answer here could only come from the outage.
        config.login.throttle.free_failures = 1_000;
        config.login.throttle.address_free_failures = 1_000;
    })
    .await
}

async fn timed<T>(request: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let answer = request.await;
    (answer, started.elapsed())
}

/// Waits (bounded) until `GET path` answers `status`.
async fn until_status(app: &TestServer, path: &str, status: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if app.get(path).await.status() == status {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{path} did not answer {status} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn failing(report: &serde_json::Value) -> Vec<String> {
    report["failing"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_store_outage_is_a_quick_try_again_never_a_logout_nor_a_throttle() {
    let db = TestPostgres::start();
    let sim = Simulator::start(SimConfig {
        sample_rows: 2_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let app = server_on(&db, &sim).await;
    until_status(&app, "/readyz", 200, Duration::from_secs(10)).await;
    assert_eq!(location(&app.login("alice", "alice-password").await), "/");
    assert_eq!(app.get("/").await.status(), 200);

    db.stop();

    // A page with a valid cookie: not the login page.
    let (page, took) = timed(app.get("/")).await;
    assert_eq!(
        page.status(),
        503,
        "a page during the outage (Location: {:?})",
        location(&page)
    );
    assert!(took < QUICK, "the page answered after {took:?}");
    assert!(page.headers().contains_key("retry-after"));
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("temporarily unavailable")
    );

    // A server function: not "your session has ended".
    let (call, took) = timed(app.call("/api/dashboard", "")).await;
    assert_eq!(call.status(), 503);
    assert!(took < QUICK, "the server function answered after {took:?}");
    let error: serde_json::Value = call.json().await.unwrap();
    assert_eq!(error["code"], "StoreUnavailable", "{error}");

    // The event stream: not 401 (which would send the tab to the login page).
    let (events, took) = timed(app.get("/api/events")).await;
    assert_eq!(events.status(), 503);
    assert!(took < QUICK, "the event stream answered after {took:?}");

    // A correct login: not "too many failed attempts".
    for _ in 0..3 {
        let (login, took) = timed(app.login("alice", "alice-password")).await;
        assert_eq!(login.status(), 503, "{:?}", location(&login));
        assert!(took < QUICK, "the login answered after {took:?}");
        let error: serde_json::Value = login.json().await.unwrap();
        assert_eq!(error["code"], "StoreUnavailable", "{error}");
    }

    // Readiness says what fails, within its deadline.
    let (ready, took) = timed(app.get("/readyz")).await;
    assert_eq!(ready.status(), 503);
    assert!(took < READYZ_DEADLINE, "/readyz answered after {took:?}");
    let report: serde_json::Value = ready.json().await.unwrap();
    let down = failing(&report);
    assert!(down.contains(&"store".to_owned()), "{report}");
    assert!(
        down.contains(&"notices".to_owned()),
        "the other instances' logouts are not heard: {report}"
    );

    db.resume();

    // Back: still logged in (the outage logged nobody out), and ready again
    // once the notice listener is back (it retries by itself).
    let back = until_status(&app, "/", 200, Duration::from_secs(10)).await;
    let ready = until_status(&app, "/readyz", 200, Duration::from_secs(20)).await;
    println!("after the restart: pages served after {back:?}, ready after {ready:?}");
    assert_eq!(app.call("/api/dashboard", "").await.status(), 200);
}
