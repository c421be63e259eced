//! The associative engine through the JSON-RPC API, over real sockets.

mod support;

use qlik_sim::SimConfig;
use serde_json::{Value, json};
use support::*;

fn small() -> SimConfig {
    SimConfig {
        sample_rows: 3_000,
        ..SimConfig::default()
    }
}

async fn open_doc(ws: &mut Ws) -> i64 {
    greeting(ws).await;
    let doc = call(ws, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    doc["result"]["qReturn"]["qHandle"].as_i64().unwrap()
}

async fn create(ws: &mut Ws, id: i64, doc: i64, props: Value) -> i64 {
    let created = call(ws, id, doc, "CreateSessionObject", json!([props])).await;
    created["result"]["qReturn"]["qHandle"].as_i64().unwrap()
}

fn listbox(field: &str) -> Value {
    json!({"qInfo": {"qType": "listbox"}, "qListObjectDef": {"qDef": {"qFieldDefs": [field],
        "qSortCriterias": [{"qSortByState": 1, "qSortByAscii": 1}]},
        "qShowAlternatives": true,
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 100}]}})
}

fn kpi(expr: &str) -> Value {
    json!({"qInfo": {"qType": "kpi"}, "qHyperCubeDef": {"qDimensions": [],
        "qMeasures": [{"qDef": {"qDef": expr}}],
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}]}})
}

