//! The pivot calls against qlik-sim over real sockets: typed layouts and
//! pages, expanding and collapsing (seen by a second connection of the same
//! engine session), selecting cells, the 10,000-cell limit.

mod support;

use std::time::Duration;

use support::{login, sim, url};

use qlik::qix::layout::{GenericObjectLayout, NxPivotPage, NxSelectionCell};
use qlik::qix::{ConnectOptions, Connection, HandleEvent, NxPage};
use qlik_sim::SimConfig;

fn page(top: u32, height: u32) -> NxPage {
    NxPage {
        left: 0,
        top,
        width: 50,
        height,
    }
}

fn row_texts(page: &NxPivotPage) -> Vec<String> {
    page.left
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|n| n.text().to_owned())
        .collect()
}

#[tokio::test]
async fn pivot_pages_expand_and_select_through_typed_calls() {
    let sim = sim(SimConfig {
        sample_rows: 2_000,
        ..SimConfig::default()
    })
    .await;
    let cookie = login(&sim, "alice").await;
    let first = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie.clone()))
        .await
        .unwrap()
        .connection;
    let doc = first.global().open_doc("sample-sales").await.unwrap();
    let pivot = doc.get_object("pivot-sales").await.unwrap();
    let layout: GenericObjectLayout =
        serde_json::from_value(pivot.layout().await.unwrap()).unwrap();
    let cube = layout.hyper_cube.unwrap();
    assert_eq!(cube.mode.as_deref(), Some("P"));
    assert_eq!(cube.no_of_left_dims, Some(2));
    let size = cube.size.unwrap();
    // Four regions, collapsed, and their total; three years of two measures.
    assert_eq!((size.cx, size.cy), (Some(6), Some(5)));
    let first_page = &cube.pivot_data_pages.unwrap()[0];
    let left = first_page.left.as_deref().unwrap();
    assert_eq!(left[0].can_expand, Some(true));
    assert_eq!(left[4].r#type.as_deref(), Some("T"));
    assert_eq!(left[4].text(), "Totals");
    let top = first_page.top.as_deref().unwrap();
    assert_eq!(top[0].sub_nodes()[1].text(), "Orders");

    // A second connection on the same engine session follows the expansion.
    let second = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie))
        .await
        .unwrap()
        .connection;
    let mut events = second.handle_events();
    let other_doc = second.global().get_active_doc().await.unwrap();
    let other = other_doc.get_object("pivot-sales").await.unwrap();
    pivot
        .expand_left("/qHyperCubeDef", 0, 0, false)
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event, HandleEvent::Changed(other.handle()));
    let pages = other
        .hypercube_pivot_data("/qHyperCubeDef", &[page(0, 50)])
        .await
        .unwrap();
    let americas = &pages[0].left.as_deref().unwrap()[0];
    assert_eq!(americas.can_collapse, Some(true));
    let countries = americas.sub_nodes().len();
    assert!(countries > 1);
    assert_eq!(
        pages[0].area.as_ref().unwrap().height,
        Some(5 + countries as i32 - 1)
    );
    // The totals row is the measure over all regions (Sales: every other
    // column, one per year).
    let data = pages[0].data.as_deref().unwrap();
    let totals = data.last().unwrap();
    let total: f64 = [0, 2, 4].iter().map(|c| totals[*c].number().unwrap()).sum();
    let kpi = doc.evaluate("Sum(Sales)").await.unwrap().replace(',', "");
    assert!((total - kpi.parse::<f64>().unwrap()).abs() < 0.01 * total.abs().max(1.0));

    other
        .collapse_left("/qHyperCubeDef", 0, 0, true)
        .await
        .unwrap();
    let pages = pivot
        .hypercube_pivot_data("/qHyperCubeDef", &[page(0, 50)])
        .await
        .unwrap();
    assert_eq!(
        row_texts(&pages[0]),
        ["Americas", "APAC", "EMEA", "Nordics", "Totals"]
    );
    pivot
        .expand_top("/qHyperCubeDef", 0, 0, true)
        .await
        .unwrap();
    pivot
        .collapse_top("/qHyperCubeDef", 0, 0, true)
        .await
        .unwrap();

    // Selecting the EMEA row leaves EMEA and the total.
    let emea = NxSelectionCell {
        r#type: Some("L".into()),
        row: Some(2),
        col: Some(0),
    };
    assert!(
        pivot
            .select_pivot_cells("/qHyperCubeDef", &[emea], false, false)
            .await
            .unwrap()
    );
    let pages = pivot
        .hypercube_pivot_data("/qHyperCubeDef", &[page(0, 50)])
        .await
        .unwrap();
    assert_eq!(row_texts(&pages[0]), ["EMEA", "Totals"]);

    // Over 10,000 cells in one call: Qlik's error 7009.
    let error = pivot
        .hypercube_pivot_data("/qHyperCubeDef", &[page(0, 200), page(0, 1)])
        .await
        .unwrap_err();
    assert_eq!(error.engine_code(), Some(7009));
}
