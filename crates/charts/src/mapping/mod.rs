//! The one mapping from a Qlik layout to a [`Chart`]: decided by
//! `visualization` (else `qInfo.qType`); each type turns the hypercube into
//! marks over the shared scales. Anything unknown is an error, so the caller
//! draws a card.

mod axes;
mod cartesian;
pub mod color;
mod gauge;
mod kpi;
mod pie;
mod scatter;
mod series;
mod treemap;

use crate::Options;
use crate::chart::{Chart, DataTable};
use crate::error::ChartError;
use crate::layout::{Cube, text_at, visualization};
use serde_json::Value;

/// Builds the chart a layout describes.
pub fn build(layout: &Value, opts: &Options) -> Result<Chart, ChartError> {
    let kind = visualization(layout).ok_or_else(|| ChartError::Unsupported("(none)".into()))?;
    match kind {
        "barchart" => cartesian::build(layout, opts, cartesian::Kind::Bar),
        "linechart" => cartesian::build(layout, opts, cartesian::Kind::Line),
        "combochart" => cartesian::build(layout, opts, cartesian::Kind::Combo),
        "piechart" => pie::build(layout, opts),
        "scatterplot" => scatter::build(layout, opts),
        "treemap" => treemap::build(layout, opts),
        "kpi" => kpi::build(layout, opts),
        "gauge" => gauge::build(layout, opts),
        other => Err(ChartError::Unsupported(other.to_string())),
    }
}

/// The visualization's name in a sentence.
fn kind_name(kind: &str) -> &'static str {
    match kind {
        "barchart" => "Bar chart",
        "linechart" => "Line chart",
        "combochart" => "Combo chart",
        "piechart" => "Pie chart",
        "scatterplot" => "Scatter plot",
        "treemap" => "Treemap",
        "kpi" => "KPI",
        "gauge" => "Gauge",
        _ => "Chart",
    }
}

/// An empty chart of `kind` with the layout's titles.
fn base(layout: &Value, kind: &str, opts: &Options) -> Chart {
    let text = |p: &str| text_at(layout, p).unwrap_or_default().trim().to_string();
    let show = layout
        .get("showTitles")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let title = if show { text("/title") } else { String::new() };
    Chart {
        kind: kind.to_string(),
        summary: if title.is_empty() {
            kind_name(kind).to_string()
        } else {
            format!("{}: {title}", kind_name(kind))
        },
        title,
        subtitle: if show {
            text("/subtitle")
        } else {
            String::new()
        },
        footnote: if show {
            text("/footnote")
        } else {
            String::new()
        },
        height: opts.height.max(120.0),
        axes: Vec::new(),
        marks: Vec::new(),
        legend: Vec::new(),
        table: DataTable::default(),
        notes: Vec::new(),
    }
}

/// The hypercube, with at least `dims` dimensions and `measures` measures
/// (ranges, inclusive).
fn cube(
    layout: &Value,
    kind: &str,
    dims: (usize, usize),
    measures: (usize, usize),
) -> Result<Cube, ChartError> {
    let cube = Cube::read(layout).ok_or_else(|| ChartError::shape(kind, "no qHyperCube"))?;
    let (nd, nm) = (cube.dims.len(), cube.measures.len());
    if nd < dims.0 || nd > dims.1 {
        return Err(ChartError::shape(
            kind,
            format!("{nd} dimensions (draws {}–{})", dims.0, dims.1),
        ));
    }
    if nm < measures.0 || nm > measures.1 {
        return Err(ChartError::shape(
            kind,
            format!("{nm} measures (draws {}–{})", measures.0, measures.1),
        ));
    }
    Ok(cube)
}

/// The table of a cube's rows: dimension and measure titles, then `qText`s.
fn data_table(cube: &Cube, rows: &[Vec<crate::layout::Cell>]) -> DataTable {
    let head = (0..cube.dims.len())
        .map(|i| cube.dim_title(i))
        .chain((0..cube.measures.len()).map(|i| cube.measure_title(i)))
        .collect();
    DataTable::new(
        head,
        rows.iter().map(|r| r.iter().map(|c| c.label()).collect()),
    )
}

/// "1 value", "3 values".
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The notice for a chart without data.
const NO_DATA: &str = "No data to show.";
