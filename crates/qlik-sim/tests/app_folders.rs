//! App folders given with `--apps`: our own `app.toml` format and the
//! folder `qlik app unbuild` writes (with CSV extracts in `data/`), served
//! over real sockets; malformed files stop start-up with a message naming
//! the file and the object.

mod support;

use std::path::Path;

use qlik_sim::{SimConfig, Simulator};
use serde_json::{Value, json};
use support::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An unbuilt app: a sheet with a linked chart and a filter pane, a
/// master chart, library items, variables (one naming itself), the script.
fn unbuilt(dir: &Path) {
    write(
        &dir.join("config.yml"),
        "script: script.qvs\nconnections: connections.yml\ndimensions: dimensions.json\nmeasures: measures.json\nobjects: objects/*.json\nvariables: variables.json\napp-properties: app-properties.json\n",
    );
    write(
        &dir.join("app-properties.json"),
        r#"{"qTitle": "Shop", "qThumbnail": {}}"#,
    );
    write(
        &dir.join("script.qvs"),
        "SET ThousandSep=' ';\nSET DecimalSep=',';\nLOAD * FROM [lib://x/y.qvd] (qvd);\n",
    );
    write(
        &dir.join("dimensions.json"),
        r#"[{"qInfo": {"qId": "dShop", "qType": "dimension"},
        "qDim": {"qGrouping": "N", "qFieldDefs": ["Shop"], "qFieldLabels": ["Shop"], "title": "Shop"},
        "qMetaDef": {"title": "Store"}}]"#,
    );
    write(
        &dir.join("measures.json"),
        r##"[{"qInfo": {"qId": "mRev", "qType": "measure"},
        "qMeasure": {"qLabel": "Revenue", "qDef": "Sum(Amount) * $(vRate)", "qNumFormat": {"qType": "F", "qFmt": "#,##0.00"}},
        "qMetaDef": {"title": "Revenue"}}]"##,
    );
    write(
        &dir.join("variables.json"),
        r#"[{"qInfo": {"qId": "v1", "qType": "variable"}, "qName": "vRate", "qDefinition": "2"},
        {"qInfo": {"qId": "v2", "qType": "variable"}, "qName": "vLoop", "qDefinition": "$(vLoop)"}]"#,
    );
    write(
        &dir.join("objects/masterobject-barchart-rev-mBar.json"),
        r#"{"qInfo": {"qId": "mBar", "qType": "masterobject"},
        "qMetaDef": {"title": "Revenue by store"}, "visualization": "barchart",
        "qHyperCubeDef": {"qDimensions": [{"qLibraryId": "dShop", "qDef": {"qFieldDefs": []}}],
            "qMeasures": [{"qLibraryId": "mRev", "qDef": {}}],
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 10}]}}"#,
    );
    write(
        &dir.join("objects/sheet--shops-s1.json"),
        r#"{"qProperty": {"qInfo": {"qId": "s1", "qType": "sheet"},
        "qMetaDef": {"title": "Shops"}, "columns": 24, "rows": 12,
        "cells": [{"name": "c1", "type": "barchart", "col": 0, "row": 0, "colspan": 12, "rowspan": 6}],
        "qChildListDef": {"qData": {"title": "/qMetaDef/title"}}},
      "qChildren": [
        {"qProperty": {"qInfo": {"qId": "c1", "qType": "barchart"}, "qExtendsId": "mBar", "qMetaDef": {}}, "qChildren": []},
        {"qProperty": {"qInfo": {"qId": "fp", "qType": "filterpane"}, "qChildListDef": {"qData": {}}},
         "qChildren": [{"qProperty": {"qInfo": {"qId": "lb", "qType": "listbox"},
            "qListObjectDef": {"qLibraryId": "dShop", "qDef": {"qFieldDefs": []}, "qInitialDataFetch": []}}, "qChildren": []}]}]}"#,
    );
    write(
        &dir.join("data/Sales.csv"),
        "Shop,Amount\nNorth,10\nSouth,20\nNorth,5\n",
    );
    write(
        &dir.join("data/Shops.csv"),
        "Shop,City\nNorth,Oslo\nSouth,Rome\n",
    );
}

fn start_with(apps: &Path) -> SimConfig {
    SimConfig {
        apps_dir: Some(apps.to_owned()),
        ..SimConfig::default()
    }
}

