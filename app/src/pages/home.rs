//! The home page.

use leptos::prelude::*;

/// The landing page. Its `data-hydrated` marker is set only by the browser,
/// once the WASM bundle has taken over the server-rendered HTML.
#[component]
pub fn HomePage() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <main class="page home" data-hydrated=move || hydrated.get().to_string()>
            <h1>"qlik-mashup"</h1>
            <p class="lead">"Your company's Qlik Sense dashboards, one sign-in away."</p>
        </main>
    }
}
