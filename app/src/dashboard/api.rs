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

    /// True when `object_id` is a list box of the dashboard: a configured
    /// filter, or a master object whose layout is a list object.
    pub async fn is_list_box(
        config: &DashboardConfig,
        engine: &hub::EngineSession,
        object_id: &str,
    ) -> Result<bool, AppError> {
        if (0..config.filters.len()).any(|i| mapping::filter_id(i) == object_id) {
            return Ok(true);
        }
        match config.masters.iter().find(|m| m.id == object_id) {
            Some(master) => Ok(matches!(
                mapping::master_view(master, &engine.layout(object_id).await?),
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
        let selected = mapping::selections(&engine.current_selections().await?);
        if selected.chips.iter().any(|chip| chip.field == field) {
            return Ok(true);
        }
        for master in &config.masters {
            if let Some(MasterView::ListBox(def)) =
                mapping::master_view(master, &engine.layout(&master.id).await?)
                && def.field == field
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Everything on the dashboard, from the engine session's (cached) layouts.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<DashboardView, AppError> {
    use super::mapping::{self, MasterView};

    server::answer(async {
        let (ctx, engine) = server::engine_session().await?;
        let config = &ctx.dashboard;
        let mut view = DashboardView {
            title: config.title.clone(),
            selections: mapping::selections(&engine.current_selections().await?),
            filters: Vec::new(),
            kpis: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
        };
        for (i, filter) in config.filters.iter().enumerate() {
            let id = mapping::filter_id(i);
            view.filters
                .push(mapping::list_box(&id, filter, &engine.layout(&id).await?));
        }
        for (i, kpi) in config.kpis.iter().enumerate() {
            let id = mapping::kpi_id(i);
            view.kpis
                .push(mapping::kpi(&id, kpi, &engine.layout(&id).await?));
        }
        for (i, chart) in config.charts.iter().enumerate() {
            let id = mapping::chart_id(i);
            view.charts
                .push(mapping::chart(&id, chart, &engine.layout(&id).await?));
        }
        for (i, table) in config.tables.iter().enumerate() {
            let id = mapping::table_id(i);
            let table_layout = engine.layout(&id).await?;
            let pages = table_layout["qHyperCube"]["qDataPages"].clone();
            view.tables
                .push(mapping::table(&id, table, &table_layout, &pages));
        }
        for master in &config.masters {
            let master_layout = engine.layout(&master.id).await?;
            let id = &master.id;
            match mapping::master_view(master, &master_layout) {
                Some(MasterView::ListBox(def)) => {
                    view.filters
                        .push(mapping::list_box(id, &def, &master_layout))
                }
                Some(MasterView::Kpi(def)) => {
                    view.kpis.push(mapping::kpi(id, &def, &master_layout))
                }
                Some(MasterView::Chart(def)) => {
                    view.charts.push(mapping::chart(id, &def, &master_layout))
                }
                Some(MasterView::Table(def)) => {
                    let pages = master_layout["qHyperCube"]["qDataPages"].clone();
                    view.tables
                        .push(mapping::table(id, &def, &master_layout, &pages));
                }
                None => tracing::warn!(object = %id, "master object has no data to show"),
            }
        }
        Ok(view)
    })
    .await
}

/// Selects (toggles) values of one of the dashboard's list boxes by element
/// number.
#[server(prefix = "/api", endpoint = "select")]
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
        if !server::is_list_box(&ctx.dashboard, &engine, &object_id).await? {
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
#[server(prefix = "/api", endpoint = "step")]
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
#[server(prefix = "/api", endpoint = "clear-field")]
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
#[server(prefix = "/api", endpoint = "table-page")]
pub async fn table_page(
    object_id: String,
    first_row: u32,
    sort: Option<TableSort>,
) -> Result<TableView, AppError> {
    use super::mapping;

    server::answer(async {
        let (ctx, engine) = server::engine_session().await?;
        let config = &ctx.dashboard;
        let no_table = || AppError::NotFound("This table does not exist.".into());
        let configured = (0..config.tables.len())
            .find(|i| mapping::table_id(*i) == object_id)
            .map(|i| config.tables[i].clone());
        let master = config.masters.iter().find(|m| m.id == object_id);
        if configured.is_none() && master.is_none() {
            return Err(no_table());
        }
        let layout = engine.layout(&object_id).await?;
        let def = configured
            .or_else(|| master.map(|m| mapping::master_table(m, &layout)))
            .ok_or_else(no_table)?;
        let cube = &layout["qHyperCube"];
        if !cube.is_object() {
            return Err(no_table());
        }
        let width = cube["qSize"]["qcx"].as_u64().unwrap_or(1) as u32;
        let total = cube["qSize"]["qcy"].as_u64().unwrap_or(0) as u32;
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
        let rows = match sort {
            Some(sort) if total <= mapping::SORTABLE_ROWS => {
                let mut rows = Vec::new();
                for part in mapping::whole_cube_pages(width, total) {
                    let pages = engine.hypercube_page(&object_id, part).await?;
                    if let Some(matrix) = pages.first().and_then(|p| p["qMatrix"].as_array()) {
                        rows.extend(matrix.iter().cloned());
                    }
                }
                let dimensions = cube["qDimensionInfo"].as_array().map_or(0, Vec::len);
                mapping::sort_rows(&mut rows, sort, sort.column >= dimensions);
                rows.into_iter()
                    .skip(first_row as usize)
                    .take(height as usize)
                    .collect()
            }
            _ => engine
                .hypercube_page(
                    &object_id,
                    qlik::qix::NxPage {
                        left: 0,
                        top: first_row,
                        width,
                        height,
                    },
                )
                .await?
                .first()
                .and_then(|p| p["qMatrix"].as_array().cloned())
                .unwrap_or_default(),
        };
        let pages = serde_json::json!([{"qArea": {"qTop": first_row}, "qMatrix": rows}]);
        let mut view = mapping::table(&object_id, &def, &layout, &pages);
        view.sort = sort.filter(|_| view.sortable);
        Ok(view)
    })
    .await
}
