//! Bar, line and combo charts: dimension values on a band scale, measures on
//! linear scales; series are the measures, or the second dimension's values.
//! Properties read: `orientation`, `barGrouping.grouping`, `color`,
//! `dataPoint.showLabels`, `dimensionAxis`/`measureAxis` (`show`,
//! `autoMinMax`, `minMax`, `min`, `max`, `startAt`), and per measure
//! `series.type` (`bar`/`line`/`marker`) and `series.axis` (0/1) in combo
//! charts.

use super::axes::{band_axis, measure_axis, measure_ticks, shows};
use super::color::{self, Scheme};
use super::series::{Category, Draw, Series, extent, read};
use super::{NO_DATA, base, cube, data_table};
use crate::Options;
use crate::chart::{Chart, LegendItem, Mark, Side, Target, plot_area};
use crate::error::ChartError;
use crate::layout::{Cell, flag_at, text_at};
use crate::marks::Shape;
use crate::marks::{bar::Bar, line::Line, point::Dot, text::Text};
use crate::palette;
use crate::scale::{Band, Linear};
use serde_json::Value;

/// Which of the three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `barchart`.
    Bar,
    /// `linechart`.
    Line,
    /// `combochart`.
    Combo,
}

fn name(kind: Kind) -> &'static str {
    match kind {
        Kind::Bar => "barchart",
        Kind::Line => "linechart",
        Kind::Combo => "combochart",
    }
}

/// Builds the chart.
pub fn build(layout: &Value, opts: &Options, kind: Kind) -> Result<Chart, ChartError> {
    let k = name(kind);
    let cube = cube(layout, k, (1, 2), (1, 15))?;
    let mut chart = base(layout, k, opts);
    let rows = cube.table_rows();
    chart.table = data_table(&cube, &rows);
    let (mut series, cats) = read(&cube, &rows, kind);
    if cats.is_empty() {
        chart.notes.push(NO_DATA.into());
        return Ok(chart);
    }
    let scheme = color::scheme(layout, series.len() > 1);
    let palette = match scheme {
        Scheme::Categories if series.len() == 1 => palette::categorical(cats.len()),
        _ => palette::categorical(series.len()),
    };
    for (i, s) in series.iter_mut().enumerate() {
        s.color = match &scheme {
            Scheme::Single(c) => c.clone(),
            _ => palette
                .get(i % palette.len().max(1))
                .cloned()
                .unwrap_or_else(|| palette::PRIMARY.into()),
        };
    }
    if series.len() > 1 {
        chart.legend = series
            .iter()
            .map(|s| LegendItem {
                color: s.color.clone(),
                label: s.name.clone(),
            })
            .collect();
    }
    let horizontal = kind == Kind::Bar && text_at(layout, "/orientation") == Some("horizontal");
    let stacked = kind != Kind::Line && text_at(layout, "/barGrouping/grouping") == Some("stacked");
    let look = Look {
        horizontal,
        stacked,
        scheme: &scheme,
        palette: &palette,
    };
    draw(layout, opts, &mut chart, &cube, &series, &cats, &look);
    chart.summary = summary(&chart.summary, &cube, &series, &cats);
    Ok(chart)
}

/// How the marks are laid out and coloured.
struct Look<'a> {
    horizontal: bool,
    stacked: bool,
    scheme: &'a Scheme,
    palette: &'a [String],
}

