//! Arcs: pie and donut slices, in a unit circle (the renderer wraps them in a
//! square view box that scales evenly, so slices stay round; their labels are
//! in the legend, in CSS pixels).

use super::{attributes, title};
use crate::chart::Mark;
use std::f64::consts::TAU;

/// A slice between two angles (radians, clockwise from 12 o'clock).
#[derive(Debug, Clone, PartialEq)]
pub struct Arc {
    /// Start angle.
    pub start: f64,
    /// End angle.
    pub end: f64,
    /// Inner radius as a share of the outer (0 for a pie, ~0.5 for a donut).
    pub inner: f64,
}

fn point(angle: f64, r: f64) -> (f64, f64) {
    (r * angle.sin(), -r * angle.cos())
}

fn f(v: f64) -> String {
    let v = if v.is_finite() {
        (v * 10000.0).round() / 10000.0
    } else {
        0.0
    };
    if v == 0.0 { "0".into() } else { format!("{v}") }
}

/// The SVG path of an arc of the unit circle (a full turn as two halves).
pub fn path(arc: &Arc) -> String {
    let span = (arc.end - arc.start).clamp(0.0, TAU);
    if span >= TAU - 1e-9 {
        let half = arc.start + TAU / 2.0;
        let a = Arc {
            start: arc.start,
            end: half,
            inner: arc.inner,
        };
        let b = Arc {
            start: half,
            end: arc.start + TAU,
            inner: arc.inner,
        };
        return format!("{}{}", path(&a), path(&b));
    }
    let large = if span > TAU / 2.0 { 1 } else { 0 };
    let (x0, y0) = point(arc.start, 1.0);
    let (x1, y1) = point(arc.start + span, 1.0);
    let ri = arc.inner.clamp(0.0, 0.95);
    let mut d = format!("M{} {}A1 1 0 {large} 1 {} {}", f(x0), f(y0), f(x1), f(y1));
    if ri > 0.0 {
        let (x2, y2) = point(arc.start + span, ri);
        let (x3, y3) = point(arc.start, ri);
        d.push_str(&format!(
            "L{} {}A{r} {r} 0 {large} 0 {} {}Z",
            f(x2),
            f(y2),
            f(x3),
            f(y3),
            r = f(ri)
        ));
    } else {
        d.push_str("L0 0Z");
    }
    d
}

/// Writes the slice.
pub fn svg(arc: &Arc, mark: &Mark, tab: Option<bool>, out: &mut String) {
    out.push_str(&format!(
        "<path d=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\" vector-effect=\"non-scaling-stroke\"{}>{}</path>",
        path(arc),
        mark.fill,
        attributes(mark, tab),
        title(mark)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_and_full_turns() {
        let q = path(&Arc {
            start: 0.0,
            end: TAU / 4.0,
            inner: 0.0,
        });
        assert_eq!(q, "M0 -1A1 1 0 0 1 1 0L0 0Z");
        let full = path(&Arc {
            start: 0.0,
            end: TAU,
            inner: 0.5,
        });
        assert_eq!(full.matches('M').count(), 2, "{full}");
    }
}
