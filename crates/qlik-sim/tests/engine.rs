//! The QIX transport: OnConnected, attach vs create, TTL, methods, errors, delta.

mod support;

use std::time::Duration;

use futures_util::SinkExt;
use qlik_sim::SimConfig;
use serde_json::json;
use support::*;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn sockets_attach_while_the_engine_session_lives() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut first = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    assert_eq!(greeting(&mut first).await, "SESSION_CREATED");
    let opened = call(&mut first, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    assert_eq!(opened["result"]["qReturn"]["qType"], "Doc");
    // A second socket of the same user, app and identity attaches.
    let mut second = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    assert_eq!(greeting(&mut second).await, "SESSION_ATTACHED");
    let active = call(&mut second, 1, -1, "GetActiveDoc", json!([])).await;
    assert_eq!(active["result"]["qReturn"]["qGenericId"], "sample-sales");
    // Another identity is another engine session.
    let mut other = ws(&sim, "/app/sample-sales/identity/tab2", Some(&cookie)).await;
    assert_eq!(greeting(&mut other).await, "SESSION_CREATED");
    drop((first, second, other));
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Without a TTL the session ended with its last socket.
    let mut again = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    assert_eq!(greeting(&mut again).await, "SESSION_CREATED");
    let none = call(&mut again, 1, -1, "GetActiveDoc", json!([])).await;
    assert_eq!(none["error"]["code"], 1017);
}

