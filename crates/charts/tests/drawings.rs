//! Each drawing from layouts shaped as the engine's `GetLayout` answers
//! (tests/fixtures, see its README), through the public API: the marks over
//! scales (`charts::build`) and the HTML (`charts::render`).

mod support;

use charts::chart::Side;
use charts::marks::Shape;
use charts::{Options, build};
use serde_json::{Value, json};
use support::{chart, check_html, fixture, html, selectable};

#[test]
fn vertical_bar_chart_names_marks_and_keeps_others_and_nulls_unselectable() {
    let c = chart("barchart_vertical");
    let bars: Vec<_> = c
        .marks
        .iter()
        .filter(|m| matches!(m.shape, Shape::Bar(_)))
        .collect();
    assert_eq!(bars.len(), 6);
    assert_eq!(
        selectable(&c),
        4,
        "Others (-3) and the null (-2) are not selectable"
    );
    assert_eq!(bars[0].name, "EMEA: 1,234,567");
    assert_eq!(bars[0].fill, "#26a0a7", "one measure: the primary colour");
    // The negative bar hangs from the zero line the positive ones stand on.
    let (Shape::Bar(emea), Shape::Bar(apac)) = (&bars[0].shape, &bars[2].shape) else {
        panic!()
    };
    assert!((emea.y + emea.h - apac.y).abs() < 1e-6, "{emea:?} {apac:?}");
    let value_axis = c.axes.iter().find(|a| a.side == Side::Left).unwrap();
    let labels: Vec<&str> = value_axis.ticks.iter().map(|t| t.label.as_str()).collect();
    assert!(
        labels.contains(&"0") && labels.iter().any(|l| l.ends_with('M')),
        "{labels:?}"
    );
    let band = c.axes.iter().find(|a| a.side == Side::Bottom).unwrap();
    let long = band
        .ticks
        .iter()
        .find(|t| t.full.is_some())
        .expect("a cut label");
    assert_eq!(
        long.full.as_deref(),
        Some("North America and the Caribbean")
    );
    assert!(long.label.ends_with('…'));
    let h = html(&fixture("barchart_vertical"));
    check_html(&h);
    assert!(h.contains("data-dim=\"0\" data-elem=\"0\" aria-label=\"EMEA: 1,234,567\""));
    assert_eq!(h.matches("tabindex=\"0\"").count(), 1);
    assert_eq!(h.matches("tabindex=\"-1\"").count(), 3);
    assert!(h.contains("<title>North America and the Caribbean</title>"));
    assert!(h.contains("<td>1,234,567</td>") && h.contains("<th scope=\"row\">-</th>"));
    assert!(
        c.summary.contains("highest EMEA 1,234,567") && c.summary.contains("lowest APAC -120,500")
    );
}

#[test]
fn horizontal_stacked_bars_with_two_dimensions() {
    let c = chart("barchart_stacked_horizontal");
    let bars: Vec<_> = c
        .marks
        .iter()
        .filter_map(|m| {
            if let Shape::Bar(b) = &m.shape {
                Some((m, b))
            } else {
                None
            }
        })
        .collect();
    assert_eq!(bars.len(), 8, "one null value draws nothing");
    let labels: Vec<&str> = c.legend.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["2024", "2025", "2026"]);
    assert_eq!(c.legend[0].color, "#26a0a7");
    // EMEA's segments follow each other on one row.
    let (a, b) = (bars[0].1, bars[1].1);
    assert!((a.x + a.w - b.x).abs() < 1e-6 && a.y == b.y, "{a:?} {b:?}");
    assert_eq!(bars[0].0.name, "EMEA, 2024: 400");
    assert!(c.axes.iter().any(|a| a.side == Side::Left && a.band));
    assert!(
        c.marks
            .iter()
            .any(|m| matches!(&m.shape, Shape::Text(t) if t.text == "650")),
        "data labels"
    );
    check_html(&html(&fixture("barchart_stacked_horizontal")));
}

