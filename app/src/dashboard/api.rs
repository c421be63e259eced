//! Server functions of the dashboard: the whole view, selections, table pages.
//! They act on the user's held engine session and return only view models.

use leptos::prelude::*;

use super::view_model::{DashboardView, TableSort, TableView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod server {
    use std::future::Future;
    use std::sync::Arc;

    use leptos::prelude::*;

    use crate::dashboard::config::DashboardConfig;
    use crate::dashboard::mapping::{self, MasterView};
    use crate::dashboard::object_id::{ObjectId, ObjectKind};
    use crate::error::AppError;
    use crate::server::{AppContext, sessions};

    /// Most values one selection may name.
    pub const MAX_SELECTED_VALUES: usize = 10_000;

    /// The logged-in user's engine session, or the error to show.
    pub async fn engine_session() -> Result<(AppContext, Arc<hub::EngineSession>), AppError> {
        let ctx = use_context::<AppContext>().ok_or_else(|| {
            tracing::error!("server misconfigured: no app context");
            AppError::Unreachable
        })?;
        let cookies: tower_cookies::Cookies = leptos_axum::extract()
            .await
            .map_err(|_| AppError::SessionEnded)?;
        let (_, session) = sessions::current(&ctx, &cookies)
            .await
            .ok_or(AppError::SessionEnded)?;
        let engine = sessions::engine(&ctx, &session).await?;
        Ok((ctx, engine))
    }

    /// Runs a server function's body; a failure sets its HTTP status.
    pub async fn answer<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
        body.await.map_err(AppError::answered)
    }

    /// A generic object's layout, typed.
    pub async fn layout(
        engine: &hub::EngineSession,
        id: &ObjectId,
    ) -> Result<qlik::qix::layout::GenericObjectLayout, AppError> {
        Ok(mapping::parse_layout(engine.layout(&id.to_string()).await?))
    }

    /// True when `object_id` is a list box of the dashboard: a configured
    /// filter, or a master object whose layout is a list object.
    pub async fn is_list_box(
        config: &DashboardConfig,
        engine: &hub::EngineSession,
        object_id: &ObjectId,
    ) -> Result<bool, AppError> {
        if object_id
            .index_of(ObjectKind::Filter)
            .is_some_and(|i| i < config.filters.len())
        {
            return Ok(true);
        }
        match config
            .masters
            .iter()
            .find(|m| m.id == object_id.to_string())
        {
            Some(master) => Ok(matches!(
                mapping::master_view(master, &layout(engine, object_id).await?),
                Some(MasterView::ListBox(_))
            )),
            None => Ok(false),
        }
    }

    /// True when `field` is one of the dashboard's own fields: a filter's, a
    /// chart's or table's dimension, a master list box's, or one shown in
    /// the selections bar.
    pub async fn is_dashboard_field(
        config: &DashboardConfig,
        engine: &hub::EngineSession,
        field: &str,
    ) -> Result<bool, AppError> {
        let configured = config.filters.iter().any(|f| f.field == field)
            || config.charts.iter().any(|c| c.dimension == field)
            || config
                .tables
                .iter()
                .any(|t| t.dimensions.iter().any(|d| d == field));
        if configured {
            return Ok(true);
        }
        let selected =
            mapping::selections(&mapping::parse_layout(engine.current_selections().await?));
        if selected.chips.iter().any(|chip| chip.field == field) {
            return Ok(true);
        }
        for master in &config.masters {
            let id = ObjectId::Master(master.id.clone());
            if let Some(MasterView::ListBox(def)) =
                mapping::master_view(master, &layout(engine, &id).await?)
                && def.field == field
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Everything on the dashboard, from the engine session's (cached) layouts.
#[server(prefix = "/api", endpoint = "dashboard", output = crate::codec::JsonText)]
pub async fn load_dashboard() -> Result<DashboardView, AppError> {
    use super::mapping::{self, MasterView};
    use super::object_id::{ObjectId, ObjectKind};

    server::answer(async {
        let (ctx, engine) = server::engine_session().await?;
        let config = &ctx.dashboard;
        let layout = async |id: &ObjectId| server::layout(&engine, id).await;
        let selections = mapping::parse_layout(engine.current_selections().await?);
        let mut view = DashboardView {
            title: config.title.clone(),
            selections: mapping::selections(&selections),
            filters: Vec::new(),
            kpis: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
        };
        for (i, filter) in config.filters.iter().enumerate() {
            let id = ObjectId::configured(ObjectKind::Filter, i);
            let list = mapping::list_box(&id, filter, &layout(&id).await?);
            view.filters.push(list);
        }
        for (i, kpi) in config.kpis.iter().enumerate() {
            let id = ObjectId::configured(ObjectKind::Kpi, i);
            view.kpis.push(mapping::kpi(&id, kpi, &layout(&id).await?));
        }
        for (i, chart) in config.charts.iter().enumerate() {
            let id = ObjectId::configured(ObjectKind::Chart, i);
            view.charts
                .push(mapping::chart(&id, chart, &layout(&id).await?));
        }
        for (i, table) in config.tables.iter().enumerate() {
            let id = ObjectId::configured(ObjectKind::Table, i);
            let table_layout = layout(&id).await?;
            let pages = first_pages(&table_layout);
            view.tables
                .push(mapping::table(&id, table, &table_layout, &pages));
        }
        for master in &config.masters {
            let id = ObjectId::Master(master.id.clone());
            let master_layout = layout(&id).await?;
            match mapping::master_view(master, &master_layout) {
                Some(MasterView::ListBox(def)) => {
                    view.filters
                        .push(mapping::list_box(&id, &def, &master_layout))
                }
                Some(MasterView::Kpi(def)) => {
                    view.kpis.push(mapping::kpi(&id, &def, &master_layout))
                }
                Some(MasterView::Chart(def)) => {
                    view.charts.push(mapping::chart(&id, &def, &master_layout))
                }
                Some(MasterView::Table(def)) => {
                    let pages = first_pages(&master_layout);
                    view.tables
                        .push(mapping::table(&id, &def, &master_layout, &pages));
                }
                None => tracing::warn!(object = %id, "master object has no data to show"),
            }
        }
        Ok(view)
    })
    .await
}

/// The data pages a hypercube's layout carries.
#[cfg(feature = "ssr")]
fn first_pages(
    layout: &qlik::qix::layout::GenericObjectLayout,
) -> Vec<qlik::qix::layout::NxDataPage> {
    layout
        .hyper_cube
        .as_ref()
        .and_then(|cube| cube.data_pages.clone())
        .unwrap_or_default()
}

/// Selects (toggles) values of one of the dashboard's list boxes by element
/// number.
#[server(prefix = "/api", endpoint = "select", output = crate::codec::JsonText)]
pub async fn select_values(object_id: String, values: Vec<i64>) -> Result<(), AppError> {
    server::answer(async {
        if values.is_empty() || values.len() > server::MAX_SELECTED_VALUES {
            return Err(AppError::BadInput(format!(
                "Select between 1 and {} values.",
                server::MAX_SELECTED_VALUES
            )));
        }
        if values.iter().any(|v| *v < 0) {
            return Err(AppError::BadInput(
                "Values are element numbers (0 or more).".into(),
            ));
        }
        let (ctx, engine) = server::engine_session().await?;
        let Ok(id) = object_id.parse();
        if !server::is_list_box(&ctx.dashboard, &engine, &id).await? {
            return Err(AppError::NotFound("This list box does not exist.".into()));
        }
        engine.select_list_values(&object_id, &values, true).await?;
        Ok(())
    })
    .await
}

/// A selection-bar action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SelectionStep {
    /// Clear every selection.
    ClearAll,
    /// Previous selection state.
    Back,
    /// Next selection state.
    Forward,
}

/// Clears all selections, or steps back or forward.
#[server(prefix = "/api", endpoint = "step", output = crate::codec::JsonText)]
pub async fn step_selections(step: SelectionStep) -> Result<(), AppError> {
    server::answer(async {
        let (_, engine) = server::engine_session().await?;
        match step {
            SelectionStep::ClearAll => engine.clear_all().await,
            SelectionStep::Back => engine.back().await,
            SelectionStep::Forward => engine.forward().await,
        }?;
        Ok(())
    })
    .await
}

/// Clears the selection of one of the dashboard's fields.
#[server(prefix = "/api", endpoint = "clear-field", output = crate::codec::JsonText)]
pub async fn clear_field(field: String) -> Result<(), AppError> {
    server::answer(async {
        let (ctx, engine) = server::engine_session().await?;
        if !server::is_dashboard_field(&ctx.dashboard, &engine, &field).await? {
            return Err(AppError::NotFound(
                "This field is not on the dashboard.".into(),
            ));
        }
        engine.clear_field(&field).await?;
        Ok(())
    })
    .await
}

/// A page of a table, starting at `first_row`, in the engine's order or
/// sorted by one column.
#[server(prefix = "/api", endpoint = "table-page", output = crate::codec::JsonText)]
pub async fn table_page(
    object_id: String,
    first_row: u32,
    sort: Option<TableSort>,
) -> Result<TableView, AppError> {
    use super::mapping;
    use super::object_id::{ObjectId, ObjectKind};
    use qlik::qix::layout::{NxDataPage, Rect};

    server::answer(async {
        let (ctx, engine) = server::engine_session().await?;
        let config = &ctx.dashboard;
        let no_table = || AppError::NotFound("This table does not exist.".into());
        let Ok(id) = object_id.parse::<ObjectId>();
        let configured = id
            .index_of(ObjectKind::Table)
            .and_then(|i| config.tables.get(i).cloned());
        let master = config.masters.iter().find(|m| m.id == object_id);
        if configured.is_none() && master.is_none() {
            return Err(no_table());
        }
        let layout = server::layout(&engine, &id).await?;
        let def = configured
            .or_else(|| master.map(|m| mapping::master_table(m, &layout)))
            .ok_or_else(no_table)?;
        let cube = layout.hyper_cube.clone().ok_or_else(no_table)?;
        let size = cube.size.clone().unwrap_or_default();
        let width = size.cx.and_then(|n| u32::try_from(n).ok()).unwrap_or(1);
        let total = size.cy.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        if first_row > total {
            return Err(AppError::BadInput(format!(
                "This table has {total} rows: a page cannot start at row {first_row}."
            )));
        }
        if let Some(sort) = sort
            && sort.column as u32 >= width
        {
            return Err(AppError::BadInput(format!(
                "This table has {width} columns: it cannot be sorted by column {}.",
                sort.column
            )));
        }
        // At most one page of the configured size, within the engine's cell limit.
        let height = def
            .page_size
            .min(mapping::MAX_PAGE_CELLS / width.max(1))
            .max(1);
        let first_page_rows = |pages: Vec<serde_json::Value>| {
            let pages = mapping::parse_pages(pages);
            qlik::qix::layout::first_page_rows(Some(&pages)).to_vec()
        };
        let rows = match sort {
            Some(sort) if total <= mapping::SORTABLE_ROWS => {
                let mut rows = Vec::new();
                for part in mapping::whole_cube_pages(width, total) {
                    rows.extend(first_page_rows(
                        engine.hypercube_page(&object_id, part).await?,
                    ));
                }
                let dimensions = cube.dimension_info.as_ref().map_or(0, Vec::len);
                mapping::sort_rows(&mut rows, sort, sort.column >= dimensions);
                rows.into_iter()
                    .skip(first_row as usize)
                    .take(height as usize)
                    .collect()
            }
            _ => first_page_rows(
                engine
                    .hypercube_page(
                        &object_id,
                        qlik::qix::NxPage {
                            left: 0,
                            top: first_row,
                            width,
                            height,
                        },
                    )
                    .await?,
            ),
        };
        let page = NxDataPage {
            area: Some(Rect {
                top: Some(i32::try_from(first_row).unwrap_or(i32::MAX)),
                ..Rect::default()
            }),
            matrix: Some(rows),
            ..NxDataPage::default()
        };
        let mut view = mapping::table(&id, &def, &layout, &[page]);
        view.sort = sort.filter(|_| view.sortable);
        Ok(view)
    })
    .await
}
