//! Server functions of pivot tables: a window of rows, expand and collapse
//! (engine state, shared by every tab: one change event, as a selection),
//! and a selection through a dimension cell. Each checks that the object is
//! one of the page's pivots (404) and that the cell is inside it (400).

use leptos::prelude::*;

use crate::dashboard::pivot_view::PivotView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use crate::dashboard::api::server::OnPage;
    use crate::dashboard::mapping::{self, MasterView, PivotShape};
    use crate::dashboard::object_id::{ObjectId, ObjectKind};
    use crate::dashboard::pivot_view::PivotView;
    use crate::error::AppError;

    /// One of the page's pivots: its id, title and shape now.
    pub struct FoundPivot {
        pub id: ObjectId,
        pub title: String,
        pub shape: PivotShape,
    }

    /// The page's pivot `object_id` (a configured one, or a master object
    /// shown as one), or 404.
    pub async fn find(on: &OnPage, object_id: &str) -> Result<FoundPivot, AppError> {
        let no_pivot = || AppError::NotFound("This pivot table does not exist.".into());
        let Ok(id) = object_id.parse::<ObjectId>();
        let config = on.config();
        let configured = id
            .index_of(ObjectKind::Pivot)
            .and_then(|i| config.pivots.get(i))
            .map(|p| p.title.clone());
        let master = config.masters.iter().find(|m| m.id == object_id);
        if configured.is_none() && master.is_none() {
            return Err(no_pivot());
        }
        let raw = on.raw_layout(&id).await?;
        let title = match (configured, master) {
            (Some(title), _) => title,
            (None, Some(master)) => match mapping::master_view(master, &raw) {
                MasterView::Pivot(def) => def.title,
                _ => return Err(no_pivot()),
            },
            (None, None) => return Err(no_pivot()),
        };
        let layout = mapping::parse_layout(raw);
        let cube = layout
            .hyper_cube
            .as_ref()
            .filter(|_| mapping::is_pivot(&layout))
            .ok_or_else(no_pivot)?;
        Ok(FoundPivot {
            id,
            title,
            shape: PivotShape::of(cube),
        })
    }

    /// The view of the pivot's window starting at `first_row` (fetched
    /// from the engine: at most 10,000 cells).
    pub async fn window(
        on: &OnPage,
        pivot: &FoundPivot,
        first_row: u32,
    ) -> Result<PivotView, AppError> {
        let pages = on
            .engine
            .pivot_pages(&on.page.hub_id(&pivot.id), &[pivot.shape.window(first_row)])
            .await?;
        let page = pages.into_iter().next().unwrap_or_default();
        Ok(mapping::pivot(
            &pivot.id,
            &pivot.title,
            &pivot.shape,
            &page,
            first_row,
        ))
    }

    /// Checks that a cell of a left (`top` false: `row` a data row, `col`
    /// a left level) or top (`row` a top level, `col` a data column) header
    /// is inside the pivot.
    pub fn check_cell(pivot: &FoundPivot, top: bool, row: u32, col: u32) -> Result<(), AppError> {
        let shape = &pivot.shape;
        let (rows, cols, what) = if top {
            (shape.top() as u32, shape.columns, "top levels and")
        } else {
            (shape.rows, shape.left as u32, "rows and left levels:")
        };
        if row >= rows || col >= cols {
            let detail = if top {
                format!("{rows} {what} {cols} columns")
            } else {
                format!("{rows} {what} {cols}")
            };
            return Err(AppError::BadInput(format!(
                "This pivot table has {detail}: there is no cell at row {row}, column {col}."
            )));
        }
        Ok(())
    }
}

/// A window of a pivot table's rows, starting at `first_row`, as expanded
/// now.
#[server(prefix = "/api", endpoint = "pivot-window", output = crate::codec::JsonText)]
pub async fn pivot_window(
    page: Option<String>,
    object_id: String,
    first_row: u32,
) -> Result<PivotView, AppError> {
    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        let pivot = server::find(&on, &object_id).await?;
        if first_row > 0 && first_row >= pivot.shape.rows {
            return Err(AppError::BadInput(format!(
                "This pivot table has {} rows: a window cannot start at row {first_row}.",
                pivot.shape.rows
            )));
        }
        server::window(&on, &pivot, first_row).await
    })
    .await
}

/// Expands (or collapses) a node of a pivot table for the user's engine
/// session: a left node (`top` false) at data row `row` and left level
/// `col`, or a top node at top level `row` and data column `col`. Every tab
/// of the user hears one change and shows it.
#[server(prefix = "/api", endpoint = "toggle-pivot", output = crate::codec::JsonText)]
pub async fn toggle_pivot(
    page: Option<String>,
    object_id: String,
    top: bool,
    expand: bool,
    row: u32,
    col: u32,
) -> Result<(), AppError> {
    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        let pivot = server::find(&on, &object_id).await?;
        server::check_cell(&pivot, top, row, col)?;
        let toggle = hub::PivotToggle {
            top,
            expand,
            row: i64::from(row),
            col: i64::from(col),
            all: false,
        };
        on.engine
            .toggle_pivot(&on.page.hub_id(&pivot.id), toggle)
            .await?;
        Ok(())
    })
    .await
}

/// Selects the value of a dimension cell of a pivot table (coordinates as
/// for [`toggle_pivot`]), as a click on it does in Qlik.
#[server(prefix = "/api", endpoint = "select-in-pivot", output = crate::codec::JsonText)]
pub async fn select_in_pivot(
    page: Option<String>,
    object_id: String,
    top: bool,
    row: u32,
    col: u32,
) -> Result<(), AppError> {
    use qlik::qix::layout::NxSelectionCell;

    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        let pivot = server::find(&on, &object_id).await?;
        server::check_cell(&pivot, top, row, col)?;
        let cell = NxSelectionCell {
            r#type: Some(if top { "T" } else { "L" }.into()),
            row: i32::try_from(row).ok(),
            col: i32::try_from(col).ok(),
        };
        let selected = on
            .engine
            .select_pivot_cells(&on.page.hub_id(&pivot.id), &[cell])
            .await?;
        if !selected {
            return Err(AppError::BadInput(
                "This cell is a total or a measure: it selects nothing.".into(),
            ));
        }
        Ok(())
    })
    .await
}
