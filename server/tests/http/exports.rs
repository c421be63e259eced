//! Downloads over HTTP: every row under the user's selections, checked row
//! for row against the engine's own numbers; who may download what; the row
//! limit.

use std::collections::BTreeMap;
use std::io::Cursor;

use crate::support::{TestServer, location};
use app::dashboard::config::DashboardConfig;
use app::dashboard::mapping::dashboard_objects;
use calamine::{Data, Reader, Xlsx};
use qlik::proxy::Proxy;
use qlik::qix::layout::NxCell;
use qlik::qix::{ConnectOptions, Connection, EngineUrl, NxPage};
use qlik::qps::{QpsClient, QpsConfig, UserRef};

/// A table row keyed by its dimension values, with its measures.
type Rows = BTreeMap<(String, String), (f64, f64)>;

/// `table-0` (Customer, Region, Sales, Orders) as the engine computes it with
/// Region = EMEA, through a Qlik session of its own.
async fn engine_rows(app: &TestServer) -> Rows {
    let sim = app.server.embedded_qlik().expect("embedded qlik-sim");
    let qps = QpsClient::new(QpsConfig::new(format!("http://{}", sim.qps_addr()), "")).unwrap();
    let ticket = qps
        .ticket(&UserRef::new("CORP", "checker"), &[])
        .await
        .unwrap();
    let proxy = Proxy::new(&format!("http://{}", sim.proxy_addr()), "").unwrap();
    let cookie = proxy.redeem_ticket(&ticket).await.unwrap();
    let url = EngineUrl::new(&format!("ws://{}", sim.proxy_addr()), "", "sample-sales");
    let connection = Connection::connect(ConnectOptions::new(url).cookie(cookie))
        .await
        .unwrap()
        .connection;
    let doc = connection.global().open_doc("sample-sales").await.unwrap();
    assert!(
        doc.get_field("Region")
            .await
            .unwrap()
            .select("EMEA")
            .await
            .unwrap()
    );
    let (_, properties) = dashboard_objects(&DashboardConfig::default())
        .into_iter()
        .find(|(id, _)| id.to_string() == "table-0")
        .unwrap();
    let table = doc
        .create_session_object(serde_json::to_value(properties).unwrap())
        .await
        .unwrap();
    let mut rows = Rows::new();
    loop {
        let page = NxPage {
            left: 0,
            top: rows.len() as u32,
            width: 4,
            height: 2_500,
        };
        let pages = table
            .hypercube_data("/qHyperCubeDef", &[page])
            .await
            .unwrap();
        let matrix: Vec<Vec<NxCell>> = serde_json::from_value(pages[0]["qMatrix"].clone()).unwrap();
        if matrix.is_empty() {
            break;
        }
        for row in matrix {
            rows.insert(
                (row[0].text().to_owned(), row[1].text().to_owned()),
                (row[2].number().unwrap(), row[3].number().unwrap()),
            );
        }
    }
    connection.close();
    rows
}

/// Selects Region = EMEA in the user's first list box.
async fn select_emea(app: &TestServer) {
    let view = app.dashboard().await;
    let regions = &view["filters"][0];
    assert_eq!(regions["heading"], "Region");
    let emea = regions["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["text"] == "EMEA")
        .unwrap()["elem"]
        .as_i64()
        .unwrap();
    let answer = app
        .call(
            "/api/select",
            &format!("object_id=filter-0&values[0]={emea}"),
        )
        .await;
    assert_eq!(answer.status(), 200);
}

async fn download(app: &TestServer, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Rows) {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a UTF-8 BOM first");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (
                (record[0].to_owned(), record[1].to_owned()),
                (record[2].parse().unwrap(), record[3].parse().unwrap()),
            )
        })
        .collect();
    (headers, rows)
}

fn xlsx_rows(bytes: Vec<u8>) -> (Vec<String>, Rows) {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let mut lines = sheet.rows();
    let headers = lines
        .next()
        .unwrap()
        .iter()
        .map(|cell| cell.to_string())
        .collect();
    let number = |cell: &Data| match cell {
        Data::Float(n) => *n,
        Data::Int(n) => *n as f64,
        other => panic!("a measure is a number, not {other:?}"),
    };
    let rows = lines
        .map(|line| {
            (
                (line[0].to_string(), line[1].to_string()),
                (number(&line[2]), number(&line[3])),
            )
        })
        .collect();
    (headers, rows)
}