#[test]
fn line_chart_breaks_at_nulls_and_draws_each_measure() {
    let c = chart("linechart_two_measures");
    let lines: Vec<_> = c
        .marks
        .iter()
        .filter_map(|m| {
            if let Shape::Line(l) = &m.shape {
                Some(l)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].segments.iter().filter(|s| !s.is_empty()).count(),
        2,
        "a gap at March"
    );
    assert_eq!(
        c.marks
            .iter()
            .filter(|m| matches!(m.shape, Shape::Dot(_)))
            .count(),
        11
    );
    assert_eq!(c.legend.len(), 2);
    assert_ne!(c.legend[0].color, c.legend[1].color);
    let h = html(&fixture("linechart_two_measures"));
    check_html(&h);
    assert!(h.contains("vector-effect=\"non-scaling-stroke\""));
    assert!(h.contains("aria-label=\"Jan, Revenue: 10.5\""));
}

#[test]
fn line_chart_with_a_second_dimension_as_series() {
    let c = chart("linechart_second_dimension");
    let labels: Vec<&str> = c.legend.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["Bikes", "Helmets"]);
    assert_eq!(
        c.marks
            .iter()
            .filter(|m| matches!(m.shape, Shape::Line(_)))
            .count(),
        2
    );
    check_html(&html(&fixture("linechart_second_dimension")));
}

#[test]
fn combo_chart_has_bars_a_line_and_a_secondary_axis() {
    let c = chart("combochart");
    assert_eq!(
        c.marks
            .iter()
            .filter(|m| matches!(m.shape, Shape::Bar(_)))
            .count(),
        4
    );
    assert_eq!(
        c.marks
            .iter()
            .filter(|m| matches!(m.shape, Shape::Dot(_)))
            .count(),
        4
    );
    let right = c
        .axes
        .iter()
        .find(|a| a.side == Side::Right)
        .expect("secondary axis");
    assert_eq!(right.title, "Margin %");
    assert!(
        right.ticks.iter().any(|t| t.label == "0.2"),
        "{:?}",
        right.ticks
    );
    let h = html(&fixture("combochart"));
    check_html(&h);
    assert!(h.contains("qc-axis-right"));
}

#[test]
fn donut_leaves_out_zero_and_colours_others_grey() {
    let c = chart("piechart_donut");
    let arcs: Vec<_> = c
        .marks
        .iter()
        .filter(|m| matches!(m.shape, Shape::Arc(_)))
        .collect();
    assert_eq!(arcs.len(), 4);
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("1 value is at or below zero"))
    );
    let others = arcs.iter().find(|m| m.name.starts_with("Others")).unwrap();
    assert_eq!((others.fill.as_str(), others.target), ("#a5a5a5", None));
    assert_eq!(arcs[0].name, "Bikes: 5,400 (61.0%)");
    assert_eq!(c.legend.len(), 4, "each slice named in text");
    let h = html(&fixture("piechart_donut"));
    check_html(&h);
    assert!(h.contains("A0.55 0.55"), "a donut hole");
}

#[test]
fn scatter_plot_sizes_bubbles_and_skips_missing_values() {
    let c = chart("scatterplot");
    let dots: Vec<_> = c
        .marks
        .iter()
        .filter_map(|m| {
            if let Shape::Dot(d) = &m.shape {
                Some((m, d))
            } else {
                None
            }
        })
        .collect();
    assert_eq!(dots.len(), 4);
    assert!(
        dots[2].1.r > dots[3].1.r,
        "Cleo's 25 is bigger than Dev's 1"
    );
    assert_eq!(dots[0].0.name, "Anna: Orders 120, Rating 4.5, Sales 10");
    assert!(
        c.notes
            .iter()
            .any(|n| n == "1 value without both an x and a y value is not shown.")
    );
    assert!(c.axes.iter().any(|a| a.side == Side::Bottom && a.grid));
    check_html(&html(&fixture("scatterplot")));
}

