//! KPIs: the first measure's `qText`, large, with its title
//! (`showMeasureTitle`), and the second measure, when there is one, as the
//! comparison under it (its `qText` and title). No dimension. Its accent is
//! the primary colour, or `conditionalColoring.paletteSingleColor` when that
//! names a colour of its own (an index points into the app theme's palette,
//! which this crate does not know). Its accent is
//! the primary colour, or `conditionalColoring.paletteSingleColor` when that
//! names a colour of its own (an index points into the app theme's palette,
//! which this crate does not know).

use super::{NO_DATA, base, cube, data_table};
use crate::Options;
use crate::chart::{Chart, Mark};
use crate::error::ChartError;
use crate::layout::flag_at;
use crate::marks::Shape;
use crate::marks::text::Kpi;
use crate::palette;
use serde_json::Value;

/// Builds the KPI.
pub fn build(layout: &Value, opts: &Options) -> Result<Chart, ChartError> {
    let cube = cube(layout, "kpi", (0, 0), (1, 2))?;
    let mut chart = base(layout, "kpi", opts);
    let rows = cube.table_rows();
    chart.table = data_table(&cube, &rows);
    let Some(row) = rows
        .first()
        .or(Some(&cube.totals))
        .filter(|r| !r.is_empty())
    else {
        chart.notes.push(NO_DATA.into());
        return Ok(chart);
    };
    let value = row[0].text.clone();
    let label = if flag_at(layout, "/showMeasureTitle").unwrap_or(true) {
        cube.measure_title(0)
    } else {
        String::new()
    };
    let comparison = row.get(1).map(|c| (cube.measure_title(1), c.text.clone()));
    let fill = layout
        .pointer("/conditionalColoring/paletteSingleColor")
        .filter(|c| c.get("index").and_then(Value::as_i64).unwrap_or(-1) < 0)
        .and_then(palette::ui_color)
        .unwrap_or_else(|| palette::PRIMARY.into());
    chart.summary = format!(
        "{}. {}{value}{}",
        chart.summary,
        if cube.measure_title(0).is_empty() {
            String::new()
        } else {
            format!("{}: ", cube.measure_title(0))
        },
        comparison
            .as_ref()
            .map(|(l, v)| format!("; {l}: {v}"))
            .unwrap_or_default()
    );
    chart.marks.push(Mark {
        shape: Shape::Kpi(Kpi {
            label,
            value,
            comparison,
        }),
        name: String::new(),
        fill,
        target: None,
    });
    Ok(chart)
}
