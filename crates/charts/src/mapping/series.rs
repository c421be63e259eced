//! The data of bar, line and combo charts: dimension values (categories)
//! with one value per series; series are the measures, or the second
//! dimension's values (of the first measure).

use super::cartesian::Kind;
use crate::layout::{Cell, Cube};
use serde_json::Value;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// Bars.
    Bar,
    /// A line with points.
    Line,
    /// Points only (combo charts' `marker`).
    Marker,
}

/// A series: its name, colour, drawing and measure axis (0 or 1).
pub struct Series {
    /// Measure title, or the second dimension's value.
    pub name: String,
    /// Colour (set by the caller).
    pub color: String,
    /// Bars, line or markers.
    pub draw: Draw,
    /// 0 the primary axis, 1 the secondary.
    pub axis: usize,
}

/// One dimension value and its series' values (number and `qText`).
pub struct Category {
    /// The dimension cell.
    pub cell: Cell,
    /// One entry per series; `None` for a null or missing value.
    pub values: Vec<Option<(f64, String)>>,
}

/// How measure `m` is drawn in a chart of `kind`: combo charts read
/// `series.type` and `series.axis` from the measure's info.
fn draw_of(cube: &Cube, kind: Kind, m: usize) -> (Draw, usize) {
    let info = cube.measures.get(m);
    let ty = info
        .and_then(|i| i.pointer("/series/type"))
        .and_then(Value::as_str);
    let axis = info
        .and_then(|i| i.pointer("/series/axis"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    match kind {
        Kind::Bar => (Draw::Bar, 0),
        Kind::Line => (Draw::Line, 0),
        Kind::Combo => (
            match ty {
                Some("line") => Draw::Line,
                Some("marker") => Draw::Marker,
                Some("bar") => Draw::Bar,
                _ if m == 0 => Draw::Bar,
                _ => Draw::Line,
            },
            (axis == 1) as usize,
        ),
    }
}

/// Reads the series and categories from the cube's rows.
pub fn read(cube: &Cube, rows: &[Vec<Cell>], kind: Kind) -> (Vec<Series>, Vec<Category>) {
    let mut series: Vec<Series> = Vec::new();
    let mut cats: Vec<Category> = Vec::new();
    if cube.dims.len() == 2 {
        let mut keys: Vec<(i64, String)> = Vec::new();
        for row in rows.iter().filter(|r| r.len() >= 3) {
            let skey = (row[1].elem, row[1].label());
            let s = keys.iter().position(|k| *k == skey).unwrap_or_else(|| {
                keys.push(skey.clone());
                let (draw, axis) = draw_of(cube, kind, 0);
                series.push(Series {
                    name: row[1].label(),
                    color: String::new(),
                    draw,
                    axis,
                });
                keys.len() - 1
            });
            let c = cats
                .iter()
                .position(|c| c.cell.elem == row[0].elem && c.cell.label() == row[0].label())
                .unwrap_or_else(|| {
                    cats.push(Category {
                        cell: row[0].clone(),
                        values: Vec::new(),
                    });
                    cats.len() - 1
                });
            let values = &mut cats[c].values;
            values.resize(values.len().max(s + 1), None);
            values[s] = row[2].value().map(|v| (v, row[2].text.clone()));
        }
    } else {
        for m in 0..cube.measures.len() {
            let (draw, axis) = draw_of(cube, kind, m);
            series.push(Series {
                name: cube.measure_title(m),
                color: String::new(),
                draw,
                axis,
            });
        }
        for row in rows.iter().filter(|r| !r.is_empty()) {
            let values = (0..series.len())
                .map(|m| {
                    row.get(1 + m)
                        .and_then(|c| c.value().map(|v| (v, c.text.clone())))
                })
                .collect();
            cats.push(Category {
                cell: row[0].clone(),
                values,
            });
        }
    }
    for c in &mut cats {
        c.values.resize(series.len(), None);
    }
    (series, cats)
}

/// The extremes on measure axis `axis`: per category sums of positive and
/// of negative bar values when stacked, else the values; and whether the
/// axis has bars (which start at zero). `(0, 0)` without values.
pub fn extent(
    series: &[Series],
    cats: &[Category],
    axis: usize,
    stacked: bool,
) -> (f64, f64, bool) {
    let (mut lo, mut hi, mut any, mut has_bar) = (f64::INFINITY, f64::NEG_INFINITY, false, false);
    for c in cats {
        let (mut pos, mut neg) = (0.0, 0.0);
        for (s, v) in series.iter().zip(&c.values) {
            if s.axis != axis {
                continue;
            }
            has_bar |= s.draw == Draw::Bar;
            if let Some((v, _)) = v {
                any = true;
                if stacked && s.draw == Draw::Bar {
                    if *v >= 0.0 {
                        pos += v
                    } else {
                        neg += v
                    }
                    lo = lo.min(neg);
                    hi = hi.max(pos);
                } else {
                    lo = lo.min(*v);
                    hi = hi.max(*v);
                }
            }
        }
    }
    if !any {
        return (0.0, 0.0, has_bar);
    }
    (lo, hi, has_bar)
}
