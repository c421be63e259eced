//! The library and variables of the sample sales app, over real sockets:
//! library dimensions and measures (lists, handles, use in list objects
//! inside a filter pane), variables (handles, lists, dollar-sign expansion).

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

fn number(answer: &Value) -> f64 {
    answer["result"]["qValue"]["qNumber"]
        .as_f64()
        .unwrap_or_else(|| panic!("no number in {answer}"))
}

#[tokio::test]
async fn a_filter_panes_list_box_names_a_library_dimension_and_is_paged() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "alice", "sample-sales").await;
    let list = handle(
        &call(
            &mut ws,
            2,
            doc,
            "GetObject",
            json!(["overview-region-list"]),
        )
        .await,
    );
    let layout = call(&mut ws, 3, list, "GetLayout", json!([])).await;
    let object = &layout["result"]["qLayout"]["qListObject"];
    assert_eq!(object["qDataPages"], json!([]), "an empty initial fetch");
    assert_eq!(object["qSize"], json!({"qcx": 1, "qcy": 4}));
    assert_eq!(object["qDimensionInfo"]["qFallbackTitle"], "Sales region");
    assert_eq!(object["qDimensionInfo"]["qLibraryId"], "dim-region");
    assert_eq!(
        object["qDimensionInfo"]["qGroupFieldDefs"],
        json!(["Region"])
    );

    let page = json!(["/qListObjectDef", [{"qTop": 1, "qLeft": 0, "qWidth": 1, "qHeight": 2}]]);
    let data = call(&mut ws, 4, list, "GetListObjectData", page.clone()).await;
    let matrix = &data["result"]["qDataPages"][0]["qMatrix"];
    assert_eq!(matrix.as_array().unwrap().len(), 2);
    assert_eq!(data["result"]["qDataPages"][0]["qArea"]["qTop"], 1);

    // Selecting through the list box selects in the library's field.
    let all = json!(["/qListObjectDef", [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 10}]]);
    let data = call(&mut ws, 5, list, "GetListObjectData", all.clone()).await;
    let emea = data["result"]["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row[0]["qText"] == "EMEA")
        .map(|row| row[0]["qElemNumber"].clone())
        .unwrap();
    let selected = call(
        &mut ws,
        6,
        list,
        "SelectListObjectValues",
        json!(["/qListObjectDef", [emea], false]),
    )
    .await;
    assert_eq!(selected["result"]["qSuccess"], true);
    assert!(
        selected["change"]
            .as_array()
            .unwrap()
            .contains(&json!(list))
    );
    let data = call(&mut ws, 7, list, "GetListObjectData", all).await;
    let states: Vec<(&str, &str)> = data["result"]["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row[0]["qText"].as_str().unwrap(),
                row[0]["qState"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(states.contains(&("EMEA", "S")), "{states:?}");
    assert!(states.contains(&("APAC", "A")), "{states:?}");
}

#[tokio::test]
async fn library_items_are_listed_and_opened() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "bob", "sample-sales").await;
    let lists = handle(&call(&mut ws, 2, doc, "CreateSessionObject", json!([{
        "qInfo": {"qType": "LibraryLists"},
        "qDimensionListDef": {"qType": "dimension", "qData": {"title": "/qMetaDef/title", "fields": "/qDim/qFieldDefs"}},
        "qMeasureListDef": {"qType": "measure", "qData": {"title": "/qMetaDef/title", "expression": "/qMeasure/qDef"}}
    }])).await);
    let layout = call(&mut ws, 3, lists, "GetLayout", json!([])).await;
    let layout = &layout["result"]["qLayout"];
    let dimensions = layout["qDimensionList"]["qItems"].as_array().unwrap();
    assert_eq!(dimensions.len(), 3);
    assert_eq!(
        dimensions[0]["qInfo"],
        json!({"qId": "dim-region", "qType": "dimension"})
    );
    assert_eq!(
        dimensions[0]["qData"],
        json!({"title": "Sales region", "fields": ["Region"]})
    );
    assert_eq!(dimensions[0]["qMeta"]["title"], "Sales region");
    let measures = layout["qMeasureList"]["qItems"].as_array().unwrap();
    assert_eq!(
        measures[2]["qData"],
        json!({"title": "Share of sales", "expression": "Sum(Sales) / $(vTotalSales)"})
    );

    let dimension = call(&mut ws, 4, doc, "GetDimension", json!(["dim-region"])).await;
    assert_eq!(dimension["result"]["qReturn"]["qType"], "GenericDimension");
    let dimension = handle(&dimension);
    let layout = call(&mut ws, 5, dimension, "GetLayout", json!([])).await;
    let layout = &layout["result"]["qLayout"];
    assert_eq!(layout["qDim"]["qFieldDefs"], json!(["Region"]));
    assert_eq!(layout["qMeta"]["title"], "Sales region");
    assert_eq!(layout["qDimInfos"][0]["qCardinal"], 4);
    let props = call(&mut ws, 6, dimension, "GetProperties", json!([])).await;
    assert_eq!(
        props["result"]["qProp"]["qDim"]["qFieldLabels"],
        json!(["Sales region"])
    );
    let definition = call(&mut ws, 7, dimension, "GetDimension", json!([])).await;
    assert_eq!(definition["result"]["qDim"]["title"], "Sales region");

    let measure = handle(&call(&mut ws, 8, doc, "GetMeasure", json!(["msr-sales"])).await);
    let layout = call(&mut ws, 9, measure, "GetLayout", json!([])).await;
    assert_eq!(
        layout["result"]["qLayout"]["qMeasure"]["qDef"],
        "Sum(Sales)"
    );
    assert_eq!(
        layout["result"]["qLayout"]["qMeasure"]["qNumFormat"]["qType"],
        "M"
    );
    let definition = call(&mut ws, 10, measure, "GetMeasure", json!([])).await;
    assert_eq!(definition["result"]["qMeasure"]["qLabel"], "Sales");
    let info = call(&mut ws, 11, measure, "GetInfo", json!([])).await;
    assert_eq!(
        info["result"]["qInfo"],
        json!({"qId": "msr-sales", "qType": "measure"})
    );

    let missing = call(&mut ws, 12, doc, "GetMeasure", json!(["no-such-measure"])).await;
    assert_eq!(missing["error"]["code"], 2);
}

