//! One module per mark. Each mark writes its SVG with the shared interaction
//! and accessibility attributes from [`attributes`].

pub mod arc;
pub mod bar;
pub mod gauge;
pub mod line;
pub mod point;
pub mod text;
pub mod tile;

use crate::chart::Mark;
use crate::escape::escape;

/// What a mark draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A bar (or any rectangle: a density bin, a bar gauge's fill).
    Bar(bar::Bar),
    /// A line through points, with gaps.
    Line(line::Line),
    /// A point (line chart, scatter plot).
    Dot(point::Dot),
    /// A slice of a pie or donut.
    Arc(arc::Arc),
    /// A treemap tile with its labels.
    Tile(tile::Tile),
    /// A radial or bar gauge.
    Gauge(gauge::Gauge),
    /// A label.
    Text(text::Text),
    /// A KPI's value and comparison.
    Kpi(text::Kpi),
}

/// The attributes of a mark: a selectable one is a button in the chart's
/// roving tab order (`tabindex` 0 for the first, -1 for the rest) with
/// `data-dim`/`data-elem`; a named one is an image; a nameless one is hidden
/// from assistive technology.
pub fn attributes(mark: &Mark, tab: Option<bool>) -> String {
    let name = escape(&mark.name);
    match (mark.target, tab) {
        (Some(t), Some(first)) => format!(
            " class=\"qc-mark\" role=\"button\" tabindex=\"{}\" aria-pressed=\"{}\" data-dim=\"{}\" data-elem=\"{}\" aria-label=\"{name}\"",
            if first { 0 } else { -1 },
            t.selected,
            t.dim,
            t.elem
        ),
        _ if !mark.name.is_empty() => format!(" role=\"img\" aria-label=\"{name}\""),
        _ => " aria-hidden=\"true\"".to_string(),
    }
}

/// A `<title>` child holding the mark's name (the tooltip), or nothing.
pub fn title(mark: &Mark) -> String {
    if mark.name.is_empty() {
        String::new()
    } else {
        format!("<title>{}</title>", escape(&mark.name))
    }
}

/// A number for an SVG attribute: two decimals at most, no `-0`.
pub fn n(v: f64) -> String {
    let v = if v.is_finite() {
        (v * 100.0).round() / 100.0
    } else {
        0.0
    };
    let s = format!("{v}");
    if s == "-0" { "0".into() } else { s }
}
