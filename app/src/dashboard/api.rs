//! Server functions of the dashboard: the whole view, selections, table pages.
//! They act on the user's held engine session and return only view models.

use leptos::prelude::*;

use super::view_model::{DashboardView, TableSort, TableView};

#[cfg(feature = "ssr")]
mod server {
    use std::sync::Arc;

    use leptos::prelude::*;

    use crate::dashboard::components::state::SESSION_ENDED;
    use crate::server::{AppContext, sessions};

    /// The logged-in user's engine session, or the error to show.
    pub async fn engine_session() -> Result<(AppContext, Arc<hub::EngineSession>), ServerFnError> {
        let ctx = use_context::<AppContext>()
            .ok_or_else(|| ServerFnError::new("server misconfigured: no app context"))?;
        let cookies: tower_cookies::Cookies = leptos_axum::extract().await?;
        let (_, session) = sessions::current(&ctx, &cookies)
            .await
            .ok_or_else(|| ServerFnError::new(SESSION_ENDED))?;
        let engine = sessions::engine(&ctx, &session).await.map_err(user_error)?;
        Ok((ctx, engine))
    }

    /// Maps a hub error to what the user reads.
    pub fn user_error(error: hub::Error) -> ServerFnError {
        ServerFnError::new(error.user_message())
    }
}

/// Everything on the dashboard, from the engine session's (cached) layouts.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<DashboardView, ServerFnError> {
    use super::mapping::{self, MasterView};
    use server::{engine_session, user_error};

    let (ctx, engine) = engine_session().await?;
    let config = &ctx.dashboard;
    let layout = |id: String| {
        let engine = engine.clone();
        async move { engine.layout(&id).await.map_err(user_error) }
    };
    let mut view = DashboardView {
        title: config.title.clone(),
        selections: mapping::selections(&engine.current_selections().await.map_err(user_error)?),
        filters: Vec::new(),
        kpis: Vec::new(),
        charts: Vec::new(),
        tables: Vec::new(),
    };
    for (i, filter) in config.filters.iter().enumerate() {
        let id = mapping::filter_id(i);
        view.filters
            .push(mapping::list_box(&id, filter, &layout(id.clone()).await?));
    }
    for (i, kpi) in config.kpis.iter().enumerate() {
        let id = mapping::kpi_id(i);
        view.kpis
            .push(mapping::kpi(&id, kpi, &layout(id.clone()).await?));
    }
    for (i, chart) in config.charts.iter().enumerate() {
        let id = mapping::chart_id(i);
        view.charts
            .push(mapping::chart(&id, chart, &layout(id.clone()).await?));
    }
    for (i, table) in config.tables.iter().enumerate() {
        let id = mapping::table_id(i);
        let table_layout = layout(id.clone()).await?;
        let pages = table_layout["qHyperCube"]["qDataPages"].clone();
        view.tables
            .push(mapping::table(&id, table, &table_layout, &pages));
    }
    for master in &config.masters {
        let master_layout = layout(master.id.clone()).await?;
        let id = &master.id;
        match mapping::master_view(master, &master_layout) {
            Some(MasterView::ListBox(def)) => {
                view.filters
                    .push(mapping::list_box(id, &def, &master_layout))
            }
            Some(MasterView::Kpi(def)) => view.kpis.push(mapping::kpi(id, &def, &master_layout)),
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
}

/// Selects (toggles) values of a list box by element number.
#[server(prefix = "/api", endpoint = "select")]
pub async fn select_values(object_id: String, values: Vec<i64>) -> Result<(), ServerFnError> {
    let (_, engine) = server::engine_session().await?;
    engine
        .select_list_values(&object_id, &values, true)
        .await
        .map(drop)
        .map_err(server::user_error)
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
pub async fn step_selections(step: SelectionStep) -> Result<(), ServerFnError> {
    let (_, engine) = server::engine_session().await?;
    match step {
        SelectionStep::ClearAll => engine.clear_all().await,
        SelectionStep::Back => engine.back().await,
        SelectionStep::Forward => engine.forward().await,
    }
    .map_err(server::user_error)
}

/// Clears one field's selection.
#[server(prefix = "/api", endpoint = "clear-field")]
pub async fn clear_field(field: String) -> Result<(), ServerFnError> {
    let (_, engine) = server::engine_session().await?;
    engine.clear_field(&field).await.map_err(server::user_error)
}

/// A page of a table, starting at `first_row`, in the engine's order or
/// sorted by one column.
#[server(prefix = "/api", endpoint = "table-page")]
pub async fn table_page(
    object_id: String,
    first_row: u32,
    sort: Option<TableSort>,
) -> Result<TableView, ServerFnError> {
    use super::mapping;
    use server::user_error;

    let (ctx, engine) = server::engine_session().await?;
    let config = &ctx.dashboard;
    let no_table = || ServerFnError::new("This table does not exist.");
    let configured = (0..config.tables.len())
        .find(|i| mapping::table_id(*i) == object_id)
        .map(|i| config.tables[i].clone());
    let master = config.masters.iter().find(|m| m.id == object_id);
    if configured.is_none() && master.is_none() {
        return Err(no_table());
    }
    let layout = engine.layout(&object_id).await.map_err(user_error)?;
    let def = configured
        .or_else(|| master.map(|m| mapping::master_table(m, &layout)))
        .ok_or_else(no_table)?;
    let cube = &layout["qHyperCube"];
    let width = cube["qSize"]["qcx"].as_u64().unwrap_or(1) as u32;
    let total = cube["qSize"]["qcy"].as_u64().unwrap_or(0) as u32;
    let rows = match sort {
        Some(sort) if total <= mapping::SORTABLE_ROWS && (sort.column as u32) < width => {
            let mut rows = Vec::new();
            for part in mapping::whole_cube_pages(width, total) {
                let pages = engine
                    .hypercube_page(&object_id, part)
                    .await
                    .map_err(user_error)?;
                if let Some(matrix) = pages.first().and_then(|p| p["qMatrix"].as_array()) {
                    rows.extend(matrix.iter().cloned());
                }
            }
            let dimensions = cube["qDimensionInfo"].as_array().map_or(0, Vec::len);
            mapping::sort_rows(&mut rows, sort, sort.column >= dimensions);
            rows.into_iter()
                .skip(first_row as usize)
                .take(def.page_size as usize)
                .collect()
        }
        _ => engine
            .hypercube_page(
                &object_id,
                qlik::qix::NxPage {
                    left: 0,
                    top: first_row,
                    width,
                    height: def.page_size,
                },
            )
            .await
            .map_err(user_error)?
            .first()
            .and_then(|p| p["qMatrix"].as_array().cloned())
            .unwrap_or_default(),
    };
    let pages = serde_json::json!([{"qArea": {"qTop": first_row}, "qMatrix": rows}]);
    let mut view = mapping::table(&object_id, &def, &layout, &pages);
    view.sort = sort.filter(|_| view.sortable);
    Ok(view)
}
