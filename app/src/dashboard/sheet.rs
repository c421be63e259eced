//! A Qlik sheet shown as a page: its grid (`columns` × `rows`) and its
//! cells (the object `name` at `col`/`row`, `colspan` × `rowspan` wide),
//! read from the sheet's layout, and their placement as CSS classes of
//! [`SHEETS_STYLESHEET_PATH`] (the CSP allows no inline style).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::view_model::{CellSlot, SheetCellView, SheetView};

/// Where the placement classes of every sheet are served.
pub const SHEETS_STYLESHEET_PATH: &str = "/sheets.css";

/// Qlik's default sheet grid when a sheet names none: 24 columns × 12 rows.
const DEFAULT_COLUMNS: u32 = 24;
const DEFAULT_ROWS: u32 = 12;
/// Largest grid accepted (a sheet naming more is clamped to it).
const MAX_TRACKS: u32 = 256;

/// One cell of a sheet: the object drawn and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetCell {
    /// The object's id (the cell's `name`).
    pub id: String,
    /// First column (from 0).
    pub col: u32,
    /// First row (from 0).
    pub row: u32,
    /// Columns taken (1 or more).
    pub colspan: u32,
    /// Rows taken (1 or more).
    pub rowspan: u32,
    /// The cell's `type` (its object's visualization), as the sheet says.
    pub kind: String,
    /// The objects shown in the cell: the object itself, or a filter
    /// pane's list boxes (its children).
    pub parts: Vec<String>,
}

impl SheetCell {
    /// The CSS classes placing the cell on its grid (wide screens).
    pub fn class(&self) -> String {
        format!(
            "sheet-cell sc-{}-{} sr-{}-{}",
            self.col, self.colspan, self.row, self.rowspan
        )
    }
}

/// A sheet's grid and its cells, in reading order (row, then column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetGrid {
    /// Columns of the grid.
    pub columns: u32,
    /// Rows of the grid (at least the last row a cell takes).
    pub rows: u32,
    /// The cells, in reading order.
    pub cells: Vec<SheetCell>,
}

impl SheetGrid {
    /// The CSS classes of the grid (its tracks on wide screens).
    pub fn class(&self) -> String {
        format!("sheet-grid sg-{}x{}", self.columns, self.rows)
    }
}

/// What a page needs of its sheet: its title and its grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLayout {
    /// `qMeta.title`, else the `title` property, else the sheet's id.
    pub title: String,
    /// Its grid and cells.
    pub grid: SheetGrid,
}

impl SheetLayout {
    /// From the sheet's layout as the engine sends it; an error says why it
    /// is no sheet.
    pub fn from_layout(layout: &Value) -> Result<Self, String> {
        let text = |pointer: &str| layout.pointer(pointer).and_then(Value::as_str);
        let kind = text("/qInfo/qType").unwrap_or_default();
        if kind != "sheet" {
            return Err(format!("the object is a {kind:?}, not a sheet"));
        }
        let title = [text("/qMeta/title"), text("/title"), text("/qInfo/qId")]
            .into_iter()
            .flatten()
            .find(|t| !t.trim().is_empty())
            .unwrap_or_default()
            .to_owned();
        let cells = layout
            .get("cells")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let number = |value: &Value, key: &str| value.get(key).and_then(Value::as_u64);
        let columns = number(layout, "columns").map_or(DEFAULT_COLUMNS, |c| c as u32);
        let rows = number(layout, "rows").map_or(DEFAULT_ROWS, |r| r as u32);
        let cells = cells
            .iter()
            .filter_map(|cell| {
                let id = cell.get("name").and_then(Value::as_str)?;
                let at = |key| number(cell, key).unwrap_or(0) as u32;
                let span = |key| number(cell, key).unwrap_or(1).max(1) as u32;
                let kind = cell.get("type").and_then(Value::as_str).unwrap_or_default();
                Some((
                    id.to_owned(),
                    kind.to_owned(),
                    at("col"),
                    at("row"),
                    span("colspan"),
                    span("rowspan"),
                ))
            })
            .collect::<Vec<_>>();
        Ok(Self {
            title,
            grid: place_kinds(columns, rows, cells),
        })
    }
}

/// The grid of `columns` × `rows` with `cells` (`id`, `col`, `row`,
/// `colspan`, `rowspan`) kept inside its columns, in reading order; the rows
/// grow to hold the last cell (Qlik's extended sheets).
pub fn place(columns: u32, rows: u32, cells: Vec<(String, u32, u32, u32, u32)>) -> SheetGrid {
    let cells = cells
        .into_iter()
        .map(|(id, col, row, colspan, rowspan)| (id, String::new(), col, row, colspan, rowspan))
        .collect();
    place_kinds(columns, rows, cells)
}

