//! Qlik away or slow (issue 28): the user's last view kept in the store is
//! served, marked with its time and selections; selections get a clear 503;
//! when Qlik answers again every open stream hears one change and the page
//! is live; a restarted server still serves the kept view; a slow engine
//! gets the kept view at the deadline, then live data; a slow computation
//! no tab waits for is cancelled on the engine (`CancelRequest`).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::TestServer;
use qlik_sim::{RunningSim, SimConfig, Simulator};

/// Waits until the store in `dir` keeps a view (written in the background).
async fn kept_in(dir: &Path) {
    let key = std::fs::read_to_string(dir.join("store.key")).expect("the key file");
    let store = store::Store::open(
        &dir.join("mashup.sqlite"),
        store::SealingKey::from_base64(key.trim()).expect("a key"),
    )
    .await
    .expect("the store opens");
    for _ in 0..100 {
        let bytes = store.last_views_bytes().await.unwrap();
        if bytes > 0 {
            eprintln!("kept: {bytes} B (packed, sealed)");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no view was kept in the store");
}

/// Loads the dashboard view until `done` holds for it (at most `wait`).
async fn view_until(
    app: &TestServer,
    wait: Duration,
    done: impl Fn(&serde_json::Value) -> bool,
) -> (serde_json::Value, Duration) {
    let start = Instant::now();
    loop {
        let asked = Instant::now();
        let response = app.call("/api/dashboard", "").await;
        let took = asked.elapsed();
        if response.status() == 200 {
            let view: serde_json::Value = response.json().await.unwrap();
            if done(&view) {
                return (view, took);
            }
        }
        assert!(start.elapsed() < wait, "the view did not turn as expected");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn is_stale(view: &serde_json::Value) -> bool {
    !view["stale"].is_null()
}

#[tokio::test]
async fn qlik_away_serves_the_kept_view_then_turns_live_with_one_event() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    app.select_first_filter_value().await;
    let live = app.dashboard().await;
    let field = live["selections"]["chips"][0]["field"]
        .as_str()
        .expect("a selection")
        .to_owned();
    // The page as the browser loads it: its view is kept.
    let page = app.get("/").await;
    assert_eq!(page.status(), 200);
    let html_bytes = page.text().await.unwrap().len();
    kept_in(app.dir.path()).await;
    let json_bytes = serde_json::to_vec(&live).unwrap().len();
    eprintln!("sizes: page HTML {html_bytes} B, view JSON {json_bytes} B");
    let mut before = app.events().await;

    let sim = app.server.embedded_qlik().expect("the embedded qlik-sim");
    sim.pause(Duration::from_secs(4));
    let (stale, _) = view_until(&app, Duration::from_secs(3), is_stale).await;
    assert_eq!(stale["stale"]["reason"], "Unreachable");
    let message = stale["stale"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Qlik Sense is not reachable. Showing the data as of "),
        "{message}"
    );
    assert!(message.contains("UTC today"), "{message}");
    assert!(
        message.contains(&format!("with your selections then: {field} = ")),
        "{message}"
    );
    assert_eq!(stale["kpis"], live["kpis"], "the numbers kept");
    // The page itself: the banner, marked for caches, controls disabled.
    let page = app.get("/").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-mashup-stale"], "unreachable");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("Qlik Sense is not reachable."));
    assert!(html.contains("Not available while Qlik Sense is not reachable."));
    assert_eq!(
        html.matches("<fieldset disabled class=\"stale-guard\">")
            .count(),
        3,
        "the controls that need Qlik are disabled"
    );
    // A selection is a clear 503.
    let elem = live["filters"][0]["values"][0]["elem"].as_i64().unwrap();
    let refused = app
        .call(
            "/api/select",
            &format!("object_id=filter-0&values[0]={elem}"),
        )
        .await;
    assert_eq!(refused.status(), 503);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Qlik Sense cannot be reached right now")
    );
    // A tab opened meanwhile holds a stream too.
    let mut during = app.events().await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("mashup_stale_pages_served_total 0\n"));

    // Qlik back: one event on each stream, then live numbers.
    for stream in [&mut before, &mut during] {
        assert!(
            stream.next_change(Duration::from_secs(30)).await.is_some(),
            "the stream hears Qlik back"
        );
    }
    for stream in [&mut before, &mut during] {
        assert_eq!(stream.count_changes(Duration::from_millis(500)).await, 0);
    }
    let (back, _) = view_until(&app, Duration::from_secs(5), |v| !is_stale(v)).await;
    assert_eq!(back["kpis"], live["kpis"]);
    assert_eq!(back["selections"], live["selections"], "selections kept");
}

/// A standalone Qlik site and a server on it whose store is in `dir`.
async fn server_on(sim: &RunningSim, dir: &Path) -> TestServer {
    let (qps, proxy, dir) = (sim.qps_addr(), sim.proxy_addr(), dir.to_path_buf());
    TestServer::start_with(move |config| {
        config.qlik.qps_url = Some(format!("http://{qps}"));
        config.qlik.proxy_url = Some(format!("http://{proxy}"));
        config.allow_demo_directory = true;
        config.session.store_path = dir.join("mashup.sqlite");
        config.session.key_file = dir.join("store.key");
    })
    .await
}

#[tokio::test]
async fn a_server_restarted_while_qlik_is_away_serves_the_kept_view() {
    let sim = Simulator::start(SimConfig {
        sample_rows: 2_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = server_on(&sim, dir.path()).await;
    first.login("alice", "alice-password").await;
    let live = first.dashboard().await;
    kept_in(dir.path()).await;
    let browser = first.client.clone();
    let other = crate::support::client();
    let login = other
        .post(first.url("/api/login"))
        .headers(first.same_origin_headers())
        .form(&[("username", "bob"), ("password", "bob-password")])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_redirection());
    first.stop().await;

    sim.pause(Duration::from_secs(30));
    let second = server_on(&sim, dir.path()).await;
    let page = browser.get(second.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-mashup-stale"], "unreachable");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Qlik Sense is not reachable.")
    );
    let view: serde_json::Value = browser
        .post(second.url("/api/dashboard"))
        .header("origin", &second.base)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["stale"]["reason"], "Unreachable");
    assert_eq!(view["kpis"], live["kpis"]);
    // Without a kept view (bob never saw the page): the "unavailable" answer.
    let page = other.get(second.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 503);
    second.stop().await;
}

