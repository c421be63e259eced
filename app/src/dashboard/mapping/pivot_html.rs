//! A pivot page (`NxPivotPage`: the `qLeft` and `qTop` trees, the `qData`
//! rows) drawn as one accessible HTML table: column headers as
//! `th scope="col"` spanning their columns, row headers as
//! `th scope="row"` spanning their rows (nested) or one per row, indented
//! by level (`qIndentMode`); expand and collapse as buttons with
//! `aria-expanded`; dimension values as buttons that select them; totals
//! marked `pivot-total`. Every text from the layout is escaped.

use std::fmt::Write;

use charts::escape::escape;
use qlik::qix::layout::{NxPivotDimensionCell, NxPivotPage};

/// Deepest indentation class (`pivot-level-N`); deeper levels share it.
const MAX_INDENT: usize = 8;

/// What to draw: the page and the pivot's headings.
pub struct PivotFrame<'a> {
    /// The table's accessible name.
    pub title: &'a str,
    /// The title of each left level, outermost first.
    pub left_titles: &'a [String],
    /// `qIndentMode`: one row-header column, indented by level.
    pub indent: bool,
    /// The page to draw.
    pub page: &'a NxPivotPage,
}

/// A node of a tree, placed: its level, its first leaf (row or column in
/// the page) and how many leaves it spans.
struct Placed<'a> {
    node: &'a NxPivotDimensionCell,
    level: usize,
    start: usize,
    span: usize,
    leaf: bool,
}

fn place<'a>(
    nodes: &'a [NxPivotDimensionCell],
    level: usize,
    next: &mut usize,
    out: &mut Vec<Placed<'a>>,
) {
    for node in nodes {
        let start = *next;
        let at = out.len();
        let children = node.sub_nodes();
        out.push(Placed {
            node,
            level,
            start,
            span: 1,
            leaf: children.is_empty(),
        });
        if children.is_empty() {
            *next += 1;
        } else {
            place(children, level + 1, next, out);
        }
        out[at].span = (*next - start).max(1);
    }
}

fn placed(nodes: &[NxPivotDimensionCell]) -> Vec<Placed<'_>> {
    let mut out = Vec::new();
    place(nodes, 0, &mut 0, &mut out);
    out
}

fn cell_type(node: &NxPivotDimensionCell) -> &str {
    node.r#type.as_deref().unwrap_or("N")
}

