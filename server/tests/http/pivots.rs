//! Pivot tables over HTTP against the embedded qlik-sim: drawn on the
//! server with headers as headers, expanded and collapsed for every browser
//! session of the user, a selection through a dimension cell, windows of
//! rows, and downloads as expanded.

use std::io::Cursor;
use std::time::Duration;

use app::dashboard::config::{MasterDef, MeasureDef, PivotDef};
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::support::{TestServer, client};

/// The sample app's master pivot (Region with a total, Country on the left;
/// Year and two measures on top) and a configured one.
async fn with_pivots() -> TestServer {
    TestServer::start_with(|config| {
        config.dashboard.masters = vec![MasterDef {
            id: "pivot-sales".into(),
            title: None,
        }];
        config.dashboard.pivots = vec![PivotDef {
            title: "Categories by year".into(),
            rows: vec!["Region".into(), "Category".into()],
            columns: vec!["Year".into()],
            measures: vec![MeasureDef {
                label: "Sales".into(),
                expression: "Sum(Sales)".into(),
            }],
        }];
    })
    .await
}

/// The view of the pivot `id` in the dashboard.
fn pivot<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["pivots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("{id} on the page: {view}"))
}

fn rows(view: &Value, id: &str) -> u64 {
    pivot(view, id)["total_rows"].as_u64().unwrap()
}

