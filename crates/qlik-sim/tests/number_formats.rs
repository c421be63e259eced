//! Number formats and the app's locale through the engine API, over real
//! sockets: measures' `qText` follow their `qNumFormat` with the separators
//! of the app's script, and `GetLocaleInfo` answers the script's values.

mod support;

use std::path::Path;

use qlik_sim::{RunningSim, SimConfig};
use serde_json::{Value, json};
use support::*;

/// An app folder: `app.toml`, one table, and a load script.
fn write_app(dir: &Path, id: &str, script: &str) {
    let app = dir.join(id);
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("app.toml"),
        format!("id = \"{id}\"\nname = \"{id}\"\n"),
    )
    .unwrap();
    // 45351 = 2024-02-29.
    std::fs::write(
        app.join("Orders.csv"),
        "Region,Amount,OrderDate\nNorth,1000.25,45350\nNorth,234.25,45351\n\
         South,-2000,45340\nSouth,0.5,45341\n",
    )
    .unwrap();
    std::fs::write(app.join("script.qvs"), script).unwrap();
}

const EN_GB: &str = "///$tab Main
SET ThousandSep=',';
SET DecimalSep='.';
SET MoneyThousandSep=',';
SET MoneyDecimalSep='.';
SET MoneyFormat='£#,##0.00;-£#,##0.00';
SET TimeFormat='hh:mm:ss';
SET DateFormat='DD/MM/YYYY';
SET TimestampFormat='DD/MM/YYYY hh:mm:ss[.fff]';
SET FirstWeekDay=0;
SET BrokenWeeks=0;
SET ReferenceDay=4;
SET FirstMonthOfYear=1;
SET CollationLocale='en-GB';
SET MonthNames='Jan;Feb;Mar;Apr;May;Jun;Jul;Aug;Sep;Oct;Nov;Dec';
SET DayNames='Mon;Tue;Wed;Thu;Fri;Sat;Sun';