fn draw(
    layout: &Value,
    opts: &Options,
    chart: &mut Chart,
    cube: &crate::layout::Cube,
    series: &[Series],
    cats: &[Category],
    look: &Look,
) {
    let Look {
        horizontal,
        stacked,
        scheme,
        palette,
    } = *look;
    let (top, bottom) = plot_area(chart.height);
    let start_zero = text_at(layout, "/measureAxis/startAt") != Some("lowest");
    let labels = flag_at(layout, "/dataPoint/showLabels").unwrap_or(false)
        && cats.len() * series.len() <= 200;
    let axes_used: Vec<usize> = [0, 1]
        .into_iter()
        .filter(|a| series.iter().any(|s| s.axis == *a))
        .collect();
    let mut scales = [None, None];
    for a in &axes_used {
        let (lo, hi, has_bar) = extent(series, cats, *a, stacked);
        let count = if horizontal { 4 } else { 5 };
        let ticks = measure_ticks(layout, "measureAxis", lo, hi, has_bar || start_zero, count);
        let scale = if horizontal {
            Linear {
                d0: ticks.min,
                d1: ticks.max,
                r0: 1.0,
                r1: 99.0,
            }
        } else {
            Linear {
                d0: ticks.min,
                d1: ticks.max,
                r0: bottom,
                r1: top,
            }
        };
        let title = series
            .iter()
            .enumerate()
            .filter(|(_, s)| s.axis == *a)
            .map(|(_, s)| {
                if cube.dims.len() == 2 {
                    cube.measure_title(0)
                } else {
                    s.name.clone()
                }
            })
            .take(if cube.dims.len() == 2 { 1 } else { 4 })
            .collect::<Vec<_>>()
            .join(", ");
        let side = match (horizontal, *a) {
            (true, _) => Side::Bottom,
            (false, 0) => Side::Left,
            _ => Side::Right,
        };
        chart.axes.push(measure_axis(
            side,
            title,
            &ticks,
            &scale,
            opts,
            shows(layout, "measureAxis"),
        ));
        scales[*a] = Some((scale, ticks));
    }
    let band = if horizontal {
        Band::new(cats.len(), top, bottom)
    } else {
        Band::new(cats.len(), 0.0, 100.0)
    };
    let cat_labels: Vec<String> = cats.iter().map(|c| c.cell.label()).collect();
    chart.axes.push(band_axis(
        if horizontal { Side::Left } else { Side::Bottom },
        cube.dim_title(0),
        &cat_labels,
        &band,
        shows(layout, "dimensionAxis"),
    ));
    let bars: Vec<usize> = (0..series.len())
        .filter(|i| series[*i].draw == Draw::Bar)
        .collect();
    let (value_lo, value_hi, _) = extent(series, cats, 0, false);
    let several = series.len() > 1;
    let mut texts = Vec::new();
    for (ci, cat) in cats.iter().enumerate() {
        let target = cat.cell.selectable().then_some(Target {
            dim: 0,
            elem: cat.cell.elem,
            selected: cat.cell.state == "S",
        });
        let (mut pos, mut neg) = (0.0, 0.0);
        for (bi, si) in bars.iter().enumerate() {
            let s = &series[*si];
            let Some((v, text)) = &cat.values[*si] else {
                continue;
            };
            let Some((scale, _)) = &scales[s.axis] else {
                continue;
            };
            let (a, b) = if stacked {
                let base = if *v >= 0.0 { &mut pos } else { &mut neg };
                let from = *base;
                *base += v;
                (from, *base)
            } else {
                (0.0, *v)
            };
            let (pa, pb) = (scale.map(a), scale.map(b));
            let (lane, lanes) = if stacked { (0, 1) } else { (bi, bars.len()) };
            let sub = band.bandwidth() / lanes as f64;
            let along = band.start(ci) + sub * lane as f64;
            let shape = if horizontal {
                Bar {
                    x: pa.min(pb),
                    y: along,
                    w: (pa - pb).abs(),
                    h: sub,
                    opacity: 1.0,
                }
            } else {
                Bar {
                    x: along,
                    y: pa.min(pb),
                    w: sub,
                    h: (pa - pb).abs(),
                    opacity: 1.0,
                }
            };
            let fill = match scheme {
                Scheme::Categories if !several => {
                    color::category(ci, cats.len(), cat.cell.elem, palette)
                }
                Scheme::ByValue => color::by_value(*v, value_lo, value_hi),
                _ => s.color.clone(),
            };
            if labels {
                texts.push(if horizontal {
                    Text {
                        x: shape.x + shape.w + 0.5,
                        y: shape.y + shape.h / 2.0 + 4.0,
                        text: text.clone(),
                        anchor: "start",
                        size: 12.0,
                    }
                } else {
                    Text {
                        x: shape.x + shape.w / 2.0,
                        y: shape.y - 4.0,
                        text: text.clone(),
                        anchor: "middle",
                        size: 12.0,
                    }
                });
            }
            chart.marks.push(Mark {
                shape: Shape::Bar(shape),
                name: mark_name(&cat.cell, several.then_some(&s.name), text),
                fill,
                target,
            });
        }
    }
    for (si, s) in series
        .iter()
        .enumerate()
        .filter(|(_, s)| s.draw != Draw::Bar)
    {
        let Some((scale, _)) = &scales[s.axis] else {
            continue;
        };
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (ci, cat) in cats.iter().enumerate() {
            match &cat.values[si] {
                Some((v, text)) => {
                    let (x, y) = (band.centre(ci), scale.map(*v));
                    if let Some(seg) = segments.last_mut() {
                        seg.push((x, y));
                    }
                    let target = cat.cell.selectable().then_some(Target {
                        dim: 0,
                        elem: cat.cell.elem,
                        selected: cat.cell.state == "S",
                    });
                    let r = if s.draw == Draw::Marker { 5.0 } else { 3.5 };
                    if labels {
                        texts.push(Text {
                            x,
                            y: y - 8.0,
                            text: text.clone(),
                            anchor: "middle",
                            size: 12.0,
                        });
                    }
                    chart.marks.push(Mark {
                        shape: Shape::Dot(Dot { cx: x, cy: y, r }),
                        name: mark_name(&cat.cell, several.then_some(&s.name), text),
                        fill: s.color.clone(),
                        target,
                    });
                }
                None => segments.push(Vec::new()),
            }
        }
        if s.draw == Draw::Line {
            let line = Mark {
                shape: Shape::Line(Line { segments }),
                name: String::new(),
                fill: s.color.clone(),
                target: None,
            };
            let at = chart
                .marks
                .iter()
                .position(|m| matches!(m.shape, Shape::Dot(_)))
                .unwrap_or(chart.marks.len());
            chart.marks.insert(at, line);
        }
    }
    chart.marks.extend(texts.into_iter().map(|t| Mark {
        shape: Shape::Text(t),
        name: String::new(),
        fill: "#595959".into(),
        target: None,
    }));
}

