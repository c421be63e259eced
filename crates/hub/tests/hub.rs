//! The hub against qlik-sim over real sockets, with a real SQLite store.

use std::sync::Arc;
use std::time::Duration;

use hub::{AppObjects, Hub, HubConfig, ObjectDef, SessionSource};
use qlik::proxy::Proxy;
use qlik::qps::{QpsClient, QpsConfig, UserRef};
use qlik_sim::{RunningSim, SimConfig, Simulator};
use serde_json::{Value, json};
use store::{SealingKey, Store};

#[path = "hub/pivots.rs"]
mod pivots;

struct Fixture {
    sim: RunningSim,
    dir: tempfile::TempDir,
    key: String,
}

impl Fixture {
    async fn new() -> Self {
        let sim = Simulator::start(SimConfig {
            sample_rows: 2_000,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        Self {
            sim,
            dir: tempfile::tempdir().unwrap(),
            key: SealingKey::generate_base64(),
        }
    }

    async fn store(&self) -> Store {
        Store::open(
            &self.dir.path().join("store.sqlite"),
            SealingKey::from_base64(&self.key).unwrap(),
        )
        .await
        .unwrap()
    }

    fn qps(&self) -> QpsClient {
        QpsClient::new(QpsConfig::new(
            format!("http://{}", self.sim.qps_addr()),
            "",
        ))
        .unwrap()
    }

    fn config(&self, ttl_seconds: u32) -> HubConfig {
        HubConfig {
            qps: self.qps(),
            proxy: Proxy::new(&format!("http://{}", self.sim.proxy_addr()), "").unwrap(),
            engine_base: format!("ws://{}", self.sim.proxy_addr()),
            virtual_proxy: String::new(),
            ttl_seconds,
            session_source: SessionSource::Ticket,
            apps: vec![
                AppObjects {
                    app_id: "sample-sales".into(),
                    objects: vec![
                        ObjectDef::Session {
                            id: "regions".into(),
                            properties: json!({"qInfo": {"qType": "listbox"}, "qListObjectDef": {
                        "qDef": {"qFieldDefs": ["Region"]}, "qShowAlternatives": true,
                        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 50}]}}),
                        },
                        ObjectDef::Session {
                            id: "total".into(),
                            properties: json!({"qInfo": {"qType": "kpi"}, "qHyperCubeDef": {
                        "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}],
                        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}]}}),
                        },
                        ObjectDef::Master {
                            id: "bar-region".into(),
                        },
                    ],
                },
                AppObjects {
                    app_id: "sample-support".into(),
                    objects: vec![ObjectDef::Session {
                        id: "tickets".into(),
                        properties: json!({"qInfo": {"qType": "kpi"}, "qHyperCubeDef": {
                        "qMeasures": [{"qDef": {"qDef": "Count(TicketID)"}}],
                        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}]}}),
                    }],
                },
            ],
            idle_eviction: Duration::from_secs(600),
            keepalive_interval: Duration::from_secs(60),
            origin: None,
            ws_csrf: false,
            root_ca: None,
        }
    }

    async fn hub(&self, ttl_seconds: u32) -> Hub {
        Hub::new(self.config(ttl_seconds), self.store().await)
    }

    async fn proxy_sessions(&self, user: &str) -> usize {
        self.qps()
            .user_sessions(&UserRef::new("CORP", user))
            .await
            .unwrap()
            .len()
    }
}

fn attributes() -> Vec<(String, String)> {
    vec![("Group".into(), "Sales".into())]
}

fn total(layout: &Value) -> f64 {
    layout["qHyperCube"]["qDataPages"][0]["qMatrix"][0][0]["qNum"]
        .as_f64()
        .unwrap()
}