#[tokio::test]
async fn an_unbuilt_app_is_served_with_its_sheets_masters_library_and_data() {
    let apps = tempfile::tempdir().unwrap();
    unbuilt(&apps.path().join("shop-app"));
    let sim = start(start_with(apps.path())).await;
    let (mut ws, doc) = open_app(&sim, "alice", "shop-app").await;
    let docs = call(&mut ws, 2, -1, "GetDocList", json!([])).await;
    assert_eq!(
        docs["result"]["qDocList"][0]["qDocId"], "shop-app",
        "the folder's name"
    );
    assert_eq!(
        docs["result"]["qDocList"][0]["qTitle"], "Shop",
        "app-properties' qTitle"
    );
    let script = call(&mut ws, 3, doc, "GetScript", json!([])).await;
    assert!(
        script["result"]["qScript"]
            .as_str()
            .unwrap()
            .starts_with("SET ThousandSep=' ';")
    );

    let chart = handle(&call(&mut ws, 4, doc, "GetObject", json!(["c1"])).await);
    let layout = call(&mut ws, 5, chart, "GetLayout", json!([])).await;
    let layout = &layout["result"]["qLayout"];
    assert_eq!(layout["qExtendsId"], "mBar");
    let cube = &layout["qHyperCube"];
    assert_eq!(cube["qDimensionInfo"][0]["qFallbackTitle"], "Store");
    assert_eq!(cube["qMeasureInfo"][0]["qFallbackTitle"], "Revenue");
    let rows: Vec<(String, f64)> = cube["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0]["qText"].as_str().unwrap().to_owned(),
                r[1]["qNum"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [("North".to_owned(), 30.0), ("South".to_owned(), 40.0)],
        "Sum(Amount) * $(vRate)"
    );

    let sheet = handle(&call(&mut ws, 6, doc, "GetObject", json!(["s1"])).await);
    let layout = call(&mut ws, 7, sheet, "GetLayout", json!([])).await;
    let items = &layout["result"]["qLayout"]["qChildList"]["qItems"];
    assert_eq!(items[0]["qData"]["title"], "Revenue by store");
    let list = handle(&call(&mut ws, 8, doc, "GetObject", json!(["lb"])).await);
    let data = call(
        &mut ws,
        9,
        list,
        "GetListObjectData",
        json!(["/qListObjectDef", [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 5}]]),
    )
    .await;
    let shops: Vec<&str> = data["result"]["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0]["qText"].as_str().unwrap())
        .collect();
    assert_eq!(shops, ["North", "South"]);

    // A variable naming itself is an error answer, not a hang.
    let looped = call(
        &mut ws,
        10,
        doc,
        "Evaluate",
        json!(["Sum(Amount) + $(vLoop)"]),
    )
    .await;
    assert!(
        looped["result"]["qReturn"]
            .as_str()
            .unwrap()
            .contains("nest too deeply"),
        "{looped}"
    );
}

#[tokio::test]
async fn an_app_toml_folder_still_loads() {
    let apps = tempfile::tempdir().unwrap();
    let dir = apps.path().join("folder-name-unused");
    write(
        &dir.join("app.toml"),
        r#"id = "legacy"
name = "Legacy"

[[objects]]
id = "total"
properties = '{"qInfo": {"qType": "kpi"}, "qHyperCubeDef": {"qDimensions": [], "qMeasures": [{"qDef": {"qDef": "Sum(Amount)"}}], "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}]}}'
"#,
    );
    write(&dir.join("Sales.csv"), "Shop,Amount\nNorth,10\nSouth,20\n");
    let sim = start(start_with(apps.path())).await;
    let (mut ws, doc) = open_app(&sim, "bob", "legacy").await;
    let total = handle(&call(&mut ws, 2, doc, "GetObject", json!(["total"])).await);
    let layout = call(&mut ws, 3, total, "GetLayout", json!([])).await;
    let cell = &layout["result"]["qLayout"]["qHyperCube"]["qDataPages"][0]["qMatrix"][0][0];
    assert_eq!(cell["qNum"], 30.0);
    assert_eq!(layout["result"]["qLayout"]["qInfo"]["qId"], "total");
}

/// Start-up fails with a message containing every one of `parts`.
async fn fails_naming(apps: &Path, parts: &[&str]) {
    let error = Simulator::start(start_with(apps))
        .await
        .expect_err("start-up fails");
    let message = error.to_string();
    for part in parts {
        assert!(message.contains(part), "{message:?} names {part:?}");
    }
}

#[tokio::test]
async fn malformed_files_stop_start_up_naming_the_file_and_object() {
    type Breakage = (&'static str, &'static str, &'static [&'static str]);
    let cases: [Breakage; 6] = [
        (
            "objects/sheet--shops-s1.json",
            "{\"qProperty\": ",
            &["sheet--shops-s1.json", "EOF"],
        ),
        (
            "objects/zz-dup.json",
            r#"{"qInfo": {"qId": "lb", "qType": "listbox"}}"#,
            &["zz-dup.json", "object lb", "twice"],
        ),
        (
            "objects/kids.json",
            r#"{"qProperty": {"qInfo": {"qId": "k", "qType": "sheet"}}, "qChildren": [{"qProperty": {"qInfo": {"qId": "k2"}}}]}"#,
            &["kids.json", "object k2", "qType"],
        ),
        (
            "measures.json",
            r#"[{"qInfo": {"qId": "mX", "qType": "measure"}}]"#,
            &["measures.json", "item mX", "qMeasure"],
        ),
        (
            "variables.json",
            "{}",
            &["variables.json", "not a JSON list"],
        ),
        (
            "config.yml",
            "script script.qvs\n",
            &["config.yml", "line 1"],
        ),
    ];
    for (file, text, parts) in cases {
        let apps = tempfile::tempdir().unwrap();
        let dir = apps.path().join("broken");
        unbuilt(&dir);
        write(&dir.join(file), text);
        fails_naming(apps.path(), parts).await;
    }
    // A part the config names must exist.
    let apps = tempfile::tempdir().unwrap();
    let dir = apps.path().join("broken");
    unbuilt(&dir);
    std::fs::remove_file(dir.join("dimensions.json")).unwrap();
    fails_naming(apps.path(), &["dimensions.json"]).await;
    // CSV errors name the file and line.
    let apps = tempfile::tempdir().unwrap();
    let dir = apps.path().join("broken");
    unbuilt(&dir);
    write(&dir.join("data/Bad.csv"), "A,\n1,2\n");
    fails_naming(apps.path(), &["Bad.csv", "line 1"]).await;
}

