//! Every type drawn from layouts the simulator computes (its `GetLayout`
//! code over the sample sales app), so the drawings read the shapes the
//! engine side of this project really produces.

use charts::chart::Chart;
use charts::marks::Shape;
use charts::{Options, build, render};
use qlik_sim::data::{Context, Selections, layout, sample_app};
use serde_json::{Value, json};

fn properties(vis: &str, dims: &[&str], measures: &[(&str, &str)], extra: Value) -> Value {
    let mut p = json!({
        "qInfo": {"qId": format!("{vis}-1"), "qType": "masterobject"},
        "visualization": vis,
        "title": format!("A {vis}"),
        "qHyperCubeDef": {
            "qDimensions": dims.iter().map(|d| json!({"qDef": {"qFieldDefs": [d]}})).collect::<Vec<_>>(),
            "qMeasures": measures.iter().map(|(l, e)| json!({"qDef": {"qDef": e, "qLabel": l}})).collect::<Vec<_>>(),
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": dims.len() + measures.len(), "qHeight": 500}]
        }
    });
    if let (Value::Object(p), Value::Object(e)) = (&mut p, extra) {
        p.extend(e);
    }
    p
}

fn marks_of(c: &Chart, f: fn(&Shape) -> bool) -> usize {
    c.marks.iter().filter(|m| f(&m.shape)).count()
}

#[test]
fn simulator_layouts_draw_as_every_type() {
    let app = sample_app(3000);
    let selections = Selections::default();
    let associations = selections.associate(&app, None);
    let ctx = Context {
        app: &app,
        selections: &selections,
        associations: &associations,
        back_count: 0,
        forward_count: 0,
    };
    let sales = ("Sales", "Sum(Sales)");
    let cost = ("Cost", "Sum(Cost)");
    let draw = |props: Value| {
        let l = layout(&ctx, &props);
        let rows = l["qHyperCube"]["qDataPages"][0]["qMatrix"]
            .as_array()
            .map_or(0, Vec::len);
        let html = render(&l, &Options::default()).expect("drawn");
        assert!(html.matches("tabindex=\"0\"").count() <= 1);
        (build(&l, &Options::default()).expect("drawn"), rows, l)
    };

    let (bar, rows, l) = draw(properties(
        "barchart",
        &["Region"],
        &[sales],
        json!({"orientation": "vertical"}),
    ));
    assert!(rows >= 3);
    assert_eq!(marks_of(&bar, |s| matches!(s, Shape::Bar(_))), rows);
    let first = &l["qHyperCube"]["qDataPages"][0]["qMatrix"][0];
    let name = format!(
        "{}: {}",
        first[0]["qText"].as_str().unwrap(),
        first[1]["qText"].as_str().unwrap()
    );
    assert_eq!(bar.marks[0].name, name, "named with the engine's qText");
    assert_eq!(
        bar.marks[0].target.map(|t| t.elem),
        first[0]["qElemNumber"].as_i64()
    );

    let (stacked, rows, _) = draw(properties(
        "barchart",
        &["Region", "Year"],
        &[sales],
        json!({"barGrouping": {"grouping": "stacked"}}),
    ));
    assert_eq!(marks_of(&stacked, |s| matches!(s, Shape::Bar(_))), rows);
    assert!(stacked.legend.len() >= 2, "years as series");

    let (line, rows, _) = draw(properties(
        "linechart",
        &["Month"],
        &[sales, cost],
        json!({}),
    ));
    assert_eq!(marks_of(&line, |s| matches!(s, Shape::Line(_))), 2);
    assert_eq!(marks_of(&line, |s| matches!(s, Shape::Dot(_))), 2 * rows);

    let (combo, rows, _) = draw(properties(
        "combochart",
        &["Region"],
        &[sales, cost],
        json!({}),
    ));
    assert_eq!(marks_of(&combo, |s| matches!(s, Shape::Bar(_))), rows);

    let (pie, rows, _) = draw(properties(
        "piechart",
        &["Category"],
        &[sales],
        json!({"donut": {"showAsDonut": false}}),
    ));
    assert_eq!(marks_of(&pie, |s| matches!(s, Shape::Arc(_))), rows);

    let (scatter, rows, _) = draw(properties(
        "scatterplot",
        &["Customer"],
        &[sales, cost],
        json!({}),
    ));
    assert!(rows > 0 && rows <= 500);
    assert_eq!(marks_of(&scatter, |s| matches!(s, Shape::Dot(_))), rows);

    let (tree, rows, _) = draw(properties(
        "treemap",
        &["Region", "Country"],
        &[sales],
        json!({}),
    ));
    assert_eq!(
        marks_of(&tree, |s| matches!(s, Shape::Tile(t) if !t.header)),
        rows
    );

    let (kpi, _, l) = draw(properties("kpi", &[], &[sales, cost], json!({})));
    let value = l["qHyperCube"]["qDataPages"][0]["qMatrix"][0][0]["qText"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(matches!(&kpi.marks[0].shape, Shape::Kpi(k) if k.value == value));

    let (gauge, _, _) = draw(properties(
        "gauge",
        &[],
        &[sales],
        json!({"measureAxis": {"min": 0, "max": 1e9}}),
    ));
    assert!(
        matches!(&gauge.marks[0].shape, Shape::Gauge(g) if g.fraction > 0.0 && g.fraction <= 1.0)
    );
}