/// "EMEA: 1,234" or "EMEA, Sales: 1,234".
fn mark_name(cat: &Cell, series: Option<&String>, text: &str) -> String {
    match series {
        Some(s) => format!("{}, {s}: {text}", cat.label()),
        None => format!("{}: {text}", cat.label()),
    }
}

/// "Bar chart: Sales by region. Sales by Region, 4 values; highest EMEA 9,999, lowest South 1,234."
fn summary(head: &str, cube: &crate::layout::Cube, series: &[Series], cats: &[Category]) -> String {
    let dims: Vec<String> = (0..cube.dims.len()).map(|i| cube.dim_title(i)).collect();
    let measures: Vec<String> = (0..cube.measures.len())
        .map(|i| cube.measure_title(i))
        .collect();
    let mut s = format!(
        "{head}. {} by {}, {} values",
        measures.join(", "),
        dims.join(" and "),
        cats.len()
    );
    if series.len() == 1 {
        let vals = cats
            .iter()
            .filter_map(|c| c.values[0].as_ref().map(|v| (c, v)));
        let max = vals.clone().max_by(|a, b| a.1.0.total_cmp(&b.1.0));
        let min = vals.min_by(|a, b| a.1.0.total_cmp(&b.1.0));
        if let (Some(max), Some(min)) = (max, min) {
            s.push_str(&format!(
                "; highest {} {}, lowest {} {}",
                max.0.cell.label(),
                max.1.1,
                min.0.cell.label(),
                min.1.1
            ));
        }
    }
    s.push('.');
    s
}
