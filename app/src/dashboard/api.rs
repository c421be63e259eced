//! Server functions of the dashboard: the whole view, selections, table pages.
//! They act on the user's held engine session and return only view models.

use leptos::prelude::*;

use super::view_model::{DashboardView, TableView};

#[cfg(feature = "ssr")]
mod server {
    use std::sync::Arc;

    use leptos::prelude::*;

    use crate::server::{AppContext, sessions};

    /// The logged-in user's engine session, or the error to show.
    pub async fn engine_session() -> Result<(AppContext, Arc<hub::EngineSession>), ServerFnError> {
        let ctx = use_context::<AppContext>()
            .ok_or_else(|| ServerFnError::new("server misconfigured: no app context"))?;
        let cookies: tower_cookies::Cookies = leptos_axum::extract().await?;
        let (_, session) = sessions::current(&ctx, &cookies)
            .await
            .ok_or_else(|| ServerFnError::new("Your session has ended. Please log in again."))?;
        let engine = ctx
            .hub
            .session(&session.user.directory, &session.user.user_id, &session.user.attributes)
            .await
            .map_err(|e| {
                tracing::warn!(user = %session.user.user_id, error = %e, "engine session unavailable");
                ServerFnError::new(e.user_message())
            })?;
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
    use super::mapping;
    use server::{engine_session, user_error};

    let (ctx, engine) = engine_session().await?;
    let config = &ctx.dashboard;
    let layout = |id: String| {
        let engine = engine.clone();
        async move { engine.layout(&id).await.map_err(user_error) }
    };
    let mut filters = Vec::new();
    for (i, filter) in config.filters.iter().enumerate() {
        let id = mapping::filter_id(i);
        filters.push(mapping::list_box(&id, filter, &layout(id.clone()).await?));
    }
    let mut kpis = Vec::new();
    for (i, kpi) in config.kpis.iter().enumerate() {
        let id = mapping::kpi_id(i);
        kpis.push(mapping::kpi(&id, kpi, &layout(id.clone()).await?));
    }
    let mut charts = Vec::new();
    for (i, chart) in config.charts.iter().enumerate() {
        let id = mapping::chart_id(i);
        charts.push(mapping::chart(&id, chart, &layout(id.clone()).await?));
    }
    let mut tables = Vec::new();
    for (i, table) in config.tables.iter().enumerate() {
        let id = mapping::table_id(i);
        let table_layout = layout(id.clone()).await?;
        let pages = table_layout["qHyperCube"]["qDataPages"].clone();
        tables.push(mapping::table(&id, table, &table_layout, &pages));
    }
    let selections = mapping::selections(&engine.current_selections().await.map_err(user_error)?);
    Ok(DashboardView {
        title: config.title.clone(),
        selections,
        filters,
        kpis,
        charts,
        tables,
    })
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

/// A page of a table, starting at `first_row`.
#[server(prefix = "/api", endpoint = "table-page")]
pub async fn table_page(index: usize, first_row: u32) -> Result<TableView, ServerFnError> {
    use super::mapping;
    let (ctx, engine) = server::engine_session().await?;
    let def = ctx
        .dashboard
        .tables
        .get(index)
        .ok_or_else(|| ServerFnError::new("This table does not exist."))?;
    let id = mapping::table_id(index);
    let layout = engine.layout(&id).await.map_err(server::user_error)?;
    let width = (def.dimensions.len() + def.measures.len()) as u32;
    let pages = engine
        .hypercube_page(
            &id,
            qlik::qix::NxPage {
                left: 0,
                top: first_row,
                width,
                height: def.page_size,
            },
        )
        .await
        .map_err(server::user_error)?;
    Ok(mapping::table(&id, def, &layout, &serde_json::Value::Array(pages)))
}
