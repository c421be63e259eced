//! Sheets and app object lists on the sample sales app, over real sockets:
//! a sheet's layout (grid, cells, child list), its children and their
//! nesting, `qAppObjectListDef`, `GetAllInfos`.

mod support;

use qlik_sim::SimConfig;
use serde_json::{Value, json};
use support::*;

fn small() -> SimConfig {
    SimConfig {
        sample_rows: 1_000,
        ..SimConfig::default()
    }
}

fn ids(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {items}"))
        .iter()
        .map(|i| i[key]["qId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_sheet_lays_out_its_grid_cells_and_children() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "alice", "sample-sales").await;
    let sheet = call(&mut ws, 2, doc, "GetObject", json!(["sheet-overview"])).await;
    assert_eq!(sheet["result"]["qReturn"]["qGenericType"], "sheet");
    let sheet = handle(&sheet);
    let layout = call(&mut ws, 3, sheet, "GetLayout", json!([])).await;
    let layout = &layout["result"]["qLayout"];
    assert_eq!(layout["qInfo"]["qType"], "sheet");
    assert_eq!(layout["qMeta"]["title"], "Overview");
    assert_eq!(
        (layout["columns"].as_u64(), layout["rows"].as_u64()),
        (Some(24), Some(12))
    );
    let cells = layout["cells"].as_array().unwrap();
    let bar = cells
        .iter()
        .find(|c| c["name"] == "overview-category-bar")
        .unwrap();
    assert_eq!(bar["type"], "barchart");
    assert!(bar["colspan"].as_u64().unwrap() > 0 && bar["bounds"]["width"].as_f64().unwrap() > 0.0);
    assert!(
        layout.get("qChildListDef").is_none(),
        "the definition is laid out"
    );
    let items = &layout["qChildList"]["qItems"];
    assert_eq!(
        ids(items, "qInfo"),
        [
            "overview-filters",
            "overview-sales-kpi",
            "overview-margin-kpi",
            "overview-category-bar",
            "overview-region-table"
        ]
    );
    // Every cell names a child; qData follows the sheet's qChildListDef,
    // a linked child's from its master.
    for cell in cells {
        assert!(ids(items, "qInfo").contains(&cell["name"].as_str().unwrap().to_owned()));
    }
    let linked = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["qInfo"]["qId"] == "overview-category-bar")
        .unwrap();
    assert_eq!(
        linked["qData"],
        json!({"title": "Sales by category", "visualization": "barchart"})
    );
    let table = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["qInfo"]["qId"] == "overview-region-table")
        .unwrap();
    assert_eq!(table["qData"]["title"], "Sales by region and country");

    // The sheet's own properties keep the child list definition.
    let props = call(&mut ws, 4, sheet, "GetProperties", json!([])).await;
    assert_eq!(
        props["result"]["qProp"]["qChildListDef"]["qData"]["title"],
        "/title"
    );
    assert!(props["result"]["qProp"].get("qChildren").is_none());
}