/// A server whose pages wait 1 s for Qlik, showing a small page (the engine
/// answers one call at a time per session): a list box and a KPI.
async fn slow_deadline_server() -> TestServer {
    TestServer::start_with(|config| {
        config.qlik.request_timeout = Duration::from_secs(1);
        let page = &mut config.dashboard;
        page.filters.truncate(1);
        page.kpis.truncate(1);
        page.charts.clear();
        page.tables.clear();
        page.masters.clear();
    })
    .await
}

#[tokio::test]
async fn a_slow_engine_gets_the_kept_view_at_the_deadline_then_live_data() {
    let app = slow_deadline_server().await;
    app.login("alice", "alice-password").await;
    let live = app.dashboard().await;
    kept_in(app.dir.path()).await;
    let mut stream = app.events().await;
    let sim = app.server.embedded_qlik().expect("the embedded qlik-sim");
    sim.delay_answers(Duration::from_secs(3));
    // The socket drops; reopening it and the layouts take 3 s per call.
    sim.drop_sockets("CORP", "alice");
    let (stale, took) = view_until(&app, Duration::from_secs(10), is_stale).await;
    assert_eq!(stale["stale"]["reason"], "Slow");
    assert!(
        stale["stale"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Qlik Sense is slow to answer.")
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2500),
        "served at the deadline: {took:?}"
    );
    assert!(
        stream.next_change(Duration::from_secs(60)).await.is_some(),
        "the tab hears the live data"
    );
    let (back, _) = view_until(&app, Duration::from_secs(30), |v| !is_stale(v)).await;
    assert_eq!(back["kpis"], live["kpis"]);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("mashup_engine_calls_past_deadline_total 0\n"));
}

#[tokio::test]
async fn a_slow_computation_no_tab_waits_for_is_cancelled_on_the_engine() {
    let app = slow_deadline_server().await;
    app.login("alice", "alice-password").await;
    app.dashboard().await;
    kept_in(app.dir.path()).await;
    // Logged out and in again (the kept view stays): a new Qlik session,
    // whose layouts the next page load asks for, 3 s each.
    app.logout().await;
    let sim = app.server.embedded_qlik().expect("the embedded qlik-sim");
    sim.delay_answers(Duration::from_secs(3));
    app.login("alice", "alice-password").await;
    let (stale, _) = view_until(&app, Duration::from_secs(10), is_stale).await;
    assert_eq!(stale["stale"]["reason"], "Slow");
    // No tab opens an event stream: past the grace period the background
    // computation is dropped and its engine call cancelled.
    let start = Instant::now();
    loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        let cancels = app
            .sim_stats()
            .calls
            .get("CancelRequest")
            .copied()
            .unwrap_or(0);
        if !metrics.contains("mashup_engine_calls_cancelled_total 0\n") && cancels > 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the abandoned computation is cancelled on the engine"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
