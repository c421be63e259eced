//! The Leptos application: the HTML shell, the routes and the pages. Compiled
//! twice — with `ssr` into the server, with `hydrate` into the WASM front end.

#![recursion_limit = "256"]

pub mod account;
pub mod codec;
pub mod dashboard;
pub mod error;
pub mod notice;
mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod theme;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
                <link rel="stylesheet" href=theme::CHARTS_STYLESHEET_PATH/>
                <link rel="stylesheet" href=dashboard::sheet::SHEETS_STYLESHEET_PATH/>
                // After the app's stylesheet: the configured brand colour wins.
                <link rel="stylesheet" href=theme::STYLESHEET_PATH/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The root component: stylesheet, title and the router with every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    notice::provide_site_notice();
    theme::provide_site_theme();
    let product = theme::site_theme().product_name;
    view! {
        <Stylesheet id="leptos" href="/pkg/qlik-mashup.css"/>
        <Title text=product/>
        <Router>
            <div id="app" data-hydrated="false">
            <notice::DemoBanner/>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=StaticSegment("") view=pages::dashboard::DashboardPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("login") view=pages::login::LoginPage/>
                <Route path=ParamSegment("page") view=pages::dashboard::DashboardPage ssr=SsrMode::Async/>
            </Routes>
            <HydratedMarker/>
            </div>
        </Router>
    }
}

/// Sets `#app`'s `data-hydrated` once the page's islands have been hydrated
/// (it is the last island of the page; the WASM bundle hydrates them in
/// document order).
#[island]
fn HydratedMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(app) = document().get_element_by_id("app") {
            let _ = app.set_attribute("data-hydrated", "true");
        }
    });
}
