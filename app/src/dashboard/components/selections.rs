//! The current-selections bar: a chip per field, clear one, clear all, back,
//! forward.

use leptos::prelude::*;

use super::state::Dash;
use crate::dashboard::api::{SelectionStep, clear_field, step_selections};

/// A back / forward / clear-all button: `name` is its accessible name and
/// tooltip, `text` what it shows.
#[component]
fn StepButton(
    step: SelectionStep,
    name: &'static str,
    text: &'static str,
    disabled: Signal<bool>,
) -> impl IntoView {
    let dash = expect_context::<Dash>();
    view! {
        <button
            type="button"
            class="step-button"
            aria-label=name
            title=name
            disabled=disabled
            on:click=move |_| dash.act(step_selections(dash.page(), step))
        >
            {text}
        </button>
    }
}

/// The bar above the dashboard.
#[component]
pub fn SelectionsBar() -> impl IntoView {
    let dash = expect_context::<Dash>();
    let selections = Memo::new(move |_| dash.view.with(|v| v.selections.clone()));
    view! {
        <nav class="selections-bar" aria-label="Current selections">
            <div class="selection-steps">
                <StepButton step=SelectionStep::Back name="Step back" text="←"
                    disabled=Signal::derive(move || selections.with(|s| !s.can_back))/>
                <StepButton step=SelectionStep::Forward name="Step forward" text="→"
                    disabled=Signal::derive(move || selections.with(|s| !s.can_forward))/>
                <StepButton step=SelectionStep::ClearAll name="Clear all" text="Clear all"
                    disabled=Signal::derive(move || selections.with(|s| s.chips.is_empty()))/>
            </div>
            <ul class="selection-chips">
                // Rebuilt in place (no keyed `<For>`: see the list box).
                {move || selections.with(|s| s.chips.clone()).into_iter().map(|chip| {
                    let field = chip.field.clone();
                    view! {
                        <li class="chip" data-field=chip.field.clone()>
                            <span class="chip-field">{chip.field.clone()}</span>
                            <span class="chip-values">{chip.summary.clone()}</span>
                            <button
                                type="button"
                                class="chip-clear"
                                aria-label=format!("Clear {}", chip.field)
                                title=format!("Clear {}", chip.field)
                                on:click=move |_| dash.act(clear_field(dash.page(), field.clone()))
                            >
                                "×"
                            </button>
                        </li>
                    }
                }).collect_view()}
                {move || selections.with(|s| s.chips.is_empty()).then(|| view! {
                    <li class="no-selections">"No selections"</li>
                })}
            </ul>
        </nav>
    }
}
