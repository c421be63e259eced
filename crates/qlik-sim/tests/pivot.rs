//! Pivot mode over real sockets: layout pages, expanding and collapsing, the
//! expansion shared by the sockets of an engine session, paging, the cell
//! limit, selecting pivot cells.

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

/// Region (with a total) and Category on the left; Year and the two
/// measures on top.
fn pivot() -> Value {
    json!({"qInfo": {"qType": "pivot-table"}, "qHyperCubeDef": {
        "qMode": "P", "qNoOfLeftDims": 2, "qAlwaysFullyExpanded": false,
        "qDimensions": [
            {"qDef": {"qFieldDefs": ["Region"]}, "qOtherTotalSpec": {"qTotalMode": "TOTAL_EXPR"},
                "qTotalLabel": "Totals"},
            {"qDef": {"qFieldDefs": ["Category"]}},
            {"qDef": {"qFieldDefs": ["Year"]}}],
        "qMeasures": [{"qDef": {"qDef": "Sum(Sales)", "qLabel": "Sales"}},
            {"qDef": {"qDef": "Count(OrderID)", "qLabel": "Lines"}}],
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 50, "qHeight": 50}]}})
}

struct Session {
    ws: Ws,
    doc: i64,
    next: i64,
}

impl Session {
    async fn open(sim: &qlik_sim::RunningSim, cookie: &str) -> Self {
        let mut ws = ws(sim, "/app/sample-sales", Some(cookie)).await;
        let state = greeting(&mut ws).await;
        let doc = if state == "SESSION_CREATED" {
            call(&mut ws, 1, -1, "OpenDoc", json!(["sample-sales"])).await
        } else {
            call(&mut ws, 1, -1, "GetActiveDoc", json!([])).await
        };
        let doc = doc["result"]["qReturn"]["qHandle"].as_i64().unwrap();
        Self { ws, doc, next: 10 }
    }

    async fn call(&mut self, handle: i64, method: &str, params: Value) -> Value {
        self.next += 1;
        call(&mut self.ws, self.next, handle, method, params).await
    }

    async fn cube(&mut self, handle: i64) -> Value {
        let layout = self.call(handle, "GetLayout", json!([])).await;
        layout["result"]["qLayout"]["qHyperCube"].clone()
    }
}