fn elem(layout: &Value, text: &str) -> i64 {
    layout["qListObject"]["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row[0]["qText"] == text)
        .unwrap()[0]["qElemNumber"]
        .as_i64()
        .unwrap()
}

/// Selects EMEA for the user; returns (total before, total after).
async fn select_emea(hub: &Hub, user: &str) -> (f64, f64) {
    let session = hub.session("CORP", user, &attributes()).await.unwrap();
    let before = total(&session.layout("total").await.unwrap());
    let regions = session.layout("regions").await.unwrap();
    session
        .select_list_values("regions", &[elem(&regions, "EMEA")], false)
        .await
        .unwrap();
    let after = total(&session.layout("total").await.unwrap());
    assert!(after < before);
    (before, after)
}

#[tokio::test]
async fn every_app_gets_a_socket_on_the_users_one_proxy_session() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    // Both apps' first requests at once: one ticket, one proxy session.
    let attempts = (0..20).map(|i| {
        let hub = hub.clone();
        let app = if i % 2 == 0 {
            "sample-sales"
        } else {
            "sample-support"
        };
        tokio::spawn(async move { hub.session_in(app, "CORP", "alice", &attributes()).await })
    });
    for attempt in attempts {
        attempt.await.unwrap().unwrap();
    }
    let stats = f.sim.stats();
    assert_eq!(stats.tickets_issued, 1);
    assert_eq!(f.proxy_sessions("alice").await, 1);
    assert_eq!(stats.open_sockets, 2, "one socket per app");
    assert_eq!(hub.metrics().held_sessions, 1, "one user held");
    // Selections are per app.
    let support = hub
        .session_in("sample-support", "CORP", "alice", &attributes())
        .await
        .unwrap();
    let tickets = total(&support.layout("tickets").await.unwrap());
    assert!(tickets > 0.0);
    select_emea(&hub, "alice").await;
    assert_eq!(total(&support.layout("tickets").await.unwrap()), tickets);
    // A restart reattaches both apps without a ticket.
    drop((support, hub));
    let hub = f.hub(60).await;
    for app in ["sample-sales", "sample-support"] {
        hub.session_in(app, "CORP", "alice", &attributes())
            .await
            .unwrap();
    }
    assert_eq!(f.sim.stats().tickets_issued, 1);
    assert_eq!(f.proxy_sessions("alice").await, 1);
    // An app the hub was not configured with is refused.
    assert!(matches!(
        hub.session_in("other", "CORP", "alice", &attributes())
            .await,
        Err(hub::Error::UnknownApp(_))
    ));
    // Logout ends every app's socket and the one proxy session.
    hub.logout("CORP", "alice").await.unwrap();
    assert_eq!(f.proxy_sessions("alice").await, 0);
}

