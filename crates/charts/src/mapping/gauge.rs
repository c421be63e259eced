//! Gauges: one measure against the range `measureAxis.min`–`measureAxis.max`
//! (Qlik's defaults 0 and 100), drawn radial or as a bar (`gaugetype`), in
//! the primary colour or, when `color.auto` is off, `color.paletteColor`.

use super::{NO_DATA, base, cube, data_table};
use crate::Options;
use crate::chart::{Chart, Mark};
use crate::error::ChartError;
use crate::layout::{flag_at, number_at, text_at};
use crate::marks::Shape;
use crate::marks::gauge::Gauge;
use crate::palette;
use serde_json::Value;

/// Builds the gauge.
pub fn build(layout: &Value, opts: &Options) -> Result<Chart, ChartError> {
    let cube = cube(layout, "gauge", (0, 0), (1, 1))?;
    let mut chart = base(layout, "gauge", opts);
    let rows = cube.table_rows();
    chart.table = data_table(&cube, &rows);
    let Some(cell) = rows.first().and_then(|r| r.first()).or(cube.totals.first()) else {
        chart.notes.push(NO_DATA.into());
        return Ok(chart);
    };
    let min = number_at(layout, "/measureAxis/min").unwrap_or(0.0);
    let max = number_at(layout, "/measureAxis/max").unwrap_or(100.0);
    let fraction = match cell.value() {
        Some(v) if max > min => (v - min) / (max - min),
        _ => 0.0,
    };
    let range = opts.locale.format_ticks(&[min, max], (max - min).abs());
    let radial = text_at(layout, "/gaugetype") != Some("bar");
    let title = cube.measure_title(0);
    let name = format!(
        "{}{} (range {} to {})",
        if title.is_empty() {
            String::new()
        } else {
            format!("{title}: ")
        },
        cell.text,
        range[0],
        range[1]
    );
    chart.summary = format!("{}. {name}.", chart.summary);
    let fill = layout
        .pointer("/color/paletteColor")
        .filter(|_| flag_at(layout, "/color/auto") == Some(false))
        .and_then(palette::ui_color)
        .unwrap_or_else(|| palette::PRIMARY.into());
    chart.marks.push(Mark {
        shape: Shape::Gauge(Gauge {
            radial,
            fraction,
            value: cell.text.clone(),
            min: range[0].clone(),
            max: range[1].clone(),
        }),
        name,
        fill,
        target: None,
    });
    if cell.value().is_some_and(|v| v < min || v > max) {
        chart
            .notes
            .push("The value is outside the gauge's range.".into());
    }
    Ok(chart)
}
