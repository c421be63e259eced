//! Scatter plots: one dimension, x and y measures and an optional bubble size
//! measure. Up to 1,000 points each point is a mark; above that, as Qlik Sense
//! does (sn-scatter-plot's `MAX_NR_SCATTER` is 1,000; beyond it the chart
//! shows the data binned), the points are counted into density bins, and a
//! note says so. Properties: `xAxis`/`yAxis` (`show`, `autoMinMax`, `minMax`,
//! `min`, `max`), `color`.

use super::axes::{measure_axis, measure_ticks, shows};
use super::color::{self, Scheme};
use super::{NO_DATA, base, cube, data_table};
use crate::Options;
use crate::chart::{Chart, Mark, Side, Target, plot_area};
use crate::error::ChartError;
use crate::layout::Cell;
use crate::marks::Shape;
use crate::marks::{bar::Bar, point::Dot};
use crate::palette;
use crate::scale::Linear;
use serde_json::Value;

/// Most points drawn one by one (Qlik's limit before it bins).
pub const MAX_POINTS: usize = 1000;
const BIN_COLS: usize = 32;
const BIN_ROWS: usize = 12;

struct Point<'a> {
    cell: &'a Cell,
    x: f64,
    y: f64,
    size: Option<f64>,
    texts: Vec<String>,
}

