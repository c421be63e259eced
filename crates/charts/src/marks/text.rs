//! Text: labels in the plot (px sizes, never scaled) and a KPI's numbers.

use super::n;
use crate::chart::Mark;
use crate::escape::escape;

/// Smallest text size drawn, CSS px.
pub const MIN_SIZE: f64 = 12.0;

/// A label.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// Anchor position, percent of the width.
    pub x: f64,
    /// Baseline, px.
    pub y: f64,
    /// The text (from the layout: escaped when written).
    pub text: String,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    /// Size in px (at least [`MIN_SIZE`]).
    pub size: f64,
}

/// Writes the label; it repeats what the marks' names and the table say, so
/// it is hidden from assistive technology.
pub fn svg(t: &Text, mark: &Mark, out: &mut String) {
    out.push_str(&format!(
        "<text x=\"{}%\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" fill=\"{}\" aria-hidden=\"true\">{}</text>",
        n(t.x),
        n(t.y),
        t.anchor,
        n(t.size.max(MIN_SIZE)),
        mark.fill,
        escape(&t.text)
    ));
}

/// A KPI: its measure's value, title and an optional comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    /// The measure title (empty when `showMeasureTitle` is off).
    pub label: String,
    /// The value's `qText`.
    pub value: String,
    /// The second measure: its title and `qText`.
    pub comparison: Option<(String, String)>,
}

/// Writes the KPI as HTML (it is text, not a drawing).
pub fn html(k: &Kpi, mark: &Mark, out: &mut String) {
    out.push_str("<div class=\"qc-kpi\">");
    if !k.label.is_empty() {
        out.push_str(&format!(
            "<p class=\"qc-kpi-label\">{}</p>",
            escape(&k.label)
        ));
    }
    out.push_str(&format!(
        "<p class=\"qc-kpi-value\"><svg class=\"qc-kpi-bar\" width=\"6\" height=\"32\" aria-hidden=\"true\"><rect width=\"6\" height=\"32\" fill=\"{}\"/></svg>{}</p>",
        mark.fill,
        escape(&k.value)
    ));
    if let Some((label, value)) = &k.comparison {
        out.push_str(&format!(
            "<p class=\"qc-kpi-compare\">{}{}</p>",
            escape(value),
            if label.is_empty() {
                String::new()
            } else {
                format!(" <span>{}</span>", escape(label))
            }
        ));
    }
    out.push_str("</div>");
}
