//! What the dashboard components render: plain data, no Qlik handles, ids of
//! Qlik sessions or hosts. Built on the server, sent to the browser as is.

use serde::{Deserialize, Serialize};

use super::object_id::ObjectId;
use super::pages::PageLink;
pub use super::pivot_view::PivotView;

/// A value's selection state, after Qlik's letters and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValueState {
    /// `S`: selected (green, white text).
    Selected,
    /// `O`: possible (white).
    Possible,
    /// `A`: alternative (light grey).
    Alternative,
    /// `X`: excluded (dark grey).
    Excluded,
    /// `XS`: selected, but excluded by another field (dark grey).
    SelectedExcluded,
    /// `L`: locked.
    Locked,
}

impl ValueState {
    /// From Qlik's `qState` letter(s); unknown letters count as possible.
    pub fn from_letter(letter: &str) -> Self {
        match letter {
            "S" => ValueState::Selected,
            "A" => ValueState::Alternative,
            "X" | "XL" => ValueState::Excluded,
            "XS" => ValueState::SelectedExcluded,
            "L" => ValueState::Locked,
            _ => ValueState::Possible,
        }
    }

    /// The CSS class that gives the value Qlik's colour.
    pub fn css_class(self) -> &'static str {
        match self {
            ValueState::Selected => "state-selected",
            ValueState::Possible => "state-possible",
            ValueState::Alternative => "state-alternative",
            ValueState::Excluded => "state-excluded",
            ValueState::SelectedExcluded => "state-selected-excluded",
            ValueState::Locked => "state-locked",
        }
    }

    /// Qlik's background colour for the state.
    pub fn colour(self) -> &'static str {
        match self {
            ValueState::Selected | ValueState::Locked => "#00873D",
            ValueState::Possible => "#FFFFFF",
            ValueState::Alternative => "#E4E4E4",
            ValueState::Excluded | ValueState::SelectedExcluded => "#A9A9A9",
        }
    }

    /// True for values that show as selected.
    pub fn is_selected(self) -> bool {
        matches!(
            self,
            ValueState::Selected | ValueState::SelectedExcluded | ValueState::Locked
        )
    }
}

/// One value of a list box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListValue {
    /// The text shown.
    pub text: String,
    /// The engine's element number (what a click selects).
    pub elem: i64,
    /// Its state.
    pub state: ValueState,
}

/// A list box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListBoxView {
    /// Dashboard object id.
    pub id: ObjectId,
    /// Heading.
    pub heading: String,
    /// Values in display order.
    pub values: Vec<ListValue>,
    /// How many values are selected.
    pub selected: u32,
    /// How many distinct values the field has.
    pub total: u32,
}

/// A key figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiView {
    /// Dashboard object id.
    pub id: ObjectId,
    /// Label.
    pub label: String,
    /// The formatted value, or a dash when it cannot be computed.
    pub text: String,
}

/// A master object drawn on the server by `crates/charts`, or shown as a
/// card (a type it does not draw).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawnView {
    /// Dashboard object id.
    pub id: ObjectId,
    /// Heading.
    pub title: String,
    /// What the object is (`visualization`, else `qInfo.qType`).
    pub visualization: String,
    /// The chart as `charts::render` wrote it: a `<figure>` in which every
    /// text from the layout is escaped. `None`: shown as a card.
    pub html: Option<String>,
    /// A card's data ("Show data"), when the object has a hypercube.
    pub data: Option<TableView>,
    /// The object has a hypercube: CSV/XLSX downloads are offered.
    pub downloadable: bool,
}

/// How a table is sorted by the user (by default: the engine's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSort {
    /// Column index (dimensions first, then measures).
    pub column: usize,
    /// Largest (or last) first.
    pub descending: bool,
}

/// A page of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableView {
    /// Dashboard object id.
    pub id: ObjectId,
    /// Heading.
    pub title: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// Which columns are numeric (right-aligned).
    pub numeric: Vec<bool>,
    /// The rows of this page, as text.
    pub rows: Vec<Vec<String>>,
    /// All rows of the table.
    pub total_rows: u32,
    /// First row of this page.
    pub first_row: u32,
    /// Rows per page.
    pub page_size: u32,
    /// The user's sort, if any (the engine object's state).
    pub sort: Option<TableSort>,
}

