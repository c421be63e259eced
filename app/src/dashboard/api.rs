//! Server functions of the dashboard: the whole view and selections (tables,
//! pivots, downloads and bookmarks in the sub-modules).
//! They act on the user's held engine session on the page's app and return
//! only view models. `page` names the page (`None`: the home page); object
//! ids are the page's own.

use leptos::prelude::*;

use super::view_model::DashboardView;
use crate::error::AppError;

pub mod bookmarks;
pub mod downloads;
#[cfg(feature = "ssr")]
mod hypercubes;
#[cfg(feature = "ssr")]
mod lists;
pub mod pivots;
#[cfg(feature = "ssr")]
mod stale;
pub mod tables;
#[cfg(feature = "ssr")]
mod view;

#[cfg(feature = "ssr")]
mod server {
    use std::future::Future;
    use std::sync::Arc;

    use leptos::prelude::*;

    use crate::dashboard::config::DashboardConfig;
    use crate::dashboard::mapping::{self, MasterView};
    use crate::dashboard::object_id::{ObjectId, ObjectKind};
    use crate::dashboard::pages::Page;
    use crate::error::AppError;
    use crate::server::{AppContext, sessions};

    /// Most values one selection may name.
    pub const MAX_SELECTED_VALUES: usize = 10_000;

    /// A request's page and the user's engine session on its app.
    pub struct OnPage {
        /// The server's context.
        pub ctx: AppContext,
        /// The page.
        pub page: Arc<Page>,
        /// The user's engine session on the page's app.
        pub engine: Arc<hub::EngineSession>,
    }

    impl OnPage {
        /// The page's configuration.
        pub fn config(&self) -> &DashboardConfig {
            &self.page.config
        }

        /// The layout of one of the page's objects, typed.
        pub async fn layout(
            &self,
            id: &ObjectId,
        ) -> Result<qlik::qix::layout::GenericObjectLayout, AppError> {
            Ok(mapping::parse_layout(self.raw_layout(id).await?))
        }

        /// The layout of one of the page's objects, as the engine sent it.
        pub async fn raw_layout(&self, id: &ObjectId) -> Result<serde_json::Value, AppError> {
            Ok(self.engine.layout(&self.page.hub_id(id)).await?)
        }
    }

    /// The page named `page` and the logged-in user's engine session on its
    /// app, or the error to show.
    pub async fn on_page(page: Option<&str>) -> Result<OnPage, AppError> {
        let ctx = context()?;
        // Any one-segment path reaches the page route: a name that is no
        // page is a 404 whether or not a session comes with it.
        let page = ctx
            .pages
            .get(page)
            .ok_or_else(|| AppError::NotFound("This page does not exist.".into()))?;
        let session = browser_session(&ctx).await?;
        let engine = sessions::engine(&ctx, &session, &page.config.app_id).await?;
        Ok(OnPage { ctx, page, engine })
    }

    /// The server's context.
    pub fn context() -> Result<AppContext, AppError> {
        use_context::<AppContext>().ok_or_else(|| {
            tracing::error!("server misconfigured: no app context");
            AppError::Unreachable
        })
    }

    /// The request's live browser session.
    pub async fn browser_session(ctx: &AppContext) -> Result<store::BrowserSession, AppError> {
        let cookies: tower_cookies::Cookies = leptos_axum::extract()
            .await
            .map_err(|_| AppError::SessionEnded)?;
        let (_, session) = sessions::current(ctx, &cookies)
            .await?
            .ok_or(AppError::SessionEnded)?;
        Ok(session)
    }