/// The inside of a header cell: its expand/collapse button, then its value
/// (a select button for a dimension value). `row` and `col` are the
/// engine's coordinates of the node (`ExpandLeft`/`SelectPivotCells`).
fn node_html(out: &mut String, node: &NxPivotDimensionCell, top: bool, row: i64, col: i64) {
    let text = escape(node.text());
    let side = u8::from(top);
    let coordinates = format!(r#"data-top="{side}" data-row="{row}" data-col="{col}""#);
    let toggle = match (node.can_expand, node.can_collapse) {
        (Some(true), _) => Some(("expand", "false", "Expand", "+")),
        (_, Some(true)) => Some(("collapse", "true", "Collapse", "−")),
        _ => None,
    };
    if let Some((action, expanded, verb, mark)) = toggle {
        let _ = write!(
            out,
            r#"<button type="button" class="pivot-toggle" data-pivot="{action}" {coordinates} aria-expanded="{expanded}" aria-label="{verb} {text}">{mark}</button>"#
        );
    }
    let selectable = cell_type(node) == "N" && node.elem_no.is_some_and(|e| e >= 0);
    if selectable {
        let _ = write!(
            out,
            r#"<button type="button" class="pivot-select" data-pivot="select" {coordinates}>{text}</button>"#
        );
    } else {
        let _ = write!(out, r#"<span class="pivot-label">{text}</span>"#);
    }
}

fn total_class(node: &NxPivotDimensionCell) -> &'static str {
    if cell_type(node) == "T" {
        " pivot-total"
    } else {
        ""
    }
}

/// Draws the page as a `<table>`.
pub fn pivot_table(frame: &PivotFrame<'_>) -> String {
    let page = frame.page;
    let area = page.area.clone().unwrap_or_default();
    let (first_row, first_col) = (
        i64::from(area.top.unwrap_or(0)),
        i64::from(area.left.unwrap_or(0)),
    );
    let data = page.data.as_deref().unwrap_or_default();
    let left = placed(page.left.as_deref().unwrap_or_default());
    let top = placed(page.top.as_deref().unwrap_or_default());
    let width = data
        .first()
        .map_or(0, Vec::len)
        .max(top.iter().filter(|p| p.leaf).count());
    let top_depth = top.iter().map(|p| p.level + 1).max().unwrap_or(0);
    let left_depth = left
        .iter()
        .map(|p| p.level + 1)
        .max()
        .unwrap_or(0)
        .max(frame.left_titles.len())
        .max(1);
    let left_columns = if frame.indent { 1 } else { left_depth };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<table class="pivot-table{}" aria-label="{}"><thead>"#,
        if frame.indent { " pivot-indented" } else { "" },
        escape(frame.title)
    );
    let titles = |out: &mut String| {
        if frame.indent {
            let joined: Vec<String> = frame.left_titles.iter().map(|t| escape(t)).collect();
            let _ = write!(
                out,
                r#"<th scope="col" class="pivot-dim">{}</th>"#,
                joined.join(" / ")
            );
        } else {
            for level in 0..left_depth {
                let title = frame.left_titles.get(level).map_or("", String::as_str);
                let _ = write!(
                    out,
                    r#"<th scope="col" class="pivot-dim">{}</th>"#,
                    escape(title)
                );
            }
        }
    };
    if top_depth == 0 {
        out.push_str("<tr>");
        titles(&mut out);
        if width > 0 {
            let _ = write!(out, r#"<td colspan="{width}"></td>"#);
        }
        out.push_str("</tr>");
    }
    for level in 0..top_depth {
        out.push_str("<tr>");
        if level == 0 && top_depth > 1 {
            let _ = write!(
                out,
                r#"<td class="pivot-corner" colspan="{left_columns}" rowspan="{}"></td>"#,
                top_depth - 1
            );
        }
        if level + 1 == top_depth {
            titles(&mut out);
        }
        for p in top.iter().filter(|p| p.level == level) {
            let rows = if p.leaf { top_depth - level } else { 1 };
            let _ = write!(
                out,
                r#"<th scope="col" colspan="{}" rowspan="{rows}" class="pivot-head{}">"#,
                p.span,
                total_class(p.node)
            );
            node_html(
                &mut out,
                p.node,
                true,
                level as i64,
                first_col + p.start as i64,
            );
            out.push_str("</th>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</thead><tbody>");
    let mut starting: Vec<Vec<&Placed<'_>>> =
        vec![Vec::new(); data.len().max(left.iter().filter(|p| p.leaf).count())];
    for p in &left {
        if let Some(row) = starting.get_mut(p.start) {
            row.push(p);
        }
    }
    for (r, nodes) in starting.iter().enumerate() {
        let row = first_row + r as i64;
        if frame.indent {
            for p in nodes.iter().filter(|p| !p.leaf) {
                let _ = write!(
                    out,
                    r#"<tr class="pivot-group"><th scope="row" class="pivot-level-{}{}">"#,
                    p.level.min(MAX_INDENT),
                    total_class(p.node)
                );
                node_html(&mut out, p.node, false, row, p.level as i64);
                let _ = write!(out, r#"</th><td colspan="{}"></td></tr>"#, width.max(1));
            }
        }
        out.push_str("<tr>");
        for p in nodes.iter().filter(|p| !frame.indent || p.leaf) {
            if frame.indent {
                let _ = write!(
                    out,
                    r#"<th scope="row" class="pivot-level-{}{}">"#,
                    p.level.min(MAX_INDENT),
                    total_class(p.node)
                );
            } else {
                let columns = if p.leaf { left_depth - p.level } else { 1 };
                let _ = write!(
                    out,
                    r#"<th scope="row" rowspan="{}" colspan="{columns}" class="pivot-row-head{}">"#,
                    p.span,
                    total_class(p.node)
                );
            }
            node_html(&mut out, p.node, false, row, p.level as i64);
            out.push_str("</th>");
        }
        for cell in data.get(r).map(Vec::as_slice).unwrap_or_default() {
            let class = match cell.r#type.as_deref() {
                Some("T") => "pivot-value pivot-total",
                Some("E") => "pivot-value pivot-empty",
                _ => "pivot-value",
            };
            let text = escape(cell.text.as_deref().unwrap_or_default());
            let _ = write!(out, r#"<td class="{class}">{text}</td>"#);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn page(value: serde_json::Value) -> NxPivotPage {
        serde_json::from_value(value).unwrap()
    }

    /// APAC expanded into two countries, EMEA collapsed, a total; two years.
    fn sample() -> NxPivotPage {
        page(json!({
            "qArea": {"qTop": 10, "qLeft": 0, "qWidth": 2, "qHeight": 4},
            "qLeft": [
                {"qText": "APAC", "qElemNo": 1, "qType": "N", "qCanCollapse": true, "qSubNodes": [
                    {"qText": "Japan", "qElemNo": 4, "qType": "N", "qSubNodes": []},
                    {"qText": "India <b>", "qElemNo": 5, "qType": "N", "qSubNodes": []}]},
                {"qText": "EMEA", "qElemNo": 2, "qType": "N", "qCanExpand": true, "qSubNodes": []},
                {"qText": "Totals", "qElemNo": -1, "qType": "T", "qSubNodes": []}],
            "qTop": [
                {"qText": "2024", "qElemNo": 0, "qType": "N", "qSubNodes": []},
                {"qText": "2025", "qElemNo": 1, "qType": "N", "qSubNodes": []}],
            "qData": [
                [{"qText": "1", "qType": "V"}, {"qText": "2", "qType": "V"}],
                [{"qText": "3", "qType": "V"}, {"qText": "4", "qType": "V"}],
                [{"qText": "5", "qType": "V"}, {"qText": "6", "qType": "V"}],
                [{"qText": "9", "qType": "T"}, {"qText": "12", "qType": "T"}]]
        }))
    }

    fn titles() -> Vec<String> {
        vec!["Region".into(), "Country".into()]
    }

    #[test]
    fn nested_headers_span_their_rows_and_carry_engine_coordinates() {
        let page = sample();
        let titles = titles();
        let html = pivot_table(&PivotFrame {
            title: "Sales",
            left_titles: &titles,
            indent: false,
            page: &page,
        });
        // APAC spans its two countries; its collapse button names row 10.
        assert!(html.contains(r#"<th scope="row" rowspan="2" colspan="1" class="pivot-row-head"><button type="button" class="pivot-toggle" data-pivot="collapse" data-top="0" data-row="10" data-col="0" aria-expanded="true" aria-label="Collapse APAC">"#), "{html}");
        // EMEA is collapsed: it spans both left columns, on data row 12.
        assert!(html.contains(r#"colspan="2" class="pivot-row-head"><button type="button" class="pivot-toggle" data-pivot="expand" data-top="0" data-row="12" data-col="0" aria-expanded="false""#));
        // Countries select at level 1; their text is escaped.
        assert!(html.contains(r#"data-pivot="select" data-top="0" data-row="11" data-col="1">India &lt;b&gt;</button>"#));
        // Column headers, the dimension titles, totals.
        assert!(html.contains(r#"<th scope="col" colspan="1" rowspan="1" class="pivot-head"><button type="button" class="pivot-select" data-pivot="select" data-top="1" data-row="0" data-col="1">2025</button></th>"#));
        assert!(html.contains(r#"<th scope="col" class="pivot-dim">Country</th>"#));
        assert!(html.contains(
            r#"class="pivot-row-head pivot-total"><span class="pivot-label">Totals</span>"#
        ));
        assert!(html.contains(r#"<td class="pivot-value pivot-total">12</td>"#));
        assert_eq!(html.matches("<tr>").count(), 1 + 4);
    }

    #[test]
    fn indent_mode_gives_each_node_its_own_row() {
        let page = sample();
        let titles = titles();
        let html = pivot_table(&PivotFrame {
            title: "Sales",
            left_titles: &titles,
            indent: true,
            page: &page,
        });
        assert!(html.contains(r#"<th scope="col" class="pivot-dim">Region / Country</th>"#));
        assert!(html.contains(r#"<tr class="pivot-group"><th scope="row" class="pivot-level-0">"#));
        assert!(html.contains(r#"<th scope="row" class="pivot-level-1"><button type="button" class="pivot-select" data-pivot="select" data-top="0" data-row="10" data-col="1">Japan</button>"#));
        assert!(!html.contains("rowspan=\"2\""));
    }
}
