//! Qlik sheets as pages: a page with `sheet = "…"` draws the sheet's cells on
//! its grid, a sheet Qlik does not have stops start-up naming the page, and a
//! sheet that could not be read at start-up is a notice on its page; over
//! HTTP against qlik-sim's sample app.

use crate::support::{TestServer, home_page, test_config};
use app::dashboard::config::PageConfig;
use qlik_mashup::ServerError;

/// A page at `path` showing `sheet` of the sample sales app, untitled.
fn sheet_page(path: &str, sheet: &str) -> PageConfig {
    PageConfig {
        path: path.into(),
        app_id: "sample-sales".into(),
        title: String::new(),
        filters: Vec::new(),
        kpis: Vec::new(),
        charts: Vec::new(),
        tables: Vec::new(),
        pivots: Vec::new(),
        masters: Vec::new(),
        sheet: Some(sheet.into()),
        sheets: None,
    }
}

/// The default home page and `page`.
fn home_and(config: &mut qlik_mashup::Config, page: PageConfig) {
    config.pages = vec![home_page(), page];
}

/// Where `needle` is in `html`.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} on the page"))
}

#[tokio::test]
async fn a_sheet_page_draws_the_sheets_cells_on_its_grid() {
    let app = TestServer::start_with(|config| {
        home_and(config, sheet_page("/overview", "sheet-overview"));
    })
    .await;
    app.login("alice", "alice-password").await;
    let home = app.get("/").await.text().await.unwrap();
    assert!(
        home.contains(r#"<a href="/overview">Overview<"#),
        "the sheet's title links its page: {home}"
    );

    let response = app.get("/overview").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Overview<"), "the sheet's title");
    assert!(html.contains(r#"class="sheet-grid sg-24x12""#));
    // The cells in reading order (row, then column), each placed as in
    // the sheet: the filter pane, the two KPIs, the bar chart, the table.
    let cells = [
        "sheet-cell sc-0-4 sr-0-12",
        "sheet-cell sc-4-10 sr-0-3",
        "sheet-cell sc-14-10 sr-0-3",
        "sheet-cell sc-4-10 sr-3-9",
        "sheet-cell sc-14-10 sr-3-9",
    ];
    let places: Vec<usize> = cells
        .iter()
        .map(|c| at(&html, &format!(r#"class="{c}""#)))
        .collect();
    assert!(places.is_sorted(), "reading order: {places:?}");
    // The bar chart is drawn (by its master's `visualization`) in its cell.
    let bar_cell = &html[places[3]..places[4]];
    assert!(
        bar_cell.contains(r#"data-visualization="barchart""#),
        "{bar_cell}"
    );
    assert!(bar_cell.contains("<svg") && bar_cell.contains(r#"class="qc-mark""#));
    assert!(html[places[1]..places[2]].contains(r#"data-visualization="kpi""#));
    assert!(html[places[4]..].contains("Sales by region and country"));
    // The filter pane's cell holds its list boxes (the pane's children).
    let pane = &html[places[0]..places[1]];
    assert!(
        pane.contains("Sales region") && pane.contains("Order year"),
        "{pane}"
    );
    assert!(pane.contains(r#"role="listbox""#));

    assert!(
        !html.contains(" style=\""),
        "placed by classes: the CSP holds"
    );
    let css = app.get("/sheets.css").await;
    assert_eq!(css.status(), 200);
    let css = css.text().await.unwrap();
    assert!(css.contains(".sg-24x12 { grid-template-columns: repeat(24, minmax(0, 1fr));"));
    assert!(css.contains(".sc-4-10 { grid-column: 5 / span 10; }"));
    assert!(css.contains(".sr-3-9 { grid-row: 4 / span 9; }"));
    assert!(css.contains(".sc-0-4 { grid-column: 1 / span 4; }"));
    assert!(css.contains(".sr-0-12 { grid-row: 1 / span 12; }"));

    // A click on a bar of the sheet's chart selects its category.
    let bar = at(&html, r#"data-visualization="barchart""#);
    let rest = &html[bar..];
    let from = at(rest, "data-elem=\"") + "data-elem=\"".len();
    let elem = &rest[from..from + rest[from..].find('"').unwrap()];
    let answer = app
        .call(
            "/api/select-in-chart",
            &format!("page=overview&object_id=overview-category-bar&dimension=0&value={elem}"),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let view: serde_json::Value = app.page_view("overview").await;
    assert_eq!(view["selections"]["chips"][0]["field"], "Category");
    // A value of the pane's region list box selects like a master list box's.
    let answer = app
        .call(
            "/api/select",
            "page=overview&object_id=overview-region-list&values[0]=0",
        )
        .await;
    assert_eq!(answer.status(), 200);
    let view: serde_json::Value = app.page_view("overview").await;
    let fields: Vec<&str> = view["selections"]["chips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"Region"), "{fields:?}");
    assert_eq!(view["sheet"]["cells"].as_array().unwrap().len(), 5);
    app.stop().await;
}

#[tokio::test]
async fn a_sheet_qlik_does_not_have_stops_start_up_naming_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    home_and(&mut config, sheet_page("/overview", "no-such-sheet"));
    let error = match qlik_mashup::start(config).await {
        Ok(server) => {
            server.stop().await.unwrap();
            panic!("started")
        }
        Err(error) => error,
    };
    let ServerError::Invalid { key, reason } = &error else {
        panic!("{error}");
    };
    assert_eq!(*key, "pages.sheet");
    assert!(reason.contains("\"/overview\""), "{reason}");
    assert!(reason.contains("\"no-such-sheet\""), "{reason}");
}

/// A free port on the loopback interface (closed again).
fn free_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn a_sheet_unread_at_start_up_is_a_notice_on_its_page() {
    let (qps, proxy) = (free_addr(), free_addr());
    // Qlik is down while the server starts ...
    let app = TestServer::start_with(|config| {
        config.qlik.qps_url = Some(format!("http://{qps}"));
        config.qlik.proxy_url = Some(format!("http://{proxy}"));
        config.allow_demo_directory = true;
        home_and(config, sheet_page("/overview", "sheet-overview"));
    })
    .await;
    // ... and up when the user comes.
    let _sim = qlik_sim::Simulator::start(qlik_sim::SimConfig {
        qps_addr: qps,
        proxy_addr: proxy,
        sample_rows: 2_000,
        ..qlik_sim::SimConfig::default()
    })
    .await
    .expect("simulator starts");
    app.login("alice", "alice-password").await;
    let response = app.get("/overview").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("The Qlik sheet \"sheet-overview\" of this page could not be read")
            || html.contains(
                "The Qlik sheet &quot;sheet-overview&quot; of this page could not be read"
            ),
        "{html}"
    );
    assert!(
        html.contains("<h1>sheet-overview<"),
        "titled by the sheet's id"
    );
    assert!(!html.contains("sheet-grid"));
    app.stop().await;
}

/// Copies folder `from` into `to`, recursively.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn sheets_all_gives_a_page_per_sheet_linked_from_the_nav() {
    // The sample sales app with a second sheet: a bar chart linked to the
    // master `master-category-bar`.
    let apps = tempfile::tempdir().unwrap();
    let sales = apps.path().join("sample-sales");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/qlik-sim/apps/sample-sales");
    copy_dir(&source, &sales);
    let second = serde_json::json!({
        "qProperty": {
            "qInfo": {"qId": "sheet-second", "qType": "sheet"},
            "qMetaDef": {"title": "Second"},
            "rank": 1, "columns": 24, "rows": 12,
            "cells": [{"name": "second-bar", "type": "barchart",
                       "col": 0, "row": 0, "colspan": 24, "rowspan": 12}]
        },
        "qChildren": [{
            "qProperty": {
                "qInfo": {"qId": "second-bar", "qType": "barchart"},
                "qExtendsId": "master-category-bar",
                "qMetaDef": {}
            },
            "qChildren": []
        }]
    });
    std::fs::write(
        sales.join("objects/sheet--second-sheet-second.json"),
        second.to_string(),
    )
    .unwrap();
    let sim = qlik_sim::Simulator::start(qlik_sim::SimConfig {
        apps_dir: Some(apps.path().to_owned()),
        sample_rows: 2_000,
        ..qlik_sim::SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let mut all = sheet_page("/sheets", "unused");
    all.sheet = None;
    all.sheets = Some(app::dashboard::config::SheetsChoice::All);
    let app = TestServer::start_with(|config| {
        config.qlik.qps_url = Some(format!("http://{}", sim.qps_addr()));
        config.qlik.proxy_url = Some(format!("http://{}", sim.proxy_addr()));
        config.allow_demo_directory = true;
        home_and(config, all);
    })
    .await;
    app.login("alice", "alice-password").await;
    let home = app.get("/").await.text().await.unwrap();
    let overview = at(&home, r#"<a href="/sheets">Overview<"#);
    let second = at(&home, r#"<a href="/sheets-sheet-second">Second<"#);
    assert!(overview < second, "in the app's order");

    let first = app.get("/sheets").await.text().await.unwrap();
    assert!(first.contains("<h1>Overview<"));
    assert!(first.contains(r#"class="sheet-cell sc-4-10 sr-3-9""#));
    let response = app.get("/sheets-sheet-second").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Second<"));
    let cell = at(&html, r#"class="sheet-cell sc-0-24 sr-0-12""#);
    // The cell shows the linked object by its master's `visualization` (a
    // drawing of a sheet's chart is covered by the first test).
    assert!(html[cell..].contains(r#"data-object="second-bar" data-visualization="barchart""#));
    app.stop().await;
}
