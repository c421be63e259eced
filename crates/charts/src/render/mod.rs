//! Writes a [`Chart`] as one HTML `<figure>`: a group named by the summary,
//! side axes as fixed-width SVG columns, the plot as an SVG 100% wide and a
//! fixed number of px high (text never scales), the legend, notes and the
//! visually hidden data table. Style: [`crate::CSS`].

pub mod axis;
pub mod table;

use crate::chart::{Chart, Side, plot_area};
use crate::escape::escape;
use crate::marks::{self, Shape, n};

/// The chart as HTML.
pub fn html(chart: &Chart) -> String {
    let mut out = String::with_capacity(4096 + chart.marks.len() * 200);
    out.push_str(&format!(
        "<figure class=\"qc qc-{}\" role=\"group\" aria-label=\"{}\">",
        escape(&chart.kind),
        escape(&chart.summary)
    ));
    if !chart.title.is_empty() || !chart.subtitle.is_empty() {
        out.push_str("<figcaption class=\"qc-head\">");
        if !chart.title.is_empty() {
            out.push_str(&format!(
                "<span class=\"qc-title\">{}</span>",
                escape(&chart.title)
            ));
        }
        if !chart.subtitle.is_empty() {
            out.push_str(&format!(
                "<span class=\"qc-subtitle\">{}</span>",
                escape(&chart.subtitle)
            ));
        }
        out.push_str("</figcaption>");
    }
    let kpis: Vec<_> = chart
        .marks
        .iter()
        .filter(|m| matches!(m.shape, Shape::Kpi(_)))
        .collect();
    if kpis.is_empty() {
        body(chart, &mut out);
    } else {
        for m in kpis {
            if let Shape::Kpi(k) = &m.shape {
                marks::text::html(k, m, &mut out);
            }
        }
    }
    table::legend(&chart.legend, &mut out);
    for note in &chart.notes {
        out.push_str(&format!("<p class=\"qc-note\">{}</p>", escape(note)));
    }
    if !chart.footnote.is_empty() {
        out.push_str(&format!(
            "<p class=\"qc-footnote\">{}</p>",
            escape(&chart.footnote)
        ));
    }
    let caption = if chart.title.is_empty() {
        "Data"
    } else {
        &chart.title
    };
    table::table(&chart.table, caption, &mut out);
    out.push_str("</figure>");
    out
}

/// The axes and the plot.
fn body(chart: &Chart, out: &mut String) {
    let h = chart.height;
    out.push_str("<div class=\"qc-body\">");
    for a in chart.axes.iter().filter(|a| a.side == Side::Left) {
        out.push_str(&axis::side(a, h));
    }
    out.push_str(&format!(
        "<svg class=\"qc-plot\" width=\"100%\" height=\"{}\" font-size=\"12\">",
        n(h)
    ));
    let has_bottom = chart.axes.iter().any(|a| a.side == Side::Bottom);
    let (top, bottom) = if has_bottom { plot_area(h) } else { (0.0, h) };
    for a in &chart.axes {
        axis::grid(a, top, bottom, out);
    }
    if has_bottom {
        out.push_str(&format!(
            "<line x1=\"0\" x2=\"100%\" y1=\"{b}\" y2=\"{b}\" stroke=\"#cccccc\" aria-hidden=\"true\"/>",
            b = n(bottom)
        ));
    }
    for a in chart.axes.iter().filter(|a| a.side == Side::Bottom) {
        axis::bottom(a, h, out);
    }
    let mut first = true;
    let mut tab = |m: &crate::chart::Mark| {
        m.target.map(|_| {
            let was = first;
            first = false;
            was
        })
    };
    let arcs: Vec<_> = chart
        .marks
        .iter()
        .filter(|m| matches!(m.shape, Shape::Arc(_)))
        .collect();
    if !arcs.is_empty() {
        out.push_str(&format!(
            "<svg x=\"0\" y=\"0\" width=\"100%\" height=\"{}\" viewBox=\"-1.02 -1.02 2.04 2.04\" preserveAspectRatio=\"xMidYMid meet\">",
            n(h)
        ));
        for m in arcs {
            if let Shape::Arc(a) = &m.shape {
                marks::arc::svg(a, m, tab(m), out);
            }
        }
        out.push_str("</svg>");
    }
    for m in &chart.marks {
        match &m.shape {
            Shape::Bar(b) => marks::bar::svg(b, m, tab(m), out),
            Shape::Line(l) => marks::line::svg(l, m, h, out),
            Shape::Dot(d) => marks::point::svg(d, m, tab(m), out),
            Shape::Tile(t) => marks::tile::svg(t, m, tab(m), out),
            Shape::Gauge(g) => marks::gauge::svg(g, m, h, out),
            Shape::Text(t) => marks::text::svg(t, m, out),
            Shape::Arc(_) | Shape::Kpi(_) => {}
        }
    }
    out.push_str("</svg>");
    for a in chart.axes.iter().filter(|a| a.side == Side::Right) {
        out.push_str(&axis::side(a, h));
    }
    out.push_str("</div>");
}
