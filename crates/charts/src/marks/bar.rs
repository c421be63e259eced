//! Bars and other rectangles: horizontal extent in percent, vertical in px.

use super::{attributes, n, title};
use crate::chart::Mark;

/// A rectangle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Left edge, percent.
    pub x: f64,
    /// Top edge, px.
    pub y: f64,
    /// Width, percent.
    pub w: f64,
    /// Height, px.
    pub h: f64,
    /// Fill opacity (1 for bars; less for density bins).
    pub opacity: f64,
}

/// Writes the bar.
pub fn svg(bar: &Bar, mark: &Mark, tab: Option<bool>, out: &mut String) {
    let opacity = if bar.opacity < 1.0 {
        format!(" fill-opacity=\"{}\"", n(bar.opacity))
    } else {
        String::new()
    };
    out.push_str(&format!(
        "<rect x=\"{}%\" y=\"{}\" width=\"{}%\" height=\"{}\" fill=\"{}\"{opacity}{}>{}</rect>",
        n(bar.x),
        n(bar.y),
        n(bar.w.max(0.0)),
        n(bar.h.max(0.0)),
        mark.fill,
        attributes(mark, tab),
        title(mark)
    ));
}
