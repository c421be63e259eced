//! The page for unknown paths.

use leptos::prelude::*;

/// Shown for any path no route matches; answers with HTTP 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main class="page not-found">
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to the start page"</a></p>
        </main>
    }
}