/// As [`place`], with each cell's `type`.
fn place_kinds(
    columns: u32,
    rows: u32,
    cells: Vec<(String, String, u32, u32, u32, u32)>,
) -> SheetGrid {
    let columns = columns.clamp(1, MAX_TRACKS);
    let mut placed: Vec<SheetCell> = cells
        .into_iter()
        .map(|(id, kind, col, row, colspan, rowspan)| {
            let col = col.min(columns - 1);
            let row = row.min(MAX_TRACKS - 1);
            SheetCell {
                parts: vec![id.clone()],
                kind,
                id,
                col,
                row,
                colspan: colspan.clamp(1, columns - col),
                rowspan: rowspan.clamp(1, MAX_TRACKS - row),
            }
        })
        .collect();
    placed.sort_by_key(|cell| (cell.row, cell.col));
    let last_row = placed.iter().map(|c| c.row + c.rowspan).max().unwrap_or(0);
    SheetGrid {
        columns,
        rows: rows.clamp(1, MAX_TRACKS).max(last_row),
        cells: placed,
    }
}

/// The placement classes of every grid in `grids`, each rule once.
pub fn stylesheet<'a>(grids: impl IntoIterator<Item = &'a SheetGrid>) -> String {
    let mut rules = BTreeSet::new();
    for grid in grids {
        rules.insert(format!(
            ".sg-{c}x{r} {{ grid-template-columns: repeat({c}, minmax(0, 1fr)); \
             grid-template-rows: repeat({r}, minmax(3rem, auto)); }}",
            c = grid.columns,
            r = grid.rows
        ));
        for cell in &grid.cells {
            rules.insert(format!(
                ".sc-{}-{} {{ grid-column: {} / span {}; }}",
                cell.col,
                cell.colspan,
                cell.col + 1,
                cell.colspan
            ));
            rules.insert(format!(
                ".sr-{}-{} {{ grid-row: {} / span {}; }}",
                cell.row,
                cell.rowspan,
                cell.row + 1,
                cell.rowspan
            ));
        }
    }
    let mut css = String::from("/* Placement of the cells of the pages' Qlik sheets. */\n");
    for rule in rules {
        let _ = writeln!(css, "{rule}");
    }
    css
}

/// The view of sheet `sheet_id`: its grid's cells (in reading order) with
/// the slot each cell's object took on the page (`slots`, by object id), or
/// a notice when the sheet was not read at start-up.
pub fn sheet_view<S: std::hash::BuildHasher>(
    sheet_id: &str,
    grid: Option<&SheetGrid>,
    slots: &std::collections::HashMap<&str, CellSlot, S>,
) -> SheetView {
    let Some(grid) = grid else {
        return SheetView {
            class: String::new(),
            cells: Vec::new(),
            notice: Some(format!(
                "The Qlik sheet \"{sheet_id}\" of this page could not be read: Qlik Sense \
                 could not be reached when the server started. It is shown once the server \
                 is restarted while Qlik Sense is up."
            )),
        };
    };
    // An empty sheet (its author placed nothing on it yet) says so.
    if grid.cells.is_empty() {
        return SheetView {
            class: String::new(),
            cells: Vec::new(),
            notice: Some(
                "This sheet is empty: nothing has been placed on it in Qlik Sense.".into(),
            ),
        };
    }
    SheetView {
        class: grid.class(),
        cells: grid
            .cells
            .iter()
            .map(|cell| SheetCellView {
                class: cell.class(),
                slots: cell
                    .parts
                    .iter()
                    .filter_map(|id| slots.get(id.as_str()).copied())
                    .collect(),
            })
            .collect(),
        notice: None,
    }
}

