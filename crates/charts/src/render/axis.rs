//! Axes: a side axis is its own SVG column beside the plot (fixed px width);
//! a bottom axis is drawn inside the plot (percent positions). Axis text is
//! hidden from assistive technology: the data table carries the values.

use crate::chart::{Axis, Side};
use crate::escape::escape;
use crate::marks::n;

/// Width of a side axis column, px.
pub fn width(axis: &Axis) -> f64 {
    if axis.band { 136.0 } else { 76.0 }
}

fn label(text: &str, full: &Option<String>) -> String {
    match full {
        Some(f) => format!("{}<title>{}</title>", escape(text), escape(f)),
        None => escape(text),
    }
}

/// A side axis column `height` px high.
pub fn side(axis: &Axis, height: f64) -> String {
    let w = width(axis);
    let right = axis.side == Side::Right;
    let mut out = format!(
        "<svg class=\"qc-axis qc-axis-{}\" width=\"{}\" height=\"{}\" font-size=\"12\" fill=\"#595959\" aria-hidden=\"true\">",
        if right { "right" } else { "left" },
        n(w),
        n(height)
    );
    let (x, anchor) = if right {
        (6.0, "start")
    } else {
        (w - 6.0, "end")
    };
    for t in &axis.ticks {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            n(x),
            n(t.pos + 4.0),
            label(&t.label, &t.full)
        ));
    }
    if !axis.title.is_empty() {
        let tx = if right { w - 4.0 } else { 14.0 };
        out.push_str(&format!(
            "<text transform=\"rotate(-90)\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
            n(-(height - 44.0).max(0.0) / 2.0),
            n(tx),
            label(&crate::escape::cut(&axis.title, 40).0, &Some(axis.title.clone()))
        ));
    }
    out.push_str("</svg>");
    out
}

/// A bottom axis, inside a plot `height` px high.
pub fn bottom(axis: &Axis, height: f64, out: &mut String) {
    out.push_str("<g font-size=\"12\" fill=\"#595959\" aria-hidden=\"true\">");
    let y = height - 26.0;
    for t in &axis.ticks {
        out.push_str(&format!(
            "<text x=\"{}%\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n(t.pos),
            n(y),
            label(&t.label, &t.full)
        ));
    }
    if !axis.title.is_empty() {
        out.push_str(&format!(
            "<text x=\"50%\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
            n(height - 6.0),
            escape(&axis.title)
        ));
    }
    out.push_str("</g>");
}

/// Grid lines of an axis across the plot.
pub fn grid(axis: &Axis, top: f64, bottom: f64, out: &mut String) {
    if !axis.grid {
        return;
    }
    for t in &axis.ticks {
        match axis.side {
            Side::Bottom => out.push_str(&format!(
                "<line x1=\"{p}%\" x2=\"{p}%\" y1=\"{}\" y2=\"{}\" stroke=\"#e6e6e6\" aria-hidden=\"true\"/>",
                n(top),
                n(bottom),
                p = n(t.pos)
            )),
            _ => out.push_str(&format!(
                "<line x1=\"0\" x2=\"100%\" y1=\"{p}\" y2=\"{p}\" stroke=\"#e6e6e6\" aria-hidden=\"true\"/>",
                p = n(t.pos)
            )),
        }
    }
}
