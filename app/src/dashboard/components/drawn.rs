//! A master object drawn on the server by `crates/charts`, or its card.
//!
//! The chart arrives as HTML the crate wrote (every text from the layout
//! escaped by `charts::escape`), set as the host's `inner_html`. Its marks
//! are made interactive by event delegation on that host, as Qlik does: a
//! click or Enter/Space on a `.qc-mark` selects its value, the arrow keys
//! move between marks (one tab stop per chart), and after the selection
//! redraws the chart the focus returns to the same mark.

use leptos::prelude::*;

use super::downloads::Downloads;
use super::marks::{self, Key, Mark};
use super::state::Dash;
use crate::dashboard::api::select_in_chart;
use crate::dashboard::view_model::TableView;

/// The card of the dashboard's `index`-th drawn master object.
#[component]
pub fn Drawn(index: usize) -> impl IntoView {
    let dash = expect_context::<Dash>();
    let item = Memo::new(move |_| dash.view.with(|v| v.drawn.get(index).cloned()));
    let (id, title, visualization, downloadable) = item.with_untracked(|d| {
        d.as_ref()
            .map(|d| {
                (
                    d.id.to_string(),
                    d.title.clone(),
                    d.visualization.clone(),
                    d.downloadable,
                )
            })
            .unwrap_or_default()
    });
    let html = Memo::new(move |_| item.with(|d| d.as_ref().and_then(|d| d.html.clone())));
    let data = Memo::new(move |_| item.with(|d| d.as_ref().and_then(|d| d.data.clone())));
    let host = NodeRef::<leptos::html::Div>::new();
    // The mark a selection was made on, to focus again once redrawn.
    let selected_on = StoredValue::new(None::<Mark>);
    Effect::new(move |_| {
        html.track();
        if let (Some(mark), Some(host)) = (selected_on.get_value(), host.get_untracked()) {
            selected_on.set_value(None);
            marks::focus(&host, mark);
        }
    });
    let select = {
        let id = id.clone();
        move |mark: Mark| {
            selected_on.set_value(Some(mark));
            dash.act(select_in_chart(
                dash.page(),
                id.clone(),
                Some(mark.dimension),
                mark.elem,
            ));
        }
    };
    let on_click = {
        let select = select.clone();
        move |event: leptos::ev::MouseEvent| {
            if let Some(mark) = marks::target(&event) {
                select(mark);
            }
        }
    };
    let on_key = move |event: leptos::ev::KeyboardEvent| match marks::key(&event) {
        Some(Key::Select(mark)) => {
            event.prevent_default();
            select(mark);
        }
        Some(Key::Move(step)) => {
            event.prevent_default();
            marks::step(&event, step);
        }
        None => {}
    };
    let note = format!("“{title}” is a {visualization}: it is not drawn here.");
    view! {
        <section class="card chart drawn" data-object=id.clone() data-visualization=visualization.clone()>
            <header class="card-header">
                <h2>{title.clone()}</h2>
                {downloadable.then(|| view! { <Downloads id=id.clone() title=title.clone()/> })}
            </header>
            <div
                class="drawn-chart"
                node_ref=host
                inner_html=move || html.get().unwrap_or_default()
                on:click=on_click
                on:keydown=on_key
            ></div>
            {move || html.with(Option::is_none).then(|| {
                let note = note.clone();
                view! {
                    <p class="drawn-note">{note}</p>
                    {data.get().map(|table| view! { <ShowData table/> })}
                }
            })}
        </section>
    }
}

/// A card's "Show data": the rows its layout holds, as a plain table.
#[component]
fn ShowData(table: TableView) -> impl IntoView {
    let more = table.total_rows as usize > table.rows.len();
    let caption = format!("{}: {}", table.title, table.range_text());
    view! {
        <details class="show-data">
            <summary>"Show data"</summary>
            <table class="data-table">
                <caption>{caption}</caption>
                <thead>
                    <tr>{table.headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {table.rows.into_iter().map(|row| view! {
                        <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
            {more.then(|| view! { <p class="drawn-note">"Download the file for every row."</p> })}
        </details>
    }
}
