//! Server functions of tables: a page of rows, and the sort. A table's sort
//! is the engine object's state, as in Qlik (soft patches the engine keeps
//! for the user's engine session: `mapping::sorting`), so a reload shows it,
//! every tab follows it and downloads come in its order.

use leptos::prelude::*;

use crate::dashboard::view_model::{TableSort, TableView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod server {
    use qlik::qix::layout::GenericObjectLayout;

    use crate::dashboard::api::server::OnPage;
    use crate::dashboard::config::TableDef;
    use crate::dashboard::mapping;
    use crate::dashboard::object_id::{ObjectId, ObjectKind};
    use crate::error::AppError;

    /// One of the page's tables: its id, definition and layout.
    pub struct FoundTable {
        pub id: ObjectId,
        pub def: TableDef,
        pub layout: GenericObjectLayout,
        /// Columns (dimensions, then measures) and rows.
        pub width: u32,
        pub total: u32,
        pub dimensions: usize,
    }

    /// The page's table `object_id` (a configured table, or a master object
    /// shown as one), or 404.
    pub async fn find(on: &OnPage, object_id: &str) -> Result<FoundTable, AppError> {
        let config = on.config();
        let no_table = || AppError::NotFound("This table does not exist.".into());
        let Ok(id) = object_id.parse::<ObjectId>();
        let configured = id
            .index_of(ObjectKind::Table)
            .and_then(|i| config.tables.get(i).cloned());
        let master = config.masters.iter().find(|m| m.id == object_id);
        if configured.is_none() && master.is_none() {
            return Err(no_table());
        }
        let raw = on.raw_layout(&id).await?;
        let def = configured.or_else(|| master.map(|m| mapping::master_table(m, &raw)));
        let layout = mapping::parse_layout(raw);
        let def = def.ok_or_else(no_table)?;
        let cube = layout.hyper_cube.as_ref().ok_or_else(no_table)?;
        let size = cube.size.clone().unwrap_or_default();
        let width = size.cx.and_then(|n| u32::try_from(n).ok()).unwrap_or(1);
        let total = size.cy.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        let dimensions = cube.dimension_info.as_ref().map_or(0, Vec::len);
        Ok(FoundTable {
            id,
            def,
            layout,
            width,
            total,
            dimensions,
        })
    }
}

/// A page of a table, starting at `first_row`, in the table's order (the
/// engine's, sorted as the user last asked).
#[server(prefix = "/api", endpoint = "table-page", output = crate::codec::JsonText)]
pub async fn table_page(
    page: Option<String>,
    object_id: String,
    first_row: u32,
) -> Result<TableView, AppError> {
    use crate::dashboard::mapping;
    use qlik::qix::layout::{NxDataPage, Rect};

    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        let table = server::find(&on, &object_id).await?;
        if first_row > table.total {
            return Err(AppError::BadInput(format!(
                "This table has {} rows: a page cannot start at row {first_row}.",
                table.total
            )));
        }
        // At most one page of the configured size, within the engine's cell limit.
        let height = table
            .def
            .page_size
            .min(mapping::MAX_PAGE_CELLS / table.width.max(1))
            .max(1);
        let pages = on
            .engine
            .hypercube_page(
                &on.page.hub_id(&table.id),
                qlik::qix::NxPage {
                    left: 0,
                    top: first_row,
                    width: table.width,
                    height,
                },
            )
            .await?;
        let rows = qlik::qix::layout::first_page_rows(Some(&mapping::parse_pages(pages))).to_vec();
        let page = NxDataPage {
            area: Some(Rect {
                top: Some(i32::try_from(first_row).unwrap_or(i32::MAX)),
                ..Rect::default()
            }),
            matrix: Some(rows),
            ..NxDataPage::default()
        };
        Ok(mapping::table(
            &table.id,
            &table.def,
            &table.layout,
            &[page],
        ))
    })
    .await
}

/// Sorts a table by one column (`None`: back to its own order) for the
/// user's engine session; answers its first page in the new order.
#[server(prefix = "/api", endpoint = "sort-table", output = crate::codec::JsonText)]
pub async fn sort_table(
    page: Option<String>,
    object_id: String,
    sort: Option<TableSort>,
) -> Result<TableView, AppError> {
    use crate::dashboard::mapping;

    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        let table = server::find(&on, &object_id).await?;
        if let Some(sort) = sort
            && sort.column as u32 >= table.width
        {
            return Err(AppError::BadInput(format!(
                "This table has {} columns: it cannot be sorted by column {}.",
                table.width, sort.column
            )));
        }
        let patches =
            sort.map(|sort| mapping::sort_patches(table.dimensions, table.width as usize, sort));
        let hub_id = on.page.hub_id(&table.id);
        on.engine.set_soft_patches(&hub_id, patches).await?;
        let layout = on.layout(&table.id).await?;
        let pages = super::view::first_pages(&layout);
        Ok(mapping::table(&table.id, &table.def, &layout, &pages))
    })
    .await
}
