//! The sample app's "Visualization types" sheet (`sheet-gallery`) over HTTP: every
//! type in its cell, a text-image object's text and measure values (safe
//! markup only), and list boxes whose layout carries no values (filter
//! panes of real apps) filled with `GetListObjectData` and selectable.

use app::dashboard::config::PageConfig;

use crate::support::{TestServer, home_page};

/// The home page and the sample app's "Visualization types" sheet at `/types`.
fn types_page(config: &mut qlik_mashup::Config) {
    let page = PageConfig {
        path: "/types".into(),
        app_id: "sample-sales".into(),
        title: String::new(),
        filters: Vec::new(),
        kpis: Vec::new(),
        charts: Vec::new(),
        tables: Vec::new(),
        pivots: Vec::new(),
        masters: Vec::new(),
        sheet: Some("sheet-gallery".into()),
        sheets: None,
    };
    config.pages = vec![home_page(), page];
}

/// The HTML of the cell showing object `id` (up to the next object).
fn object<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("data-object=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} on the page"));
    let rest = &html[start..];
    let end = rest[1..]
        .find("data-object=\"")
        .map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

/// The view's drawn object `id`.
fn drawn<'a>(view: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    view["drawn"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the view"))
}

/// The view's list box headed `heading`.
fn list<'a>(view: &'a serde_json::Value, heading: &str) -> &'a serde_json::Value {
    view["filters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["heading"] == heading)
        .unwrap_or_else(|| panic!("list box {heading:?} in the view"))
}

#[tokio::test]
async fn the_visualization_types_sheet_draws_every_type_in_its_cell() {
    let app = TestServer::start_with(types_page).await;
    app.login("alice", "alice-password").await;
    let response = app.get("/types").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<h1>Visualization types<"),
        "the sheet's title"
    );
    for (id, visualization) in [
        ("gallery-sales-kpi", "kpi"),
        ("gallery-margin-gauge", "gauge"),
        ("gallery-category-bar", "barchart"),
        ("gallery-month-line", "linechart"),
        ("gallery-year-combo", "combochart"),
        ("gallery-category-pie", "piechart"),
        ("gallery-customer-scatter", "scatterplot"),
        ("gallery-region-treemap", "treemap"),
    ] {
        let cell = object(&html, id);
        assert!(
            cell.starts_with(&format!(
                "data-object=\"{id}\" data-visualization=\"{visualization}\""
            )),
            "{cell}"
        );
        assert!(
            cell.contains(&format!("<figure class=\"qc qc-{visualization}\"")),
            "{id} drawn natively: {cell}"
        );
        assert!(!cell.contains("it is not drawn here"), "{id}");
    }
    // The map is a card; the table and the pivot table are there.
    assert!(object(&html, "gallery-region-map").contains("it is not drawn here"));
    assert!(html.contains("Sales by segment"));
    assert!(html.contains("Sales by region and year"));
    app.stop().await;
}

#[tokio::test]
async fn a_text_image_object_shows_its_text_and_measure_values_which_follow_selections() {
    let app = TestServer::start_with(types_page).await;
    app.login("alice", "alice-password").await;
    let html = app.get("/types").await.text().await.unwrap();
    let cell = object(&html, "gallery-notes");
    assert!(cell.contains("data-visualization=\"text-image\""), "{cell}");
    assert!(
        cell.contains(
            "<p>Sales and margin of the <strong>current selection</strong>, in dollars.<br>"
        ),
        "{cell}"
    );
    assert!(
        cell.contains(
            "<a href=\"https://github.com/qlik-oss\" rel=\"noopener noreferrer\">the sample app</a>"
        ),
        "{cell}"
    );
    assert!(cell.contains("<span class=\"qc-text-label\">Sales</span>"));
    assert!(cell.contains("<span class=\"qc-text-label\">Margin %</span>"));

    let view: serde_json::Value = app.page_view("types").await;
    let before = drawn(&view, "gallery-notes")["html"]
        .as_str()
        .unwrap()
        .to_owned();
    let value = |html: &str| {
        let at = html.find("qc-text-value\">").unwrap() + "qc-text-value\">".len();
        html[at..at + html[at..].find('<').unwrap()].to_owned()
    };
    assert!(
        value(&before).starts_with('$'),
        "the engine's money format: {before}"
    );
    let segment = list(&view, "Segment");
    let elem = segment["values"][0]["elem"].as_i64().unwrap();
    let answer = app
        .call(
            "/api/select",
            &format!("page=types&object_id=gallery-segment-list&values[0]={elem}"),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let view: serde_json::Value = app.page_view("types").await;
    let after = drawn(&view, "gallery-notes")["html"].as_str().unwrap();
    assert_ne!(value(&before), value(after), "the sales of one segment");
    app.stop().await;
}

#[tokio::test]
async fn list_boxes_without_initial_data_get_their_values_from_the_engine() {
    let app = TestServer::start_with(types_page).await;
    app.login("alice", "alice-password").await;
    let html = app.get("/types").await.text().await.unwrap();
    // The filter pane's list boxes and the sheet's own list box have
    // `qInitialDataFetch: []`, as in real apps.
    let pane = object(&html, "gallery-category-list");
    assert!(pane.contains("Product category"), "{pane}");
    assert!(
        pane.contains("Bikes") && pane.contains("Services"),
        "{pane}"
    );
    assert!(object(&html, "gallery-segment-list").contains("Small Business"));
    assert!(object(&html, "gallery-region-list").contains("Nordics"));

    let view: serde_json::Value = app.page_view("types").await;
    let categories = list(&view, "Product category");
    assert_eq!(categories["values"].as_array().unwrap().len(), 5);
    assert_eq!(categories["total"], 5);
    let elem = categories["values"][0]["elem"].as_i64().unwrap();
    let text = categories["values"][0]["text"].as_str().unwrap().to_owned();
    let answer = app
        .call(
            "/api/select",
            &format!("page=types&object_id=gallery-category-list&values[0]={elem}"),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let view: serde_json::Value = app.page_view("types").await;
    assert_eq!(view["selections"]["chips"][0]["field"], "Category");
    assert_eq!(view["selections"]["chips"][0]["summary"], text.as_str());
    let categories = list(&view, "Product category");
    let selected: Vec<&str> = categories["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["state"] == "Selected")
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        selected,
        [text.as_str()],
        "fetched again after the selection"
    );
    app.stop().await;
}
