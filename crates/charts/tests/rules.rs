//! Rules every drawing keeps: nothing from a layout becomes markup, unknown
//! types and shapes are errors (the caller draws a card), empty data, one
//! value, negative values, the object's own colours, linked objects.

mod support;

use charts::chart::Side;
use charts::{ChartError, Options, build};
use serde_json::json;
use support::{chart, check_html, fixture, html, selectable};

#[test]
fn the_objects_own_colour_settings_apply() {
    let mut bar = fixture("barchart_vertical");
    bar["color"] = json!({"auto": false, "mode": "primary", "paletteColor": {"index": 4}});
    let c = build(&bar, &Options::default()).unwrap();
    assert!(
        c.marks.iter().all(|m| m.fill == "#ec983d"),
        "UI palette entry 4"
    );
    bar["color"] = json!({"auto": false, "mode": "byDimension"});
    let c = build(&bar, &Options::default()).unwrap();
    let fills: Vec<&str> = c.marks.iter().map(|m| m.fill.as_str()).collect();
    assert_eq!(fills[0], "#26a0a7");
    assert_eq!(
        &fills[4..],
        ["#d2d2d2", "#a5a5a5"],
        "null and Others in the theme's colours"
    );
    assert!(fills[1] != fills[0] && fills[2] != fills[1]);
    let mut gauge = fixture("gauge_bar");
    gauge["color"] = json!({"auto": false, "paletteColor": {"index": -1, "color": "#123456"}});
    assert_eq!(
        build(&gauge, &Options::default()).unwrap().marks[0].fill,
        "#123456"
    );
}

#[test]
fn nothing_from_the_layout_becomes_markup() {
    let h = html(&fixture("barchart_markup_in_labels"));
    check_html(&h);
    for bad in [
        "<script",
        "<img",
        "<svg onload",
        "<b>",
        "<em>",
        "onmouseover",
        "</figure><",
    ] {
        assert!(!h.contains(bad), "{bad} in {h}");
    }
    assert!(h.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(h.contains("&lt;svg onload=alert(4)&gt;"));
    assert!(
        h.contains("fill=\"#26a0a7\""),
        "an unsafe colour falls back to the primary"
    );
}

#[test]
fn a_linked_object_draws_like_its_master() {
    let master = chart("barchart_vertical");
    let linked = chart("barchart_linked");
    assert_eq!(linked.marks, master.marks);
    assert_eq!(linked.title, "Linked: sales by region");
}

#[test]
fn unknown_types_and_shapes_are_errors_for_a_card() {
    let opts = Options::default();
    assert_eq!(
        build(&fixture("map_unsupported"), &opts).unwrap_err(),
        ChartError::Unsupported("map".into())
    );
    let master = json!({"qInfo": {"qId": "m", "qType": "masterobject"}});
    assert!(
        matches!(build(&master, &opts), Err(ChartError::Unsupported(t)) if t == "masterobject")
    );
    let no_cube = json!({"qInfo": {"qType": "barchart"}, "visualization": "barchart"});
    assert!(matches!(
        build(&no_cube, &opts),
        Err(ChartError::Shape { .. })
    ));
    let mut three = fixture("piechart_donut");
    three["qHyperCube"]["qMeasureInfo"] = json!([]);
    assert!(matches!(
        build(&three, &opts),
        Err(ChartError::Shape { .. })
    ));
}

#[test]
fn every_type_draws_empty_data_with_a_notice() {
    for name in [
        "barchart_vertical",
        "barchart_stacked_horizontal",
        "linechart_two_measures",
        "combochart",
        "piechart_donut",
        "scatterplot",
        "treemap_stacked",
        "kpi_comparison",
        "gauge_radial",
    ] {
        let mut layout = fixture(name);
        layout["qHyperCube"]["qDataPages"] = json!([]);
        layout["qHyperCube"]["qStackedDataPages"] = json!([]);
        layout["qHyperCube"]["qGrandTotalRow"] = json!([]);
        layout["qHyperCube"]["qSize"]["qcy"] = json!(0);
        let c = build(&layout, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            c.notes.iter().any(|n| n == "No data to show."),
            "{name}: {:?}",
            c.notes
        );
        assert_eq!(selectable(&c), 0, "{name}");
        check_html(&html(&layout));
    }
}

#[test]
fn one_value_draws_one_mark() {
    let mut bar = fixture("barchart_vertical");
    bar["qHyperCube"]["qDataPages"][0]["qMatrix"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    let c = build(&bar, &Options::default()).unwrap();
    assert_eq!(c.marks.len(), 1);
    let mut pie = fixture("piechart_donut");
    pie["qHyperCube"]["qDataPages"][0]["qMatrix"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    let h = html(&pie);
    assert!(h.contains("Bikes: 5,400 (100.0%)"));
    check_html(&h);
}

#[test]
fn all_negative_values_get_an_axis_below_zero() {
    let mut bar = fixture("barchart_vertical");
    for row in bar["qHyperCube"]["qDataPages"][0]["qMatrix"]
        .as_array_mut()
        .unwrap()
    {
        let v = row[1]["qNum"].as_f64().unwrap_or(0.0);
        row[1]["qNum"] = json!(-v.abs() - 1.0);
    }
    let c = build(&bar, &Options::default()).unwrap();
    let axis = c.axes.iter().find(|a| a.side == Side::Left).unwrap();
    assert_eq!(axis.ticks.last().unwrap().label, "0");
    assert!(axis.ticks[0].label.starts_with('-'));
}

#[test]
fn extreme_numbers_draw_without_panic_or_non_numbers() {
    for name in [
        "barchart_vertical",
        "piechart_donut",
        "scatterplot",
        "linechart_two_measures",
        "gauge_bar",
    ] {
        let mut layout = fixture(name);
        let matrix = layout["qHyperCube"]["qDataPages"][0]["qMatrix"]
            .as_array_mut()
            .unwrap();
        for (i, row) in matrix.iter_mut().enumerate() {
            for cell in row.as_array_mut().unwrap().iter_mut().skip(1) {
                cell["qNum"] = json!(if i % 2 == 0 { 1e308 } else { -1e308 });
            }
        }
        let h = html(&layout);
        assert!(!h.contains("NaN") && !h.contains("inf"), "{name}");
        check_html(&h);
    }
}
