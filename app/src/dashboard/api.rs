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

/// The page's live view: the one of the layouts' generation when it was
/// built already, else built now and kept (in the view cache, and in the
/// store for when Qlik is away).
#[cfg(feature = "ssr")]
async fn live_view(on: &server::OnPage) -> Result<DashboardView, AppError> {
    let generation = on.engine.layouts_generation();
    if let Some(view) = on
        .engine
        .views()
        .get::<DashboardView>(&on.page.name, generation)
    {
        return Ok(DashboardView::clone(&view));
    }
    let view = build_view(on).await?;
    on.engine.views().put(
        &on.page.name,
        generation,
        on.engine.layouts_generation(),
        std::sync::Arc::new(view.clone()),
    );
    stale::keep(on, &view);
    Ok(view)
}

/// The page's view from its objects' layouts (cached by the hub).
#[cfg(feature = "ssr")]
async fn build_view(on: &server::OnPage) -> Result<DashboardView, AppError> {
    use super::mapping::{self, MasterView};
    use super::object_id::{ObjectId, ObjectKind};
    use super::view_model::CellSlot;

    let config = on.config();
    let layout = async |id: &ObjectId| on.layout(id).await;
    let selections = mapping::parse_layout(on.engine.current_selections().await?);
    let mut view = DashboardView {
        page: on.page.name.clone(),
        nav: on.ctx.pages.links(&on.page.name),
        title: on.page.title().to_owned(),
        selections: mapping::selections(&selections),
        filters: Vec::new(),
        kpis: Vec::new(),
        tables: Vec::new(),
        drawn: Vec::new(),
        pivots: Vec::new(),
        sheet: None,
        stale: None,
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
    for (i, table) in config.tables.iter().enumerate() {
        let id = ObjectId::configured(ObjectKind::Table, i);
        let table_layout = layout(&id).await?;
        let pages = first_pages(&table_layout);
        view.tables
            .push(mapping::table(&id, table, &table_layout, &pages));
    }
    for i in 0..config.pivots.len() {
        let id = ObjectId::configured(ObjectKind::Pivot, i);
        view.pivots.push(first_window(on, &id).await?);
    }
    let mut options = None;
    // The configured bar and line charts are drawn by `crates/charts` like
    // master objects (their session objects' `qInfo.qType` names the type).
    for (i, chart) in config.charts.iter().enumerate() {
        let id = ObjectId::configured(ObjectKind::Chart, i);
        let raw = on.raw_layout(&id).await?;
        let html = draw(on, &mut options, &id, &raw).await;
        let def = mapping::DrawnDef {
            title: chart.title.clone(),
            visualization: chart.kind.visualization().to_owned(),
        };
        view.drawn
            .push(mapping::drawn(&id, &def, &mapping::parse_layout(raw), html));
    }
    let mut slots = std::collections::HashMap::new();
    for master in &config.masters {
        let id = ObjectId::Master(master.id.clone());
        let raw = on.raw_layout(&id).await?;
        let shown = mapping::master_view(master, &raw);
        // A table's first page, a chart's points (at most DRAWN_ROWS), when
        // the layout holds none (real apps' objects may fetch nothing).
        let rows = match &shown {
            MasterView::Table(def) => u64::from(def.page_size),
            MasterView::Drawn(_) => DRAWN_ROWS,
            _ => 0,
        };
        // Boxed: its engine call would grow this future's every poll.
        let raw = Box::pin(hypercubes::with_data(on, &id, raw, rows)).await?;
        let master_layout = mapping::parse_layout(raw.clone());
        let slot = match &shown {
            MasterView::ListBox(_) => CellSlot::Filter(view.filters.len()),
            MasterView::Table(_) => CellSlot::Table(view.tables.len()),
            MasterView::Drawn(_) | MasterView::Card(_) => CellSlot::Drawn(view.drawn.len()),
            MasterView::Pivot(_) => CellSlot::Pivot(view.pivots.len()),
        };
        slots.insert(master.id.as_str(), slot);
        match shown {
            MasterView::ListBox(def) => {
                // Boxed: its engine call would grow this future's every poll.
                let master_layout = Box::pin(lists::with_values(on, &id, master_layout)).await?;
                view.filters
                    .push(mapping::list_box(&id, &def, &master_layout))
            }
            MasterView::Table(def) => {
                let pages = first_pages(&master_layout);
                view.tables
                    .push(mapping::table(&id, &def, &master_layout, &pages));
            }
            MasterView::Drawn(def) => {
                let html = draw(on, &mut options, &id, &raw).await;
                view.drawn
                    .push(mapping::drawn(&id, &def, &master_layout, html));
            }
            MasterView::Card(def) => {
                view.drawn
                    .push(mapping::drawn(&id, &def, &master_layout, None));
            }
            MasterView::Pivot(_) => view.pivots.push(first_window(on, &id).await?),
        }
    }
    if config.sheet.is_none() && config.sheets.is_some() {
        view.sheet = Some(super::sheet::sheets_unlisted(&config.app_id));
    }
    if let Some(sheet) = &config.sheet {
        view.sheet = Some(super::sheet::sheet_view(
            sheet,
            on.page.sheet.as_ref(),
            &slots,
        ));
    }
    Ok(view)
}

/// Most rows of a drawn chart's hypercube fetched when its layout holds
/// none (a scatter plot's points; Qlik's own scatter plot draws up to a few
/// thousand before it bins them).
#[cfg(feature = "ssr")]
const DRAWN_ROWS: u64 = 2_000;

/// A layout drawn by `crates/charts` (the options read once per page), or
/// `None` when it draws a card instead.
#[cfg(feature = "ssr")]
async fn draw(
    on: &server::OnPage,
    options: &mut Option<charts::Options>,
    id: &super::object_id::ObjectId,
    raw: &serde_json::Value,
) -> Option<String> {
    if options.is_none() {
        *options = Some(chart_options(on).await);
    }
    let opts = options.as_ref()?;
    charts::render(raw, opts)
        .inspect_err(|error| tracing::debug!(object = %id, %error, "chart shown as a card"))
        .ok()
}

/// The first window of the page's pivot `id`.
#[cfg(feature = "ssr")]
async fn first_window(
    on: &server::OnPage,
    id: &super::object_id::ObjectId,
) -> Result<super::pivot_view::PivotView, AppError> {
    let pivot = pivots::server::find(on, &id.to_string()).await?;
    pivots::server::window(on, &pivot, 0).await
}

/// How the page's charts are drawn: with the app's locale, or the default
/// one when the engine does not answer `GetLocaleInfo`.
#[cfg(feature = "ssr")]
async fn chart_options(on: &server::OnPage) -> charts::Options {
    let locale = match on.engine.locale_info().await {
        Ok(info) => charts::Locale::from_locale_info(&info),
        Err(error) => {
            tracing::debug!(%error, "no locale from the engine: the default one is used");
            charts::Locale::default()
        }
    };
    charts::Options {
        locale,
        ..charts::Options::default()
    }
}

/// The data pages a hypercube's layout carries.
#[cfg(feature = "ssr")]
pub(crate) fn first_pages(
    layout: &qlik::qix::layout::GenericObjectLayout,
) -> Vec<qlik::qix::layout::NxDataPage> {
    layout
        .hyper_cube
        .as_ref()
        .and_then(|cube| cube.data_pages.clone())
        .unwrap_or_default()
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
