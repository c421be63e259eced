//! The test controls that make the simulated site slow (`/sim/delay/{ms}`)
//! or away for a while (`/sim/pause/{ms}`), over real sockets.

mod support;

use std::time::{Duration, Instant};

use futures_util::SinkExt;
use qlik_sim::SimConfig;
use serde_json::json;
use support::*;
use tokio_tungstenite::tungstenite::Message;

/// The selected values of `field` in a current-selections layout answer.
fn selected_in(answer: &serde_json::Value, field: &str) -> Vec<String> {
    answer["result"]["qLayout"]["qSelectionObject"]["qSelections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["qField"] == field)
        .flat_map(|s| {
            s["qSelectedFieldSelectionInfo"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v["qName"].as_str().map(str::to_owned))
        })
        .collect()
}

#[tokio::test]
async fn a_delayed_engine_answers_late_with_overlapping_delays() {
    let sim = start(SimConfig::default()).await;
    let (mut ws, _doc) = open_app(&sim, "alice", "sample-sales").await;
    let answer = http()
        .post(format!("http://{}/sim/delay/600", sim.qps_addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let started = Instant::now();
    let version = call(&mut ws, 2, -1, "EngineVersion", json!([])).await;
    let took = started.elapsed();
    assert!(version["result"]["qVersion"].is_object(), "{version}");
    assert!(
        took >= Duration::from_millis(600),
        "answered after {took:?}"
    );

    // Two requests at once: both answered about one delay later, not two.
    let started = Instant::now();
    for id in [3, 4] {
        let frame = json!({"jsonrpc": "2.0", "id": id, "handle": -1,
            "method": "EngineVersion", "params": []});
        ws.send(Message::text(frame.to_string())).await.unwrap();
    }
    let mut answered = 0;
    while answered < 2 {
        let frame = next(&mut ws).await.expect("an answer");
        if frame.get("id").is_some() {
            answered += 1;
        }
    }
    assert!(
        started.elapsed() < Duration::from_millis(1100),
        "the delays overlap: {:?}",
        started.elapsed()
    );

    sim.delay_answers(Duration::ZERO);
    let started = Instant::now();
    call(&mut ws, 5, -1, "EngineVersion", json!([])).await;
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn a_cancelled_held_answer_is_the_aborted_error() {
    let sim = start(SimConfig::default()).await;
    let (mut ws, _doc) = open_app(&sim, "alice", "sample-sales").await;
    sim.delay_answers(Duration::from_millis(400));
    let frame = json!({"jsonrpc": "2.0", "id": 2, "handle": -1,
        "method": "EngineVersion", "params": []});
    ws.send(Message::text(frame.to_string())).await.unwrap();
    let cancel = json!({"jsonrpc": "2.0", "id": 3, "handle": -1,
        "method": "CancelRequest", "params": [2]});
    ws.send(Message::text(cancel.to_string())).await.unwrap();
    let first = loop {
        let frame = next(&mut ws).await.expect("an answer");
        if frame.get("id").is_some() {
            break frame;
        }
    };
    assert_eq!(first["id"], 2);
    assert_eq!(
        first["error"]["code"], 15,
        "LOCERR_GENERIC_ABORTED: {first}"
    );
}

#[tokio::test]
async fn a_pause_refuses_connections_and_keeps_every_session() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales/ttl/1", Some(&cookie)).await;
    greeting(&mut socket).await;
    let doc = handle(&call(&mut socket, 1, -1, "OpenDoc", json!(["sample-sales"])).await);
    let region = handle(&call(&mut socket, 2, doc, "GetField", json!(["Region"])).await);
    call(&mut socket, 3, region, "Select", json!(["EMEA"])).await;

    let paused: serde_json::Value = http()
        .post(format!("http://{}/sim/pause/1500", sim.qps_addr()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paused["dropped"], 1);
    assert!(
        next(&mut socket).await.is_none(),
        "the engine socket dropped"
    );
    // Both listeners refuse: a new connection fails at once.
    tokio::time::sleep(Duration::from_millis(50)).await;
    for addr in [sim.proxy_addr(), sim.qps_addr()] {
        let refused = tokio::net::TcpStream::connect(addr).await;
        assert!(refused.is_err(), "{addr} refuses during the pause");
    }
    // Longer than the engine session's TTL (1 s): still kept.
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let mut back = None;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(sim.proxy_addr())
            .await
            .is_ok()
        {
            back = Some(ws(&sim, "/app/sample-sales/ttl/1", Some(&cookie)).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut back = back.expect("the proxy accepts again after the pause");
    assert_eq!(greeting(&mut back).await, "SESSION_ATTACHED");
    let doc = handle(&call(&mut back, 1, -1, "GetActiveDoc", json!([])).await);
    let current = handle(
        &call(
            &mut back,
            2,
            doc,
            "CreateSessionObject",
            json!([{"qInfo": {"qType": "CurrentSelections"}, "qSelectionObjectDef": {}}]),
        )
        .await,
    );
    let layout = call(&mut back, 3, current, "GetLayout", json!([])).await;
    assert_eq!(selected_in(&layout, "Region"), ["EMEA"], "{layout}");
    assert_eq!(sim.stats().sessions_alive, 1);
}

#[tokio::test]
async fn a_kept_alive_connection_fails_after_a_pause_began() {
    let sim = start(SimConfig::default()).await;
    let client = http();
    let stats = format!("http://{}/sim/stats", sim.qps_addr());
    assert!(
        client
            .get(&stats)
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    sim.pause(Duration::from_millis(500));
    // The pooled connection was accepted before the pause: it fails too.
    assert!(client.get(&stats).send().await.is_err());
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut answered = false;
    for _ in 0..50 {
        if client.get(&stats).send().await.is_ok() {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(answered, "QPS answers again after the pause");
}