/// Logs a second browser (its own cookies) in as `user`.
async fn second_browser(app: &TestServer, user: &str) -> reqwest::Client {
    let other = client();
    let response = other
        .post(app.url("/api/login"))
        .headers(app.same_origin_headers())
        .form(&[
            ("username", user),
            ("password", &format!("{user}-password")),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    other
}

/// Calls a server function as `browser`'s page does.
async fn call_as(
    app: &TestServer,
    browser: &reqwest::Client,
    path: &str,
    body: &str,
) -> reqwest::Response {
    browser
        .post(app.url(path))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn pivots_are_drawn_with_headers_as_headers_and_totals() {
    let app = with_pivots().await;
    app.login("alice", "alice-password").await;
    let html = app.get("/").await.text().await.unwrap();
    let at = html
        .find(r#"data-object="pivot-sales""#)
        .expect("the master pivot");
    let card = &html[at..at + html[at..].find("</section>").unwrap()];
    assert!(card.contains(r#"<table class="pivot-table" aria-label="Sales by region and year">"#));
    for header in [
        r#"<th scope="col" class="pivot-dim">Region</th>"#,
        r#"<th scope="col" class="pivot-dim">Country</th>"#,
        r#"<th scope="row""#,
        r#"data-pivot="expand" data-top="0" data-row="0" data-col="0" aria-expanded="false" aria-label="Expand Americas""#,
        r#"<span class="pivot-label">Totals</span>"#,
        r#"<td class="pivot-value pivot-total">"#,
        "/export/pivot-sales.xlsx",
    ] {
        assert!(card.contains(header), "{header} in {card}");
    }
    // Years on top, each over the two measures.
    assert!(card.contains(r#"data-pivot="select" data-top="1" data-row="0" data-col="0">"#));
    assert!(card.contains(r#"<span class="pivot-label">Orders</span>"#));
    assert!(!card.contains(" style=\""), "no inline style (CSP)");
    // The configured pivot is there too, collapsed with its total row.
    let view = app.dashboard().await;
    assert_eq!(rows(&view, "pivot-sales"), 5, "four regions and the total");
    assert_eq!(rows(&view, "pivot-0"), 5);
    assert!(
        pivot(&view, "pivot-0")["html"]
            .as_str()
            .unwrap()
            .contains(">Total<")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_expansion_is_shared_by_every_browser_session_and_collapses_back() {
    let app = with_pivots().await;
    app.login("alice", "alice-password").await;
    let collapsed = rows(&app.dashboard().await, "pivot-sales");
    let mut events = app.events().await;
    // Alice's other browser expands the first region.
    let other = second_browser(&app, "alice").await;
    let body = "object_id=pivot-sales&top=false&expand=true&row=0&col=0";
    let toggled = call_as(&app, &other, "/api/toggle-pivot", body).await;
    assert_eq!(toggled.status(), 200);
    assert_eq!(
        events.count_changes(Duration::from_secs(1)).await,
        1,
        "one change"
    );
    let view = app.dashboard().await;
    let expanded = rows(&view, "pivot-sales");
    assert!(expanded > collapsed, "{expanded} rows after {collapsed}");
    let html = pivot(&view, "pivot-sales")["html"].as_str().unwrap();
    assert!(html.contains(r#"aria-expanded="true" aria-label="Collapse Americas""#));
    // Windows of rows page through it; a window past the end is refused.
    let window = app
        .call("/api/pivot-window", "object_id=pivot-sales&first_row=1")
        .await;
    assert_eq!(window.status(), 200);
    let window: Value = window.json().await.unwrap();
    assert_eq!(window["first_row"], 1);
    assert_eq!(window["rows"].as_u64().unwrap(), expanded - 1);
    let past = app
        .call("/api/pivot-window", "object_id=pivot-sales&first_row=999")
        .await;
    assert_eq!(past.status(), 400);
    // This browser collapses it again; the other one sees that.
    let collapse = "object_id=pivot-sales&top=false&expand=false&row=0&col=0";
    assert_eq!(app.call("/api/toggle-pivot", collapse).await.status(), 200);
    let seen: Value = call_as(&app, &other, "/api/dashboard", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rows(&seen, "pivot-sales"), collapsed);
    app.stop().await;
}

#[tokio::test]
async fn a_dimension_cell_selects_its_value_and_bad_cells_are_refused() {
    let app = with_pivots().await;
    app.login("alice", "alice-password").await;
    // Row 1 at level 0 is the second region (APAC).
    let select = "object_id=pivot-0&top=false&row=1&col=0";
    assert_eq!(app.call("/api/select-in-pivot", select).await.status(), 200);
    let view = app.dashboard().await;
    let chips = view["selections"]["chips"].as_array().unwrap();
    assert!(
        chips
            .iter()
            .any(|c| c["field"] == "Region" && c["summary"] == "APAC"),
        "{chips:?}"
    );
    assert_eq!(rows(&view, "pivot-0"), 2, "APAC and the total");
    // The total (now row 1) selects nothing; cells outside the pivot,
    // objects that are no pivot of the page and unknown ones are refused.
    for (path, body, status) in [
        (
            "/api/select-in-pivot",
            "object_id=pivot-0&top=false&row=1&col=0",
            400,
        ),
        (
            "/api/select-in-pivot",
            "object_id=pivot-0&top=false&row=9&col=0",
            400,
        ),
        (
            "/api/select-in-pivot",
            "object_id=pivot-0&top=false&row=0&col=2",
            400,
        ),
        (
            "/api/toggle-pivot",
            "object_id=pivot-0&top=true&expand=true&row=3&col=0",
            400,
        ),
        (
            "/api/toggle-pivot",
            "object_id=table-0&top=false&expand=true&row=0&col=0",
            404,
        ),
        (
            "/api/toggle-pivot",
            "object_id=pivot-7&top=false&expand=true&row=0&col=0",
            404,
        ),
        ("/api/pivot-window", "object_id=bar-region&first_row=0", 404),
    ] {
        assert_eq!(app.call(path, body).await.status(), status, "{path} {body}");
    }
    app.stop().await;
}

fn csv_lines(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a UTF-8 BOM first");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn download(app: &TestServer, path: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn downloads_hold_the_pivot_as_expanded() {
    let app = with_pivots().await;
    app.login("alice", "alice-password").await;
    let lines = csv_lines(&download(&app, "/export/pivot-sales.csv").await);
    assert_eq!(lines[0], ["Region", "Country", "Year", "Sales", "Orders"]);
    let years: std::collections::BTreeSet<&str> =
        lines[1..].iter().map(|l| l[2].as_str()).collect();
    // Collapsed: each region (and the total) once per year, no country.
    assert_eq!(lines.len() - 1, 5 * years.len());
    assert!(lines[1..].iter().all(|l| l[1].is_empty()));
    assert!(lines.iter().any(|l| l[0] == "Totals"));
    assert!(
        lines[1][3].parse::<f64>().is_ok(),
        "measures as numbers: {:?}",
        lines[1]
    );

    // Expanded, the first region's countries are lines of their own.
    let body = "object_id=pivot-sales&top=false&expand=true&row=0&col=0";
    assert_eq!(app.call("/api/toggle-pivot", body).await.status(), 200);
    let expanded = csv_lines(&download(&app, "/export/pivot-sales.csv").await);
    let countries = rows(&app.dashboard().await, "pivot-sales") as usize - 4;
    assert_eq!(expanded.len() - 1, (4 + countries) * years.len());
    assert!(expanded[1..].iter().any(|l| !l[1].is_empty()));

    // Excel: as displayed, the left levels repeated, columns by top path.
    let bytes = download(&app, "/export/pivot-sales.xlsx").await;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let mut sheet_rows = sheet.rows();
    let headers: Vec<String> = sheet_rows
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(headers[..2], ["Region", "Country"]);
    assert!(headers[2].ends_with(" · Sales"), "{headers:?}");
    assert_eq!(headers.len(), 2 + 2 * years.len());
    let body: Vec<_> = sheet_rows.collect();
    assert_eq!(body.len(), 4 + countries);
    let first_region = body[0][0].to_string();
    assert!(
        body[..countries]
            .iter()
            .all(|r| r[0].to_string() == first_region),
        "repeated"
    );
    assert!(matches!(body[0][2], Data::Float(_) | Data::Int(_)));
    app.stop().await;
}
