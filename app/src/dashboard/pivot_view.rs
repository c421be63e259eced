//! The view of a pivot table: drawn on the server as one HTML table (no
//! per-cell view in the front end), with the window of rows it shows.

use serde::{Deserialize, Serialize};

use super::object_id::ObjectId;

/// A window of a pivot table's rows, drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PivotView {
    /// Dashboard object id.
    pub id: ObjectId,
    /// Heading.
    pub title: String,
    /// The window as one `<table>` written on the server, every text from
    /// the layout escaped: row and column headers as `th` with `scope`,
    /// expand/collapse and select buttons carrying the engine's
    /// coordinates (`data-pivot`, `data-top`, `data-row`, `data-col`).
    pub html: String,
    /// First data row of the window.
    pub first_row: u32,
    /// Data rows in the window.
    pub rows: u32,
    /// Data rows of the pivot as expanded now.
    pub total_rows: u32,
    /// Rows per window (at most 10,000 cells).
    pub page_size: u32,
}

impl PivotView {
    /// "1–100 of 480" (or "No rows").
    pub fn range_text(&self) -> String {
        if self.total_rows == 0 || self.rows == 0 {
            return "No rows".to_owned();
        }
        let last = self.first_row + self.rows;
        format!("{}–{} of {}", self.first_row + 1, last, self.total_rows)
    }

    /// Whether an earlier window exists.
    pub fn has_previous(&self) -> bool {
        self.first_row > 0
    }

    /// Whether a later window exists.
    pub fn has_next(&self) -> bool {
        self.first_row + self.rows < self.total_rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_texts() {
        let mut view = PivotView {
            id: ObjectId::Master("p".into()),
            title: "P".into(),
            html: String::new(),
            first_row: 100,
            rows: 100,
            total_rows: 230,
            page_size: 100,
        };
        assert_eq!(view.range_text(), "101–200 of 230");
        assert!(view.has_previous() && view.has_next());
        view.first_row = 200;
        view.rows = 30;
        assert!(!view.has_next());
        view.rows = 0;
        assert_eq!(view.range_text(), "No rows");
    }
}
