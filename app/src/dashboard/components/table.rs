//! A paged table, sortable by any column when it is small enough.

use leptos::prelude::*;

use super::downloads::Downloads;
use super::state::Dash;
use crate::dashboard::api::table_page;
use crate::dashboard::view_model::{TableSort, TableView};

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
    // A page or sort the user asked for; `None` shows the dashboard's first page.
    let own = RwSignal::new(None::<TableView>);
    let loading = RwSignal::new(false);
    let shown = Memo::new(move |_| own.get().or_else(|| base.get()));
    let id = base.with_untracked(|t| t.as_ref().map(|t| t.id.to_string()).unwrap_or_default());
    let title = base.with_untracked(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let fetch = {
        let id = id.clone();
        move |first_row: u32, sort: Option<TableSort>| {
            if first_row == 0 && sort.is_none() {
                own.set(None);
                return;
            }
            let id = id.clone();
            loading.set(true);
            leptos::task::spawn_local(async move {
                match table_page(dash.page(), id, first_row, sort).await {
                    Ok(view) => own.set(Some(view)),
                    Err(error) => dash.fail(&error),
                }
                loading.set(false);
            });
        }
    };
    // New selections: back to the first page, in the user's sort.
    Effect::watch(
        move || base.get(),
        {
            let fetch = fetch.clone();
            move |_, _, _| {
                let sort = own.with_untracked(|o| o.as_ref().and_then(|t| t.sort));
                fetch(0, sort);
            }
        },
        false,
    );
    let page = {
        let fetch = fetch.clone();
        move |forward: bool| {
            if let Some(t) = shown.get_untracked() {
                let first = if forward {
                    t.first_row + t.page_size
                } else {
                    t.first_row.saturating_sub(t.page_size)
                };
                fetch(first, t.sort);
            }
        }
    };
    let page_back = page.clone();
    let sort_by = move |column: usize| {
        if let Some(t) = shown.get_untracked() {
            fetch(0, next_sort(t.sort, column));
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
                                let sortable = t.sortable;
                                let sort = t.sort;
                                t.headers.iter().enumerate().map(|(column, header)| {
                                    let numeric = t.numeric.get(column).copied().unwrap_or(false);
                                    let sort_by = sort_by.clone();
                                    view! {
                                        <th scope="col" class:numeric=numeric aria-sort=aria_sort(sort, column)>
                                            {if sortable {
                                                view! {
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
                                                }.into_any()
                                            } else {
                                                header.clone().into_any()
                                            }}
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
