//! The second built-in app, `sample-support`, over real sockets.

mod support;

use qlik_sim::SimConfig;
use qlik_sim::data::SUPPORT_TICKETS;
use serde_json::{Value, json};
use support::*;

fn small() -> SimConfig {
    SimConfig {
        sample_rows: 1_000,
        ..SimConfig::default()
    }
}

fn number(answer: &Value) -> f64 {
    answer["result"]["qValue"]["qNumber"].as_f64().unwrap()
}

#[tokio::test]
async fn both_apps_are_served_and_the_support_app_is_associative() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut ws = ws(&sim, "/app/sample-support", Some(&cookie)).await;
    greeting(&mut ws).await;
    let list = call(&mut ws, 1, -1, "GetDocList", json!([])).await;
    let ids: Vec<&str> = list["result"]["qDocList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["qDocId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sample-sales", "sample-support"]);
    let doc = call(&mut ws, 2, -1, "OpenDoc", json!(["sample-support"])).await;
    let doc = doc["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let layout = call(&mut ws, 3, doc, "GetAppLayout", json!([])).await;
    assert_eq!(layout["result"]["qLayout"]["qTitle"], "Sample Support");

    let count = call(&mut ws, 4, doc, "EvaluateEx", json!(["Count(TicketID)"])).await;
    assert_eq!(number(&count), SUPPORT_TICKETS as f64);
    let hours = number(
        &call(
            &mut ws,
            5,
            doc,
            "EvaluateEx",
            json!(["Avg(HoursToResolve)"]),
        )
        .await,
    );
    assert!(hours > 1.0 && hours < 200.0, "{hours}");

    // A site selects its teams' tickets through the Team link.
    let site = call(&mut ws, 6, doc, "GetField", json!(["Site"])).await;
    let site = site["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    call(&mut ws, 7, site, "Select", json!(["Dublin"])).await;
    let dublin = number(&call(&mut ws, 8, doc, "EvaluateEx", json!(["Count(TicketID)"])).await);
    assert!(dublin > 0.0 && dublin < SUPPORT_TICKETS as f64);
    let teams = call(
        &mut ws,
        9,
        doc,
        "CreateSessionObject",
        json!([{"qInfo": {"qType": "listbox"},
        "qListObjectDef": {"qDef": {"qFieldDefs": ["Team"]},
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 10}]}}]),
    )
    .await;
    let teams = teams["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let layout = call(&mut ws, 10, teams, "GetLayout", json!([])).await;
    let mut possible: Vec<&str> =
        layout["result"]["qLayout"]["qListObject"]["qDataPages"][0]["qMatrix"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| row[0]["qState"] == "O")
            .map(|row| row[0]["qText"].as_str().unwrap())
            .collect();
    possible.sort_unstable();
    assert_eq!(possible, ["Billing", "Integrations"]);

    // Its master objects.
    for (n, id) in [
        "kpi-tickets",
        "kpi-hours",
        "bar-team",
        "line-month",
        "table-priority",
        "filter-team",
    ]
    .into_iter()
    .enumerate()
    {
        let object = call(&mut ws, 20 + n as i64, doc, "GetObject", json!([id])).await;
        assert_eq!(object["result"]["qReturn"]["qGenericId"], id);
    }
}

#[tokio::test]
async fn bookmarks_belong_to_their_app() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut sales = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    greeting(&mut sales).await;
    let doc = call(&mut sales, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    let doc = doc["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let created = call(
        &mut sales,
        2,
        doc,
        "CreateBookmark",
        json!([{"qInfo": {"qType": "bookmark"}, "qMetaDef": {"title": "Sales"}}]),
    )
    .await;
    let id = created["result"]["qInfo"]["qId"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut tickets = ws(&sim, "/app/sample-support", Some(&cookie)).await;
    greeting(&mut tickets).await;
    let doc = call(&mut tickets, 1, -1, "OpenDoc", json!(["sample-support"])).await;
    let doc = doc["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let listed = call(
        &mut tickets,
        2,
        doc,
        "GetBookmarks",
        json!([{"qTypes": ["bookmark"]}]),
    )
    .await;
    assert_eq!(listed["result"]["qList"], json!([]));
    let applied = call(&mut tickets, 3, doc, "ApplyBookmark", json!([id])).await;
    assert_eq!(applied["error"]["code"], 2);
}
