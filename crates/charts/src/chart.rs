//! The drawing model: a chart is a list of marks over shared scales, with its
//! axes, legend, accessible data table and notes. Positions: horizontal in
//! percent of the plot's width (0–100), vertical in CSS pixels from the plot's
//! top, so text never scales with the chart.

use crate::marks::Shape;

/// A drawable chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The visualization (`barchart`, …), also the CSS class `qc-<kind>`.
    pub kind: String,
    /// `title`.
    pub title: String,
    /// `subtitle`.
    pub subtitle: String,
    /// `footnote`.
    pub footnote: String,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub summary: String,
    /// Height of the plot in CSS pixels.
    pub height: f64,
    /// Axes (none for pies, treemaps, gauges, KPIs).
    pub axes: Vec<Axis>,
    /// The marks, in reading order (the arrow keys follow it).
    pub marks: Vec<Mark>,
    /// Legend entries: what each colour means.
    pub legend: Vec<LegendItem>,
    /// The accessible data table.
    pub table: DataTable,
    /// Notices shown under the chart (capped data, hidden values).
    pub notes: Vec<String>,
}

/// One mark: a shape with its accessible name, colour and selection target.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// What is drawn, and where.
    pub shape: Shape,
    /// Accessible name ("EMEA: 1,234,567"); empty for decoration.
    pub name: String,
    /// Fill (or stroke, for lines) colour.
    pub fill: String,
    /// What a click selects, for a selectable value.
    pub target: Option<Target>,
}

/// A dimension value a click selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Dimension index in the hypercube.
    pub dim: usize,
    /// `qElemNumber` of the value.
    pub elem: i64,
    /// The value is selected now (`qState` `S`).
    pub selected: bool,
}

/// Which side of the plot an axis is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Left: vertical positions in px.
    Left,
    /// Right (a secondary measure axis): vertical positions in px.
    Right,
    /// Bottom: horizontal positions in percent.
    Bottom,
}

/// An axis: its ticks and title.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Where it is drawn.
    pub side: Side,
    /// Axis title ("" for none).
    pub title: String,
    /// Tick positions and labels.
    pub ticks: Vec<Tick>,
    /// Draw grid lines across the plot at the ticks.
    pub grid: bool,
    /// The axis lists dimension values (wider labels) rather than numbers.
    pub band: bool,
}

/// One tick label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Position (percent on a bottom axis, px on a side axis).
    pub pos: f64,
    /// The label as drawn (maybe cut).
    pub label: String,
    /// The full text when the label was cut (shown as a `<title>`).
    pub full: Option<String>,
}

/// A legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// Swatch colour.
    pub color: String,
    /// What the colour stands for.
    pub label: String,
}

/// The visually hidden table of the values, as the engine's `qText`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataTable {
    /// Column headers (dimension and measure titles).
    pub head: Vec<String>,
    /// Rows of `qText`.
    pub rows: Vec<Vec<String>>,
    /// Rows the data has (more than `rows` when capped).
    pub total: usize,
}

/// Rows at most in the accessible table; the rest is in the downloads.
pub const MAX_TABLE_ROWS: usize = 1000;

impl DataTable {
    /// A table of `head`, keeping at most [`MAX_TABLE_ROWS`] of `rows`.
    pub fn new(head: Vec<String>, rows: impl IntoIterator<Item = Vec<String>>) -> DataTable {
        let mut kept = Vec::new();
        let mut total = 0;
        for r in rows {
            if kept.len() < MAX_TABLE_ROWS {
                kept.push(r);
            }
            total += 1;
        }
        DataTable {
            head,
            rows: kept,
            total,
        }
    }
}

/// Top of the plotting area, px.
pub const PLOT_TOP: f64 = 12.0;
/// Room under the plotting area for a bottom axis (labels and title), px.
pub const BOTTOM_ROOM: f64 = 44.0;

/// The vertical extent `(top, bottom)` of the plotting area in a plot
/// `height` px high that has a bottom axis.
pub fn plot_area(height: f64) -> (f64, f64) {
    (PLOT_TOP, (height - BOTTOM_ROOM).max(PLOT_TOP + 20.0))
}
