//! The accessible data table (visually hidden by the `qc-data` class) and the
//! legend.

use crate::chart::{DataTable, LegendItem};
use crate::escape::escape;

/// The data table with `caption`.
pub fn table(t: &DataTable, caption: &str, out: &mut String) {
    if t.head.is_empty() {
        return;
    }
    let shown = if t.total > t.rows.len() {
        format!(" (the first {} of {} rows)", t.rows.len(), t.total)
    } else {
        String::new()
    };
    out.push_str(&format!(
        "<table class=\"qc-data\"><caption>{}{}</caption><thead><tr>",
        escape(caption),
        shown
    ));
    for h in &t.head {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                out.push_str(&format!("<th scope=\"row\">{}</th>", escape(cell)));
            } else {
                out.push_str(&format!("<td>{}</td>", escape(cell)));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The legend: a swatch and the text for each colour.
pub fn legend(items: &[LegendItem], out: &mut String) {
    if items.is_empty() {
        return;
    }
    out.push_str("<ul class=\"qc-legend\" aria-label=\"Legend\">");
    for item in items {
        out.push_str(&format!(
            "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"{}\"/></svg>{}</li>",
            item.color,
            escape(&item.label)
        ));
    }
    out.push_str("</ul>");
}
