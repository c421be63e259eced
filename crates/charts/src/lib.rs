//! Draws Qlik Sense visualizations from their layouts (the engine's
//! `GetLayout` answer) as accessible HTML with inline SVG, on the server.
//!
//! Shape, after Observable Plot and picasso.js: [`scale`] (band, linear, nice
//! ticks), [`format`] (tick labels with the app's separators and
//! abbreviations), [`palette`] (Qlik Sense's default theme), one module per
//! mark in [`marks`], axes/legend/table in [`render`], and one mapping from a
//! layout to a [`chart::Chart`] — a list of marks over shared scales — in
//! [`mapping`]. Everything from the layout is escaped; values are the
//! engine's `qText`. Design and sources: `docs/charts.md`.

pub mod chart;
pub mod error;
pub mod escape;
pub mod format;
pub mod layout;
pub mod mapping;
pub mod marks;
pub mod markup;
pub mod palette;
pub mod render;
pub mod scale;
pub mod text_image;

pub use chart::Chart;
pub use error::ChartError;
pub use format::Locale;
use serde_json::Value;

/// The style the charts need (layout of axes and plot, the visually hidden
/// table, focus rings, KPI sizes). Served with the page's own CSS: the
/// markup uses classes and SVG presentation attributes, no `style`
/// attributes, so a strict `style-src 'self'` policy holds.
pub const CSS: &str = include_str!("../charts.css");

/// How to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Height of the plot, CSS px (the width follows the container).
    pub height: f64,
    /// The app's number conventions, for axis ticks (`Doc.GetLocaleInfo`).
    pub locale: Locale,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            height: 300.0,
            locale: Locale::default(),
        }
    }
}

/// The chart a layout describes, as marks over scales (not yet markup).
pub fn build(layout: &Value, opts: &Options) -> Result<Chart, ChartError> {
    mapping::build(layout, opts)
}

/// The layout drawn as an HTML `<figure>`: a chart, or a text-image
/// object's text and measure values ([`text_image`]). An error means the
/// caller should draw a card instead.
pub fn render(layout: &Value, opts: &Options) -> Result<String, ChartError> {
    if layout::visualization(layout) == Some(text_image::KIND) {
        return Ok(text_image::html(layout));
    }
    Ok(render::html(&build(layout, opts)?))
}
