//! The start page of a logged-in user.

use leptos::prelude::*;

use crate::account::current_viewer;

/// The start page: greets the user and offers to log out.
#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| current_viewer());
    view! {
        <header class="topbar">
            <span class="brand">"qlik-mashup"</span>
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
        <main class="page home">
            <h1>"qlik-mashup"</h1>
            <p class="lead">"Your company's Qlik Sense dashboards, one sign-in away."</p>
        </main>
    }
}
