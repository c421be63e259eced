//! Text-image objects (`visualization: "text-image"`): the `markdown`
//! property as the safe subset of [`crate::markup`], then each measure of
//! the object's hypercube as its title and the engine's `qText` (values
//! change with selections, as in Qlik). Where Qlik places a measure inside
//! the text is not in our sources, so the values follow the text
//! (`docs/qlik-protocol.md`, "Text and image objects").

use serde_json::Value;

use crate::escape::escape;
use crate::layout::{Cube, text_at};
use crate::markup;

/// The visualization this module draws.
pub const KIND: &str = "text-image";

/// The object as an HTML `<figure>`: a named group holding the title, the
/// text, the measure values and the footnote.
pub fn html(layout: &Value) -> String {
    let show = layout
        .get("showTitles")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let text = |p: &str| {
        if show {
            text_at(layout, p).unwrap_or_default().trim().to_owned()
        } else {
            String::new()
        }
    };
    let (title, subtitle, footnote) = (text("/title"), text("/subtitle"), text("/footnote"));
    let markdown = text_at(layout, "/markdown").unwrap_or_default();
    let values = measures(layout);
    let mut summary = if title.is_empty() {
        "Text".to_owned()
    } else {
        format!("Text: {title}")
    };
    let plain = markup::plain(markdown);
    let plain = plain.trim_end_matches('.');
    if !plain.is_empty() {
        summary.push_str(&format!(". {}", crate::escape::cut(plain, 120).0));
    }
    for (label, value) in &values {
        summary.push_str(&format!(". {label}: {value}"));
    }
    let mut out = format!(
        "<figure class=\"qc qc-text-image\" role=\"group\" aria-label=\"{}\">",
        escape(&summary)
    );
    if !title.is_empty() || !subtitle.is_empty() {
        out.push_str("<figcaption class=\"qc-head\">");
        if !title.is_empty() {
            out.push_str(&format!(
                "<span class=\"qc-title\">{}</span>",
                escape(&title)
            ));
        }
        if !subtitle.is_empty() {
            out.push_str(&format!(
                "<span class=\"qc-subtitle\">{}</span>",
                escape(&subtitle)
            ));
        }
        out.push_str("</figcaption>");
    }
    let body = markup::html(markdown);
    if !body.is_empty() {
        out.push_str(&format!("<div class=\"qc-text\">{body}</div>"));
    }
    for (label, value) in &values {
        out.push_str("<p class=\"qc-text-measure\">");
        if !label.is_empty() {
            out.push_str(&format!(
                "<span class=\"qc-text-label\">{}</span> ",
                escape(label)
            ));
        }
        out.push_str(&format!(
            "<strong class=\"qc-text-value\">{}</strong></p>",
            escape(value)
        ));
    }
    if body.is_empty() && values.is_empty() {
        out.push_str("<p class=\"qc-note\">No text to show.</p>");
    }
    if !footnote.is_empty() {
        out.push_str(&format!(
            "<p class=\"qc-footnote\">{}</p>",
            escape(&footnote)
        ));
    }
    out.push_str("</figure>");
    out
}

/// Each measure's title and the engine's text of its value (first row),
/// "-" when the layout holds no value for it.
fn measures(layout: &Value) -> Vec<(String, String)> {
    let Some(cube) = Cube::read(layout) else {
        return Vec::new();
    };
    let rows = cube.table_rows();
    let first = rows.first().or(Some(&cube.totals));
    let offset = cube.dims.len();
    (0..cube.measures.len())
        .map(|i| {
            let value = first
                .and_then(|row| row.get(offset + i))
                .map(|cell| cell.text.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "-".to_owned());
            (cube.measure_title(i), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text_image(markdown: &str) -> Value {
        json!({"qInfo": {"qId": "t", "qType": "text-image"}, "visualization": "text-image",
            "showTitles": true, "title": "Notes", "subtitle": "", "footnote": "",
            "markdown": markdown,
            "qHyperCube": {"qDimensionInfo": [], "qMeasureInfo": [
                    {"qFallbackTitle": "Sales"}, {"qFallbackTitle": "Margin"}],
                "qSize": {"qcx": 2, "qcy": 1},
                "qDataPages": [{"qMatrix": [[
                    {"qText": "1,234,567", "qNum": 1234567, "qElemNumber": 0, "qState": "L"},
                    {"qText": "<b>38%</b>", "qNum": 0.38, "qElemNumber": 0, "qState": "L"}]]}]}})
    }

    #[test]
    fn text_then_measure_values_as_the_engine_formats_them() {
        let out = html(&text_image("Figures **exclude** returns."));
        assert!(out.starts_with("<figure class=\"qc qc-text-image\" role=\"group\""));
        assert!(out.contains("<span class=\"qc-title\">Notes</span>"));
        assert!(out.contains(
            "<div class=\"qc-text\"><p>Figures <strong>exclude</strong> returns.</p></div>"
        ));
        assert!(out.contains(
            "<span class=\"qc-text-label\">Sales</span> <strong class=\"qc-text-value\">1,234,567</strong>"
        ));
        assert!(
            out.contains("&lt;b&gt;38%&lt;/b&gt;"),
            "an engine text is escaped too"
        );
        assert!(
            out.contains("aria-label=\"Text: Notes. Figures exclude returns. Sales: 1,234,567")
        );
    }

    #[test]
    fn hostile_markdown_and_properties_reach_the_page_as_text() {
        let mut layout = text_image(
            "<script>alert(1)</script>\n[click](javascript:alert(1)) <a href=\"x\" onclick=\"y\">a</a>",
        );
        layout["title"] = json!("<img src=x onerror=alert(1)>");
        layout["footnote"] = json!("\"><script>");
        let out = html(&layout);
        for bad in [
            "<script",
            "<img",
            "<a href=\"x\"",
            "javascript:alert(1)\"",
            "onclick=\"",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(!out.contains("href=\""), "no link but http(s): {out}");
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn without_text_or_measures_a_note_and_missing_values_a_dash() {
        let empty = json!({"visualization": "text-image", "title": ""});
        let out = html(&empty);
        assert!(out.contains("No text to show."), "{out}");
        assert!(out.contains("aria-label=\"Text\""));
        let mut no_data = text_image("");
        no_data["qHyperCube"]["qDataPages"] = json!([]);
        let out = html(&no_data);
        assert!(
            out.contains("<strong class=\"qc-text-value\">-</strong>"),
            "{out}"
        );
        assert!(!out.contains("qc-text\""), "no empty text block");
        let mut hidden = text_image("x");
        hidden["showTitles"] = json!(false);
        assert!(!html(&hidden).contains("qc-title"));
    }
}
