//! Master objects drawn by their `visualization` with `crates/charts`, a
//! card for a type it does not draw, and a click on a pie slice, over HTTP
//! against the embedded qlik-sim.

use crate::support::TestServer;
use app::dashboard::config::MasterDef;

fn master(id: &str) -> MasterDef {
    MasterDef {
        id: id.into(),
        title: None,
    }
}

/// The home page with master objects of several types: a bar chart and a
/// KPI (`qInfo.qType`), a pie chart and a map (`masterobject`).
async fn with_masters() -> TestServer {
    TestServer::start_with(|config| {
        config.dashboard.masters = ["bar-region", "pie-category", "kpi-sales", "map-region"]
            .into_iter()
            .map(master)
            .collect();
    })
    .await
}

/// The first `data-elem` of a selectable mark after `from` in `html`.
fn first_elem(html: &str, from: usize) -> i64 {
    let rest = &html[from..];
    let at = rest.find("data-elem=\"").expect("a selectable mark") + "data-elem=\"".len();
    let end = rest[at..].find('"').unwrap();
    rest[at..at + end].parse().unwrap()
}

#[tokio::test]
async fn master_objects_are_drawn_by_visualization_and_others_are_cards() {
    let app = with_masters().await;
    app.login("alice", "alice-password").await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    for kind in ["barchart", "piechart", "kpi"] {
        let at = html
            .find(&format!(r#"data-visualization="{kind}""#))
            .unwrap_or_else(|| panic!("a {kind} on the page"));
        let section = &html[at..html[at..].find("</section>").unwrap() + at];
        assert!(section.contains("<svg") || kind == "kpi", "{kind} is SVG");
        assert!(section.contains("<figure"), "{kind} is drawn: {section}");
    }
    let pie = html.find(r#"data-visualization="piechart""#).unwrap();
    assert!(html[pie..].contains(r#"class="qc-mark""#));
    // The map is a card with its title, its type and its data.
    let map = html.find(r#"data-visualization="map""#).unwrap();
    let card = &html[map..html[map..].find("</section>").unwrap() + map];
    assert!(card.contains("Sales on the map") && card.contains("is a map"));
    assert!(card.contains("Show data") && card.contains("EMEA"));
    assert!(card.contains("/export/map-region.csv"));
    // No inline style anywhere: the CSP's style-src 'self' holds.
    assert!(csp.contains("style-src 'self'"));
    assert!(!html.contains(" style=\""), "no style attributes");
    let css = app.get("/charts.css").await;
    assert_eq!(css.status(), 200);
    assert!(css.text().await.unwrap().contains(".qc"));
    // The map's data downloads like a table's.
    assert_eq!(app.get("/export/map-region.csv").await.status(), 200);

    // A click on a slice selects its category.
    let elem = first_elem(&html, pie);
    let answer = app
        .call(
            "/api/select-in-chart",
            &format!("object_id=pie-category&dimension=0&value={elem}"),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let view = app.dashboard().await;
    assert_eq!(view["selections"]["chips"][0]["field"], "Category");
    let drawn = view["drawn"].as_array().unwrap();
    let pie = drawn
        .iter()
        .find(|d| d["visualization"] == "piechart")
        .unwrap();
    assert!(
        pie["html"]
            .as_str()
            .unwrap()
            .contains(r#"aria-pressed="true""#),
        "the selected slice shows as pressed"
    );
    for (body, status) in [
        ("object_id=pie-category&dimension=1&value=0", 400),
        ("object_id=map-region&dimension=0&value=0", 404),
    ] {
        assert_eq!(
            app.call("/api/select-in-chart", body).await.status(),
            status,
            "{body}"
        );
    }
    app.stop().await;
}
