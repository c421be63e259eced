//! Axis builders shared by the cartesian charts and the scatter plot: a band
//! axis of dimension values and a measure axis of nice ticks.

use crate::Options;
use crate::chart::{Axis, Side, Tick};
use crate::escape::cut;
use crate::layout::{flag_at, number_at, text_at};
use crate::scale::{Band, Linear, Ticks, nice_ticks};
use serde_json::Value;

/// Nominal plot width for layouts that need an aspect ratio (treemaps), px.
pub const NOMINAL_WIDTH: f64 = 560.0;
/// Plot width assumed when deciding how many dimension labels fit and how
/// long they may be: a phone's, so labels do not overlap on narrow screens.
const LABEL_WIDTH: f64 = 300.0;
/// Average width of a 12 px character, px.
const CHAR: f64 = 7.0;

/// What an axis property (`dimensionAxis`/`measureAxis`/`xAxis`/`yAxis`)
/// says to show: (labels, title).
pub fn shows(layout: &Value, axis: &str) -> (bool, bool) {
    match text_at(layout, &format!("/{axis}/show")) {
        Some("none") => (false, false),
        Some("labels") => (true, false),
        Some("title") => (false, true),
        _ => (true, true),
    }
}

/// The measure domain: the data's `[lo, hi]`, with zero when `zero`, then the
/// axis property's fixed ends when `autoMinMax` is off, as nice ticks.
pub fn measure_ticks(
    layout: &Value,
    axis: &str,
    lo: f64,
    hi: f64,
    zero: bool,
    count: usize,
) -> Ticks {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (0.0, 0.0) };
    if zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if flag_at(layout, &format!("/{axis}/autoMinMax")) == Some(false) {
        let mode = text_at(layout, &format!("/{axis}/minMax")).unwrap_or("min");
        let min = number_at(layout, &format!("/{axis}/min"));
        let max = number_at(layout, &format!("/{axis}/max"));
        if mode != "max" {
            lo = min.unwrap_or(lo);
        }
        if mode != "min" {
            hi = max.unwrap_or(hi);
        }
    }
    let mut t = nice_ticks(lo, hi, count);
    if flag_at(layout, &format!("/{axis}/autoMinMax")) == Some(false) {
        // Fixed ends are kept as given; ticks outside them are dropped.
        t.values.retain(|v| *v >= lo - 1e-9 && *v <= hi + 1e-9);
        t.min = lo;
        t.max = hi;
    }
    t
}

/// A measure axis on `side` for `ticks` mapped by `scale`.
pub fn measure_axis(
    side: Side,
    title: String,
    ticks: &Ticks,
    scale: &Linear,
    opts: &Options,
    show: (bool, bool),
) -> Axis {
    let labels = opts.locale.format_ticks(&ticks.values, ticks.step);
    Axis {
        side,
        title: if show.1 { title } else { String::new() },
        ticks: if show.0 {
            ticks
                .values
                .iter()
                .zip(labels)
                .map(|(v, label)| Tick {
                    pos: scale.map(*v),
                    label,
                    full: None,
                })
                .collect()
        } else {
            Vec::new()
        },
        grid: side != Side::Right,
        band: false,
    }
}

/// A band axis of `labels` on `side` (Bottom: percent; Left: px), thinned
/// and cut so labels do not overlap; cut ones keep their full text.
pub fn band_axis(
    side: Side,
    title: String,
    labels: &[String],
    band: &Band,
    show: (bool, bool),
) -> Axis {
    let n = labels.len().max(1);
    let (every, chars) = if side == Side::Bottom {
        let slot = LABEL_WIDTH / n as f64;
        let every = (36.0 / slot).ceil().max(1.0) as usize;
        (
            every,
            ((slot * every as f64) / CHAR).floor().clamp(8.0, 24.0) as usize,
        )
    } else {
        ((16.0 / band.step().max(0.1)).ceil().max(1.0) as usize, 17)
    };
    let ticks = if show.0 {
        labels
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, l)| {
                let (label, was_cut) = cut(l, chars);
                Tick {
                    pos: band.centre(i),
                    label,
                    full: was_cut.then(|| l.clone()),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Axis {
        side,
        title: if show.1 { title } else { String::new() },
        ticks,
        grid: false,
        band: true,
    }
}
