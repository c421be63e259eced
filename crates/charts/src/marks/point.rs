//! Points: centre in percent (x) and px (y), radius in px.

use super::{attributes, n, title};
use crate::chart::Mark;

/// A circle.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    /// Centre, percent of the width.
    pub cx: f64,
    /// Centre, px from the top.
    pub cy: f64,
    /// Radius, px.
    pub r: f64,
}

/// Writes the point.
pub fn svg(dot: &Dot, mark: &Mark, tab: Option<bool>, out: &mut String) {
    out.push_str(&format!(
        "<circle cx=\"{}%\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"{}>{}</circle>",
        n(dot.cx),
        n(dot.cy),
        n(dot.r),
        mark.fill,
        attributes(mark, tab),
        title(mark)
    ));
}
