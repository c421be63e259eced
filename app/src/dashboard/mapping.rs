//! Server side: the engine objects the dashboard needs, and how their Qlik
//! layouts become view models.
//!
//! - [`properties`]: the generic-object properties of the configured objects;
//! - [`drawn`]: master objects drawn by `crates/charts`, or their cards;
//! - [`masters`]: how an app master object is shown, decided from its layout;
//! - [`pivot`], [`pivot_html`]: pivot tables, and their pages drawn as HTML;
//! - [`views`]: layouts → view models;
//! - [`rows`]: whole-cube paging;
//! - [`sorting`]: a table's sort, as soft patches of its engine object.

pub mod drawn;
pub mod masters;
pub mod pivot;
pub mod pivot_html;
pub mod properties;
pub mod rows;
pub mod sorting;
pub mod views;

pub use drawn::drawn;
pub use masters::{DrawnDef, MasterView, master_table, master_view, visualization};
pub use pivot::{PivotShape, is_pivot, pivot};
pub use properties::dashboard_objects;
pub use rows::whole_cube_pages;
pub use sorting::{sort_patches, table_sort};
pub use views::{column_titles, kpi, list_box, parse_layout, parse_pages, selections, table};

/// Most values a list box shows.
pub const LIST_BOX_ROWS: u32 = 500;
/// Most points a chart shows.
pub const CHART_POINTS: u32 = 200;
/// Most cells the engine returns in one page (Qlik's limit).
pub const MAX_PAGE_CELLS: u32 = 10_000;