/// The view of a page of every sheet of app `app_id` when they could not
/// be listed at start-up: a notice.
pub fn sheets_unlisted(app_id: &str) -> SheetView {
    SheetView {
        class: String::new(),
        cells: Vec::new(),
        notice: Some(format!(
            "The sheets of the Qlik app \"{app_id}\" could not be listed: Qlik Sense could not \
             be reached when the server started. They are shown once the server is restarted \
             while Qlik Sense is up."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cell(
        id: &str,
        col: u32,
        row: u32,
        colspan: u32,
        rowspan: u32,
    ) -> (String, u32, u32, u32, u32) {
        (id.into(), col, row, colspan, rowspan)
    }

    #[test]
    fn cells_come_in_reading_order_row_then_column() {
        let grid = place(
            24,
            12,
            vec![
                cell("table", 14, 3, 10, 9),
                cell("bar", 4, 3, 10, 9),
                cell("margin", 14, 0, 10, 3),
                cell("filters", 0, 0, 4, 12),
                cell("sales", 4, 0, 10, 3),
            ],
        );
        let order: Vec<&str> = grid.cells.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(order, ["filters", "sales", "margin", "bar", "table"]);
        assert_eq!((grid.columns, grid.rows), (24, 12));
        assert_eq!(grid.cells[1].class(), "sheet-cell sc-4-10 sr-0-3");
    }

    #[test]
    fn cells_stay_inside_the_columns_and_rows_grow_to_the_last_cell() {
        let grid = place(
            24,
            12,
            vec![cell("wide", 20, 10, 10, 0), cell("low", 0, 14, 2, 4)],
        );
        assert_eq!(grid.cells[0].colspan, 4, "20 + 4 = 24 columns");
        assert_eq!(grid.cells[0].rowspan, 1, "a span is at least 1");
        assert_eq!(grid.rows, 18, "an extended sheet's rows");
        let grid = place(0, 0, vec![cell("x", 5, 0, 3, 1)]);
        assert_eq!(
            (grid.columns, grid.cells[0].col, grid.cells[0].colspan),
            (1, 0, 1)
        );
    }

    #[test]
    fn the_stylesheet_places_each_cell_once() {
        let grid = place(24, 12, vec![cell("a", 4, 0, 10, 3), cell("b", 4, 3, 10, 9)]);
        let css = stylesheet([&grid, &grid]);
        assert!(css.contains(".sg-24x12 { grid-template-columns: repeat(24, minmax(0, 1fr));"));
        assert!(css.contains(".sc-4-10 { grid-column: 5 / span 10; }"));
        assert!(css.contains(".sr-3-9 { grid-row: 4 / span 9; }"));
        assert_eq!(css.matches(".sc-4-10").count(), 1);
    }

    #[test]
    fn a_sheet_layout_gives_its_title_and_cells_and_other_objects_are_refused() {
        let layout = json!({
            "qInfo": {"qId": "s1", "qType": "sheet"},
            "qMeta": {"title": "Overview"},
            "columns": 24, "rows": 12,
            "cells": [
                {"name": "b", "type": "barchart", "col": 4, "row": 3, "colspan": 10, "rowspan": 9},
                {"type": "kpi", "col": 0, "row": 0},
                {"name": "a", "type": "kpi", "col": 0, "row": 0, "colspan": 4, "rowspan": 3}
            ]
        });
        let sheet = SheetLayout::from_layout(&layout).unwrap();
        assert_eq!(sheet.title, "Overview");
        let ids: Vec<&str> = sheet.grid.cells.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "a cell without a name is left out");
        let untitled = json!({"qInfo": {"qId": "s2", "qType": "sheet"}, "qMeta": {"title": ""}});
        let sheet = SheetLayout::from_layout(&untitled).unwrap();
        assert_eq!((sheet.title.as_str(), sheet.grid.columns), ("s2", 24));
        let chart = json!({"qInfo": {"qId": "c", "qType": "barchart"}});
        assert!(
            SheetLayout::from_layout(&chart)
                .unwrap_err()
                .contains("not a sheet")
        );
    }

    #[test]
    fn a_sheet_view_shows_its_cells_in_reading_order_or_a_notice() {
        let grid = place(24, 12, vec![cell("b", 4, 3, 10, 9), cell("a", 0, 0, 4, 12)]);
        let slots = std::collections::HashMap::from([
            ("a", CellSlot::Filter(0)),
            ("b", CellSlot::Drawn(2)),
        ]);
        let view = sheet_view("s", Some(&grid), &slots);
        assert_eq!(view.class, "sheet-grid sg-24x12");
        assert_eq!(view.cells[0].slots, [CellSlot::Filter(0)]);
        assert_eq!(view.cells[1].class, "sheet-cell sc-4-10 sr-3-9");
        assert!(view.notice.is_none());
        let unread = sheet_view("s", None, &slots);
        assert!(unread.cells.is_empty());
        assert!(unread.notice.unwrap().contains("\"s\""));
        let empty = sheet_view("s", Some(&place(24, 12, Vec::new())), &slots);
        assert!(empty.notice.unwrap().starts_with("This sheet is empty"));
    }
}
