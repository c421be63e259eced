//! The dashboard page of a logged-in user: rendered on the server with the
//! engine's numbers, then hydrated and kept live.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::account::current_viewer;
use crate::dashboard::api::load_dashboard;
use crate::dashboard::components::bookmarks::Bookmarks;
use crate::dashboard::components::drawn::Drawn;
use crate::dashboard::components::kpi::Kpi;
use crate::dashboard::components::list_box::ListBox;
use crate::dashboard::components::live;
use crate::dashboard::components::pivot::Pivot;
use crate::dashboard::components::selections::SelectionsBar;
use crate::dashboard::components::state::Dash;
use crate::dashboard::components::table::Table;
use crate::dashboard::view_model::{CellSlot, DashboardView, SheetView};
use crate::error::AppError;
use crate::pages::not_found::PageNotFound;
use crate::theme::Brand;

/// A dashboard page (`/` or `/{page}`): top bar, then the dashboard once its
/// first view is loaded (on the server, so the first HTML already holds the
/// numbers).
#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_params_map();
    let page = move || params.with(|p| p.get("page"));
    let viewer = Resource::new(|| (), |_| current_viewer());
    let first_view = Resource::new(page, load_dashboard);
    view! {
        <header class="topbar">
            <Brand/>
            <Suspense>
                {move || Suspend::new(async move {
                    viewer.await.ok().flatten().map(|v| view! {
                        <span class="viewer">{v.display_name}</span>
                    })
                })}
            </Suspense>
            // A plain form: logging out is a full page load, so the history
            // holds no client-side copy of the dashboard to go back to.
            <form method="post" action="/api/logout" class="logout-form">
                <button type="submit" class="link-button">"Log out"</button>
            </form>
        </header>
        <Suspense fallback=|| view! { <p class="page loading">"Loading the dashboard…"</p> }>
            {move || Suspend::new(async move {
                match first_view.await {
                    Ok(view) => view! {
                        <Title text=page_title(&view.title)/>
                        <PageNav links=view.nav.clone()/>
                        <Dashboard initial=view/>
                    }.into_any(),
                    Err(error) => {
                        set_status(&error);
                        if let AppError::NotFound(detail) = error {
                            return view! { <PageNotFound detail/> }.into_any();
                        }
                        view! {
                        <main class="page">
                            <div class="notice notice-error" role="alert">
                                <p>{error.to_string()}</p>
                                <p><a href="/">"Try again"</a></p>
                            </div>
                        </main>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The browser's title of a dashboard page: the page's title, then the
/// product name (`theme.product_name`), as on the top bar.
fn page_title(page: &str) -> String {
    format!("{page} – {}", crate::theme::site_theme().product_name)
}

/// The page's HTTP status for an error (e.g. 404 for a page that does not
/// exist), when rendered on the server.
fn set_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status())
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

/// Links to the site's pages (none with a single page).
#[component]
fn PageNav(links: Vec<crate::dashboard::pages::PageLink>) -> impl IntoView {
    (links.len() > 1).then(|| {
        view! {
            <nav class="page-nav" aria-label="Pages">
                {links.into_iter().map(|link| view! {
                    <a href=link.href aria-current=link.current.then_some("page")>{link.title}</a>
                }).collect_view()}
            </nav>
        }
    })
}

/// The dashboard around its first view: the page's one island (its first
/// view travels in the page as the island's props).
#[island]
fn Dashboard(initial: DashboardView) -> impl IntoView {
    let counts = (
        initial.filters.len(),
        initial.kpis.len(),
        initial.tables.len(),
        initial.drawn.len(),
        initial.pivots.len(),
    );
    let title = initial.title.clone();
    let sheet = initial.sheet.clone();
    let in_sheet = move |slot: CellSlot| {
        sheet
            .as_ref()
            .is_some_and(|s| s.cells.iter().any(|c| c.slots.contains(&slot)))
    };
    let filters: Vec<usize> = (0..counts.0)
        .filter(|i| !in_sheet(CellSlot::Filter(*i)))
        .collect();
    let tables: Vec<usize> = (0..counts.2)
        .filter(|i| !in_sheet(CellSlot::Table(*i)))
        .collect();
    let drawn: Vec<usize> = (0..counts.3)
        .filter(|i| !in_sheet(CellSlot::Drawn(*i)))
        .collect();
    let pivots: Vec<usize> = (0..counts.4)
        .filter(|i| !in_sheet(CellSlot::Pivot(*i)))
        .collect();
    let sheet = initial.sheet.clone();
    let dash = Dash::new(initial);
    provide_context(dash);
    // A kept view (Qlik away or slow): the controls that need Qlik are off.
    let stale = move || dash.view.with(|v| v.stale.is_some());
    // Effects run in the browser only: the live channel opens after hydration.
    Effect::new(move |_| live::connect(dash));
    let (_, kpis, _, _, _) = counts;
    view! {
        <main class="dashboard" data-live=move || if dash.live.get() { "open" } else { "closed" }>
            <div class="dashboard-head">
                <h1>{title}</h1>
                <fieldset class="stale-guard" disabled=stale>
                    <Bookmarks/>
                </fieldset>
                {move || dash.reconnecting.get().then(|| view! {
                    <span class="live-status" role="status">"Reconnecting…"</span>
                })}
                {move || dash.paused.get().then(|| view! {
                    <span class="live-status" role="status">
                        "Live updates paused: too many tabs are open. Reload to resume."
                    </span>
                })}
            </div>
            {move || dash.view.with(|v| v.stale.clone()).map(|notice| view! {
                <div class="notice notice-stale" role="status" data-stale=format!("{:?}", notice.reason)>
                    <p>{notice.message}</p>
                    <p>{notice.disabled_because}</p>
                </div>
            })}
            <fieldset class="stale-guard" disabled=stale>
            <SelectionsBar/>
            </fieldset>
            {move || dash.error.get().map(|message| view! {
                <div class="notice notice-error" role="alert">
                    <span>{message}</span>
                    <button type="button" class="link-button" on:click=move |_| dash.error.set(None)>
                        "Dismiss"
                    </button>
                </div>
            })}
            <fieldset class="stale-guard" disabled=stale>
            {sheet.map(|sheet| view! { <Sheet sheet/> })}
            <div class="dashboard-body">
                <aside class="filters" aria-label="Filters">
                    {filters.into_iter().map(|i| view! { <ListBox index=i/> }).collect_view()}
                </aside>
                <div class="content">
                    <div class="kpis">
                        {(0..kpis).map(|i| view! { <Kpi index=i/> }).collect_view()}
                    </div>
                    <div class="charts">
                        {drawn.into_iter().map(|i| view! { <Drawn index=i/> }).collect_view()}
                    </div>
                    {tables.into_iter().map(|i| view! { <Table index=i/> }).collect_view()}
                    {pivots.into_iter().map(|i| view! { <Pivot index=i/> }).collect_view()}
                </div>
            </div>
            </fieldset>
        </main>
    }
}

/// A Qlik sheet: its cells on the sheet's grid (wide screens) or one under
/// the other in reading order (narrow ones), or why it is not shown.
#[component]
fn Sheet(sheet: SheetView) -> impl IntoView {
    if let Some(notice) = sheet.notice {
        return view! {
            <div class="notice" role="status"><p>{notice}</p></div>
        }
        .into_any();
    }
    view! {
        <div class=sheet.class>
            {sheet.cells.into_iter().map(|cell| view! {
                <div class=cell.class>
                    {cell.slots.into_iter().map(|slot| match slot {
                        CellSlot::Filter(i) => view! { <ListBox index=i/> }.into_any(),
                        CellSlot::Table(i) => view! { <Table index=i/> }.into_any(),
                        CellSlot::Drawn(i) => view! { <Drawn index=i/> }.into_any(),
                        CellSlot::Pivot(i) => view! { <Pivot index=i/> }.into_any(),
                    }).collect_view()}
                </div>
            }).collect_view()}
        </div>
    }
    .into_any()
}
