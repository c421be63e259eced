//! The hub's bookmark calls against qlik-sim over real sockets, with a real
//! SQLite store.

use std::time::Duration;

use hub::{AppObjects, Error, Hub, HubConfig, ObjectDef, SessionSource};
use qlik::proxy::Proxy;
use qlik::qps::{QpsClient, QpsConfig};
use qlik_sim::{RunningSim, SimConfig, Simulator};
use serde_json::{Value, json};
use store::{FieldSelection, SealingKey, Store};

struct Fixture {
    sim: RunningSim,
    store: Store,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn new() -> Self {
        let sim = Simulator::start(SimConfig {
            sample_rows: 2_000,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("store.sqlite"),
            SealingKey::from_base64(&SealingKey::generate_base64()).unwrap(),
        )
        .await
        .unwrap();
        Self {
            sim,
            store,
            _dir: dir,
        }
    }

    fn hub(&self) -> Hub {
        let config = HubConfig {
            qps: QpsClient::new(QpsConfig::new(
                format!("http://{}", self.sim.qps_addr()),
                "",
            ))
            .unwrap(),
            proxy: Proxy::new(&format!("http://{}", self.sim.proxy_addr()), "").unwrap(),
            engine_base: format!("ws://{}", self.sim.proxy_addr()),
            virtual_proxy: String::new(),
            ttl_seconds: 60,
            session_source: SessionSource::Ticket,
            apps: vec![AppObjects {
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
                ],
            }],
            idle_eviction: Duration::from_secs(600),
            keepalive_interval: Duration::from_secs(60),
            origin: None,
            ws_csrf: false,
            root_ca: None,
        };
        Hub::new(config, self.store.clone())
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

/// Selects `region` in the list box; returns the new total.
async fn select(session: &hub::EngineSession, region: &str) -> f64 {
    session
        .select_field_values("Region", &[region.to_owned()])
        .await
        .unwrap();
    total(&session.layout("total").await.unwrap())
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
async fn create_list_apply_and_destroy() {
    let f = Fixture::new().await;
    let hub = f.hub();
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let all = total(&session.layout("total").await.unwrap());
    let emea = select(&session, "EMEA").await;
    session
        .select_field_values("Segment", &["Corporate".to_owned()])
        .await
        .unwrap();
    let both = total(&session.layout("total").await.unwrap());
    let id = session.create_bookmark("EMEA corporate").await.unwrap();
    let listed = session.bookmarks().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id.as_str(), listed[0].title.as_str()),
        (id.as_str(), "EMEA corporate")
    );
    assert!(listed[0].created.is_some());

    session.clear_all().await.unwrap();
    assert_eq!(total(&session.layout("total").await.unwrap()), all);
    let mut tabs: Vec<_> = (0..3).map(|_| session.subscribe()).collect();
    assert!(session.apply_bookmark(&id).await.unwrap());
    // The event is sent before the call returns, with the new layouts cached.
    for tab in &mut tabs {
        let change = tab.try_recv().expect("one event, already sent");
        assert!(change.objects.contains(&"total".to_owned()));
    }
    let layouts = f.sim.stats().calls_of("GetLayout");
    assert_eq!(total(&session.layout("total").await.unwrap()), both);
    assert_eq!(
        f.sim.stats().calls_of("GetLayout"),
        layouts,
        "served from the cache"
    );
    let selections = session.current_selections().await.unwrap();
    let fields: Vec<&str> = selections["qSelectionObject"]["qSelections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["qField"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["Region", "Segment"]);
    // The store holds the restored selections (for a new engine session).
    let mut stored = f.store.selections(&hub.key("CORP", "alice")).await.unwrap();
    stored.sort_by(|a, b| a.field.cmp(&b.field));
    assert_eq!(
        stored,
        [
            FieldSelection {
                field: "Region".into(),
                values: vec!["EMEA".into()]
            },
            FieldSelection {
                field: "Segment".into(),
                values: vec!["Corporate".into()]
            },
        ]
    );
    // No second event comes later (outside changes are gathered for 20 ms).
    tokio::time::sleep(Duration::from_millis(300)).await;
    for tab in &mut tabs {
        assert_eq!(pending_events(tab), 0, "exactly one event per tab");
    }
    // A history step like any selection.
    session.back().await.unwrap();
    assert_eq!(total(&session.layout("total").await.unwrap()), all);
    assert!(emea > both);

    assert!(session.destroy_bookmark(&id).await.unwrap());
    assert!(session.bookmarks().await.unwrap().is_empty());
    let mut tab = session.subscribe();
    let gone = session.apply_bookmark(&id).await.unwrap_err();
    assert!(
        matches!(&gone, Error::UnknownBookmark(b) if *b == id),
        "{gone:?}"
    );
    assert_eq!(
        pending_events(&mut tab),
        0,
        "a failed apply announces nothing"
    );
    assert!(matches!(
        session.destroy_bookmark(&id).await,
        Err(Error::UnknownBookmark(_))
    ));
}

#[tokio::test]
async fn another_user_can_neither_see_nor_apply_nor_destroy_it() {
    let f = Fixture::new().await;
    let hub = f.hub();
    let alice = hub.session("CORP", "alice", &attributes()).await.unwrap();
    select(&alice, "APAC").await;
    let id = alice.create_bookmark("APAC").await.unwrap();
    let bob = hub.session("CORP", "bob", &attributes()).await.unwrap();
    let all = total(&bob.layout("total").await.unwrap());
    assert!(bob.bookmarks().await.unwrap().is_empty());
    assert!(matches!(
        bob.apply_bookmark(&id).await,
        Err(Error::UnknownBookmark(_))
    ));
    assert!(matches!(
        bob.destroy_bookmark(&id).await,
        Err(Error::UnknownBookmark(_))
    ));
    assert_eq!(
        total(&bob.layout("total").await.unwrap()),
        all,
        "bob's selections untouched"
    );
    assert_eq!(alice.bookmarks().await.unwrap()[0].id, id, "still alice's");
}

#[tokio::test]
async fn apply_works_across_a_dropped_socket() {
    let f = Fixture::new().await;
    let hub = f.hub();
    let session = hub.session("CORP", "alice", &attributes()).await.unwrap();
    let all = total(&session.layout("total").await.unwrap());
    let emea = select(&session, "EMEA").await;
    let id = session.create_bookmark("EMEA").await.unwrap();
    session.clear_all().await.unwrap();
    let mut tab = session.subscribe();
    assert_eq!(f.sim.drop_sockets("CORP", "alice"), 1);
    // Right after the drop: the call reattaches (or the watcher already has).
    assert!(session.apply_bookmark(&id).await.unwrap());
    assert_eq!(total(&session.layout("total").await.unwrap()), emea);
    assert!(tab.recv().await.is_ok(), "the tabs hear of it");
    // Reattached by the call's retry or by the watcher, whichever came first.
    tokio::time::timeout(Duration::from_secs(3), async {
        while hub.metrics().reattaches == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the socket was reattached");
    assert_eq!(f.sim.stats().tickets_issued, 1, "the same Qlik session");
    session.clear_all().await.unwrap();
    assert_eq!(total(&session.layout("total").await.unwrap()), all);
}
