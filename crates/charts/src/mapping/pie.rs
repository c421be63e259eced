//! Pie and donut charts: one dimension, one measure (a second, the radius
//! measure, is listed in the table but not drawn). Slices in the dimension's
//! order, clockwise from 12 o'clock, coloured by dimension value (Qlik's
//! default for pies), "Others" and nulls in the theme's colours. Values at or
//! below zero cannot be a slice: they are left out and a note says so.
//! Properties: `donut.showAsDonut`, `color`.

use super::color::{self, Scheme};
use super::{NO_DATA, base, cube, data_table};
use crate::Options;
use crate::chart::{Chart, LegendItem, Mark, Target};
use crate::error::ChartError;
use crate::layout::flag_at;
use crate::marks::Shape;
use crate::marks::arc::Arc;
use crate::palette;
use serde_json::Value;
use std::f64::consts::TAU;

/// Builds the chart.
pub fn build(layout: &Value, opts: &Options) -> Result<Chart, ChartError> {
    let cube = cube(layout, "piechart", (1, 1), (1, 2))?;
    let mut chart = base(layout, "piechart", opts);
    let rows = cube.table_rows();
    chart.table = data_table(&cube, &rows);
    let slices: Vec<_> = rows
        .iter()
        .filter(|r| r.len() >= 2)
        .filter_map(|r| {
            r[1].value()
                .filter(|v| *v > 0.0)
                .map(|v| (&r[0], v, r[1].text.clone()))
        })
        .collect();
    let hidden = rows.iter().filter(|r| r.len() >= 2).count() - slices.len();
    if hidden > 0 {
        chart.notes.push(format!(
            "{hidden} value{} at or below zero, or null, not shown as slices.",
            if hidden == 1 { " is" } else { "s are" }
        ));
    }
    if slices.is_empty() {
        chart.notes.push(NO_DATA.into());
        return Ok(chart);
    }
    let total: f64 = slices.iter().map(|s| s.1).sum();
    let inner = if flag_at(layout, "/donut/showAsDonut").unwrap_or(false) {
        0.55
    } else {
        0.0
    };
    let single = match color::scheme(layout, true) {
        Scheme::Single(c) if flag_at(layout, "/color/auto") == Some(false) => Some(c),
        _ => None,
    };
    let colors = palette::categorical(slices.len());
    let mut angle = 0.0;
    for (i, (cell, v, text)) in slices.iter().enumerate() {
        let span = v / total * TAU;
        let fill = single
            .clone()
            .unwrap_or_else(|| color::category(i, slices.len(), cell.elem, &colors));
        let share = opts.locale.number(v / total * 100.0, 1);
        let name = format!("{}: {text} ({share}%)", cell.label());
        chart.legend.push(LegendItem {
            color: fill.clone(),
            label: name.clone(),
        });
        chart.marks.push(Mark {
            shape: Shape::Arc(Arc {
                start: angle,
                end: angle + span,
                inner,
            }),
            name,
            fill,
            target: cell.selectable().then_some(Target {
                dim: 0,
                elem: cell.elem,
                selected: cell.state == "S",
            }),
        });
        angle += span;
    }
    let largest = slices
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|s| (s.0.label(), s.2.clone()));
    chart.summary = format!(
        "{}. {} by {}, {} slices{}.",
        chart.summary,
        cube.measure_title(0),
        cube.dim_title(0),
        slices.len(),
        largest
            .map(|(l, t)| format!("; largest {l} {t}"))
            .unwrap_or_default()
    );
    Ok(chart)
}