Orders:
LOAD * FROM [lib://Data/Orders.csv] (txt, utf8, embedded labels, delimiter is ',');
";

const DE_DE: &str = "SET ThousandSep='.';
SET DecimalSep=',';
SET MoneyThousandSep='.';
SET MoneyDecimalSep=',';
SET MoneyFormat='#.##0,00 €;-#.##0,00 €';
SET DateFormat='DD.MM.YYYY';
SET CollationLocale='de-DE';
SET MonthNames='Jan;Feb;Mär;Apr;Mai;Jun;Jul;Aug;Sep;Okt;Nov;Dez';
";

async fn open(sim: &RunningSim, app: &str) -> (Ws, i64) {
    let cookie = redeem(sim, &ticket(sim, "alice").await).await;
    let mut ws = ws(sim, &format!("/app/{app}"), Some(&cookie)).await;
    greeting(&mut ws).await;
    let doc = call(&mut ws, 1, -1, "OpenDoc", json!([app])).await;
    let doc = doc["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    (ws, doc)
}

/// A table of Region with these measures (`[expression, qNumFormat]`).
fn table(measures: &[(&str, Value)]) -> Value {
    let width = measures.len() + 1;
    let measures: Vec<Value> = measures
        .iter()
        .map(|(expr, format)| json!({"qDef": {"qDef": expr, "qNumFormat": format}}))
        .collect();
    json!({"qInfo": {"qType": "table"}, "qHyperCubeDef": {
        "qDimensions": [{"qDef": {"qFieldDefs": ["Region"]}}],
        "qMeasures": measures,
        "qInterColumnSortOrder": [0],
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": width, "qHeight": 10}]}})
}

/// `(region, texts of the measures)` of every row of the first page.
fn rows(cube: &Value) -> Vec<(String, Vec<String>)> {
    cube["qDataPages"][0]["qMatrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let cells = row.as_array().unwrap();
            let text = |c: &Value| c["qText"].as_str().unwrap().to_owned();
            (text(&cells[0]), cells[1..].iter().map(text).collect())
        })
        .collect()
}

fn row(region: &str, texts: &[&str]) -> (String, Vec<String>) {
    (
        region.to_owned(),
        texts.iter().map(|t| (*t).to_owned()).collect(),
    )
}

async fn layout_of(ws: &mut Ws, doc: i64, props: Value) -> Value {
    let created = call(ws, 2, doc, "CreateSessionObject", json!([props])).await;
    let handle = created["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let layout = call(ws, 3, handle, "GetLayout", json!([])).await;
    layout["result"]["qLayout"].clone()
}

fn apps() -> (tempfile::TempDir, SimConfig) {
    let dir = tempfile::tempdir().unwrap();
    write_app(dir.path(), "shop-gb", EN_GB);
    write_app(dir.path(), "shop-de", DE_DE);
    let config = SimConfig {
        apps_dir: Some(dir.path().to_owned()),
        ..SimConfig::default()
    };
    (dir, config)
}

#[tokio::test]
async fn measures_follow_their_number_format() {
    let (_dir, config) = apps();
    let sim = start(config).await;
    let (mut ws, doc) = open(&sim, "shop-gb").await;
    let pounds = json!({"qType": "M", "qnDec": 2, "qUseThou": 1,
        "qFmt": "£#,##0.00;-£#,##0.00", "qDec": ".", "qThou": ","});
    let layout = layout_of(
        &mut ws,
        doc,
        table(&[
            ("Sum(Amount)", pounds.clone()),
            ("Sum(Amount)", json!({"qType": "U"})),
            ("Max(OrderDate)", json!({"qType": "D"})),
            ("Sum(Amount) / 1000", json!({"qType": "F", "qFmt": "0%"})),
        ]),
    )
    .await;
    let cube = &layout["qHyperCube"];
    assert_eq!(
        rows(cube),
        [
            row("North", &["£1,234.50", "1,234.50", "29/02/2024", "123%"]),
            row("South", &["-£1,999.50", "-1,999.50", "19/02/2024", "-200%"]),
        ]
    );
    assert_eq!(cube["qGrandTotalRow"][0]["qText"], "-£765.00");
    assert_eq!(cube["qGrandTotalRow"][0]["qNum"], -765.0);
    let info = &cube["qMeasureInfo"];
    assert_eq!(info[0]["qNumFormat"]["qType"], "M");
    assert_eq!(info[0]["qNumFormat"]["qFmt"], "£#,##0.00;-£#,##0.00");
    assert_eq!(info[0]["qIsAutoFormat"], false);
    assert_eq!(info[1]["qNumFormat"]["qType"], "U");
    assert_eq!(info[1]["qIsAutoFormat"], true);
    assert_eq!(info[2]["qNumFormat"]["qType"], "D");

    // Money without a pattern takes the script's MoneyFormat; pages fetched
    // later are formatted alike.
    let created = call(
        &mut ws,
        4,
        doc,
        "CreateSessionObject",
        json!([table(&[("Sum(Amount)", json!({"qType": "M"}))])]),
    )
    .await;
    let handle = created["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    let page = call(
        &mut ws,
        5,
        handle,
        "GetHyperCubeData",
        json!(["/qHyperCubeDef", [{"qTop": 1, "qLeft": 1, "qWidth": 1, "qHeight": 1}]]),
    )
    .await;
    assert_eq!(
        page["result"]["qDataPages"][0]["qMatrix"][0][0]["qText"],
        "-£1,999.50"
    );

    // Evaluate answers the general number format: no thousands separator.
    let evaluated = call(&mut ws, 6, doc, "Evaluate", json!(["Sum(Amount) + 2000"])).await;
    assert_eq!(evaluated["result"]["qReturn"], "1235");
    let evaluated = call(&mut ws, 7, doc, "EvaluateEx", json!(["Sum(Amount) / 4"])).await;
    assert_eq!(evaluated["result"]["qValue"]["qText"], "-191.25");
}

#[tokio::test]
async fn get_locale_info_answers_the_scripts_values() {
    let (_dir, config) = apps();
    let sim = start(config).await;
    let (mut ws, doc) = open(&sim, "shop-gb").await;
    let info = call(&mut ws, 2, doc, "GetLocaleInfo", json!([])).await;
    let info = &info["result"]["qReturn"];
    assert_eq!(info["qThousandSep"], ",");
    assert_eq!(info["qMoneyFmt"], "£#,##0.00;-£#,##0.00");
    assert_eq!(info["qDateFmt"], "DD/MM/YYYY");
    assert_eq!(info["qTimeFmt"], "hh:mm:ss");
    assert_eq!(info["qTimestampFmt"], "DD/MM/YYYY hh:mm:ss[.fff]");
    assert_eq!(info["qFirstWeekDay"], 0);
    assert_eq!(info["qReferenceDay"], 4);
    assert!(info.get("qBrokenWeeks").is_none());
    assert_eq!(info["qCollation"], "en-GB");
    assert_eq!(info["qCalendarStrings"]["qLongMonthNames"][1], "February");

    let (mut ws, doc) = open(&sim, "shop-de").await;
    let info = call(&mut ws, 2, doc, "GetLocaleInfo", json!([])).await;
    let info = &info["result"]["qReturn"];
    assert_eq!(info["qThousandSep"], ".");
    assert_eq!(info["qDecimalSep"], ",");
    assert_eq!(info["qMoneyDecimalSep"], ",");
    assert_eq!(info["qMoneyFmt"], "#.##0,00 €;-#.##0,00 €");
    assert_eq!(info["qCalendarStrings"]["qMonthNames"][2], "Mär");
    // What the script does not set keeps the en-US default.
    assert_eq!(info["qTimeFmt"], "h:mm:ss TT");
    let app_layout = call(&mut ws, 3, doc, "GetAppLayout", json!([])).await;
    assert_eq!(app_layout["result"]["qLayout"]["qLocaleInfo"], *info);

    // The same formats with this app's separators.
    let layout = layout_of(
        &mut ws,
        doc,
        table(&[
            ("Sum(Amount)", json!({"qType": "M"})),
            ("Sum(Amount)", json!({"qType": "U"})),
            ("Sum(Amount)", json!({"qType": "F", "qFmt": "#.##0,0"})),
            ("Max(OrderDate)", json!({"qType": "D"})),
        ]),
    )
    .await;
    assert_eq!(
        rows(&layout["qHyperCube"])[0],
        row(
            "North",
            &["1.234,50 €", "1.234,50", "1.234,5", "29.02.2024"]
        )
    );
    let evaluated = call(&mut ws, 4, doc, "Evaluate", json!(["Sum(Amount) / 4"])).await;
    assert_eq!(evaluated["result"]["qReturn"], "-191,25");
}

#[tokio::test]
async fn a_malformed_locale_line_stops_the_start_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write_app(
        dir.path(),
        "broken",
        "SET ThousandSep=',';\nSET DecimalSep='.;\n",
    );
    let started = qlik_sim::Simulator::start(SimConfig {
        apps_dir: Some(dir.path().to_owned()),
        ..SimConfig::default()
    })
    .await;
    let Err(error) = started else {
        panic!("a malformed script stops the start");
    };
    let message = error.to_string();
    assert!(message.contains("script.qvs"), "{message}");
    assert!(message.contains("line 2: SET DecimalSep"), "{message}");
}

#[tokio::test]
async fn the_built_in_apps_answer_their_scripts_locale_or_the_en_us_default() {
    let sim = start(SimConfig {
        sample_rows: 1_000,
        ..SimConfig::default()
    })
    .await;
    // sample-sales is an unbuilt folder whose script.qvs sets ISO dates.
    let (mut ws, doc) = open(&sim, "sample-sales").await;
    let info = call(&mut ws, 2, doc, "GetLocaleInfo", json!([])).await;
    let info = &info["result"]["qReturn"];
    assert_eq!(info["qMoneyFmt"], "$#,##0.00;-$#,##0.00");
    assert_eq!(info["qDateFmt"], "YYYY-MM-DD");
    assert_eq!(info["qCalendarStrings"]["qDayNames"][6], "Sun");
    assert!(info["qCurrentYear"].as_i64().unwrap() >= 2026);
    // sample-support has no script: the en-US default.
    let (mut ws, doc) = open(&sim, "sample-support").await;
    let info = call(&mut ws, 2, doc, "GetLocaleInfo", json!([])).await;
    let info = &info["result"]["qReturn"];
    assert_eq!(info["qDateFmt"], "M/D/YYYY");
    assert_eq!(info["qMoneyFmt"], "$#,##0.00;-$#,##0.00");
}
