//! Gauges: radial (a 270° arc in a square view box) or bar (a track and a
//! fill), with the value and the range as text in CSS pixels.

use super::arc::{Arc, path};
use super::{attributes, n, title};
use crate::chart::Mark;
use crate::escape::escape;
use crate::palette::TRACK;
use std::f64::consts::PI;

/// A gauge's reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Gauge {
    /// Radial (true) or bar.
    pub radial: bool,
    /// Where the value is between min and max, clamped to 0–1.
    pub fraction: f64,
    /// The value's `qText`.
    pub value: String,
    /// The range's ends as text.
    pub min: String,
    /// The range's upper end as text.
    pub max: String,
}

/// Half the radial gauge's sweep: it spans -135° to 135°.
const HALF_SWEEP: f64 = PI * 0.75;

/// Writes the gauge in a plot `height` px high.
pub fn svg(g: &Gauge, mark: &Mark, height: f64, out: &mut String) {
    let f = if g.fraction.is_finite() {
        g.fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let text = |x: &str, y: f64, size: u32, anchor: &str, body: &str| {
        format!(
            "<text x=\"{x}\" y=\"{}\" font-size=\"{size}\" text-anchor=\"{anchor}\" fill=\"#333333\" aria-hidden=\"true\">{}</text>",
            n(y),
            escape(body)
        )
    };
    if g.radial {
        let track = Arc {
            start: -HALF_SWEEP,
            end: HALF_SWEEP,
            inner: 0.7,
        };
        let value = Arc {
            start: -HALF_SWEEP,
            end: -HALF_SWEEP + 2.0 * HALF_SWEEP * f,
            inner: 0.7,
        };
        out.push_str(&format!(
            "<svg x=\"0\" y=\"0\" width=\"100%\" height=\"{}\" viewBox=\"-1.05 -1.05 2.1 2.1\" preserveAspectRatio=\"xMidYMid meet\"><path d=\"{}\" fill=\"{TRACK}\" aria-hidden=\"true\"/><path d=\"{}\" fill=\"{}\"{}>{}</path></svg>",
            n(height - 24.0),
            path(&track),
            if f > 0.0 { path(&value) } else { String::new() },
            mark.fill,
            attributes(mark, None),
            title(mark)
        ));
        out.push_str(&text(
            "50%",
            (height - 24.0) / 2.0 + 10.0,
            24,
            "middle",
            &g.value,
        ));
        out.push_str(&text(
            "50%",
            height - 6.0,
            12,
            "middle",
            &format!("{} – {}", g.min, g.max),
        ));
    } else {
        let y = height / 2.0 - 16.0;
        out.push_str(&format!(
            "<rect x=\"5%\" y=\"{}\" width=\"90%\" height=\"32\" fill=\"{TRACK}\" aria-hidden=\"true\"/><rect x=\"5%\" y=\"{}\" width=\"{}%\" height=\"32\" fill=\"{}\"{}>{}</rect>",
            n(y),
            n(y),
            n(90.0 * f),
            mark.fill,
            attributes(mark, None),
            title(mark)
        ));
        out.push_str(&text("50%", y - 10.0, 24, "middle", &g.value));
        out.push_str(&text("5%", y + 50.0, 12, "start", &g.min));
        out.push_str(&text("95%", y + 50.0, 12, "end", &g.max));
    }
}