#[tokio::test]
async fn a_download_holds_every_row_under_the_selection_as_the_engine_computes_it() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    select_emea(&app).await;
    let expected = engine_rows(&app).await;
    assert!(expected.len() > 20, "more rows than one table page");
    let headers = ["Customer", "Region", "Sales", "Orders"].map(String::from);

    let (http, bytes) = download(&app, "/export/table-0.csv").await;
    assert_eq!(http["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        http["content-disposition"],
        "attachment; filename=\"customers.csv\"; filename*=UTF-8''Customers.csv"
    );
    let (csv_headers, csv_rows) = csv_rows(&bytes);
    assert_eq!(csv_headers, headers);
    assert_eq!(csv_rows, expected, "CSV row for row");
    assert!(csv_rows.keys().all(|(_, region)| region == "EMEA"));

    let (http, bytes) = download(&app, "/export/table-0.xlsx").await;
    assert!(
        http["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(
        http["content-disposition"]
            .to_str()
            .unwrap()
            .contains("customers.xlsx")
    );
    let (xlsx_headers, xlsx_rows) = xlsx_rows(bytes);
    assert_eq!(xlsx_headers, headers);
    assert_eq!(xlsx_rows, expected, "XLSX row for row, numbers as numbers");

    // A chart downloads too: its dimension and measure.
    let (_, bytes) = download(&app, "/export/chart-0.csv").await;
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("\u{feff}Category,Sales\n"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn each_user_downloads_under_their_own_selections() {
    let alice = TestServer::start().await;
    alice.login("alice", "alice-password").await;
    select_emea(&alice).await;
    let bob = crate::support::TestServer {
        client: crate::support::client(),
        ..alice
    };
    bob.login("bob", "bob-password").await;
    let (_, bytes) = download(&bob, "/export/table-0.csv").await;
    let (_, rows) = csv_rows(&bytes);
    assert!(
        rows.keys().any(|(_, region)| region != "EMEA"),
        "bob's download is not filtered by alice's selection"
    );
    bob.stop().await;
}

#[tokio::test]
async fn only_logged_in_users_download_and_only_the_pages_tables_and_charts() {
    let app = TestServer::start().await;
    let logged_out = app.get("/export/table-0.csv").await;
    assert_eq!(logged_out.status(), 303);
    assert_eq!(location(&logged_out), "/login?next=%2Fexport%2Ftable-0.csv");
    app.login("alice", "alice-password").await;
    for (path, status) in [
        ("/export/kpi-0.csv", 404),
        ("/export/filter-0.xlsx", 404),
        ("/export/table-7.csv", 404),
        ("/export/table-0.pdf", 404),
        ("/export/table-0", 404),
        ("/export/not-on-the-page.csv", 404),
        ("/export/table-0.csv?page=nope", 404),
        ("/export/bar-region.csv", 200),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        if status == 404 {
            let text = response.text().await.unwrap();
            assert!(!text.is_empty() && !text.contains("sample-sales"), "{text}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_download_past_the_row_limit_is_refused_with_a_message() {
    let app = TestServer::start_with(|config| config.export.max_rows = 5).await;
    app.login("alice", "alice-password").await;
    let response = app.get("/export/table-0.csv").await;
    assert_eq!(response.status(), 413);
    let text = response.text().await.unwrap();
    assert!(text.contains("at most 5"), "{text}");
    assert!(text.contains("Select fewer values"), "{text}");
    // Within the limit, the same object downloads.
    let response = app.get("/export/chart-0.csv").await;
    assert_eq!(response.status(), 200, "5 categories: within the limit");
    // The page asks first (`check_download`), and shows the same message.
    let check = app.call("/api/check-download", "object_id=table-0").await;
    assert_eq!(check.status(), 200);
    let refusal: serde_json::Value = check.json().await.unwrap();
    assert!(refusal.as_str().unwrap().contains("at most 5"), "{refusal}");
    let check = app.call("/api/check-download", "object_id=chart-0").await;
    assert_eq!(check.status(), 200);
    assert!(check.json::<serde_json::Value>().await.unwrap().is_null());
    let check = app.call("/api/check-download", "object_id=kpi-0").await;
    assert_eq!(check.status(), 404);
    app.stop().await;
}

/// A qlik-sim app (`--apps` folder) whose dimension values look like numbers
/// but are not written as their numbers: ids with leading zeros, a sign, a
/// trailing zero, an exponent.
fn ids_app(dir: &std::path::Path) {
    let app = dir.join("ids");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("app.toml"), "id = \"ids\"\nname = \"Item ids\"\n").unwrap();
    std::fs::write(
        app.join("Items.csv"),
        "ItemID,Code,Amount\n00123,+1,5\n1.50,1e3,7\n42,x,3\n",
    )
    .unwrap();
}

#[tokio::test]
async fn dimension_values_keep_their_text_unless_it_is_the_numbers_own() {
    let apps = tempfile::tempdir().unwrap();
    ids_app(apps.path());
    let sim = qlik_sim::Simulator::start(qlik_sim::SimConfig {
        apps_dir: Some(apps.path().to_owned()),
        ..qlik_sim::SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let app = TestServer::start_with(|config| {
        config.qlik.qps_url = Some(format!("http://{}", sim.qps_addr()));
        config.qlik.proxy_url = Some(format!("http://{}", sim.proxy_addr()));
        config.allow_demo_directory = true;
        config.dashboard = DashboardConfig {
            app_id: "ids".into(),
            title: "Items".into(),
            filters: Vec::new(),
            kpis: Vec::new(),
            charts: Vec::new(),
            tables: vec![app::dashboard::config::TableDef {
                title: "Items".into(),
                dimensions: vec!["ItemID".into(), "Code".into()],
                measures: vec![app::dashboard::config::MeasureDef {
                    label: "Amount".into(),
                    expression: "Sum(Amount)".into(),
                }],
                page_size: 20,
            }],
            masters: Vec::new(),
            ..DashboardConfig::default()
        };
    })
    .await;
    app.login("alice", "alice-password").await;

    let (_, bytes) = download(&app, "/export/table-0.csv").await;
    let text = String::from_utf8(bytes).unwrap();
    let mut lines: Vec<&str> = text.lines().skip(1).collect();
    lines.sort_unstable();
    // `+1` keeps its text, with the formula defence in front of it.
    assert_eq!(lines, ["00123,'+1,5", "1.50,1e3,7", "42,x,3"], "{text}");

    let (_, bytes) = download(&app, "/export/table-0.xlsx").await;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let mut rows: Vec<Vec<Data>> = sheet.rows().skip(1).map(<[Data]>::to_vec).collect();
    rows.sort_by_key(|row| row[0].to_string());
    let text = |t: &str| Data::String(t.to_owned());
    assert_eq!(
        rows,
        [
            vec![text("00123"), text("+1"), Data::Float(5.0)],
            vec![text("1.50"), text("1e3"), Data::Float(7.0)],
            vec![Data::Float(42.0), text("x"), Data::Float(3.0)],
        ]
    );
    app.stop().await;
}

/// The Sales column (the third) of a CSV download, in the file's order.
fn csv_sales(bytes: &[u8]) -> Vec<f64> {
    let text = std::str::from_utf8(bytes)
        .unwrap()
        .trim_start_matches('\u{feff}');
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|record| record.unwrap()[2].parse().unwrap())
        .collect()
}

#[tokio::test]
async fn downloads_follow_the_tables_sort_which_survives_a_reload() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    let (_, own_order) = download(&app, "/export/table-0.csv").await;
    let own_sales = csv_sales(&own_order);
    assert!(
        !own_sales.is_sorted_by(|a, b| a >= b),
        "not by sales already"
    );

    let sorted = app
        .call(
            "/api/sort-table",
            "object_id=table-0&sort[column]=2&sort[descending]=true",
        )
        .await;
    assert_eq!(sorted.status(), 200);
    let sorted: serde_json::Value = sorted.json().await.unwrap();
    let by_sales = serde_json::json!({"column": 2, "descending": true});
    assert_eq!(sorted["sort"], by_sales);
    assert_eq!(sorted["first_row"], 0);

    // A reload shows the same sort and rows: the engine object keeps it.
    let view = app.dashboard().await;
    assert_eq!(view["tables"][0]["sort"], by_sales);
    assert_eq!(view["tables"][0]["rows"], sorted["rows"]);
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains("aria-sort=\"descending\""),
        "the page shows it"
    );
    // The next page continues in that order.
    let next = app
        .call("/api/table-page", "object_id=table-0&first_row=20")
        .await;
    let next: serde_json::Value = next.json().await.unwrap();
    assert_eq!(next["sort"], by_sales);

    // Both downloads come in the table's order, every row.
    let (_, bytes) = download(&app, "/export/table-0.csv").await;
    let sales = csv_sales(&bytes);
    assert_eq!(sales.len(), own_sales.len());
    assert!(
        sales.is_sorted_by(|a, b| a >= b),
        "CSV by sales, largest first"
    );
    let (_, bytes) = download(&app, "/export/table-0.xlsx").await;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let xlsx_sales: Vec<f64> = sheet
        .rows()
        .skip(1)
        .map(|row| match row[2] {
            Data::Float(n) => n,
            ref other => panic!("a measure is a number, not {other:?}"),
        })
        .collect();
    assert_eq!(xlsx_sales, sales, "Excel in the same order");

    // Back to the table's own order.
    let reset = app.call("/api/sort-table", "object_id=table-0").await;
    let reset: serde_json::Value = reset.json().await.unwrap();
    assert!(reset["sort"].is_null());
    let (_, bytes) = download(&app, "/export/table-0.csv").await;
    assert_eq!(csv_sales(&bytes), own_sales);
    app.stop().await;
}

#[tokio::test]
async fn logging_in_for_a_download_lands_on_its_page() {
    let app = TestServer::start().await;
    for (next, landing) in [
        ("/export/table-0.csv", "/"),
        ("/export/table-0.xlsx?page=support", "/support"),
    ] {
        let response = app
            .post_server_fn(
                "/api/login",
                &[
                    ("username", "alice"),
                    ("password", "alice-password"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(location(&response), landing, "{next}");
    }
    app.stop().await;
}
