//! A page's whole view, built from its objects' layouts (cached by the hub)
//! and kept per layout generation.

use super::server::OnPage;
use super::{hypercubes, lists, pivots, stale};
use crate::dashboard::view_model::DashboardView;
use crate::error::AppError;

/// The page's live view: the one of the layouts' generation when it was
/// built already, else built now and kept (in the view cache, and in the
/// store for when Qlik is away).
pub(super) async fn live_view(on: &OnPage) -> Result<DashboardView, AppError> {
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
async fn build_view(on: &OnPage) -> Result<DashboardView, AppError> {
    use crate::dashboard::mapping::{self, MasterView};
    use crate::dashboard::object_id::{ObjectId, ObjectKind};
    use crate::dashboard::view_model::CellSlot;

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
        view.sheet = Some(crate::dashboard::sheet::sheets_unlisted(&config.app_id));
    }
    if let Some(sheet) = &config.sheet {
        view.sheet = Some(crate::dashboard::sheet::sheet_view(
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
const DRAWN_ROWS: u64 = 2_000;

/// A layout drawn by `crates/charts` (the options read once per page), or
/// `None` when it draws a card instead.
async fn draw(
    on: &OnPage,
    options: &mut Option<charts::Options>,
    id: &crate::dashboard::object_id::ObjectId,
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
async fn first_window(
    on: &OnPage,
    id: &crate::dashboard::object_id::ObjectId,
) -> Result<crate::dashboard::pivot_view::PivotView, AppError> {
    let pivot = pivots::server::find(on, &id.to_string()).await?;
    pivots::server::window(on, &pivot, 0).await
}

/// How the page's charts are drawn: with the app's locale, or the default
/// one when the engine does not answer `GetLocaleInfo`.
async fn chart_options(on: &OnPage) -> charts::Options {
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
pub(crate) fn first_pages(
    layout: &qlik::qix::layout::GenericObjectLayout,
) -> Vec<qlik::qix::layout::NxDataPage> {
    layout
        .hyper_cube
        .as_ref()
        .and_then(|cube| cube.data_pages.clone())
        .unwrap_or_default()
}