/// Builds the chart.
pub fn build(layout: &Value, opts: &Options) -> Result<Chart, ChartError> {
    let cube = cube(layout, "scatterplot", (1, 1), (2, 3))?;
    let mut chart = base(layout, "scatterplot", opts);
    let rows = cube.table_rows();
    chart.table = data_table(&cube, &rows);
    let points: Vec<Point> = rows
        .iter()
        .filter(|r| r.len() >= 3)
        .filter_map(|r| {
            Some(Point {
                cell: &r[0],
                x: r[1].value()?,
                y: r[2].value()?,
                size: r.get(3).and_then(Cell::value),
                texts: r[1..].iter().map(|c| c.text.clone()).collect(),
            })
        })
        .collect();
    let skipped = rows.len() - points.len();
    if skipped > 0 {
        chart.notes.push(format!(
            "{} without both an x and a y value {} not shown.",
            super::count(skipped, "value"),
            if skipped == 1 { "is" } else { "are" }
        ));
    }
    if cube.size > rows.len() {
        chart.notes.push(format!(
            "Showing the {} points the layout holds, of {}.",
            rows.len(),
            cube.size
        ));
    }
    if points.is_empty() {
        chart.notes.push(NO_DATA.into());
        return Ok(chart);
    }
    let (top, bottom) = plot_area(chart.height);
    let ext = |f: &dyn Fn(&Point) -> f64| {
        points
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (xlo, xhi) = ext(&|p| p.x);
    let (ylo, yhi) = ext(&|p| p.y);
    // A margin of 5% keeps the outermost bubbles inside the plot.
    let pad = |lo: f64, hi: f64| {
        let m = (hi - lo) * 0.05;
        (lo - m, hi + m)
    };
    let ((xlo, xhi), (ylo, yhi)) = (pad(xlo, xhi), pad(ylo, yhi));
    let xt = measure_ticks(layout, "xAxis", xlo, xhi, false, 6);
    let yt = measure_ticks(layout, "yAxis", ylo, yhi, false, 5);
    let xs = Linear {
        d0: xt.min,
        d1: xt.max,
        r0: 2.0,
        r1: 98.0,
    };
    let ys = Linear {
        d0: yt.min,
        d1: yt.max,
        r0: bottom,
        r1: top,
    };
    let (xtitle, ytitle) = (cube.measure_title(0), cube.measure_title(1));
    chart.axes.push(measure_axis(
        Side::Left,
        ytitle.clone(),
        &yt,
        &ys,
        opts,
        shows(layout, "yAxis"),
    ));
    chart.axes.push(measure_axis(
        Side::Bottom,
        xtitle.clone(),
        &xt,
        &xs,
        opts,
        shows(layout, "xAxis"),
    ));
    chart.summary = format!(
        "{}. {} points of {}: {xtitle} across, {ytitle} up{}.",
        chart.summary,
        points.len(),
        cube.dim_title(0),
        if cube.measures.len() > 2 {
            format!(", {} as size", cube.measure_title(2))
        } else {
            String::new()
        }
    );
    if points.len() > MAX_POINTS {
        bins(&mut chart, &points, &xs, &ys, (&xtitle, &ytitle), opts);
        return Ok(chart);
    }
    let scheme = color::scheme(layout, false);
    let colors = palette::categorical(points.len().min(12));
    let (slo, shi) = ext(&|p| p.size.unwrap_or(0.0));
    let titles: Vec<String> = (0..cube.measures.len())
        .map(|i| cube.measure_title(i))
        .collect();
    for (i, p) in points.iter().enumerate() {
        let r = match p.size {
            Some(s) if shi > slo => 4.0 + 12.0 * ((s - slo) / (shi - slo)).max(0.0).sqrt(),
            Some(_) => 8.0,
            None => 5.0,
        };
        let fill = match &scheme {
            Scheme::Single(c) => c.clone(),
            Scheme::ByValue => color::by_value(p.y, ylo, yhi),
            _ => color::category(i, colors.len(), p.cell.elem, &colors),
        };
        let values: Vec<String> = titles
            .iter()
            .zip(&p.texts)
            .map(|(t, v)| format!("{t} {v}"))
            .collect();
        chart.marks.push(Mark {
            shape: Shape::Dot(Dot {
                cx: xs.map(p.x),
                cy: ys.map(p.y),
                r,
            }),
            name: format!("{}: {}", p.cell.label(), values.join(", ")),
            fill,
            target: p.cell.selectable().then_some(Target {
                dim: 0,
                elem: p.cell.elem,
                selected: p.cell.state == "S",
            }),
        });
    }
    Ok(chart)
}

/// Counts the points into a grid of bins, each a shaded rectangle named by
/// its count and ranges.
fn bins(
    chart: &mut Chart,
    points: &[Point],
    xs: &Linear,
    ys: &Linear,
    titles: (&str, &str),
    opts: &Options,
) {
    let mut counts = vec![0usize; BIN_COLS * BIN_ROWS];
    let cell = |v: f64, s: &Linear, n: usize| {
        let t = (v - s.d0) / (s.d1 - s.d0);
        ((if t.is_finite() { t } else { 0.0 }) * n as f64)
            .floor()
            .clamp(0.0, n as f64 - 1.0) as usize
    };
    for p in points {
        counts[cell(p.y, ys, BIN_ROWS) * BIN_COLS + cell(p.x, xs, BIN_COLS)] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1);
    let (dx, dy) = (
        (xs.d1 - xs.d0) / BIN_COLS as f64,
        (ys.d1 - ys.d0) / BIN_ROWS as f64,
    );
    let edge = |v: f64, step: f64| opts.locale.format_ticks(&[v], step).remove(0);
    for (i, count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let (col, row) = (i % BIN_COLS, i / BIN_COLS);
        let (x0, y0) = (xs.d0 + dx * col as f64, ys.d0 + dy * row as f64);
        let (px0, px1) = (xs.map(x0), xs.map(x0 + dx));
        let (py0, py1) = (ys.map(y0), ys.map(y0 + dy));
        chart.marks.push(Mark {
            shape: Shape::Bar(Bar {
                x: px0,
                y: py1.min(py0),
                w: px1 - px0,
                h: (py0 - py1).abs(),
                opacity: 0.25 + 0.75 * *count as f64 / most as f64,
            }),
            name: format!(
                "{count} point{}: {} {} to {}, {} {} to {}",
                if *count == 1 { "" } else { "s" },
                titles.0,
                edge(x0, dx),
                edge(x0 + dx, dx),
                titles.1,
                edge(y0, dy),
                edge(y0 + dy, dy)
            ),
            fill: palette::PRIMARY.into(),
            target: None,
        });
    }
    chart.notes.push(format!(
        "{} points are shown as {} density bins (above {MAX_POINTS} points Qlik Sense shows a scatter plot binned); darker bins hold more points.",
        opts.locale.number(points.len() as f64, 0),
        counts.iter().filter(|c| **c > 0).count()
    ));
}