#[tokio::test]
async fn children_are_listed_opened_and_nested() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "bob", "sample-sales").await;
    let sheet = handle(&call(&mut ws, 2, doc, "GetObject", json!(["sheet-overview"])).await);
    let infos = call(&mut ws, 3, sheet, "GetChildInfos", json!([])).await;
    let infos = &infos["result"]["qInfos"];
    assert_eq!(infos.as_array().unwrap().len(), 5);
    assert_eq!(
        infos[0],
        json!({"qId": "overview-filters", "qType": "filterpane"})
    );
    assert_eq!(
        infos[3],
        json!({"qId": "overview-category-bar", "qType": "barchart"})
    );

    let pane = call(&mut ws, 4, sheet, "GetChild", json!(["overview-filters"])).await;
    assert_eq!(pane["result"]["qReturn"]["qGenericType"], "filterpane");
    let pane = handle(&pane);
    // A filter pane's list boxes are its own children, not the sheet's.
    let nested = call(&mut ws, 5, pane, "GetChildInfos", json!([])).await;
    assert_eq!(
        nested["result"]["qInfos"],
        json!([{"qId": "overview-region-list", "qType": "listbox"},
            {"qId": "overview-year-list", "qType": "listbox"}])
    );
    let not_child = call(
        &mut ws,
        6,
        sheet,
        "GetChild",
        json!(["overview-region-list"]),
    )
    .await;
    assert_eq!(not_child["error"]["code"], 2);
    let pane_layout = call(&mut ws, 7, pane, "GetLayout", json!([])).await;
    let items = &pane_layout["result"]["qLayout"]["qChildList"]["qItems"];
    assert_eq!(
        items[1]["qData"]["info"],
        json!({"qId": "overview-year-list", "qType": "listbox"})
    );

    // Any object id opens with GetObject, at any depth; GetParent walks up.
    let list = handle(&call(&mut ws, 8, doc, "GetObject", json!(["overview-year-list"])).await);
    let parent = call(&mut ws, 9, list, "GetParent", json!([])).await;
    assert_eq!(
        parent["result"]["qReturn"]["qGenericId"],
        "overview-filters"
    );
    let top = call(&mut ws, 10, sheet, "GetParent", json!([])).await;
    assert_eq!(top["error"]["code"], 2, "a sheet has no parent");
}

#[tokio::test]
async fn app_object_lists_and_all_infos_name_sheets_and_masters() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "carol", "sample-sales").await;
    let list = |id: &str, kind: &str| {
        json!([{"qInfo": {"qId": id, "qType": "AppObjectList"}, "qAppObjectListDef": {"qType": kind,
            "qData": {"title": "/qMetaDef/title", "visualization": "/visualization", "none": "/nowhere"}}}])
    };
    let sheets = handle(
        &call(
            &mut ws,
            2,
            doc,
            "CreateSessionObject",
            list("sheets", "sheet"),
        )
        .await,
    );
    let layout = call(&mut ws, 3, sheets, "GetLayout", json!([])).await;
    let items = &layout["result"]["qLayout"]["qAppObjectList"]["qItems"];
    assert_eq!(ids(items, "qInfo"), ["sheet-overview", "sheet-gallery"]);
    assert_eq!(items[0]["qMeta"]["title"], "Overview");
    assert_eq!(
        items[0]["qData"],
        json!({"title": "Overview"}),
        "no key for a pointer to nothing"
    );

    let masters = handle(
        &call(
            &mut ws,
            4,
            doc,
            "CreateSessionObject",
            list("masters", "masterobject"),
        )
        .await,
    );
    let layout = call(&mut ws, 5, masters, "GetLayout", json!([])).await;
    let items = layout["result"]["qLayout"]["qAppObjectList"]["qItems"]
        .as_array()
        .unwrap()
        .clone();
    let shown: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["qData"]["title"].as_str().unwrap().to_owned(),
                i["qData"]["visualization"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Sales KPI".into(), "kpi".into()),
            ("Margin KPI".into(), "kpi".into()),
            ("Sales by category".into(), "barchart".into()),
            ("Sales by region and year".into(), "pivot-table".into()),
            ("Sales share by category".into(), "piechart".into()),
            ("Sales on the map".into(), "map".into())
        ]
    );
    let master = call(&mut ws, 6, doc, "GetObject", json!(["master-category-bar"])).await;
    assert_eq!(master["result"]["qReturn"]["qGenericType"], "masterobject");

    let infos = call(&mut ws, 7, doc, "GetAllInfos", json!([])).await;
    let infos = infos["result"]["qInfos"].as_array().unwrap();
    for (id, kind) in [
        ("kpi-sales", "kpi"),
        ("sheet-overview", "sheet"),
        ("master-category-bar", "masterobject"),
        ("overview-region-list", "listbox"),
        ("dim-region", "dimension"),
        ("msr-sales", "measure"),
        ("sheets", "AppObjectList"),
    ] {
        assert!(
            infos.contains(&json!({"qId": id, "qType": kind})),
            "{id} in {infos:?}"
        );
    }
}