fn texts(nodes: &Value) -> Vec<String> {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["qText"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_pivot_lays_out_trees_and_expands_for_every_socket_of_the_session() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut one = Session::open(&sim, &cookie).await;
    let created = one
        .call(one.doc, "CreateSessionObject", json!([pivot()]))
        .await;
    let handle = created["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let id = created["result"]["qReturn"]["qGenericId"]
        .as_str()
        .unwrap()
        .to_owned();

    // Collapsed: one row per region, then the total; Year × measures on top.
    let cube = one.cube(handle).await;
    assert_eq!(cube["qMode"], "P");
    assert_eq!(cube["qNoOfLeftDims"], 2);
    assert_eq!(cube["qEffectiveInterColumnSortOrder"], json!([0, 1, 2, -1]));
    assert_eq!(cube["qSize"], json!({"qcx": 6, "qcy": 5}));
    let page = &cube["qPivotDataPages"][0];
    assert_eq!(
        texts(&page["qLeft"]),
        ["Americas", "APAC", "EMEA", "Nordics", "Totals"]
    );
    assert_eq!(page["qLeft"][0]["qCanExpand"], true);
    assert_eq!(page["qLeft"][0]["qSubNodes"], json!([]));
    assert_eq!(page["qLeft"][4]["qType"], "T");
    assert_eq!(page["qLeft"][4]["qElemNo"], -1);
    assert_eq!(texts(&page["qTop"]), ["2023", "2024", "2025"]);
    assert_eq!(texts(&page["qTop"][0]["qSubNodes"]), ["Sales", "Lines"]);
    assert_eq!(page["qTop"][0]["qSubNodes"][1]["qType"], "P");
    assert_eq!(
        page["qArea"],
        json!({"qLeft": 0, "qTop": 0, "qWidth": 6, "qHeight": 5})
    );

    // The cells are the straight cube's Region × Year groups; the total row
    // is the measure over all regions.
    let straight = one
        .call(
            one.doc,
            "CreateSessionObject",
            json!([{"qInfo": {"qType": "table"},
            "qHyperCubeDef": {"qDimensions": [{"qDef": {"qFieldDefs": ["Region"]}},
                {"qDef": {"qFieldDefs": ["Year"]}}],
            "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}],
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 3, "qHeight": 100}]}}]),
        )
        .await;
    let straight = one
        .cube(straight["result"]["qReturn"]["qHandle"].as_i64().unwrap())
        .await;
    let mut year_total = 0.0;
    for row in straight["qDataPages"][0]["qMatrix"].as_array().unwrap() {
        let (region, year) = (
            row[0]["qText"].as_str().unwrap(),
            row[1]["qText"].as_str().unwrap(),
        );
        let y = ["Americas", "APAC", "EMEA", "Nordics"]
            .iter()
            .position(|r| *r == region)
            .unwrap();
        let x = 2 * ["2023", "2024", "2025"]
            .iter()
            .position(|t| *t == year)
            .unwrap();
        assert_eq!(
            page["qData"][y][x]["qNum"], row[2]["qNum"],
            "{region} {year}"
        );
        assert_eq!(page["qData"][y][x]["qType"], "V");
        if year == "2023" {
            year_total += row[2]["qNum"].as_f64().unwrap();
        }
    }
    let total = page["qData"][4][0]["qNum"].as_f64().unwrap();
    assert!((total - year_total).abs() < 1e-6, "{total} vs {year_total}");
    assert_eq!(page["qData"][4][0]["qType"], "T");

    // A second socket of the same engine session holds the same object.
    let mut two = Session::open(&sim, &cookie).await;
    let other = two.call(two.doc, "GetObject", json!([id])).await;
    let other = other["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    assert_eq!(two.cube(other).await["qSize"]["qcy"], 5);

    // Expanding APAC (row 1, left level 0): its categories replace its row.
    let expanded = one
        .call(handle, "ExpandLeft", json!(["/qHyperCubeDef", 1, 0, false]))
        .await;
    assert_eq!(expanded["result"], json!({}));
    assert_eq!(expanded["change"], json!([handle]));
    let cube = one.cube(handle).await;
    assert_eq!(cube["qSize"]["qcy"], 9);
    let apac = &cube["qPivotDataPages"][0]["qLeft"][1];
    assert_eq!(apac["qCanCollapse"], true);
    assert!(apac.get("qCanExpand").is_none());
    assert_eq!(texts(&apac["qSubNodes"]).len(), 5);

    // The other socket is told the object changed and sees the expansion,
    // which the properties carry as qExpansionState.
    let notice = next(&mut two.ws).await.unwrap();
    assert_eq!(notice["change"], json!([other]));
    assert_eq!(two.cube(other).await["qSize"]["qcy"], 9);
    let properties = two.call(other, "GetProperties", json!([])).await;
    let state = &properties["result"]["qProp"]["qHyperCubeDef"]["qExpansionState"];
    assert_eq!(state[0]["qPos"]["qDimName"], "Region");
    assert_eq!(state[0]["qExcludeList"], false);
    assert_eq!(state[0]["qPos"]["qElemNo"].as_array().unwrap().len(), 1);

    // Expanding it again changes nothing; collapsing restores the rows.
    let again = one
        .call(handle, "ExpandLeft", json!(["/qHyperCubeDef", 1, 0, false]))
        .await;
    assert!(again.get("change").is_none());
    let collapsed = two
        .call(
            other,
            "CollapseLeft",
            json!({"qPath": "/qHyperCubeDef", "qRow": 1, "qCol": 0, "qAll": false}),
        )
        .await;
    assert_eq!(collapsed["change"], json!([other]));
    assert_eq!(one.cube(handle).await["qSize"]["qcy"], 5);

    // Expand all: every region with its five categories, and the total.
    one.call(handle, "ExpandLeft", json!(["/qHyperCubeDef", 0, 0, true]))
        .await;
    let cube = one.cube(handle).await;
    assert_eq!(cube["qSize"]["qcy"], 21);

    // A page in the middle: Americas' last rows and APAC's first ones, with
    // how much of each lies outside the page.
    let pages = one
        .call(
            handle,
            "GetHyperCubePivotData",
            json!(["/qHyperCubeDef", [{"qTop": 3, "qLeft": 2, "qWidth": 2, "qHeight": 4}]]),
        )
        .await;
    let page = &pages["result"]["qDataPages"][0];
    assert_eq!(
        page["qArea"],
        json!({"qLeft": 2, "qTop": 3, "qWidth": 2, "qHeight": 4})
    );
    assert_eq!(texts(&page["qLeft"]), ["Americas", "APAC"]);
    assert_eq!(
        (
            page["qLeft"][0]["qUp"].as_u64(),
            page["qLeft"][0]["qDown"].as_u64()
        ),
        (Some(3), Some(0))
    );
    assert_eq!(page["qLeft"][0]["qSubNodes"].as_array().unwrap().len(), 2);
    assert_eq!(
        (
            page["qLeft"][1]["qUp"].as_u64(),
            page["qLeft"][1]["qDown"].as_u64()
        ),
        (Some(0), Some(3))
    );
    assert_eq!(texts(&page["qTop"]), ["2024"]);
    assert_eq!(page["qData"].as_array().unwrap().len(), 4);
    let full = &cube["qPivotDataPages"][0]["qData"];
    assert_eq!(page["qData"][0][0], full[3][2]);
    assert_eq!(page["qData"][3][1], full[6][3]);

    // Collapse all.
    one.call(
        handle,
        "CollapseLeft",
        json!(["/qHyperCubeDef", 0, 0, true]),
    )
    .await;
    assert_eq!(one.cube(handle).await["qSize"]["qcy"], 5);
}

#[tokio::test]
async fn pivot_pages_are_limited_to_10000_cells_per_call() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut one = Session::open(&sim, &cookie).await;
    let created = one
        .call(one.doc, "CreateSessionObject", json!([pivot()]))
        .await;
    let handle = created["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let at_limit = json!(["/qHyperCubeDef", [{"qTop": 0, "qLeft": 0, "qWidth": 100, "qHeight": 50},
        {"qTop": 0, "qLeft": 0, "qWidth": 50, "qHeight": 100}]]);
    let ok = one.call(handle, "GetHyperCubePivotData", at_limit).await;
    assert_eq!(ok["result"]["qDataPages"].as_array().unwrap().len(), 2);
    let over = json!(["/qHyperCubeDef", [{"qTop": 0, "qLeft": 0, "qWidth": 100, "qHeight": 100},
        {"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}]]);
    let refused = one.call(handle, "GetHyperCubePivotData", over).await;
    assert_eq!(refused["error"]["code"], 7009);
    // A straight cube is not a pivot: the pivot methods name an invalid path.
    let straight = one
        .call(
            one.doc,
            "CreateSessionObject",
            json!([{"qInfo": {"qType": "table"},
            "qHyperCubeDef": {"qDimensions": [{"qDef": {"qFieldDefs": ["Region"]}}],
            "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}]}}]),
        )
        .await;
    let straight = straight["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let refused = one
        .call(
            straight,
            "ExpandLeft",
            json!(["/qHyperCubeDef", 0, 0, true]),
        )
        .await;
    assert_eq!(refused["error"]["code"], 4);
}

#[tokio::test]
async fn pivot_cells_select_their_values() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut one = Session::open(&sim, &cookie).await;
    let created = one
        .call(one.doc, "CreateSessionObject", json!([pivot()]))
        .await;
    let handle = created["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let current = one
        .call(
            one.doc,
            "CreateSessionObject",
            json!([{"qInfo": {"qType": "CurrentSelections"}, "qSelectionObjectDef": {}}]),
        )
        .await;
    let current = current["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let selected = |layout: &Value| -> Vec<(String, String)> {
        layout["result"]["qLayout"]["qSelectionObject"]["qSelections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let mut values: Vec<&str> = s["qSelected"].as_str().unwrap().split(", ").collect();
                values.sort_unstable();
                (s["qField"].as_str().unwrap().to_owned(), values.join(", "))
            })
            .collect()
    };

    // A total cell selects nothing.
    let none = one
        .call(
            handle,
            "SelectPivotCells",
            json!(["/qHyperCubeDef", [{"qType": "L", "qRow": 4, "qCol": 0}], false, false]),
        )
        .await;
    assert_eq!(none["result"]["qSuccess"], false);

    // Left cells of rows 0 and 2 (Americas, EMEA), and the 2024 column.
    let picked = one
        .call(
            handle,
            "SelectPivotCells",
            json!(["/qHyperCubeDef", [
            {"qType": "L", "qRow": 0, "qCol": 0}, {"qType": "L", "qRow": 2, "qCol": 0},
            {"qType": "T", "qRow": 0, "qCol": 2}], false, false]),
        )
        .await;
    assert_eq!(picked["result"]["qSuccess"], true);
    assert!(
        picked["change"]
            .as_array()
            .unwrap()
            .contains(&json!(handle))
    );
    let layout = one.call(current, "GetLayout", json!([])).await;
    let mut fields = selected(&layout);
    fields.sort();
    assert_eq!(
        fields,
        [
            ("Region".to_owned(), "Americas, EMEA".to_owned()),
            ("Year".to_owned(), "2024".to_owned())
        ]
    );
    let cube = one.cube(handle).await;
    assert_eq!(cube["qSize"], json!({"qcx": 2, "qcy": 3}));

    // Deselecting the only selected year.
    one.call(
        handle,
        "SelectPivotCells",
        json!(["/qHyperCubeDef", [{"qType": "T", "qRow": 0, "qCol": 0}], false, true]),
    )
    .await;
    let layout = one.call(current, "GetLayout", json!([])).await;
    assert_eq!(selected(&layout).len(), 1);
}

#[tokio::test]
async fn the_sample_app_has_a_pivot_table_master_object() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut one = Session::open(&sim, &cookie).await;
    let object = one.call(one.doc, "GetObject", json!(["pivot-sales"])).await;
    assert_eq!(object["result"]["qReturn"]["qGenericType"], "masterobject");
    let handle = object["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let layout = one.call(handle, "GetLayout", json!([])).await;
    let layout = &layout["result"]["qLayout"];
    assert_eq!(layout["visualization"], "pivot-table");
    assert_eq!(layout["qHyperCube"]["qMode"], "P");
    // Master objects expand per engine session too.
    one.call(handle, "ExpandLeft", json!(["/qHyperCubeDef", 0, 0, false]))
        .await;
    let cube = one.cube(handle).await;
    let first = &cube["qPivotDataPages"][0]["qLeft"][0];
    assert_eq!(first["qCanCollapse"], true);
    assert!(!first["qSubNodes"].as_array().unwrap().is_empty());
}