impl TableView {
    /// "21–40 of 480" (or "No rows").
    pub fn range_text(&self) -> String {
        if self.total_rows == 0 || self.rows.is_empty() {
            return "No rows".to_owned();
        }
        let last = self.first_row as usize + self.rows.len();
        format!("{}–{} of {}", self.first_row + 1, last, self.total_rows)
    }

    /// Whether an earlier page exists.
    pub fn has_previous(&self) -> bool {
        self.first_row > 0
    }

    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        (self.first_row as usize + self.rows.len()) < self.total_rows as usize
    }
}

/// One field in the current-selections bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionChip {
    /// Field name.
    pub field: String,
    /// "EMEA, APAC" or "3 of 10".
    pub summary: String,
}

/// The current-selections bar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelectionsView {
    /// One chip per field with a selection.
    pub chips: Vec<SelectionChip>,
    /// A step back is possible.
    pub can_back: bool,
    /// A step forward is possible.
    pub can_forward: bool,
}

/// Everything on a dashboard page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    /// The page's name (empty for the home page): what its server calls name.
    pub page: String,
    /// Links to every page (the navigation; one page: none shown).
    pub nav: Vec<PageLink>,
    /// Page title.
    pub title: String,
    /// Current selections.
    pub selections: SelectionsView,
    /// List boxes.
    pub filters: Vec<ListBoxView>,
    /// Key figures.
    pub kpis: Vec<KpiView>,
    /// Tables.
    pub tables: Vec<TableView>,
    /// Master objects drawn by `crates/charts`, and cards.
    pub drawn: Vec<DrawnView>,
    /// Pivot tables (configured, and master objects shown as pivots).
    pub pivots: Vec<PivotView>,
    /// The page's sheet, when it names one: its cells are objects of the
    /// lists above, shown on the sheet's grid rather than in their sections.
    pub sheet: Option<SheetView>,
    /// Set when this is a kept view served while Qlik is away or slow.
    #[serde(default)]
    pub stale: Option<super::stale::StaleNotice>,
}

/// A Qlik sheet on a page: its grid's classes and cells in reading order,
/// or a notice when it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetView {
    /// The grid's CSS classes.
    pub class: String,
    /// The cells, in reading order (row, then column).
    pub cells: Vec<SheetCellView>,
    /// Why the sheet is not shown, when it is not.
    pub notice: Option<String>,
}

/// One cell of a sheet: its placement classes and the objects it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetCellView {
    /// The cell's CSS classes.
    pub class: String,
    /// The objects shown: one, or a filter pane's list boxes.
    pub slots: Vec<CellSlot>,
}

/// An object of the page's lists, by list and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CellSlot {
    /// `filters[i]`.
    Filter(usize),
    /// `tables[i]`.
    Table(usize),
    /// `drawn[i]`.
    Drawn(usize),
    /// `pivots[i]`.
    Pivot(usize),
}

/// One of the user's bookmarks (saved selections of the page's app).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookmarkView {
    /// The bookmark's id.
    pub id: String,
    /// Its name.
    pub title: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_map_to_qlik_colours() {
        assert_eq!(ValueState::from_letter("S").colour(), "#00873D");
        assert_eq!(ValueState::from_letter("O").colour(), "#FFFFFF");
        assert_eq!(ValueState::from_letter("A").colour(), "#E4E4E4");
        assert_eq!(ValueState::from_letter("X").colour(), "#A9A9A9");
        assert_eq!(ValueState::from_letter("XS"), ValueState::SelectedExcluded);
        assert!(ValueState::from_letter("XS").is_selected());
        assert!(!ValueState::from_letter("A").is_selected());
        assert_eq!(ValueState::from_letter("?"), ValueState::Possible);
    }

    #[test]
    fn table_paging_texts() {
        let mut table = TableView {
            id: ObjectId::Master("t".into()),
            title: "T".into(),
            headers: vec![],
            numeric: vec![],
            rows: vec![vec![]; 20],
            total_rows: 45,
            first_row: 20,
            page_size: 20,
            sort: None,
        };
        assert_eq!(table.range_text(), "21–40 of 45");
        assert!(table.has_previous() && table.has_next());
        table.first_row = 40;
        table.rows.truncate(5);
        assert_eq!(table.range_text(), "41–45 of 45");
        assert!(!table.has_next());
        table.rows.clear();
        table.total_rows = 0;
        assert_eq!(table.range_text(), "No rows");
    }
}