#[test]
fn the_sample_folder_is_an_unbuilt_app() {
    // The crate's own sample folder loads with the unbuild loader (no data:
    // the built-in app generates it).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("apps/sample-sales");
    let app = qlik_sim::data::load_app(&dir).unwrap();
    assert_eq!(
        (app.id.as_str(), app.name.as_str()),
        ("sample-sales", "Sample Sales")
    );
    assert!(app.objects.get("sheet-overview").is_some());
    assert_eq!(app.library.measures.len(), 3);
    let value: Vec<&Value> = app.library.variables.iter().map(|v| &v["qName"]).collect();
    assert_eq!(value, [&json!("vTotalSales"), &json!("vMarginTarget")]);
}

/// Two tables sharing two fields are linked by a synthetic key, as Qlik
/// links them: a selection keeps the other table's rows with the same
/// *combination*, not those matching each field separately.
#[test]
fn tables_sharing_two_fields_link_by_their_combination() {
    let apps = tempfile::tempdir().unwrap();
    let dir = apps.path().join("budget");
    write(
        &dir.join("app.toml"),
        "id = \"budget\"\nname = \"Budget\"\n",
    );
    write(
        &dir.join("Sales.csv"),
        "Year,Shop,Amount\n2024,N,10\n2025,S,20\n",
    );
    write(
        &dir.join("Budget.csv"),
        "Year,Shop,Plan\n2024,S,9\n2025,N,7\n",
    );
    let app = qlik_sim::data::load_app(&dir).unwrap();
    let tables: Vec<&str> = app.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["Budget", "Sales", "$Syn 1 Table"]);
    let (amount, plan) = (app.field("Amount").unwrap(), app.field("Plan").unwrap());
    let mut selections = qlik_sim::data::Selections::default();
    selections.select(amount, &[0, 1], false);
    let associations = selections.associate(&app, None);
    // Both years and both shops stay possible, but no budget row has a
    // combination of a selected sale (field by field, both would).
    let states = selections.states(&app, &associations, plan);
    assert_eq!(states, [qlik_sim::data::State::X; 2]);
    let year = app.field("Year").unwrap();
    let states = selections.states(&app, &associations, year);
    assert_eq!(states, [qlik_sim::data::State::O; 2]);
}
