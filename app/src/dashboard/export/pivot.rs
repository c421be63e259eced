//! A pivot table as rows for the download writers, page by page as the
//! engine gives them (`GetHyperCubePivotData`, at most 10,000 cells each),
//! as the user has it expanded:
//!
//! - **flat** (CSV): one column per dimension (the left ones, then the top
//!   ones), then one per measure; one line per left row and top column
//!   group. A collapsed node leaves the levels below it empty; totals are
//!   lines of their own (their dimension cell says the total's label).
//! - **cross-tab** (Excel): the pivot as displayed: the left levels as the
//!   first columns, their values repeated on every row, then one column per
//!   data column, headed by its top path ("2024 · Sales").

use std::sync::Arc;

use qlik::qix::NxPage;
use qlik::qix::layout::{
    GenericObjectLayout, NxCell, NxCellRows, NxPivotDimensionCell, NxPivotPage, NxPivotValuePoint,
};

use super::{Export, Source, too_large};
use crate::dashboard::mapping::{self, PivotShape};
use crate::error::AppError;

use crate::dashboard::mapping::pivot::MEASURES_TITLE as MEASURES;

/// The export of a pivot (`layout` in pivot mode), flat until arranged
/// otherwise; refused past `max_rows` lines.
pub(super) fn prepare(
    max_rows: u32,
    engine: Arc<hub::EngineSession>,
    hub_id: String,
    title: String,
    layout: &GenericObjectLayout,
) -> Result<Export, AppError> {
    let cube = layout.hyper_cube.clone().unwrap_or_default();
    let shape = PivotShape::of(&cube);
    let (_, measures) = mapping::column_titles(&cube);
    let columns = PivotColumns::new(&shape, MEASURES, measures);
    let per_line = match columns.top_pseudo {
        Some(_) => columns.measures.len().max(1) as u32,
        None => 1,
    };
    let lines = shape.rows.saturating_mul((shape.columns / per_line).max(1));
    if lines > max_rows {
        return Err(too_large(&title, lines, max_rows));
    }
    let headers = columns.headers(Arrangement::Flat, &[]);
    let dimensions = columns.flat_dimensions().len();
    Ok(Export {
        title,
        dimensions,
        headers,
        rows: lines,
        source: Source::Pivot(PivotSource {
            engine,
            hub_id,
            pages: mapping::whole_cube_pages(shape.window_width(), shape.rows).into_iter(),
            first: shape.window(0),
            columns,
            arrangement: Arrangement::Flat,
        }),
    })
}

/// Pages of a pivot, fetched one at a time and arranged.
pub(super) struct PivotSource {
    engine: Arc<hub::EngineSession>,
    hub_id: String,
    pages: std::vec::IntoIter<NxPage>,
    /// The first window (its top tree names the cross-tab's columns).
    first: NxPage,
    columns: PivotColumns,
    arrangement: Arrangement,
}

impl PivotSource {
    /// Switches to the cross-tab: its header row and its count of
    /// dimension columns.
    pub(super) async fn as_displayed(&mut self) -> Result<(Vec<String>, usize), AppError> {
        self.arrangement = Arrangement::CrossTab;
        let first = self.fetch(self.first).await?;
        let paths = top_paths(&self.columns, &first);
        Ok((
            self.columns.headers(Arrangement::CrossTab, &paths),
            self.columns.left.len(),
        ))
    }

    async fn fetch(&self, page: NxPage) -> Result<NxPivotPage, AppError> {
        let pages = self.engine.pivot_pages(&self.hub_id, &[page]).await?;
        Ok(pages.into_iter().next().unwrap_or_default())
    }

    pub(super) async fn next_page(&mut self) -> Result<Option<Vec<NxCellRows>>, AppError> {
        let Some(page) = self.pages.next() else {
            return Ok(None);
        };
        let rows = page_rows(&self.columns, self.arrangement, &self.fetch(page).await?);
        if rows.is_empty() {
            // Fewer rows than the layout said (the pivot changed meanwhile).
            self.pages = Vec::new().into_iter();
            return Ok(None);
        }
        Ok(Some(rows))
    }
}

/// How the pivot is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// One column per dimension, then the measures (CSV).
    Flat,
    /// As displayed: left levels, then the data columns (Excel).
    CrossTab,
}

