//! Treemaps: one or two dimensions and one measure, laid out squarified; with
//! two, the first dimension's values are groups with a header and their
//! second-dimension tiles inside. Colour by the first dimension (Qlik's
//! default), "Others"/nulls in the theme's colours. Data from
//! `qStackedDataPages` (mode `K`, what Sense asks for) or `qDataPages`.
//! Values at or below zero cannot be a tile: left out, with a note.

use super::axes::NOMINAL_WIDTH;
use super::{NO_DATA, base, cube, data_table};
use crate::Options;
use crate::chart::{Chart, Mark, Target};
use crate::error::ChartError;
use crate::layout::Cell;
use crate::mapping::color;
use crate::marks::Shape;
use crate::marks::tile::{Tile, squarify};
use crate::palette;
use serde_json::Value;

const HEADER: f64 = 20.0;

struct Group {
    cell: Cell,
    leaves: Vec<(Cell, f64, String)>,
}

/// Builds the treemap.
pub fn build(layout: &Value, opts: &Options) -> Result<Chart, ChartError> {
    let cube = cube(layout, "treemap", (1, 2), (1, 1))?;
    let mut chart = base(layout, "treemap", opts);
    let rows = cube.table_rows();
    chart.table = data_table(&cube, &rows);
    let two = cube.dims.len() == 2;
    let width = if two { 3 } else { 2 };
    let mut groups: Vec<Group> = Vec::new();
    let mut hidden = 0;
    for row in rows.iter().filter(|r| r.len() >= width) {
        let (leaf, m) = if two {
            (&row[1], &row[2])
        } else {
            (&row[0], &row[1])
        };
        let Some(v) = m.value().filter(|v| *v > 0.0) else {
            hidden += 1;
            continue;
        };
        let g = groups
            .iter()
            .position(|g| g.cell.elem == row[0].elem && g.cell.text == row[0].text)
            .unwrap_or_else(|| {
                groups.push(Group {
                    cell: row[0].clone(),
                    leaves: Vec::new(),
                });
                groups.len() - 1
            });
        groups[g].leaves.push((leaf.clone(), v, m.text.clone()));
    }
    if hidden > 0 {
        chart.notes.push(format!(
            "{} at or below zero, or null, {} not shown as tiles.",
            super::count(hidden, "value"),
            if hidden == 1 { "is" } else { "are" }
        ));
    }
    if groups.is_empty() {
        chart.notes.push(NO_DATA.into());
        return Ok(chart);
    }
    let h = chart.height;
    let pct = |x: f64| x / NOMINAL_WIDTH * 100.0;
    let sums: Vec<f64> = groups
        .iter()
        .map(|g| g.leaves.iter().map(|l| l.1).sum())
        .collect();
    let colors = palette::categorical(groups.len());
    let boxes = squarify(&sums, (0.0, 0.0, NOMINAL_WIDTH, h));
    let dim = cube.dims.len() - 1;
    for (gi, (g, r)) in groups.iter().zip(&boxes).enumerate() {
        let fill = color::category(gi, groups.len(), g.cell.elem, &colors);
        let target = |c: &Cell, dim: usize| {
            c.selectable().then_some(Target {
                dim,
                elem: c.elem,
                selected: c.state == "S",
            })
        };
        let mut inner = *r;
        if two {
            let header = if r.3 > 2.0 * HEADER { HEADER } else { 0.0 };
            chart.marks.push(Mark {
                shape: Shape::Tile(Tile {
                    x: pct(r.0),
                    y: r.1,
                    w: pct(r.2),
                    h: header.max(r.3.min(HEADER)),
                    lines: vec![g.cell.label()],
                    header: true,
                }),
                name: format!("{} ({} values)", g.cell.label(), g.leaves.len()),
                fill: fill.clone(),
                target: target(&g.cell, 0),
            });
            inner = (r.0, r.1 + header, r.2, r.3 - header);
        }
        let values: Vec<f64> = g.leaves.iter().map(|l| l.1).collect();
        for ((leaf, _, text), t) in g.leaves.iter().zip(squarify(&values, inner)) {
            let name = if two {
                format!("{}, {}: {text}", g.cell.label(), leaf.label())
            } else {
                format!("{}: {text}", leaf.label())
            };
            let fill = if two {
                fill.clone()
            } else {
                color::category(gi, groups.len(), leaf.elem, &colors)
            };
            chart.marks.push(Mark {
                shape: Shape::Tile(Tile {
                    x: pct(t.0),
                    y: t.1,
                    w: pct(t.2),
                    h: t.3,
                    lines: vec![leaf.label(), text.clone()],
                    header: false,
                }),
                name,
                fill,
                target: target(leaf, dim),
            });
        }
    }
    chart.summary = format!(
        "{}. {} by {}, {} tiles.",
        chart.summary,
        cube.measure_title(0),
        (0..cube.dims.len())
            .map(|i| cube.dim_title(i))
            .collect::<Vec<_>>()
            .join(" and "),
        groups.iter().map(|g| g.leaves.len()).sum::<usize>()
    );
    Ok(chart)
}