#[tokio::test]
async fn a_thousand_refreshes_cost_no_ticket_and_no_session() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    hub.session("CORP", "alice", &attributes()).await.unwrap();
    let after_login = f.sim.stats();
    for _ in 0..1000 {
        let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
        for id in ["regions", "total", "bar-region"] {
            session.layout(id).await.unwrap();
        }
    }
    let stats = f.sim.stats();
    assert_eq!(f.proxy_sessions("alice").await, 1);
    assert_eq!(stats.tickets_issued, 1);
    assert_eq!(
        stats.tickets_issued, after_login.tickets_issued,
        "no ticket after login"
    );
    assert_eq!(stats.open_sockets, 1);
    let metrics = hub.metrics();
    assert_eq!(
        (
            metrics.tickets_requested,
            metrics.connects,
            metrics.held_sessions
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn fifty_concurrent_first_requests_make_one_ticket_and_one_socket() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let attempts = (0..50).map(|_| {
        let hub = hub.clone();
        tokio::spawn(async move {
            hub.session("CORP", "alice", &attributes())
                .await
                .map(|s| Arc::as_ptr(&s) as usize)
        })
    });
    let mut pointers = Vec::new();
    for attempt in attempts {
        pointers.push(attempt.await.unwrap().unwrap());
    }
    pointers.dedup();
    assert_eq!(pointers.len(), 1, "one shared session");
    assert_eq!(f.sim.stats().tickets_issued, 1);
    assert_eq!(f.sim.stats().open_sockets, 1);
    assert_eq!(hub.metrics().connects, 1);
}

#[tokio::test]
async fn a_dropped_socket_is_reattached_with_selections_intact() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let (_, emea) = select_emea(&hub, "alice").await;
    assert_eq!(f.sim.drop_sockets("CORP", "alice"), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(total(&session.layout("total").await.unwrap()), emea);
    let metrics = hub.metrics();
    assert_eq!(metrics.reattaches, 1);
    assert_eq!(metrics.tickets_requested, 1);
    assert_eq!(f.sim.stats().sessions_created, 1);
    assert_eq!(f.proxy_sessions("alice").await, 1);
}

#[tokio::test]
async fn past_the_ttl_the_selections_come_back_on_the_same_proxy_session() {
    let f = Fixture::new().await;
    let hub = f.hub(1).await;
    let (_, emea) = select_emea(&hub, "alice").await;
    f.sim.drop_sockets("CORP", "alice");
    // Keep the hub from reconnecting before the TTL ends: stop it, wait, start anew.
    drop(hub);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let hub = f.hub(1).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(total(&session.layout("total").await.unwrap()), emea);
    let selections = session.current_selections().await.unwrap();
    assert_eq!(
        selections["qSelectionObject"]["qSelections"][0]["qSelected"],
        "EMEA"
    );
    assert_eq!(hub.metrics().recreations, 1);
    assert_eq!(hub.metrics().tickets_requested, 0);
    assert_eq!(f.sim.stats().sessions_created, 1, "same proxy session");
}

#[tokio::test]
async fn a_restart_on_the_same_store_reattaches_without_a_ticket() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let (_, emea) = select_emea(&hub, "alice").await;
    drop(hub);
    let restarted = f.hub(60).await;
    let session = restarted
        .session("CORP", "alice", &attributes())
        .await
        .unwrap();
    assert_eq!(total(&session.layout("total").await.unwrap()), emea);
    let metrics = restarted.metrics();
    assert_eq!(metrics.tickets_requested, 0);
    assert_eq!(metrics.reattaches, 1);
    assert_eq!(f.sim.stats().tickets_issued, 1);
}

#[tokio::test]
async fn logout_ends_the_qlik_session_everywhere() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    hub.session("CORP", "alice", &attributes()).await.unwrap();
    let store = f.store().await;
    let key = hub.key("CORP", "alice");
    let cookie = store.qlik_cookie(&key.user()).await.unwrap().unwrap();
    hub.logout("CORP", "alice").await.unwrap();
    assert_eq!(f.proxy_sessions("alice").await, 0);
    assert!(store.qlik_cookie(&key.user()).await.unwrap().is_none());
    let old = qlik::qix::Connection::connect(
        qlik::qix::ConnectOptions::new(qlik::qix::EngineUrl::new(
            &format!("ws://{}", f.sim.proxy_addr()),
            "",
            "sample-sales",
        ))
        .cookie(qlik::proxy::SessionCookie::new(cookie.name, cookie.value)),
    )
    .await;
    assert!(
        matches!(old, Err(qlik::Error::AuthenticationRequired)),
        "{old:?}"
    );
    assert_eq!(hub.metrics().held_sessions, 0);
}

#[tokio::test]
async fn two_users_never_share_sessions_or_selections() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let (all, emea) = select_emea(&hub, "alice").await;
    let bob = hub.session("CORP", "bob", &attributes()).await.unwrap();
    assert_eq!(total(&bob.layout("total").await.unwrap()), all);
    let alice = hub.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(total(&alice.layout("total").await.unwrap()), emea);
    assert_eq!(f.proxy_sessions("alice").await, 1);
    assert_eq!(f.proxy_sessions("bob").await, 1);
}