    /// Runs a server function's body; a failure sets its HTTP status.
    pub async fn answer<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
        body.await.map_err(AppError::answered)
    }

    /// True when `object_id` is one of the page's objects of `kind`: a
    /// configured one, or a master object whose layout `shown_as` accepts.
    async fn is_of_kind(
        on: &OnPage,
        object_id: &ObjectId,
        kind: ObjectKind,
        shown_as: fn(&MasterView) -> bool,
    ) -> Result<bool, AppError> {
        let config = on.config();
        if let Some(i) = object_id.index_of(kind) {
            let count = match kind {
                ObjectKind::Filter => config.filters.len(),
                ObjectKind::Kpi => config.kpis.len(),
                ObjectKind::Chart => config.charts.len(),
                ObjectKind::Table => config.tables.len(),
                ObjectKind::Pivot => config.pivots.len(),
            };
            return Ok(i < count);
        }
        match config
            .masters
            .iter()
            .find(|m| m.id == object_id.to_string())
        {
            Some(master) => Ok(shown_as(&mapping::master_view(
                master,
                &on.raw_layout(object_id).await?,
            ))),
            None => Ok(false),
        }
    }

    /// True when `object_id` is a list box of the page: a configured
    /// filter, or a master object whose layout is a list object.
    pub async fn is_list_box(on: &OnPage, object_id: &ObjectId) -> Result<bool, AppError> {
        is_of_kind(on, object_id, ObjectKind::Filter, |v| {
            matches!(v, MasterView::ListBox(_))
        })
        .await
    }

    /// True when `object_id` is a chart of the page: a configured chart, or
    /// a master object shown as one.
    pub async fn is_chart(on: &OnPage, object_id: &ObjectId) -> Result<bool, AppError> {
        is_of_kind(on, object_id, ObjectKind::Chart, |v| {
            matches!(v, MasterView::Drawn(_))
        })
        .await
    }

    /// True when `field` is one of the page's own fields: a filter's, a
    /// chart's or table's dimension, a master list box's, or one shown in
    /// the selections bar.
    pub async fn is_dashboard_field(on: &OnPage, field: &str) -> Result<bool, AppError> {
        let config = on.config();
        let configured = config.filters.iter().any(|f| f.field == field)
            || config.charts.iter().any(|c| c.dimension == field)
            || config
                .tables
                .iter()
                .any(|t| t.dimensions.iter().any(|d| d == field))
            || config
                .pivots
                .iter()
                .any(|p| p.rows.iter().chain(&p.columns).any(|d| d == field));
        if configured {
            return Ok(true);
        }
        let selected = mapping::selections(&mapping::parse_layout(
            on.engine.current_selections().await?,
        ));
        if selected.chips.iter().any(|chip| chip.field == field) {
            return Ok(true);
        }
        for master in &config.masters {
            let id = ObjectId::Master(master.id.clone());
            if let MasterView::ListBox(def) =
                mapping::master_view(master, &on.raw_layout(&id).await?)
                && def.field == field
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Everything on a page, from the engine session's (cached) layouts; while
/// Qlik is away or slow, the last view kept, marked (`api/stale.rs`).
#[server(prefix = "/api", endpoint = "dashboard", output = crate::codec::JsonText)]
pub async fn load_dashboard(page: Option<String>) -> Result<DashboardView, AppError> {
    server::answer(stale::load(page)).await
}

/// Selects (toggles) values of one of the page's list boxes by element
/// number.
#[server(prefix = "/api", endpoint = "select", output = crate::codec::JsonText)]
pub async fn select_values(
    page: Option<String>,
    object_id: String,
    values: Vec<i64>,
) -> Result<(), AppError> {
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
        let on = server::on_page(page.as_deref()).await?;
        let Ok(id) = object_id.parse();
        if !server::is_list_box(&on, &id).await? {
            return Err(AppError::NotFound("This list box does not exist.".into()));
        }
        on.engine
            .select_list_values(&on.page.hub_id(&id), &values, true)
            .await?;
        Ok(())
    })
    .await
}

/// Selects (toggles) the dimension value of a chart's bar, point, slice or
/// tile, as a click on it does in Qlik: value `value` (an element number) of
/// the chart's dimension `dimension` (0 when absent).
#[server(prefix = "/api", endpoint = "select-in-chart", output = crate::codec::JsonText)]
pub async fn select_in_chart(
    page: Option<String>,
    object_id: String,
    dimension: Option<u32>,
    value: i64,
) -> Result<(), AppError> {
    server::answer(async {
        if value < 0 {
            return Err(AppError::BadInput(
                "Values are element numbers (0 or more).".into(),
            ));
        }
        let on = server::on_page(page.as_deref()).await?;
        let Ok(id) = object_id.parse();
        if !server::is_chart(&on, &id).await? {
            return Err(AppError::NotFound("This chart does not exist.".into()));
        }
        let dimension = dimension.unwrap_or(0);
        let dimensions = on
            .layout(&id)
            .await?
            .hyper_cube
            .and_then(|cube| cube.dimension_info)
            .map_or(0, |info| info.len());
        if dimension as usize >= dimensions {
            return Err(AppError::BadInput(format!(
                "This chart has {dimensions} dimensions: dimension {dimension} cannot be selected."
            )));
        }
        on.engine
            .select_hypercube_values(&on.page.hub_id(&id), i64::from(dimension), &[value], true)
            .await?;
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

/// Clears all selections, or steps back or forward (in the page's app).
#[server(prefix = "/api", endpoint = "step", output = crate::codec::JsonText)]
pub async fn step_selections(page: Option<String>, step: SelectionStep) -> Result<(), AppError> {
    server::answer(async {
        let engine = server::on_page(page.as_deref()).await?.engine;
        match step {
            SelectionStep::ClearAll => engine.clear_all().await,
            SelectionStep::Back => engine.back().await,
            SelectionStep::Forward => engine.forward().await,
        }?;
        Ok(())
    })
    .await
}

/// Clears the selection of one of the page's fields.
#[server(prefix = "/api", endpoint = "clear-field", output = crate::codec::JsonText)]
pub async fn clear_field(page: Option<String>, field: String) -> Result<(), AppError> {
    server::answer(async {
        let on = server::on_page(page.as_deref()).await?;
        if !server::is_dashboard_field(&on, &field).await? {
            return Err(AppError::NotFound(
                "This field is not on the dashboard.".into(),
            ));
        }
        on.engine.clear_field(&field).await?;
        Ok(())
    })
    .await
}