#[tokio::test]
async fn variables_expand_in_expressions_and_have_handles() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "carol", "sample-sales").await;
    let total = number(&call(&mut ws, 2, doc, "EvaluateEx", json!(["Sum(Sales)"])).await);
    let scaled = number(
        &call(
            &mut ws,
            3,
            doc,
            "EvaluateEx",
            json!(["Sum(Sales) * $(vMarginTarget)"]),
        )
        .await,
    );
    assert!((scaled - total * 0.35).abs() < 1e-6 * total, "{scaled}");
    // `=` definitions and `$(=…)` are evaluated before the expression.
    let share = number(
        &call(
            &mut ws,
            4,
            doc,
            "EvaluateEx",
            json!(["Sum(Sales) / $(vTotalSales)"]),
        )
        .await,
    );
    assert!((share - 1.0).abs() < 1e-12);
    let zero = number(
        &call(
            &mut ws,
            5,
            doc,
            "EvaluateEx",
            json!(["$(=Sum(Sales)) - Sum(Sales)"]),
        )
        .await,
    );
    assert!(zero.abs() < 1e-6 * total);
    // An unknown variable expands to nothing.
    let same = number(
        &call(
            &mut ws,
            6,
            doc,
            "EvaluateEx",
            json!(["Sum(Sales) $(vNoSuchVariable)"]),
        )
        .await,
    );
    assert_eq!(same, total);
    // Variable names are case sensitive.
    let text = call(
        &mut ws,
        7,
        doc,
        "Evaluate",
        json!(["Sum(Sales) * $(vmargintarget)"]),
    )
    .await;
    assert!(
        text["result"]["qReturn"]
            .as_str()
            .unwrap()
            .starts_with("Error"),
        "{text}"
    );

    let target = call(
        &mut ws,
        8,
        doc,
        "GetVariableByName",
        json!(["vMarginTarget"]),
    )
    .await;
    assert_eq!(target["result"]["qReturn"]["qType"], "GenericVariable");
    let target = handle(&target);
    let layout = call(&mut ws, 9, target, "GetLayout", json!([])).await;
    assert_eq!(layout["result"]["qLayout"]["qText"], "0.35");
    assert_eq!(layout["result"]["qLayout"]["qNum"], 0.35);
    let props = call(&mut ws, 10, target, "GetProperties", json!([])).await;
    assert_eq!(props["result"]["qProp"]["qName"], "vMarginTarget");
    assert_eq!(props["result"]["qProp"]["qDefinition"], "0.35");

    let sales = handle(
        &call(
            &mut ws,
            11,
            doc,
            "GetVariableById",
            json!(["var-total-sales"]),
        )
        .await,
    );
    let layout = call(&mut ws, 12, sales, "GetLayout", json!([])).await;
    assert_eq!(layout["result"]["qLayout"]["qNum"].as_f64().unwrap(), total);
    let region = handle(&call(&mut ws, 13, doc, "GetField", json!(["Region"])).await);
    let selected = call(&mut ws, 14, region, "Select", json!(["APAC"])).await;
    assert!(
        selected["change"]
            .as_array()
            .unwrap()
            .contains(&json!(sales))
    );
    let layout = call(&mut ws, 15, sales, "GetLayout", json!([])).await;
    assert!(layout["result"]["qLayout"]["qNum"].as_f64().unwrap() < total);

    let list = handle(
        &call(
            &mut ws,
            16,
            doc,
            "CreateSessionObject",
            json!([{
                "qInfo": {"qType": "VariableList"},
                "qVariableListDef": {"qType": "variable", "qData": {"tags": "/tags"}}
            }]),
        )
        .await,
    );
    let layout = call(&mut ws, 17, list, "GetLayout", json!([])).await;
    let items = layout["result"]["qLayout"]["qVariableList"]["qItems"]
        .as_array()
        .unwrap();
    let names: Vec<(&str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["qName"].as_str().unwrap(),
                i["qDefinition"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [("vTotalSales", "=Sum(Sales)"), ("vMarginTarget", "0.35")]
    );
    assert_eq!(items[0]["qInfo"]["qId"], "var-total-sales");
    let missing = call(&mut ws, 18, doc, "GetVariableByName", json!(["vNone"])).await;
    assert_eq!(missing["error"]["code"], 2);
}