#[tokio::test]
async fn qps_down_at_login_is_a_clear_error_and_stores_nothing() {
    let f = Fixture::new().await;
    let mut config = f.config(60);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    config.qps = QpsClient::new(QpsConfig::new(format!("http://{closed}"), "")).unwrap();
    let store = f.store().await;
    let hub = Hub::new(config, store.clone());
    let error = hub
        .session("CORP", "alice", &attributes())
        .await
        .unwrap_err();
    assert_eq!(
        error.user_message(),
        "Qlik Sense cannot be reached right now. Try again in a moment."
    );
    assert!(
        store
            .qlik_cookie(&hub.key("CORP", "alice").user())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(hub.metrics().held_sessions, 0);
}

/// Events waiting on `receiver` (without waiting for more).
fn pending_events(receiver: &mut tokio::sync::broadcast::Receiver<hub::Change>) -> usize {
    let mut count = 0;
    while receiver.try_recv().is_ok() {
        count += 1;
    }
    count
}

#[tokio::test]
async fn one_selection_is_one_event_per_tab_and_one_layout_per_object() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let ids = session.object_ids();
    for id in &ids {
        session.layout(id).await.unwrap();
    }
    let mut tabs: Vec<_> = (0..3).map(|_| session.subscribe()).collect();
    let layouts_before = f.sim.stats().calls_of("GetLayout");
    let regions = session.layout("regions").await.unwrap();
    session
        .select_list_values("regions", &[elem(&regions, "EMEA")], false)
        .await
        .unwrap();
    // Longer than the window in which late change lists could still arrive.
    tokio::time::sleep(Duration::from_millis(400)).await;
    for tab in &mut tabs {
        assert_eq!(pending_events(tab), 1, "exactly one event per tab");
    }
    let computed = f.sim.stats().calls_of("GetLayout") - layouts_before;
    assert!(
        (1..=ids.len() as u64).contains(&computed),
        "each changed object computed at most once: {computed}"
    );
    // Every tab reloads: all from the cache.
    for _ in &tabs {
        for id in &ids {
            session.layout(id).await.unwrap();
        }
    }
    assert_eq!(
        f.sim.stats().calls_of("GetLayout") - layouts_before,
        computed,
        "the tabs' reloads hit the cache"
    );
}

#[tokio::test]
async fn changes_made_elsewhere_are_one_event_per_burst() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let before = total(&session.layout("total").await.unwrap());
    let mut tab = session.subscribe();
    // Another device on the same Qlik session: a second socket with the cookie.
    let cookie = f
        .store()
        .await
        .qlik_cookie(&hub.key("CORP", "alice").user())
        .await
        .unwrap()
        .unwrap();
    let other = qlik::qix::Connection::connect(
        qlik::qix::ConnectOptions::new(
            qlik::qix::EngineUrl::new(&format!("ws://{}", f.sim.proxy_addr()), "", "sample-sales")
                .ttl(60),
        )
        .cookie(qlik::proxy::SessionCookie::new(cookie.name, cookie.value)),
    )
    .await
    .unwrap();
    let doc = other.connection.global().get_active_doc().await.unwrap();
    let region = doc.get_field("Region").await.unwrap();
    // A burst: both calls sent at once (pipelined on the other socket).
    let (first, second) = tokio::join!(region.select("EMEA"), region.toggle_select("APAC"));
    first.unwrap();
    second.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(2), tab.recv()).await;
    assert!(first.is_ok(), "the change from elsewhere is announced");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pending_events(&mut tab), 0, "one event for the burst");
    let after = total(&session.layout("total").await.unwrap());
    assert!(after < before, "the announced layout is the new one");
}

