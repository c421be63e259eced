//! A paged table, sortable by any column. The sort is the engine object's
//! state (see `api::tables`): every tab and every download follow it.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use super::downloads::Downloads;
use super::state::Dash;
use crate::dashboard::api::tables::{sort_table, table_page};
use crate::dashboard::view_model::{TableSort, TableView};
use crate::error::AppError;

/// The sort after a click on `column`'s heading: ascending first, then
/// descending, then back to the engine's order.
pub fn next_sort(current: Option<TableSort>, column: usize) -> Option<TableSort> {
    match current {
        Some(TableSort {
            column: c,
            descending: false,
        }) if c == column => Some(TableSort {
            column,
            descending: true,
        }),
        Some(TableSort {
            column: c,
            descending: true,
        }) if c == column => None,
        _ => Some(TableSort {
            column,
            descending: false,
        }),
    }
}

/// The `aria-sort` value of a column.
pub fn aria_sort(sort: Option<TableSort>, column: usize) -> &'static str {
    match sort {
        Some(s) if s.column == column && s.descending => "descending",
        Some(s) if s.column == column => "ascending",
        _ => "none",
    }
}

/// The card of the dashboard's `index`-th table.
#[component]
pub fn Table(index: usize) -> impl IntoView {
    let dash = expect_context::<Dash>();
    let base = Memo::new(move |_| dash.view.with(|v| v.tables.get(index).cloned()));
    // A page the user asked for; `None` shows the dashboard's first page.
    let own = RwSignal::new(None::<TableView>);
    let loading = RwSignal::new(false);
    let shown = Memo::new(move |_| own.get().or_else(|| base.get()));
    let id = base.with_untracked(|t| t.as_ref().map(|t| t.id.to_string()).unwrap_or_default());
    let title = base.with_untracked(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    // Runs a table call and shows the page it answers.
    let show = move |call: Pin<Box<dyn Future<Output = Result<TableView, AppError>>>>| {
        loading.set(true);
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(view) => own.set(Some(view)),
                Err(error) => dash.fail(&error),
            }
            loading.set(false);
        });
    };
    // New selections or a new sort (from any tab): the first page of the
    // new view, which the engine already sorted.
    Effect::watch(move || base.get(), move |_, _, _| own.set(None), false);
    let page = {
        let id = id.clone();
        move |forward: bool| {
            if let Some(t) = shown.get_untracked() {
                let first = if forward {
                    t.first_row + t.page_size
                } else {
                    t.first_row.saturating_sub(t.page_size)
                };
                show(Box::pin(table_page(dash.page(), id.clone(), first)));
            }
        }
    };
    let page_back = page.clone();
    let sort_by = {
        let id = id.clone();
        move |column: usize| {
            if let Some(t) = shown.get_untracked() {
                let sort = next_sort(t.sort, column);
                show(Box::pin(sort_table(dash.page(), id.clone(), sort)));
            }
        }
    };
    let range = move || shown.with(|t| t.as_ref().map(TableView::range_text));
    view! {
        <section class="card table-card" data-object=id.clone() aria-busy=move || loading.get().to_string()>
            <header class="card-header">
                <h2>{title.clone()}</h2>
                <span class="table-range">{range}</span>
                <Downloads id=id.clone() title=title/>
            </header>
            <div class="table-scroll">
                <table class="data-table">
                    <thead>
                        <tr>
                            {move || shown.with(|t| t.as_ref().map(|t| {
                                let sort = t.sort;
                                t.headers.iter().enumerate().map(|(column, header)| {
                                    let numeric = t.numeric.get(column).copied().unwrap_or(false);
                                    let sort_by = sort_by.clone();
                                    view! {
                                        <th scope="col" class:numeric=numeric aria-sort=aria_sort(sort, column)>
                                            <button type="button" class="sort-button" on:click=move |_| sort_by(column)>
                                                {header.clone()}
                                                <span class="sort-mark" aria-hidden="true">
                                                    {match aria_sort(sort, column) {
                                                        "ascending" => "▲",
                                                        "descending" => "▼",
                                                        _ => "",
                                                    }}
                                                </span>
                                            </button>
                                        </th>
                                    }
                                }).collect_view()
                            }))}
                        </tr>
                    </thead>
                    <tbody>
                        {move || shown.with(|t| t.as_ref().map(|t| {
                            t.rows.iter().map(|row| view! {
                                <tr>
                                    {row.iter().enumerate().map(|(column, cell)| {
                                        let numeric = t.numeric.get(column).copied().unwrap_or(false);
                                        view! { <td class:numeric=numeric>{cell.clone()}</td> }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()
                        }))}
                    </tbody>
                </table>
            </div>
            <footer class="table-pager">
                <button
                    type="button"
                    class="page-button"
                    disabled=move || !shown.with(|t| t.as_ref().is_some_and(TableView::has_previous))
                    on:click=move |_| page_back(false)
                >
                    "Previous"
                </button>
                <button
                    type="button"
                    class="page-button"
                    disabled=move || !shown.with(|t| t.as_ref().is_some_and(TableView::has_next))
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
    fn clicking_a_heading_cycles_ascending_descending_none() {
        let asc = Some(TableSort {
            column: 2,
            descending: false,
        });
        let desc = Some(TableSort {
            column: 2,
            descending: true,
        });
        assert_eq!(next_sort(None, 2), asc);
        assert_eq!(next_sort(asc, 2), desc);
        assert_eq!(next_sort(desc, 2), None);
        assert_eq!(next_sort(desc, 0).map(|s| s.column), Some(0));
        assert_eq!(aria_sort(desc, 2), "descending");
        assert_eq!(aria_sort(desc, 1), "none");
    }
}
