//! Lines: a path in a nested SVG whose view box is 100 wide (percent) and as
//! high as the plot (px), stretched to the plot's width; the stroke keeps its
//! width (`vector-effect="non-scaling-stroke"`).

use super::n;
use crate::chart::Mark;

/// A polyline with gaps (each segment is drawn on its own; nulls break it).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Segments of (percent, px) points.
    pub segments: Vec<Vec<(f64, f64)>>,
}

/// Writes the line in a view box `height` px high.
pub fn svg(line: &Line, mark: &Mark, height: f64, out: &mut String) {
    let mut d = String::new();
    for seg in line.segments.iter().filter(|s| !s.is_empty()) {
        for (i, (x, y)) in seg.iter().enumerate() {
            d.push_str(&format!(
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                n(*x),
                n(*y)
            ));
        }
    }
    if d.is_empty() {
        return;
    }
    out.push_str(&format!(
        "<svg x=\"0\" y=\"0\" width=\"100%\" height=\"{h}\" viewBox=\"0 0 100 {h}\" preserveAspectRatio=\"none\" aria-hidden=\"true\" overflow=\"visible\"><path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/></svg>",
        mark.fill,
        h = n(height)
    ));
}
