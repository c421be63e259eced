//! A real Qlik Sense app, unbuilt with `qlik app unbuild`, with CSV
//! extracts of its tables: every sheet and master object, and every child
//! at any depth, opens and lays out without an error answer; list boxes
//! with an empty initial fetch answer `GetListObjectData`.
//!
//! The app is not part of this repository (third-party content):
//! `QLIK_SIM_REAL_APP=/path/to/apps cargo test -p qlik-sim --test real_app -- --ignored`
//! (`crates/qlik-sim/README.md`, "Your own app offline").

mod support;

use std::path::PathBuf;

use qlik_sim::SimConfig;
use serde_json::{Value, json};
use support::*;

/// Lays out `handle` and its children, depth first; returns how many objects.
async fn walk(ws: &mut Ws, next_id: &mut i64, handle: i64, id: &str) -> usize {
    fn call_id(next_id: &mut i64) -> i64 {
        *next_id += 1;
        *next_id
    }
    let layout = call(ws, call_id(next_id), handle, "GetLayout", json!([])).await;
    assert!(layout.get("error").is_none(), "{id}: {layout}");
    let list = &layout["result"]["qLayout"]["qListObject"];
    if list.is_object() {
        let page =
            json!(["/qListObjectDef", [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 20}]]);
        let data = call(ws, call_id(next_id), handle, "GetListObjectData", page).await;
        assert!(data.get("error").is_none(), "{id}: {data}");
    }
    let infos = call(ws, call_id(next_id), handle, "GetChildInfos", json!([])).await;
    let children: Vec<String> = infos["result"]["qInfos"]
        .as_array()
        .unwrap_or_else(|| panic!("{id}: {infos}"))
        .iter()
        .filter_map(|i| i["qId"].as_str().map(str::to_owned))
        .collect();
    let mut count = 1;
    for child in children {
        let opened = call(ws, call_id(next_id), handle, "GetChild", json!([child])).await;
        let child_handle = handle_of(&opened, &child);
        count += Box::pin(walk(ws, next_id, child_handle, &child)).await;
    }
    count
}

fn handle_of(answer: &Value, id: &str) -> i64 {
    answer["result"]["qReturn"]["qHandle"]
        .as_i64()
        .unwrap_or_else(|| panic!("{id}: {answer}"))
}

#[tokio::test]
#[ignore = "needs QLIK_SIM_REAL_APP, a folder of unbuilt apps with data/*.csv"]
async fn every_sheet_and_master_object_of_a_real_app_lays_out() {
    let apps = PathBuf::from(std::env::var("QLIK_SIM_REAL_APP").expect("QLIK_SIM_REAL_APP"));
    let sim = start(SimConfig {
        apps_dir: Some(apps),
        ..SimConfig::default()
    })
    .await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut probe = ws(&sim, "/app/engineData", Some(&cookie)).await;
    greeting(&mut probe).await;
    let docs = call(&mut probe, 1, -1, "GetDocList", json!([])).await;
    let docs: Vec<String> = docs["result"]["qDocList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["qDocId"].as_str().unwrap().to_owned())
        .collect();
    assert!(!docs.is_empty(), "no app in the folder");
    for app in docs {
        let (mut ws, doc) = open_app(&sim, &format!("user-{app}"), &app).await;
        let infos = call(&mut ws, 2, doc, "GetAllInfos", json!([])).await;
        let tops: Vec<String> = infos["result"]["qInfos"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| matches!(i["qType"].as_str(), Some("sheet" | "masterobject")))
            .map(|i| i["qId"].as_str().unwrap().to_owned())
            .collect();
        assert!(!tops.is_empty(), "{app}: no sheet or master object");
        let mut next_id = 100;
        let mut objects = 0;
        for id in &tops {
            next_id += 1;
            let opened = call(&mut ws, next_id, doc, "GetObject", json!([id])).await;
            let handle = handle_of(&opened, id);
            objects += walk(&mut ws, &mut next_id, handle, id).await;
        }
        println!(
            "{app}: {} sheets and master objects, {objects} objects laid out",
            tops.len()
        );
    }
}
