//! A real Qlik Sense app, unbuilt with `qlik app unbuild`, with CSV
//! extracts of its tables: every sheet and master object, and every child
//! at any depth, opens and lays out without an error answer; list boxes
//! with an empty initial fetch answer `GetListObjectData`. With no
//! selection, as in Qlik, every chart whose dimensions and measures the
//! simulator computes (no set analysis, no calculated dimension) has rows,
//! and no list box shows an excluded value, however the tables link.
//!
//! The app is not part of this repository (third-party content):
//! `QLIK_SIM_REAL_APP=/path/to/apps cargo test -p qlik-sim --test real_app -- --ignored`
//! (`crates/qlik-sim/README.md`, "Your own app offline").

mod support;

use std::path::PathBuf;

use qlik_sim::SimConfig;
use serde_json::{Value, json};
use support::*;

/// What the walk saw with no selection.
#[derive(Default)]
struct Seen {
    /// Objects laid out.
    objects: usize,
    /// Charts whose dimensions and measures the simulator computes.
    charts: usize,
    /// Those with no row (`qSize.qcy == 0`): id and type.
    empty_charts: Vec<String>,
    /// Charts left out: a measure or dimension the simulator does not
    /// compute, or a join past its limit (`qError`).
    uncomputed: usize,
    /// List boxes on a field of the data model.
    lists: usize,
    /// Those with an excluded value: id and field.
    lists_with_excluded: Vec<String>,
    /// Per list box: its id, handle and the element number of its first value.
    list_handles: Vec<(String, i64, i64)>,
}

/// True when a hypercube layout holds a dimension or measure in error.
fn has_error(cube: &Value) -> bool {
    let in_error = |infos: &Value| {
        infos
            .as_array()
            .is_some_and(|i| i.iter().any(|info| info.get("qError").is_some()))
    };
    cube.get("qError").is_some()
        || in_error(&cube["qMeasureInfo"])
        || in_error(&cube["qDimensionInfo"])
}

/// Lays out `handle` and its children, depth first, noting what it sees.
async fn walk(ws: &mut Ws, next_id: &mut i64, handle: i64, id: &str, seen: &mut Seen) {
    fn call_id(next_id: &mut i64) -> i64 {
        *next_id += 1;
        *next_id
    }
    let layout = call(ws, call_id(next_id), handle, "GetLayout", json!([])).await;
    assert!(layout.get("error").is_none(), "{id}: {layout}");
    seen.objects += 1;
    let kind = layout["result"]["qLayout"]["qInfo"]["qType"].clone();
    let cube = &layout["result"]["qLayout"]["qHyperCube"];
    if cube.is_object() {
        if has_error(cube) {
            seen.uncomputed += 1;
        } else {
            seen.charts += 1;
            if cube["qSize"]["qcy"].as_u64().unwrap_or(0) == 0 {
                seen.empty_charts.push(format!("{id} ({kind})"));
            }
        }
    }
    let list = &layout["result"]["qLayout"]["qListObject"];
    if list.is_object() {
        let page =
            json!(["/qListObjectDef", [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 5000}]]);
        let data = call(ws, call_id(next_id), handle, "GetListObjectData", page).await;
        assert!(data.get("error").is_none(), "{id}: {data}");
        if list.get("qError").is_none() {
            seen.lists += 1;
            let matrix = &data["result"]["qDataPages"][0]["qMatrix"];
            if let Some(first) = matrix[0][0]["qElemNumber"].as_i64() {
                seen.list_handles.push((id.to_owned(), handle, first));
            }
            let excluded = matrix
                .as_array()
                .into_iter()
                .flatten()
                .any(|row| row[0]["qState"] == "X");
            if excluded {
                let field = &list["qDimensionInfo"]["qFallbackTitle"];
                seen.lists_with_excluded.push(format!("{id} ({field})"));
            }
        }
    }
    let infos = call(ws, call_id(next_id), handle, "GetChildInfos", json!([])).await;
    let children: Vec<String> = infos["result"]["qInfos"]
        .as_array()
        .unwrap_or_else(|| panic!("{id}: {infos}"))
        .iter()
        .filter_map(|i| i["qId"].as_str().map(str::to_owned))
        .collect();
    for child in children {
        let opened = call(ws, call_id(next_id), handle, "GetChild", json!([child])).await;
        let child_handle = handle_of(&opened, &child);
        Box::pin(walk(ws, next_id, child_handle, &child, seen)).await;
    }
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
        let mut seen = Seen::default();
        let mut handles = Vec::new();
        for id in &tops {
            next_id += 1;
            let opened = call(&mut ws, next_id, doc, "GetObject", json!([id])).await;
            let handle = handle_of(&opened, id);
            handles.push(handle);
            walk(&mut ws, &mut next_id, handle, id, &mut seen).await;
        }
        println!(
            "{app}: {} sheets and master objects, {} objects laid out; {} charts computed \
             ({} with no row), {} left out (set analysis, a calculated dimension, a join too large); \
             {} list boxes ({} with an excluded value)",
            tops.len(),
            seen.objects,
            seen.charts,
            seen.empty_charts.len(),
            seen.uncomputed,
            seen.lists,
            seen.lists_with_excluded.len()
        );
        assert!(
            seen.empty_charts.is_empty(),
            "{app}: charts with no row and no selection: {:?}",
            seen.empty_charts
        );
        assert!(
            seen.lists_with_excluded.is_empty(),
            "{app}: list boxes with an excluded value and no selection: {:?}",
            seen.lists_with_excluded
        );
        // A selection in each list box in turn travels through the whole
        // model: everything still lays out.
        for (list_id, list, value) in &seen.list_handles {
            next_id += 1;
            call(&mut ws, next_id, doc, "ClearAll", json!([])).await;
            next_id += 1;
            let page = json!(["/qListObjectDef", [value], false]);
            let selected = call(&mut ws, next_id, *list, "SelectListObjectValues", page).await;
            assert_eq!(selected["result"]["qSuccess"], true, "{app}: {selected}");
            let mut after = Seen::default();
            for (id, handle) in tops.iter().zip(&handles) {
                walk(&mut ws, &mut next_id, *handle, id, &mut after).await;
            }
            println!(
                "{app}, a value selected in {list_id}: {} charts computed ({} with no row), \
                 {} list boxes with an excluded value",
                after.charts,
                after.empty_charts.len(),
                after.lists_with_excluded.len()
            );
        }
    }
}
