//! Linked objects (`qExtendsId`) on the sample sales app, over real
//! sockets: laid out from their master's properties with the library's
//! dimensions and measures, carrying `qExtendsId`, following selections.

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

/// (category, sales, share) of the bar chart's first data page.
fn bars(layout: &Value) -> Vec<(String, f64, f64)> {
    layout["qHyperCube"]["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row[0]["qText"].as_str().unwrap().to_owned(),
                row[1]["qNum"].as_f64().unwrap(),
                row[2]["qNum"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_linked_chart_is_laid_out_from_its_master_and_follows_selections() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "alice", "sample-sales").await;
    let bar = call(
        &mut ws,
        2,
        doc,
        "GetObject",
        json!(["overview-category-bar"]),
    )
    .await;
    assert_eq!(bar["result"]["qReturn"]["qGenericType"], "barchart");
    let bar = handle(&bar);
    let layout = call(&mut ws, 3, bar, "GetLayout", json!([])).await;
    let layout = &layout["result"]["qLayout"];
    assert_eq!(
        layout["qInfo"],
        json!({"qId": "overview-category-bar", "qType": "barchart"})
    );
    assert_eq!(layout["qExtendsId"], "master-category-bar");
    assert_eq!(layout["visualization"], "barchart");
    assert_eq!(layout["qMeta"]["title"], "Sales by category");
    // The chart's other properties come through unchanged.
    assert_eq!(layout["orientation"], "vertical");
    assert_eq!(layout["barGrouping"], json!({"grouping": "grouped"}));
    assert_eq!(layout["color"]["mode"], "primary");
    assert_eq!(layout["legend"]["dock"], "auto");
    assert_eq!(layout["dataPoint"]["showLabels"], true);
    assert_eq!(layout["measureAxis"]["autoMinMax"], true);
    assert_eq!(layout["components"], json!([]));

    let cube = &layout["qHyperCube"];
    let dimension = &cube["qDimensionInfo"][0];
    assert_eq!(
        dimension["qFallbackTitle"], "Product category",
        "the library's title"
    );
    assert_eq!(dimension["qLibraryId"], "dim-category");
    assert_eq!(dimension["qGroupFieldDefs"], json!(["Category"]));
    let sales = &cube["qMeasureInfo"][0];
    assert_eq!(sales["qFallbackTitle"], "Sales");
    assert_eq!(sales["qLibraryId"], "msr-sales");
    assert_eq!(sales["qNumFormat"]["qType"], "M");
    assert_eq!(sales["qNumFormat"]["qFmt"], "$#,##0.00;-$#,##0.00");
    assert_eq!(sales["qIsAutoFormat"], false);
    assert_eq!(cube["qMeasureInfo"][1]["qFallbackTitle"], "Share of sales");
    assert_eq!(cube["qMeasureInfo"][1]["qNumFormat"]["qFmt"], "0.0%");

    let before = bars(layout);
    assert_eq!(before.len(), 5, "five categories: {before:?}");
    assert!(
        before.windows(2).all(|w| w[0].1 >= w[1].1),
        "sorted by sales, descending"
    );
    let total = call(&mut ws, 4, doc, "EvaluateEx", json!(["Sum(Sales)"])).await;
    let total = total["result"]["qValue"]["qNumber"].as_f64().unwrap();
    let summed: f64 = before.iter().map(|b| b.1).sum();
    assert!((summed - total).abs() < 1e-6 * total);
    // The share divides by the variable vTotalSales (`=Sum(Sales)`).
    let shares: f64 = before.iter().map(|b| b.2).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{shares}");

    // A selection changes the linked chart as it changes any object.
    let region = handle(&call(&mut ws, 5, doc, "GetField", json!(["Region"])).await);
    let selected = call(&mut ws, 6, region, "Select", json!(["EMEA"])).await;
    assert!(selected["change"].as_array().unwrap().contains(&json!(bar)));
    let layout = call(&mut ws, 7, bar, "GetLayout", json!([])).await;
    let after = bars(&layout["result"]["qLayout"]);
    let emea: f64 = after.iter().map(|b| b.1).sum();
    assert!(emea > 0.0 && emea < summed, "{emea} of {summed}");
    let shares: f64 = after.iter().map(|b| b.2).sum();
    assert!(
        (shares - 1.0).abs() < 1e-9,
        "the variable follows the selection: {shares}"
    );

    // Data pages come from the resolved hypercube too.
    let page = call(
        &mut ws,
        8,
        bar,
        "GetHyperCubeData",
        json!(["/qHyperCubeDef", [{"qTop": 0, "qLeft": 0, "qWidth": 3, "qHeight": 2}]]),
    )
    .await;
    assert_eq!(
        page["result"]["qDataPages"][0]["qMatrix"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_linked_object_keeps_its_own_properties() {
    let sim = start(small()).await;
    let (mut ws, doc) = open_app(&sim, "bob", "sample-sales").await;
    let kpi = handle(&call(&mut ws, 2, doc, "GetObject", json!(["overview-margin-kpi"])).await);
    let own = call(&mut ws, 3, kpi, "GetProperties", json!([])).await;
    assert_eq!(
        own["result"]["qProp"],
        json!({"qInfo": {"qId": "overview-margin-kpi", "qType": "kpi"},
            "qExtendsId": "master-margin-kpi", "qMetaDef": {}})
    );
    let effective = call(&mut ws, 4, kpi, "GetEffectiveProperties", json!([])).await;
    let effective = &effective["result"]["qProp"];
    assert_eq!(effective["qInfo"]["qId"], "overview-margin-kpi");
    assert_eq!(effective["visualization"], "kpi");
    assert_eq!(
        effective["qHyperCubeDef"]["qMeasures"][0]["qLibraryId"],
        "msr-margin-pct"
    );

    let layout = call(&mut ws, 5, kpi, "GetLayout", json!([])).await;
    let cube = &layout["result"]["qLayout"]["qHyperCube"];
    assert_eq!(cube["qMeasureInfo"][0]["qFallbackTitle"], "Margin %");
    assert_eq!(cube["qMeasureInfo"][0]["qNumFormat"]["qFmt"], "0.0%");
    let margin = cube["qDataPages"][0]["qMatrix"][0][0]["qNum"]
        .as_f64()
        .unwrap();
    assert!(
        margin > 0.1 && margin < 0.6,
        "costs are 45–85 % of sales: {margin}"
    );
    assert_eq!(
        layout["result"]["qLayout"]["qExtendsId"],
        "master-margin-kpi"
    );
}
