//! A pivot table drawn on the server (`mapping::pivot_html`), set as its
//! host's `inner_html`: the front end holds no view per cell. Its buttons
//! act by event delegation on the host: `data-pivot="expand|collapse"`
//! expands or collapses the node (for every tab of the user: the engine's
//! state), `data-pivot="select"` selects the value; they are plain buttons,
//! so the keyboard works them too. Windows of rows page with Previous and
//! Next.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use super::downloads::Downloads;
use super::state::Dash;
use crate::dashboard::api::pivots::{pivot_window, select_in_pivot, toggle_pivot};
use crate::dashboard::pivot_view::PivotView;
use crate::error::AppError;

/// What a button of the drawn pivot asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PivotAction {
    /// Expand (true) or collapse the node.
    Toggle(bool),
    /// Select the node's value.
    Select,
}

/// A click on one of the drawn pivot's buttons: what, and the node's
/// engine coordinates (`top`, `row`, `col`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PivotClick {
    /// What the button does.
    pub action: PivotAction,
    /// A top (column) node.
    pub top: bool,
    /// Row coordinate.
    pub row: u32,
    /// Column coordinate.
    pub col: u32,
}

impl PivotClick {
    /// Reads a button's `data-pivot`, `data-top`, `data-row`, `data-col`.
    pub fn from_attributes(attribute: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let action = match attribute("data-pivot")?.as_str() {
            "expand" => PivotAction::Toggle(true),
            "collapse" => PivotAction::Toggle(false),
            "select" => PivotAction::Select,
            _ => return None,
        };
        Some(Self {
            action,
            top: attribute("data-top")? == "1",
            row: attribute("data-row")?.parse().ok()?,
            col: attribute("data-col")?.parse().ok()?,
        })
    }
}

/// The button of the drawn pivot a click landed on.
#[cfg(feature = "hydrate")]
fn clicked(event: &leptos::ev::MouseEvent) -> Option<PivotClick> {
    use leptos::wasm_bindgen::JsCast;
    let target = event
        .target()?
        .dyn_into::<leptos::web_sys::Element>()
        .ok()?;
    let button = target.closest("button[data-pivot]").ok()??;
    PivotClick::from_attributes(|name| button.get_attribute(name))
}

#[cfg(not(feature = "hydrate"))]
fn clicked(_: &leptos::ev::MouseEvent) -> Option<PivotClick> {
    None
}

/// The card of the dashboard's `index`-th pivot table.
#[component]
pub fn Pivot(index: usize) -> impl IntoView {
    let dash = expect_context::<Dash>();
    let base = Memo::new(move |_| dash.view.with(|v| v.pivots.get(index).cloned()));
    // A window the user asked for; `None` shows the dashboard's first one.
    let own = RwSignal::new(None::<PivotView>);
    let loading = RwSignal::new(false);
    let shown = Memo::new(move |_| own.get().or_else(|| base.get()));
    let (id, title) = base.with_untracked(|p| {
        p.as_ref()
            .map(|p| (p.id.to_string(), p.title.clone()))
            .unwrap_or_default()
    });
    // Any change (an expansion or a selection, from any tab): the first
    // window of the new view.
    Effect::watch(move || base.get(), move |_, _, _| own.set(None), false);
    let show = move |call: Pin<Box<dyn Future<Output = Result<PivotView, AppError>>>>| {
        loading.set(true);
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(view) => own.set(Some(view)),
                Err(error) => dash.fail(&error),
            }
            loading.set(false);
        });
    };
    let page = {
        let id = id.clone();
        move |forward: bool| {
            if let Some(p) = shown.get_untracked() {
                let first = if forward {
                    p.first_row + p.page_size
                } else {
                    p.first_row.saturating_sub(p.page_size)
                };
                show(Box::pin(pivot_window(dash.page(), id.clone(), first)));
            }
        }
    };
    let page_back = page.clone();
    let on_click = {
        let id = id.clone();
        move |event: leptos::ev::MouseEvent| {
            let Some(click) = clicked(&event) else {
                return;
            };
            let (page, id) = (dash.page(), id.clone());
            match click.action {
                PivotAction::Toggle(expand) => dash.act(toggle_pivot(
                    page, id, click.top, expand, click.row, click.col,
                )),
                PivotAction::Select => {
                    dash.act(select_in_pivot(page, id, click.top, click.row, click.col))
                }
            }
        }
    };
    let html = move || shown.with(|p| p.as_ref().map(|p| p.html.clone()).unwrap_or_default());
    let range = move || shown.with(|p| p.as_ref().map(PivotView::range_text));
    view! {
        <section class="card pivot-card" data-object=id.clone() aria-busy=move || loading.get().to_string()>
            <header class="card-header">
                <h2>{title.clone()}</h2>
                <span class="table-range">{range}</span>
                <Downloads id=id.clone() title=title/>
            </header>
            <div class="pivot-scroll" inner_html=html on:click=on_click></div>
            <footer class="table-pager">
                <button
                    type="button"
                    class="page-button"
                    disabled=move || !shown.with(|p| p.as_ref().is_some_and(PivotView::has_previous))
                    on:click=move |_| page_back(false)
                >
                    "Previous"
                </button>
                <button
                    type="button"
                    class="page-button"
                    disabled=move || !shown.with(|p| p.as_ref().is_some_and(PivotView::has_next))
                    on:click=move |_| page(true)
                >
                    "Next"
                </button>
            </footer>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_button_is_read_from_its_data_attributes() {
        let attributes = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let click = PivotClick::from_attributes(attributes(&[
            ("data-pivot", "collapse"),
            ("data-top", "1"),
            ("data-row", "0"),
            ("data-col", "7"),
        ]));
        assert_eq!(
            click,
            Some(PivotClick {
                action: PivotAction::Toggle(false),
                top: true,
                row: 0,
                col: 7
            })
        );
        let bad = PivotClick::from_attributes(attributes(&[
            ("data-pivot", "explode"),
            ("data-top", "0"),
            ("data-row", "0"),
            ("data-col", "0"),
        ]));
        assert_eq!(bad, None);
    }
}