/// Two sockets of one engine session racing to set it up (two instances
/// serving one user): the second's `OpenDoc` is "already open" (1002) and
/// its `CreateSessionObject` with the same id "already exists" (3); the app
/// and the object are the first socket's, reached by `GetActiveDoc` and
/// `GetObject`.
#[tokio::test]
async fn a_second_socket_finds_the_app_open_and_the_object_made() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut first = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    assert_eq!(greeting(&mut first).await, "SESSION_CREATED");
    let mut second = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    assert_eq!(greeting(&mut second).await, "SESSION_ATTACHED");
    let opened = call(&mut first, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    let doc = opened["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let props = json!({"qInfo": {"qId": "kpi-1", "qType": "kpi"}});
    let made = call(&mut first, 2, doc, "CreateSessionObject", json!([props])).await;
    assert_eq!(made["result"]["qReturn"]["qGenericId"], "kpi-1");

    let twice = call(&mut second, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    assert_eq!(twice["error"]["code"], 1002);
    assert_eq!(twice["error"]["message"], "App already open");
    let active = call(&mut second, 2, -1, "GetActiveDoc", json!([])).await;
    let doc = active["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let again = call(&mut second, 3, doc, "CreateSessionObject", json!([props])).await;
    assert_eq!(again["error"]["code"], 3);
    assert_eq!(again["error"]["message"], "Resource already exists");
    assert_eq!(again["error"]["parameter"], "kpi-1");
    let found = call(&mut second, 4, doc, "GetObject", json!(["kpi-1"])).await;
    assert_eq!(found["result"]["qReturn"]["qGenericId"], "kpi-1");
}

#[tokio::test]
async fn a_ttl_keeps_the_engine_session_after_the_last_socket() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales/ttl/1", Some(&cookie)).await;
    greeting(&mut socket).await;
    call(
        &mut socket,
        1,
        -1,
        "OpenDoc",
        json!({"qDocName": "sample-sales"}),
    )
    .await;
    drop(socket);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut back = ws(&sim, "/app/sample-sales/ttl/1", Some(&cookie)).await;
    assert_eq!(greeting(&mut back).await, "SESSION_ATTACHED");
    let doc = call(&mut back, 1, -1, "GetActiveDoc", json!([])).await;
    assert_eq!(doc["result"]["qReturn"]["qType"], "Doc");
    drop(back);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let mut late = ws(&sim, "/app/sample-sales/ttl/1", Some(&cookie)).await;
    assert_eq!(greeting(&mut late).await, "SESSION_CREATED");
    assert_eq!(
        sim.stats().sessions_alive,
        1,
        "still the same proxy session"
    );
}

#[tokio::test]
async fn dropped_sockets_leave_every_session_alive() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales/ttl/30", Some(&cookie)).await;
    greeting(&mut socket).await;
    call(&mut socket, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    let dropped: serde_json::Value = http()
        .post(format!(
            "http://{}/sim/drop-sockets/CORP/alice",
            sim.qps_addr()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dropped["dropped"], 1);
    assert!(next(&mut socket).await.is_none(), "closed without a notice");
    let mut back = ws(&sim, "/app/sample-sales/ttl/30", Some(&cookie)).await;
    assert_eq!(greeting(&mut back).await, "SESSION_ATTACHED");
    let stats = sim.stats();
    assert_eq!(
        (
            stats.sessions_alive,
            stats.engine_sessions,
            stats.open_sockets
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn global_methods_and_qlik_errors() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/engineData", Some(&cookie)).await;
    greeting(&mut socket).await;
    let version = call(&mut socket, 1, -1, "EngineVersion", json!([])).await;
    assert!(version["result"]["qVersion"]["qComponentVersion"].is_string());
    let list = call(&mut socket, 2, -1, "GetDocList", json!([])).await;
    assert_eq!(list["result"]["qDocList"][0]["qDocId"], "sample-sales");
    let user = call(&mut socket, 3, -1, "GetAuthenticatedUser", json!([])).await;
    assert_eq!(
        user["result"]["qReturn"],
        "UserDirectory=CORP; UserId=alice"
    );
    assert_eq!(
        call(&mut socket, 4, -1, "IsDesktopMode", json!([])).await["result"]["qReturn"],
        false
    );
    let missing = call(&mut socket, 5, -1, "OpenDoc", json!(["nope"])).await;
    assert_eq!(missing["error"]["code"], 1003);
    assert_eq!(missing["error"]["parameter"], "nope");
    let unknown = call(&mut socket, 6, -1, "NoSuchMethod", json!([])).await;
    assert_eq!(unknown["error"]["code"], -32601);
    let bad = call(&mut socket, 7, -1, "OpenDoc", json!([42])).await;
    assert_eq!(bad["error"]["code"], -32602);
    let doc = call(&mut socket, 8, -1, "OpenDoc", json!(["sample-sales"])).await;
    let handle = doc["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let twice = call(&mut socket, 9, -1, "OpenDoc", json!(["sample-sales"])).await;
    assert_eq!(twice["error"]["code"], 1002);
    let layout = call(&mut socket, 10, handle, "GetAppLayout", json!([])).await;
    assert_eq!(layout["result"]["qLayout"]["qTitle"], "Sample Sales");
    let bad_handle = call(&mut socket, 11, 999, "GetAppLayout", json!([])).await;
    assert!(bad_handle["error"]["code"].is_number());
    // Malformed frames get JSON-RPC errors, and the socket carries on.
    socket.send(Message::text("{not json")).await.unwrap();
    let mut parse_error = next(&mut socket).await.unwrap();
    while parse_error.get("method").is_some() {
        parse_error = next(&mut socket).await.unwrap();
    }
    assert_eq!(parse_error["error"]["code"], -32700);
    socket.send(Message::text("[1,2]")).await.unwrap();
    assert_eq!(next(&mut socket).await.unwrap()["error"]["code"], -32600);
    let product = call(&mut socket, 12, -1, "ProductVersion", json!([])).await;
    assert!(product["result"]["qReturn"].is_string());
}

#[tokio::test]
async fn the_first_request_brings_the_authentication_information() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/engineData", Some(&cookie)).await;
    greeting(&mut socket).await;
    socket
        .send(Message::text(
            json!({"jsonrpc":"2.0","id":1,"handle":-1,"method":"EngineVersion","params":[]})
                .to_string(),
        ))
        .await
        .unwrap();
    let info = next(&mut socket).await.unwrap();
    assert_eq!(info["method"], "OnAuthenticationInformation");
    assert_eq!(info["params"]["mustAuthenticate"], false);
    assert_eq!(info["params"]["userId"], "alice");
}

#[tokio::test]
async fn delta_answers_are_json_patches() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    greeting(&mut socket).await;
    let send = |id: i64| {
        json!({"jsonrpc":"2.0","id":id,"handle":-1,"method":"EngineVersion","params":[],"delta":true})
            .to_string()
    };
    socket.send(Message::text(send(1))).await.unwrap();
    let mut first = next(&mut socket).await.unwrap();
    while first.get("method").is_some() {
        first = next(&mut socket).await.unwrap();
    }
    assert_eq!(first["delta"], true);
    assert_eq!(first["result"]["qVersion"][0]["op"], "add");
    assert_eq!(first["result"]["qVersion"][0]["path"], "/");
    socket.send(Message::text(send(2))).await.unwrap();
    let second = next(&mut socket).await.unwrap();
    assert_eq!(second["result"]["qVersion"], json!([]));
}

#[tokio::test]
async fn soft_patches_sort_a_cube_for_this_engine_session_only() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    greeting(&mut socket).await;
    call(&mut socket, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    let properties = json!({"qInfo": {"qId": "t", "qType": "table"}, "qHyperCubeDef": {
        "qDimensions": [{"qDef": {"qFieldDefs": ["Region"]}}],
        "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}],
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 10}]}});
    let created = call(
        &mut socket,
        2,
        1,
        "CreateSessionObject",
        json!([properties]),
    )
    .await;
    let handle = created["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let sales = |layout: &serde_json::Value| -> Vec<f64> {
        layout["result"]["qLayout"]["qHyperCube"]["qDataPages"][0]["qMatrix"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row[1]["qNum"].as_f64().unwrap())
            .collect()
    };
    let before = call(&mut socket, 3, handle, "GetLayout", json!([])).await;
    assert_eq!(before["result"]["qLayout"]["qHasSoftPatches"], false);
    let patched = call(&mut socket, 4, handle, "ApplyPatches", json!([[
        {"qOp": "replace", "qPath": "/qHyperCubeDef/qInterColumnSortOrder", "qValue": "[1,0]"},
        {"qOp": "add", "qPath": "/qHyperCubeDef/qMeasures/0/qSortBy", "qValue": "{\"qSortByNumeric\":-1}"},
    ], true])).await;
    assert_eq!(
        patched["change"],
        json!([handle]),
        "the object's layout changed"
    );
    let after = call(&mut socket, 5, handle, "GetLayout", json!([])).await;
    let cube = &after["result"]["qLayout"]["qHyperCube"];
    assert_eq!(after["result"]["qLayout"]["qHasSoftPatches"], true);
    assert_eq!(cube["qEffectiveInterColumnSortOrder"], json!([1, 0]));
    assert_eq!(cube["qMeasureInfo"][0]["qSortIndicator"], "D");
    let descending = sales(&after);
    assert!(descending.len() > 2);
    assert!(descending.is_sorted_by(|a, b| a >= b), "{descending:?}");
    assert_ne!(sales(&before), sales(&after), "the order changed");
    // GetProperties keeps the object's own properties.
    let own = call(&mut socket, 6, handle, "GetProperties", json!([])).await;
    assert!(own["result"]["qProp"]["qHyperCubeDef"]["qInterColumnSortOrder"].is_null());
    // Cleared: the object's own order again.
    let cleared = call(&mut socket, 7, handle, "ClearSoftPatches", json!([])).await;
    assert_eq!(cleared["change"], json!([handle]));
    let back = call(&mut socket, 8, handle, "GetLayout", json!([])).await;
    assert_eq!(sales(&back), sales(&before));
    assert_eq!(back["result"]["qLayout"]["qHasSoftPatches"], false);
    // A hard patch of a master object is refused, as SetProperties is.
    let master = call(&mut socket, 9, 1, "GetObject", json!(["bar-region"])).await;
    let master = master["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let refused = call(
        &mut socket,
        10,
        master,
        "ApplyPatches",
        json!([[
        {"qOp": "add", "qPath": "/title", "qValue": "\"x\""}], false]),
    )
    .await;
    assert_eq!(refused["error"]["code"], 5);
}