/// The pivot's levels as a download sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct PivotColumns {
    /// Left level titles.
    pub left: Vec<String>,
    /// Top level titles.
    pub top: Vec<String>,
    /// The measures' titles.
    pub measures: Vec<String>,
    /// Which left level is the measures' (the pseudo dimension), if any.
    pub left_pseudo: Option<usize>,
    /// Which top level is the measures', if any.
    pub top_pseudo: Option<usize>,
}

impl PivotColumns {
    /// From the shape of the layout and its measure titles.
    pub fn new(shape: &PivotShape, pseudo_title: &str, measures: Vec<String>) -> Self {
        let left = shape.titles[..shape.left].to_vec();
        let top = shape.titles[shape.left..].to_vec();
        // The measures' level is a pseudo dimension only with two or more.
        let pseudo = |titles: &[String]| {
            (measures.len() > 1)
                .then(|| titles.iter().position(|t| t == pseudo_title))
                .flatten()
        };
        Self {
            left_pseudo: pseudo(&left),
            top_pseudo: pseudo(&top),
            left,
            top,
            measures,
        }
    }

    /// The header row of the file.
    pub fn headers(&self, arrangement: Arrangement, top_paths: &[Vec<String>]) -> Vec<String> {
        match arrangement {
            Arrangement::CrossTab => self
                .left
                .iter()
                .cloned()
                .chain(top_paths.iter().map(|path| path.join(" · ")))
                .collect(),
            Arrangement::Flat => {
                let dims = self.flat_dimensions();
                let values: Vec<String> = if self.top_pseudo.is_some() || self.left_pseudo.is_none()
                {
                    self.measures.clone()
                } else {
                    vec!["Value".to_owned()]
                };
                dims.into_iter().chain(values).collect()
            }
        }
    }

    /// The dimension columns of a flat file: every level but the measures'
    /// on top (a left measures level stays: it names each line's measure).
    pub(super) fn flat_dimensions(&self) -> Vec<String> {
        let top = self
            .top
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != self.top_pseudo)
            .map(|(_, t)| t.clone());
        self.left.iter().cloned().chain(top).collect()
    }
}

