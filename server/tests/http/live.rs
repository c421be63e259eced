//! Live updates over HTTP: one event per change on every stream, streams that
//! end with their browser session, and a shutdown that does not wait for them.

use std::time::{Duration, Instant};

use crate::support::{StreamItem, TestServer};

/// The first value of the dashboard's first list box, as `select`'s body.
async fn first_value(app: &TestServer) -> String {
    let view = app.dashboard().await;
    let filter = &view["filters"][0];
    let elem = filter["values"][0]["elem"].as_i64().expect("a value");
    format!(
        "object_id={}&values[0]={elem}",
        filter["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn one_click_is_one_event_on_each_of_fifty_streams_and_their_loads_hit_the_cache() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    let select = first_value(&app).await;
    let mut streams = Vec::new();
    for _ in 0..50 {
        streams.push(app.events().await);
    }
    let layouts_before = app.sim_stats().calls_of("GetLayout");
    let clicked = Instant::now();
    let (answer, heard) = tokio::join!(
        app.call("/api/select", &select),
        futures::future::join_all(
            streams
                .iter_mut()
                .map(|s| s.next_change(Duration::from_secs(3)))
        )
    );
    assert_eq!(answer.status(), 200);
    let last_event = clicked.elapsed();
    assert!(heard.iter().all(Option::is_some), "every stream hears it");
    let more = futures::future::join_all(
        streams
            .iter_mut()
            .map(|s| s.count_changes(Duration::from_millis(400))),
    )
    .await;
    assert!(
        more.iter().all(|c| *c == 0),
        "one event per stream: {more:?}"
    );
    let computed = app.sim_stats().calls_of("GetLayout") - layouts_before;
    // Every tab reloads its dashboard, as the page does on an event.
    for _ in 0..50 {
        app.dashboard().await;
    }
    assert_eq!(
        app.sim_stats().calls_of("GetLayout") - layouts_before,
        computed,
        "fifty reloads served from the cache"
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let read = |name: &str| -> u64 {
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in /metrics"))
    };
    let announced = read("mashup_selection_to_event_microseconds_count ");
    assert_eq!(announced, 1, "one selection announced");
    let server_side = Duration::from_micros(read("mashup_selection_to_event_microseconds_sum "));
    println!(
        "50 streams: 1 event each; {computed} layouts computed once; server: selection arrived → \
         event sent {server_side:?}; client: click → all 50 events received {last_event:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_stream_ends_within_a_second_of_logout_in_another_tab() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    let mut stream = app.events().await;
    app.logout().await;
    let ended = stream.ended_within(Duration::from_secs(3)).await;
    assert!(
        ended.is_some_and(|t| t < Duration::from_secs(1)),
        "ended after {ended:?}"
    );
    let again = app.get("/api/events").await;
    assert_eq!(again.status(), 401, "a reconnect is refused");
    app.stop().await;
}

#[tokio::test]
async fn a_new_login_in_the_browser_ends_its_old_streams() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    let mut old = app.events().await;
    // Another browser of the same user keeps its stream.
    let other = crate::support::client();
    let form = [("username", "alice"), ("password", "alice-password")];
    other
        .post(app.url("/api/login"))
        .headers(app.same_origin_headers())
        .form(&form)
        .send()
        .await
        .unwrap();
    let elsewhere = other.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!(elsewhere.status(), 200);
    app.login("alice", "alice-password").await;
    let ended = old.ended_within(Duration::from_secs(3)).await;
    assert!(
        ended.is_some_and(|t| t < Duration::from_secs(1)),
        "ended after {ended:?}"
    );
    let mut elsewhere = crate::support::EventStream::from_response(elsewhere);
    assert_eq!(
        elsewhere.next_event(Duration::from_millis(500)).await,
        Some(StreamItem::Comment),
        "the other browser's stream is still open"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_unattended_stream_does_not_keep_its_session_alive() {
    let app = TestServer::start_with(|config| {
        config.session.idle_timeout = Duration::from_secs(2);
    })
    .await;
    app.login("alice", "alice-password").await;
    let mut stream = app.events().await;
    let ended = stream.ended_within(Duration::from_secs(6)).await;
    assert!(
        ended.is_some_and(|t| t <= Duration::from_millis(3_500)),
        "the stream ends with the idle timeout: {ended:?}"
    );
    let page = app.get("/").await;
    assert_eq!(page.status(), 303, "the session ended: back to login");
    app.stop().await;
}

#[tokio::test]
async fn past_the_cap_the_oldest_stream_is_told_and_ends() {
    let app = TestServer::start_with(|config| {
        config.events.max_streams_per_user = 2;
    })
    .await;
    app.login("alice", "alice-password").await;
    let mut first = app.events().await;
    let mut second = app.events().await;
    let _third = app.events().await;
    assert_eq!(
        first.next_event(Duration::from_secs(1)).await,
        Some(StreamItem::Data("replaced".into())),
        "the replaced stream says so, so its tab stops reconnecting"
    );
    assert!(first.ended_within(Duration::from_secs(1)).await.is_some());
    assert_eq!(
        second.next_event(Duration::from_millis(300)).await,
        None,
        "the newer streams stay open"
    );
    app.stop().await;
}

#[tokio::test]
async fn shutdown_with_open_streams_is_quick() {
    let app = TestServer::start_with(|config| {
        config.shutdown.drain = Duration::from_secs(2);
    })
    .await;
    app.login("alice", "alice-password").await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        streams.push(app.events().await);
    }
    let stopping = Instant::now();
    app.server.stop().await.unwrap();
    let took = stopping.elapsed();
    assert!(took < Duration::from_secs(2), "stopped in {took:?}");
    for stream in &mut streams {
        assert!(
            stream
                .ended_within(Duration::from_millis(500))
                .await
                .is_some()
        );
    }
}
