//! Two server instances on one PostgreSQL and one Qlik site (a standalone
//! qlik-sim): still one Qlik session per user, whichever instance serves.
//! One cookie jar plays the browser behind a load balancer (cookies do not
//! depend on the port), so every request may go to either instance.

use std::time::{Duration, Instant};

use crate::support::{EventStream, TestServer};
use qlik::qps::{QpsClient, QpsConfig, UserRef};
use qlik_sim::{RunningSim, SimConfig, Simulator};
use store::testing::TestPostgres;

struct Site {
    sim: RunningSim,
    _db: TestPostgres,
    a: TestServer,
    b: TestServer,
    /// The browser: one cookie jar for both instances.
    browser: reqwest::Client,
}

impl Site {
    async fn start(edit: fn(&mut qlik_mashup::Config)) -> Self {
        let db = TestPostgres::start();
        let sim = Simulator::start(SimConfig {
            sample_rows: 2_000,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let key = store::SealingKey::generate_base64();
        let instance = || {
            let (url, key) = (db.url(), key.clone());
            let (qps, proxy) = (sim.qps_addr(), sim.proxy_addr());
            TestServer::start_with(move |config| {
                config.session.store_url = url;
                config.session.key = key;
                config.qlik.qps_url = Some(format!("http://{qps}"));
                config.qlik.proxy_url = Some(format!("http://{proxy}"));
                config.allow_demo_directory = true;
                edit(config);
            })
        };
        let a = instance().await;
        let b = instance().await;
        Self {
            sim,
            _db: db,
            a,
            b,
            browser: crate::support::client(),
        }
    }

    async fn login(&self, on: &TestServer, password: &str) -> reqwest::Response {
        self.browser
            .post(on.url("/api/login"))
            .headers(on.same_origin_headers())
            .form(&[("username", "alice"), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    async fn call(&self, on: &TestServer, path: &str, body: &str) -> reqwest::Response {
        self.browser
            .post(on.url(path))
            .header("origin", &on.base)
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    async fn dashboard(&self, on: &TestServer) -> serde_json::Value {
        let response = self.call(on, "/api/dashboard", "").await;
        assert_eq!(response.status(), 200, "the dashboard loads");
        response.json().await.unwrap()
    }

    /// Selects the first value of the first list box through `on`.
    async fn select_first_value(&self, on: &TestServer) {
        let view = self.dashboard(on).await;
        let answer = self.call(on, "/api/select", &first_value(&view)).await;
        assert_eq!(answer.status(), 200);
    }

    async fn events(&self, on: &TestServer) -> EventStream {
        let response = self
            .browser
            .get(on.url("/api/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let mut stream = EventStream::from_response(response);
        stream.next_event(Duration::from_secs(5)).await;
        stream
    }

    fn qps(&self) -> QpsClient {
        QpsClient::new(QpsConfig::new(
            format!("http://{}", self.sim.qps_addr()),
            "",
        ))
        .unwrap()
    }

    async fn qlik_sessions(&self) -> Vec<String> {
        self.qps()
            .user_sessions(&UserRef::new("CORP", "alice"))
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.session_id)
            .collect()
    }
}

/// `select`'s body for the first value of the first list box.
fn first_value(view: &serde_json::Value) -> String {
    let filter = &view["filters"][0];
    format!(
        "object_id={}&values[0]={}",
        filter["id"].as_str().unwrap(),
        filter["values"][0]["elem"].as_i64().unwrap()
    )
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn a_user_logged_in_on_one_instance_is_served_by_the_other_on_the_same_qlik_session() {
    let site = Site::start(|_| {}).await;
    assert_eq!(site.login(&site.a, "alice-password").await.status(), 302);
    let sessions = site.qlik_sessions().await;
    assert_eq!(sessions.len(), 1);
    let page = site.browser.get(site.b.url("/")).send().await.unwrap();
    assert_eq!(
        page.status(),
        200,
        "no sticky sessions: B knows the browser"
    );
    site.dashboard(&site.b).await;
    assert_eq!(
        site.qlik_sessions().await,
        sessions,
        "B attached to the same one"
    );
    assert_eq!(site.sim.stats().tickets_issued, 1, "B asked for no ticket");
}

#[tokio::test]
async fn two_instances_racing_to_start_a_users_qlik_session_make_one() {
    let site = Site::start(|_| {}).await;
    site.login(&site.a, "alice-password").await;
    site.dashboard(&site.b).await;
    // Qlik forgets the session (restart, timeout): both instances' sockets close.
    let old = site.qlik_sessions().await;
    site.qps().delete_session(&old[0]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(site.sim.stats().sessions_alive, 0);
    // The next requests reach both instances at once.
    let (on_a, on_b) = tokio::join!(site.dashboard(&site.a), site.dashboard(&site.b));
    assert_eq!(on_a["filters"], on_b["filters"]);
    let sessions = site.qlik_sessions().await;
    assert_eq!(sessions.len(), 1, "one new Qlik session: {sessions:?}");
    assert_ne!(sessions, old);
    assert_eq!(
        site.sim.stats().tickets_issued,
        2,
        "login + one replacement"
    );
}

#[tokio::test]
async fn a_selection_through_one_instance_reaches_the_tabs_of_the_other() {
    let site = Site::start(|_| {}).await;
    site.login(&site.a, "alice-password").await;
    let view = site.dashboard(&site.a).await;
    let select = first_value(&view);
    let mut on_b = site.events(&site.b).await;
    let mut on_a = site.events(&site.a).await;
    let mut latencies = Vec::new();
    for _ in 0..10 {
        let (answer, on_b_after, on_a_after) = tokio::join!(
            site.call(&site.a, "/api/select", &select),
            on_b.next_change(Duration::from_secs(2)),
            on_a.next_change(Duration::from_secs(2))
        );
        assert_eq!(answer.status(), 200);
        let (Some(on_b_after), Some(on_a_after)) = (on_b_after, on_a_after) else {
            panic!("both instances' tabs hear the selection");
        };
        latencies.push((on_a_after, on_b_after));
        for stream in [&mut on_a, &mut on_b] {
            assert_eq!(
                stream.count_changes(Duration::from_millis(200)).await,
                0,
                "one event per tab per selection"
            );
        }
    }
    // Both instances show the same selections (the Qlik session's).
    assert_eq!(
        site.dashboard(&site.b).await["selections"],
        site.dashboard(&site.a).await["selections"]
    );
    println!(
        "selection sent to A → event received, p50: on A {:?}, on B {:?} (10 selections)",
        median(latencies.iter().map(|l| l.0).collect()),
        median(latencies.iter().map(|l| l.1).collect())
    );
}

#[tokio::test]
async fn failed_logins_count_across_instances() {
    let site = Site::start(|config| {
        config.login.throttle.free_failures = 2;
        config.login.throttle.address_free_failures = 100;
    })
    .await;
    for on in [&site.a, &site.b, &site.a] {
        assert!(!crate::support::throttled(&site.login(on, "wrong").await));
    }
    // The fourth guess goes to B, which saw only one of the three failures.
    assert!(crate::support::throttled(
        &site.login(&site.b, "wrong").await
    ));
    assert!(crate::support::throttled(
        &site.login(&site.a, "wrong").await
    ));
}

#[tokio::test]
async fn logout_on_one_instance_ends_everything_on_every_instance() {
    let site = Site::start(|_| {}).await;
    site.login(&site.a, "alice-password").await;
    site.dashboard(&site.b).await;
    let mut on_b = site.events(&site.b).await;
    let logout = site
        .browser
        .post(site.a.url("/api/logout"))
        .headers(site.a.same_origin_headers())
        .send()
        .await
        .unwrap();
    assert_eq!(crate::support::location(&logout), "/login");
    let ended = on_b.ended_within(Duration::from_secs(3)).await;
    assert!(
        ended.is_some_and(|t| t < Duration::from_secs(1)),
        "B's stream ended after {ended:?}"
    );
    let page = site.browser.get(site.b.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 303, "B sends the browser to the login page");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        site.qlik_sessions().await.is_empty(),
        "the Qlik session ended"
    );
    assert_eq!(
        site.sim.stats().tickets_issued,
        1,
        "and nothing re-opened it"
    );
}

#[tokio::test]
async fn a_new_login_in_a_browser_ends_the_old_sessions_streams_on_every_instance() {
    let site = Site::start(|_| {}).await;
    site.login(&site.a, "alice-password").await;
    let mut on_b = site.events(&site.b).await;
    let mut on_a = site.events(&site.a).await;
    // Another browser of the same user keeps its session and stream.
    let other = crate::support::client();
    let login = other
        .post(site.b.url("/api/login"))
        .headers(site.b.same_origin_headers())
        .form(&[("username", "alice"), ("password", "alice-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(crate::support::location(&login), "/");
    let response = other.get(site.b.url("/api/events")).send().await.unwrap();
    let mut other_stream = EventStream::from_response(response);
    other_stream.next_event(Duration::from_secs(5)).await;
    // The first browser logs in again, on A: its old session ends.
    assert_eq!(
        crate::support::location(&site.login(&site.a, "alice-password").await),
        "/"
    );
    for (name, stream) in [("A", &mut on_a), ("B", &mut on_b)] {
        let ended = stream.ended_within(Duration::from_secs(3)).await;
        assert!(
            ended.is_some_and(|t| t < Duration::from_secs(1)),
            "the old session's stream on {name} ended after {ended:?}"
        );
    }
    assert_eq!(
        other_stream.ended_within(Duration::from_millis(500)).await,
        None,
        "the other browser's stream stays open"
    );
    // The new session works on both.
    site.dashboard(&site.b).await;
    site.dashboard(&site.a).await;
}

#[tokio::test]
async fn parallel_first_logins_of_one_user_on_two_instances_all_succeed_on_one_qlik_session() {
    let site = Site::start(|config| {
        config.login.throttle.free_failures = 1_000;
        config.login.throttle.address_free_failures = 1_000;
    })
    .await;
    for round in 0..3 {
        // Twenty browsers at once, split over both instances.
        let logins = (0..20).map(|i| {
            let on = if i % 2 == 0 { &site.a } else { &site.b };
            async move {
                let browser = crate::support::client();
                let login = browser
                    .post(on.url("/api/login"))
                    .headers(on.same_origin_headers())
                    .form(&[("username", "alice"), ("password", "alice-password")])
                    .send()
                    .await
                    .unwrap();
                (crate::support::location(&login), browser, on)
            }
        });
        let logged_in = futures::future::join_all(logins).await;
        for (location, browser, on) in &logged_in {
            assert_eq!(location, "/", "round {round}: every login succeeds");
            let page = browser.get(on.url("/")).send().await.unwrap();
            assert_eq!(page.status(), 200, "round {round}");
        }
        let sessions = site.qlik_sessions().await;
        assert_eq!(sessions.len(), 1, "round {round}: one Qlik session");
        // Qlik forgets it (restart, timeout): the next round is a first
        // login again.
        site.qps().delete_session(&sessions[0]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(site.sim.stats().tickets_issued, 3, "one ticket per round");
}

#[tokio::test]
async fn when_one_instance_dies_the_other_serves_the_same_selections_on_the_same_qlik_session() {
    let site = Site::start(|_| {}).await;
    site.login(&site.a, "alice-password").await;
    site.select_first_value(&site.a).await;
    let selected = site.dashboard(&site.a).await["selections"].clone();
    assert!(!selected["chips"].as_array().unwrap().is_empty());
    let sessions = site.qlik_sessions().await;
    let Site {
        sim,
        _db,
        a,
        b,
        browser,
    } = site;
    // A goes away: its sockets close, the load balancer sends everyone to B.
    a.server.stop().await.unwrap();
    // (A stand-in for the `a` slot; it is not used.)
    let site = Site {
        sim,
        _db,
        a: TestServer::start().await,
        b,
        browser,
    };
    let stopped = Instant::now();
    let view = site.dashboard(&site.b).await;
    let took = stopped.elapsed();
    assert_eq!(view["selections"], selected, "same selections");
    assert_eq!(site.qlik_sessions().await, sessions, "same Qlik session");
    assert_eq!(site.sim.stats().tickets_issued, 1, "no new ticket");
    println!("failover: B served the user (attaching to the Qlik session A made) in {took:?}");
}

#[tokio::test]
async fn with_qlik_away_either_instance_serves_the_view_kept_by_the_other() {
    let site = Site::start(|_| {}).await;
    site.login(&site.a, "alice-password").await;
    site.select_first_value(&site.a).await;
    let live = site.dashboard(&site.a).await;
    let field = live["selections"]["chips"][0]["field"]
        .as_str()
        .unwrap()
        .to_owned();
    // The page loaded through A keeps its view in PostgreSQL (in the background).
    assert_eq!(
        site.browser
            .get(site.a.url("/"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    site.sim.pause(Duration::from_secs(30));
    let start = Instant::now();
    let stale = loop {
        let response = site.call(&site.b, "/api/dashboard", "").await;
        if response.status() == 200 {
            let view: serde_json::Value = response.json().await.unwrap();
            if !view["stale"].is_null() {
                break view;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "B serves the kept view"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(stale["stale"]["reason"], "Unreachable");
    assert!(
        stale["stale"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("with your selections then: {field} = ")),
        "{stale}"
    );
    assert_eq!(stale["kpis"], live["kpis"], "B shows the numbers A saw");
    // The page through B: the banner; and A serves it too.
    let page = site.browser.get(site.b.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-mashup-stale"], "unreachable");
    let on_a = site.dashboard(&site.a).await;
    assert_eq!(on_a["stale"]["reason"], "Unreachable");
    assert_eq!(on_a["kpis"], live["kpis"]);
}