#[test]
fn ten_thousand_points_become_bins_and_a_small_page() {
    let mut layout = fixture("scatterplot");
    let matrix: Vec<Value> = (0..10_000)
        .map(|i| {
            let (x, y) = ((i % 100) as f64, ((i * 7919) % 1000) as f64 / 10.0);
            json!([{"qText": format!("C{i}"), "qNum": "NaN", "qElemNumber": i, "qState": "O"},
                   {"qText": format!("{x}"), "qNum": x, "qElemNumber": 0, "qState": "L"},
                   {"qText": format!("{y}"), "qNum": y, "qElemNumber": 0, "qState": "L"}])
        })
        .collect();
    layout["qHyperCube"]["qMeasureInfo"]
        .as_array_mut()
        .unwrap()
        .truncate(2);
    layout["qHyperCube"]["qSize"] = json!({"qcx": 3, "qcy": 10_000});
    layout["qHyperCube"]["qDataPages"][0]["qMatrix"] = Value::Array(matrix);
    let c = build(&layout, &Options::default()).unwrap();
    assert!(c.marks.len() <= 384, "{} marks", c.marks.len());
    assert!(
        c.marks
            .iter()
            .all(|m| m.target.is_none() && m.name.contains("point"))
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("10,000 points are shown as"))
    );
    assert_eq!(c.table.rows.len(), 1000);
    let h = html(&layout);
    check_html(&h);
    assert!(h.len() < 200_000, "{} bytes", h.len());
    assert!(h.contains("the first 1000 of 10000 rows"));
}

#[test]
fn treemap_from_stacked_pages_nests_countries_in_regions() {
    let c = chart("treemap_stacked");
    let tiles: Vec<_> = c
        .marks
        .iter()
        .filter_map(|m| {
            if let Shape::Tile(t) = &m.shape {
                Some((m, t))
            } else {
                None
            }
        })
        .collect();
    assert_eq!(tiles.iter().filter(|t| t.1.header).count(), 3);
    assert_eq!(
        tiles.iter().filter(|t| !t.1.header).count(),
        6,
        "India's -5 is left out"
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("1 value at or below zero, or null, is not shown"))
    );
    for (_, t) in &tiles {
        assert!(
            t.x >= -1e-9
                && t.x + t.w <= 100.0 + 1e-6
                && t.y >= -1e-9
                && t.y + t.h <= c.height + 1e-6,
            "{t:?}"
        );
    }
    let germany = tiles
        .iter()
        .find(|t| t.0.name.starts_with("EMEA, Germany"))
        .unwrap();
    assert_eq!(germany.0.target.map(|t| (t.dim, t.elem)), Some((1, 0)));
    assert_eq!(germany.0.name, "EMEA, Germany: 60");
    check_html(&html(&fixture("treemap_stacked")));
}

#[test]
fn kpi_shows_value_and_comparison_as_text() {
    let h = html(&fixture("kpi_comparison"));
    check_html(&h);
    assert!(h.contains("<p class=\"qc-kpi-value\">") && h.contains("1,234,567"));
    assert!(h.contains("1,100,000 <span>Last year</span>"));
    assert!(
        chart("kpi_comparison")
            .summary
            .contains("Revenue: 1,234,567; Last year: 1,100,000")
    );
}

#[test]
fn gauges_place_the_value_in_the_range() {
    for (name, radial) in [("gauge_radial", true), ("gauge_bar", false)] {
        let c = chart(name);
        let Shape::Gauge(g) = &c.marks[0].shape else {
            panic!()
        };
        assert_eq!((g.radial, g.fraction), (radial, 0.75));
        assert_eq!(c.marks[0].name, "Orders: 150 (range 0 to 200)");
        assert_eq!(c.marks[0].fill, "#26a0a7", "color.auto: the primary colour");
        check_html(&html(&fixture(name)));
    }
    assert!(html(&fixture("gauge_bar")).contains("width=\"67.5%\""));
}
