//! The page for unknown paths, and the 404 a dashboard page answers for a
//! page name that does not exist.

use leptos::prelude::*;

use crate::dashboard::pages::PageLink;
use crate::theme::Brand;

/// Shown for any path no route matches: the top bar, then [`PageNotFound`];
/// answers with HTTP 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <header class="topbar">
            <Brand/>
        </header>
        <PageNotFound/>
    }
}

/// A 404's content: a heading, what is missing, and links to the site's
/// pages (to a logged-in user; the start page to anyone else).
#[component]
pub fn PageNotFound(
    /// What is missing (else: "There is no page at this address.").
    #[prop(optional)]
    detail: Option<String>,
) -> impl IntoView {
    let detail = detail.unwrap_or_else(|| "There is no page at this address.".to_owned());
    let links = page_links();
    view! {
        <main class="page not-found">
            <h1>"Page not found"</h1>
            <p>{detail}</p>
            <nav class="page-nav" aria-label="Pages">
                {links.into_iter().map(|link| view! {
                    <a href=link.href>{link.title}</a>
                }).collect_view()}
            </nav>
        </main>
    }
}

/// The site's pages, when the request has a live session (the login guard
/// looked it up); else only the start page, whose title is not shown to a
/// stranger.
#[cfg(feature = "ssr")]
fn page_links() -> Vec<PageLink> {
    use crate::server::{AppContext, sessions::LookedUp};
    let logged_in = use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.extensions.get::<LookedUp>().is_some());
    match use_context::<AppContext>() {
        Some(ctx) if logged_in => ctx.pages.links(""),
        _ => vec![PageLink {
            href: "/".into(),
            title: "Start page".into(),
            current: false,
        }],
    }
}

/// Rendered on the server only (not an island).
#[cfg(not(feature = "ssr"))]
fn page_links() -> Vec<PageLink> {
    Vec::new()
}