/// The path of texts from the root to each leaf of a tree (one per data row
/// or column of the page), `depth` long (empty below a collapsed node).
pub fn leaf_paths(nodes: &[NxPivotDimensionCell], depth: usize) -> Vec<Vec<String>> {
    fn walk(
        nodes: &[NxPivotDimensionCell],
        path: &mut Vec<String>,
        depth: usize,
        out: &mut Vec<Vec<String>>,
    ) {
        for node in nodes {
            path.push(node.text().to_owned());
            if node.sub_nodes().is_empty() {
                let mut leaf = path.clone();
                leaf.resize(depth.max(leaf.len()), String::new());
                out.push(leaf);
            } else {
                walk(node.sub_nodes(), path, depth, out);
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(nodes, &mut Vec::new(), depth, &mut out);
    out
}

fn text_cell(text: &str) -> NxCell {
    NxCell {
        text: Some(text.to_owned()),
        ..NxCell::default()
    }
}

fn value_cell(point: Option<&NxPivotValuePoint>) -> NxCell {
    NxCell {
        text: Some(point.and_then(|p| p.text.clone()).unwrap_or_default()),
        num: point.and_then(|p| p.num),
        ..NxCell::default()
    }
}

/// The rows of one pivot page, arranged.
pub fn page_rows(
    columns: &PivotColumns,
    arrangement: Arrangement,
    page: &NxPivotPage,
) -> Vec<NxCellRows> {
    let left = leaf_paths(page.left.as_deref().unwrap_or_default(), columns.left.len());
    let top = leaf_paths(page.top.as_deref().unwrap_or_default(), columns.top.len());
    let data = page.data.as_deref().unwrap_or_default();
    let mut rows = Vec::new();
    for (r, values) in data.iter().enumerate() {
        let left_path = left.get(r).cloned().unwrap_or_default();
        let left_cells = || left_path.iter().map(|t| text_cell(t));
        match arrangement {
            Arrangement::CrossTab => {
                let row = left_cells()
                    .chain((0..values.len()).map(|c| value_cell(values.get(c))))
                    .collect();
                rows.push(row);
            }
            Arrangement::Flat => {
                // Consecutive columns with the same path above the measures'
                // level form one line.
                let mut c = 0;
                while c < values.len().max(top.len()) && c < values.len() {
                    let group_path = |at: usize| -> Vec<String> {
                        top.get(at)
                            .map(|p| {
                                p.iter()
                                    .enumerate()
                                    .filter(|(i, _)| Some(*i) != columns.top_pseudo)
                                    .map(|(_, t)| t.clone())
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let path = group_path(c);
                    let width = if columns.top_pseudo.is_some() {
                        columns.measures.len().max(1)
                    } else {
                        1
                    };
                    let mut row: NxCellRows = left_cells().collect();
                    row.extend(path.iter().map(|t| text_cell(t)));
                    row.extend((c..c + width).map(|i| value_cell(values.get(i))));
                    rows.push(row);
                    c += width;
                }
            }
        }
    }
    rows
}

/// The top paths of a page (the cross-tab's column headers).
pub fn top_paths(columns: &PivotColumns, page: &NxPivotPage) -> Vec<Vec<String>> {
    leaf_paths(page.top.as_deref().unwrap_or_default(), columns.top.len())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn columns() -> PivotColumns {
        let shape = PivotShape {
            titles: vec![
                "Region".into(),
                "Country".into(),
                "Year".into(),
                "Measures".into(),
            ],
            left: 2,
            columns: 4,
            rows: 3,
            indent: false,
        };
        PivotColumns::new(&shape, "Measures", vec!["Sales".into(), "Orders".into()])
    }

    fn page() -> NxPivotPage {
        serde_json::from_value(json!({
            "qLeft": [
                {"qText": "APAC", "qSubNodes": [{"qText": "Japan"}, {"qText": "India"}]},
                {"qText": "Totals", "qType": "T", "qSubNodes": []}],
            "qTop": [
                {"qText": "2024", "qSubNodes": [{"qText": "Sales", "qType": "P"}, {"qText": "Orders", "qType": "P"}]},
                {"qText": "2025", "qSubNodes": [{"qText": "Sales", "qType": "P"}, {"qText": "Orders", "qType": "P"}]}],
            "qData": [
                [{"qText": "1", "qNum": 1}, {"qText": "2", "qNum": 2}, {"qText": "3", "qNum": 3}, {"qText": "4", "qNum": 4}],
                [{"qText": "5", "qNum": 5}, {"qText": "6", "qNum": 6}, {"qText": "7", "qNum": 7}, {"qText": "8", "qNum": 8}],
                [{"qText": "9", "qNum": 9}, {"qText": "-", "qNum": "NaN"}, {"qText": "11", "qNum": 11}, {"qText": "12", "qNum": 12}]]
        }))
        .unwrap()
    }

    fn texts(rows: &[NxCellRows]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.text().to_owned()).collect())
            .collect()
    }

    #[test]
    fn flat_lines_have_every_dimension_then_the_measures() {
        let columns = columns();
        assert_eq!(
            columns.headers(Arrangement::Flat, &[]),
            ["Region", "Country", "Year", "Sales", "Orders"]
        );
        let rows = page_rows(&columns, Arrangement::Flat, &page());
        assert_eq!(
            texts(&rows),
            [
                ["APAC", "Japan", "2024", "1", "2"],
                ["APAC", "Japan", "2025", "3", "4"],
                ["APAC", "India", "2024", "5", "6"],
                ["APAC", "India", "2025", "7", "8"],
                ["Totals", "", "2024", "9", "-"],
                ["Totals", "", "2025", "11", "12"],
            ]
        );
        assert_eq!(rows[0][3].number(), Some(1.0));
        assert_eq!(rows[4][4].number(), None);
    }

    #[test]
    fn the_cross_tab_repeats_left_headers_and_names_columns_by_their_top_path() {
        let columns = columns();
        let page = page();
        assert_eq!(
            columns.headers(Arrangement::CrossTab, &top_paths(&columns, &page)),
            [
                "Region",
                "Country",
                "2024 · Sales",
                "2024 · Orders",
                "2025 · Sales",
                "2025 · Orders"
            ]
        );
        let rows = page_rows(&columns, Arrangement::CrossTab, &page);
        assert_eq!(texts(&rows)[1], ["APAC", "India", "5", "6", "7", "8"]);
        assert_eq!(texts(&rows)[2][..2], ["Totals", ""]);
    }
}