fn states(layout: &Value) -> Vec<(String, String)> {
    layout["result"]["qLayout"]["qListObject"]["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row[0]["qText"].as_str().unwrap().to_owned(),
                row[0]["qState"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn kpi_value(layout: &Value) -> f64 {
    layout["result"]["qLayout"]["qHyperCube"]["qDataPages"][0]["qMatrix"][0][0]["qNum"]
        .as_f64()
        .unwrap()
}

#[tokio::test]
async fn selections_propagate_with_states_change_lists_and_history() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut ws = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    let doc = open_doc(&mut ws).await;
    let regions = create(&mut ws, 2, doc, listbox("Region")).await;
    let total = create(&mut ws, 3, doc, kpi("Sum(Sales)")).await;
    let selections = create(
        &mut ws,
        4,
        doc,
        json!({"qInfo": {"qType": "CurrentSelections"}, "qSelectionObjectDef": {}}),
    )
    .await;

    let before = kpi_value(&call(&mut ws, 5, total, "GetLayout", json!([])).await);
    let layout = call(&mut ws, 6, regions, "GetLayout", json!([])).await;
    assert!(states(&layout).iter().all(|(_, s)| s == "O"));
    let emea = layout["result"]["qLayout"]["qListObject"]["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0]["qText"] == "EMEA")
        .unwrap()[0]["qElemNumber"]
        .as_i64()
        .unwrap();

    let selected = call(
        &mut ws,
        7,
        regions,
        "SelectListObjectValues",
        json!(["/qListObjectDef", [emea], false]),
    )
    .await;
    assert_eq!(selected["result"]["qSuccess"], true);
    let mut change: Vec<i64> = serde_json::from_value(selected["change"].clone()).unwrap();
    change.sort();
    assert_eq!(change, [regions, total, selections]);

    let layout = call(&mut ws, 8, regions, "GetLayout", json!([])).await;
    let states = states(&layout);
    assert_eq!(
        states[0],
        ("EMEA".to_owned(), "S".to_owned()),
        "selected first"
    );
    assert!(states[1..].iter().all(|(_, s)| s == "A"), "{states:?}");
    let counts = &layout["result"]["qLayout"]["qListObject"]["qDimensionInfo"]["qStateCounts"];
    assert_eq!(
        (
            counts["qSelected"].as_u64(),
            counts["qAlternative"].as_u64()
        ),
        (Some(1), Some(3))
    );

    let emea_total = kpi_value(&call(&mut ws, 9, total, "GetLayout", json!([])).await);
    assert!(emea_total > 0.0 && emea_total < before);

    let current = call(&mut ws, 10, selections, "GetLayout", json!([])).await;
    let object = &current["result"]["qLayout"]["qSelectionObject"];
    assert_eq!(object["qSelections"][0]["qField"], "Region");
    assert_eq!(object["qSelections"][0]["qSelected"], "EMEA");
    assert_eq!(
        object["qSelections"][0]["qSelectedFieldSelectionInfo"][0]["qName"],
        "EMEA"
    );
    assert_eq!(object["qBackCount"], 1);

    call(&mut ws, 11, doc, "Back", json!([])).await;
    assert_eq!(
        kpi_value(&call(&mut ws, 12, total, "GetLayout", json!([])).await),
        before
    );
    call(&mut ws, 13, doc, "Forward", json!([])).await;
    assert_eq!(
        kpi_value(&call(&mut ws, 14, total, "GetLayout", json!([])).await),
        emea_total
    );

    // A field selection through the Field API, then ClearAll.
    let field = call(&mut ws, 15, doc, "GetField", json!(["Category"])).await;
    let field = field["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let by_value = call(
        &mut ws,
        16,
        field,
        "SelectValues",
        json!([[{"qText": "Bikes"}], false]),
    )
    .await;
    assert_eq!(by_value["result"]["qReturn"], true);
    let both = kpi_value(&call(&mut ws, 17, total, "GetLayout", json!([])).await);
    assert!(both < emea_total);
    let evaluated = call(&mut ws, 18, doc, "Evaluate", json!(["Sum(Sales)"])).await;
    assert!(evaluated["result"]["qReturn"].as_str().unwrap().len() > 1);
    call(&mut ws, 19, doc, "ClearAll", json!([false])).await;
    assert_eq!(
        kpi_value(&call(&mut ws, 20, total, "GetLayout", json!([])).await),
        before
    );
}

#[tokio::test]
async fn other_sockets_of_the_session_hear_about_changes() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut first = ws(&sim, "/app/sample-sales/ttl/10", Some(&cookie)).await;
    let doc = open_doc(&mut first).await;
    create(
        &mut first,
        2,
        doc,
        json!({"qInfo": {"qId": "kpi", "qType": "kpi"},
        "qHyperCubeDef": {"qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}]}}),
    )
    .await;
    let mut second = ws(&sim, "/app/sample-sales/ttl/10", Some(&cookie)).await;
    assert_eq!(greeting(&mut second).await, "SESSION_ATTACHED");
    let doc2 = call(&mut second, 1, -1, "GetActiveDoc", json!([])).await;
    let doc2 = doc2["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let kpi2 = call(&mut second, 2, doc2, "GetObject", json!(["kpi"])).await;
    let kpi2 = kpi2["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let field = call(&mut first, 3, doc, "GetField", json!(["Region"])).await;
    let field = field["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    call(&mut first, 4, field, "Select", json!(["EMEA"])).await;
    let pushed = next(&mut second).await.unwrap();
    assert_eq!(pushed["change"], json!([kpi2]));
    assert!(pushed.get("id").is_none());
}

#[tokio::test]
async fn errors_in_objects_are_qlik_errors() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut ws = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    let doc = open_doc(&mut ws).await;
    let table = create(
        &mut ws,
        2,
        doc,
        json!({"qInfo": {"qType": "table"}, "qHyperCubeDef": {
        "qDimensions": [{"qDef": {"qFieldDefs": ["Customer"]}}],
        "qMeasures": [{"qDef": {"qDef": "Sum(Sales"}}, {"qDef": {"qDef": "Sum(Sales)"}}]}}),
    )
    .await;
    let layout = call(&mut ws, 3, table, "GetLayout", json!([])).await;
    let cube = &layout["result"]["qLayout"]["qHyperCube"];
    assert!(cube["qMeasureInfo"][0]["qError"]["qErrorCode"].is_number());
    assert!(cube["qMeasureInfo"][1].get("qError").is_none());
    assert_eq!(cube["qSize"]["qcy"], 480);
    let too_much = call(
        &mut ws,
        4,
        table,
        "GetHyperCubeData",
        json!(["/qHyperCubeDef", [{"qLeft": 0, "qTop": 0, "qWidth": 3, "qHeight": 4000}]]),
    )
    .await;
    assert_eq!(too_much["error"]["code"], 7009);
    let page = call(
        &mut ws,
        5,
        table,
        "GetHyperCubeData",
        json!(["/qHyperCubeDef", [{"qLeft": 0, "qTop": 10, "qWidth": 3, "qHeight": 5}]]),
    )
    .await;
    let matrix = &page["result"]["qDataPages"][0]["qMatrix"];
    assert_eq!(matrix.as_array().unwrap().len(), 5);
    assert_eq!(matrix[0][1]["qNum"], "NaN", "the invalid measure is null");
    assert_eq!(page["result"]["qDataPages"][0]["qArea"]["qTop"], 10);
    let bad_path = call(
        &mut ws,
        6,
        table,
        "GetHyperCubeData",
        json!(["/qListObjectDef", [{"qLeft": 0, "qTop": 0, "qWidth": 1, "qHeight": 1}]]),
    )
    .await;
    assert!(bad_path["error"]["code"].is_number());
    let missing = call(&mut ws, 7, doc, "GetObject", json!(["nope"])).await;
    assert_eq!(missing["error"]["code"], 2);
    let master = call(&mut ws, 8, doc, "GetObject", json!(["bar-region"])).await;
    assert_eq!(master["result"]["qReturn"]["qGenericType"], "barchart");
}
