//! The current-selections bar: a chip per field, clear one, clear all, back,
//! forward.

use leptos::prelude::*;

use super::state::Dash;
use crate::dashboard::api::{SelectionStep, clear_field, step_selections};

/// The bar above the dashboard.
#[component]
pub fn SelectionsBar() -> impl IntoView {
    let dash = expect_context::<Dash>();
    let selections = Memo::new(move |_| dash.view.with(|v| v.selections.clone()));
    let step = move |step: SelectionStep| dash.act(step_selections(step));
    view! {
        <nav class="selections-bar" aria-label="Current selections">
            <div class="selection-steps">
                <button
                    type="button"
                    class="step-button"
                    aria-label="Step back"
                    title="Step back"
                    disabled=move || selections.with(|s| !s.can_back)
                    on:click=move |_| step(SelectionStep::Back)
                >
                    "←"
                </button>
                <button
                    type="button"
                    class="step-button"
                    aria-label="Step forward"
                    title="Step forward"
                    disabled=move || selections.with(|s| !s.can_forward)
                    on:click=move |_| step(SelectionStep::Forward)
                >
                    "→"
                </button>
                <button
                    type="button"
                    class="step-button clear-all"
                    disabled=move || selections.with(|s| s.chips.is_empty())
                    on:click=move |_| step(SelectionStep::ClearAll)
                >
                    "Clear all"
                </button>
            </div>
            <ul class="selection-chips">
                <For
                    each=move || selections.with(|s| s.chips.clone())
                    key=|chip| (chip.field.clone(), chip.summary.clone())
                    let(chip)
                >
                    {
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
                                    on:click=move |_| dash.act(clear_field(field.clone()))
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    }
                </For>
                {move || selections.with(|s| s.chips.is_empty()).then(|| view! {
                    <li class="no-selections">"No selections"</li>
                })}
            </ul>
        </nav>
    }
}
