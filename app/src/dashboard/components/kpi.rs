//! A key figure card.

use leptos::prelude::*;

use super::state::Dash;

/// The card of the dashboard's `index`-th KPI.
#[component]
pub fn Kpi(index: usize) -> impl IntoView {
    let dash = expect_context::<Dash>();
    let kpi = Memo::new(move |_| dash.view.with(|v| v.kpis.get(index).cloned()));
    let id = kpi.with_untracked(|k| k.as_ref().map(|k| k.id.to_string()).unwrap_or_default());
    view! {
        <section class="card kpi" data-object=id>
            <h2 class="kpi-label">{move || kpi.with(|k| k.as_ref().map(|k| k.label.clone()))}</h2>
            <p class="kpi-value">{move || kpi.with(|k| k.as_ref().map(|k| k.text.clone()))}</p>
        </section>
    }
}