#[tokio::test]
async fn an_idle_socket_is_closed_but_nobody_is_logged_out() {
    let f = Fixture::new().await;
    let mut config = f.config(60);
    config.idle_eviction = Duration::from_millis(300);
    let hub = Hub::new(config, f.store().await);
    let (_, emea) = select_emea(&hub, "alice").await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let tab = session.subscribe();
    // Requests keep coming while the sweeper runs: every one is served.
    let mut served = 0;
    let until = tokio::time::Instant::now() + Duration::from_millis(1200);
    while tokio::time::Instant::now() < until {
        let held = hub.session("CORP", "alice", &attributes()).await.unwrap();
        assert_eq!(total(&held.layout("total").await.unwrap()), emea);
        served += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(served > 3);
    // An open stream (a tab listening) keeps the socket: it needs the
    // engine's change lists.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(hub.metrics().held_sessions, 1, "kept while a tab listens");
    drop(tab);
    // Left alone, the socket is closed …
    tokio::time::timeout(Duration::from_secs(3), async {
        while hub.metrics().held_sessions > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the idle socket is closed");
    assert_eq!(f.sim.stats().open_sockets, 0);
    // … but the same session object (a racing request holds it) opens it again.
    assert_eq!(total(&session.layout("total").await.unwrap()), emea);
    assert_eq!(f.proxy_sessions("alice").await, 1);
    assert_eq!(f.sim.stats().tickets_issued, 1, "no new ticket");
    // A tab that subscribes after the eviction hears the next change.
    let mut tab = session.subscribe();
    let regions = session.layout("regions").await.unwrap();
    session
        .select_list_values("regions", &[elem(&regions, "APAC")], true)
        .await
        .unwrap();
    assert!(tab.recv().await.is_ok());
}

#[tokio::test]
async fn a_qlik_session_ended_elsewhere_is_not_restarted_in_the_background() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    hub.session("CORP", "alice", &attributes()).await.unwrap();
    // Logged out through another instance (or timed out at Qlik): QPS deletes
    // the proxy session, which closes our socket.
    let id = f
        .qps()
        .user_sessions(&UserRef::new("CORP", "alice"))
        .await
        .unwrap()[0]
        .session_id
        .clone();
    f.qps().delete_session(&id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let stats = f.sim.stats();
    assert_eq!(stats.tickets_issued, 1, "no ticket without a request");
    assert_eq!(stats.sessions_alive, 0);
    assert_eq!(hub.metrics().held_sessions, 0);
    // A request of a logged-in browser starts a new one.
    hub.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(f.sim.stats().tickets_issued, 2);
    assert_eq!(f.proxy_sessions("alice").await, 1);
}

#[tokio::test]
async fn with_qlik_down_each_user_makes_one_attempt_per_backoff_window() {
    let f = Fixture::new().await;
    // A "Qlik" that accepts connections and hangs up, counting them.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let down = listener.local_addr().unwrap();
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = attempts.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(socket);
        }
    });
    let mut config = f.config(60);
    config.qps = QpsClient::new(QpsConfig::new(format!("http://{down}"), "")).unwrap();
    let hub = Hub::new(config, f.store().await);
    // Fifty tabs reconnecting at once, then again and again for 150 ms: well
    // inside the shortest first window (500 ms less the most jitter: 250 ms),
    // however the random draw falls and however slow the machine.
    let start = std::time::Instant::now();
    loop {
        let calls = (0..50).map(|_| {
            let hub = hub.clone();
            tokio::spawn(async move { hub.session("CORP", "alice", &attributes()).await })
        });
        for call in calls {
            assert!(call.await.unwrap().is_err());
        }
        if start.elapsed() >= Duration::from_millis(150) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        attempts.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one attempt within the first backoff window"
    );
    // Once the window has passed, one more attempt.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(hub.session("CORP", "alice", &attributes()).await.is_err());
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_login_with_other_groups_gets_a_qlik_session_with_them() {
    let f = Fixture::new().await;
    let groups = |names: &[&str]| -> Vec<(String, String)> {
        names
            .iter()
            .map(|g| ("Group".to_owned(), (*g).to_owned()))
            .collect()
    };
    let qlik_groups = |f: &Fixture| {
        let qps = f.qps();
        async move {
            let sessions = qps
                .user_sessions(&UserRef::new("CORP", "alice"))
                .await
                .unwrap();
            assert_eq!(sessions.len(), 1, "one Qlik session");
            let mut values: Vec<String> = sessions[0]
                .attributes
                .iter()
                .map(|a| a.value.clone())
                .collect();
            values.sort();
            (sessions[0].session_id.clone(), values)
        }
    };
    let hub = f.hub(60).await;
    hub.login("CORP", "alice", &groups(&["Sales"]))
        .await
        .unwrap();
    let (first, _) = qlik_groups(&f).await;
    // Same groups again: same Qlik session.
    hub.login("CORP", "alice", &groups(&["Sales"]))
        .await
        .unwrap();
    assert_eq!(qlik_groups(&f).await.0, first);
    // New groups: the old Qlik session ends, a new one carries them.
    let (_, emea) = select_emea(&hub, "alice").await;
    hub.login("CORP", "alice", &groups(&["EMEA", "Sales"]))
        .await
        .unwrap();
    let (second, values) = qlik_groups(&f).await;
    assert_ne!(second, first);
    assert_eq!(values, ["EMEA", "Sales"]);
    let session = hub.session("CORP", "alice", &[]).await.unwrap();
    assert_eq!(
        total(&session.layout("total").await.unwrap()),
        emea,
        "selections carried over"
    );
    // After a restart the held session's groups are asked of QPS.
    drop(session);
    drop(hub);
    let restarted = f.hub(60).await;
    restarted
        .login("CORP", "alice", &groups(&["Sales"]))
        .await
        .unwrap();
    let (third, values) = qlik_groups(&f).await;
    assert_ne!(third, second);
    assert_eq!(values, ["Sales"]);
}

#[tokio::test]
async fn a_cookie_sealed_with_a_lost_key_counts_as_absent() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    hub.session("CORP", "alice", &attributes()).await.unwrap();
    drop(hub);
    let path = f.dir.path().join("store.sqlite");
    let new_key = SealingKey::generate_base64();
    let open = || async {
        Store::open(&path, SealingKey::from_base64(&new_key).unwrap())
            .await
            .unwrap()
    };
    let rekeyed = Hub::new(f.config(60), open().await);
    let session = rekeyed.session("CORP", "alice", &attributes()).await;
    assert!(session.is_ok(), "{:?}", session.err());
    assert_eq!(rekeyed.metrics().tickets_requested, 1, "a new Qlik session");
    drop(session);
    drop(rekeyed);
    // The row was replaced: the next start reattaches without a ticket.
    let again = Hub::new(f.config(60), open().await);
    again.session("CORP", "alice", &attributes()).await.unwrap();
    assert_eq!(again.metrics().tickets_requested, 0);
    assert_eq!(again.metrics().reattaches, 1);
}

#[tokio::test]
async fn logout_forgets_the_cookie_even_when_qps_cannot_be_reached() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    hub.session("CORP", "alice", &attributes()).await.unwrap();
    drop(hub);
    let mut config = f.config(60);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    config.qps = QpsClient::new(QpsConfig::new(format!("http://{closed}"), "")).unwrap();
    let store = f.store().await;
    let hub = Hub::new(config, store.clone());
    assert!(hub.logout("CORP", "alice").await.is_err(), "QPS is down");
    assert!(
        store
            .qlik_cookie(&hub.key("CORP", "alice").user())
            .await
            .unwrap()
            .is_none(),
        "the cookie is forgotten anyway"
    );
}

#[tokio::test]
async fn other_tabs_hear_about_changes() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let mut changes = session.subscribe();
    select_emea(&hub, "alice").await;
    // Every tab (subscriber) learns that the KPI changed, in one event.
    let change = tokio::time::timeout(Duration::from_secs(2), changes.recv())
        .await
        .expect("an event")
        .unwrap();
    assert!(change.objects.contains(&"total".to_owned()));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(pending_events(&mut changes), 0);
}

#[tokio::test]
async fn closing_the_sockets_at_shutdown_keeps_the_qlik_sessions() {
    let f = Fixture::new().await;
    let hub = f.hub(60).await;
    let (_, emea) = select_emea(&hub, "alice").await;
    hub.close_sockets().await;
    assert_eq!(hub.metrics().held_sessions, 0);
    // The simulator counts a socket closed once it has read the close.
    tokio::time::timeout(Duration::from_secs(3), async {
        while f.sim.stats().open_sockets > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the sockets are closed");
    assert_eq!(f.proxy_sessions("alice").await, 1, "the Qlik session stays");
    drop(hub);
    let restarted = f.hub(60).await;
    let session = restarted
        .session("CORP", "alice", &attributes())
        .await
        .unwrap();
    assert_eq!(total(&session.layout("total").await.unwrap()), emea);
    assert_eq!(restarted.metrics().reattaches, 1);
    assert_eq!(f.sim.stats().tickets_issued, 1);
}
