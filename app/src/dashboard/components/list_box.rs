//! A list box: a field's values in Qlik's selection colours, searchable,
//! usable with the keyboard (WAI-ARIA listbox with an active descendant).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::state::Dash;
use crate::dashboard::api::select_values;
use crate::dashboard::view_model::{ListBoxView, ListValue, ValueState};

/// The values whose text contains `query` (case-insensitive), in order.
pub fn matching(values: &[ListValue], query: &str) -> Vec<ListValue> {
    let query = lower_case(query.trim());
    values
        .iter()
        .filter(|v| query.is_empty() || lower_case(&v.text).contains(&query))
        .cloned()
        .collect()
}

/// Unicode lower case. In the browser it is the browser's own
/// `toLowerCase` (the same Unicode mapping): Rust's case tables would add
/// ~8 KB to the gzipped WASM (README, "Download size").
fn lower_case(text: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        js_sys::JsString::from(text).to_lower_case().into()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        text.to_lowercase()
    }
}

/// "2 of 4 selected" or "4 values".
pub fn count_text(list: &ListBoxView) -> String {
    if list.selected > 0 {
        format!("{} of {} selected", list.selected, list.total)
    } else if list.total == 1 {
        "1 value".to_owned()
    } else {
        format!("{} values", list.total)
    }
}

/// Where the active value is in `values` (the first when it is gone or none).
pub fn active_index(values: &[ListValue], active: Option<i64>) -> usize {
    active
        .and_then(|elem| values.iter().position(|v| v.elem == elem))
        .unwrap_or(0)
}

/// A human name for a state, read out by screen readers.
fn state_name(state: ValueState) -> &'static str {
    match state {
        ValueState::Selected | ValueState::Locked => "selected",
        ValueState::Possible => "possible",
        ValueState::Alternative => "alternative",
        ValueState::Excluded => "excluded",
        ValueState::SelectedExcluded => "selected, excluded",
    }
}

/// The list box showing the dashboard's `index`-th filter.
#[component]
pub fn ListBox(index: usize) -> impl IntoView {
    let dash = expect_context::<Dash>();
    let list = Memo::new(move |_| dash.view.with(|v| v.filters.get(index).cloned()));
    let id = list.with_untracked(|l| l.as_ref().map(|l| l.id.to_string()).unwrap_or_default());
    let heading =
        list.with_untracked(|l| l.as_ref().map(|l| l.heading.clone()).unwrap_or_default());
    let query = RwSignal::new(String::new());
    // The active value by element number: it stays on its value when the
    // list re-sorts after a selection (selected values come first).
    let active = RwSignal::new(None::<i64>);
    let visible = Memo::new(move |_| {
        list.with(|l| {
            l.as_ref()
                .map(|l| query.with(|q| matching(&l.values, q)))
                .unwrap_or_default()
        })
    });
    let option_id = {
        let id = id.clone();
        move |elem: i64| format!("{id}-value-{elem}")
    };
    let select = {
        let id = id.clone();
        move |elem: i64| dash.act(select_values(dash.page(), id.clone(), vec![elem]))
    };
    let on_key = {
        let select = select.clone();
        move |ev: KeyboardEvent| {
            let count = visible.with(Vec::len);
            if count == 0 {
                return;
            }
            let current = visible.with(|v| active_index(v, active.get_untracked()));
            let next = match ev.key().as_str() {
                "ArrowDown" => (current + 1).min(count - 1),
                "ArrowUp" => current.saturating_sub(1),
                "Home" => 0,
                "End" => count - 1,
                "PageDown" => (current + 10).min(count - 1),
                "PageUp" => current.saturating_sub(10),
                " " | "Enter" => {
                    ev.prevent_default();
                    if let Some(value) = visible.with(|v| v.get(current).cloned()) {
                        select(value.elem);
                    }
                    return;
                }
                _ => return,
            };
            ev.prevent_default();
            active.set(visible.with(|v| v.get(next).map(|value| value.elem)));
        }
    };
    let heading_id = format!("{id}-heading");
    let active_descendant = {
        let option_id = option_id.clone();
        move || {
            visible.with(|v| {
                v.get(active_index(v, active.get()))
                    .map(|value| option_id(value.elem))
            })
        }
    };
    let count = move || list.with(|l| l.as_ref().map(count_text).unwrap_or_default());
    // A kept view (Qlik away): the values cannot be selected (a click says why).
    let stale = move || dash.view.with(|v| v.stale.is_some()).then_some("true");
    view! {
        <section class="card list-box" data-object=id.clone()>
            <header class="card-header">
                <h2 id=heading_id.clone()>{heading.clone()}</h2>
                <span class="list-count">{count}</span>
            </header>
            <input
                type="search"
                class="list-search"
                placeholder="Search"
                aria-label=format!("Search {heading}")
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(None);
                }
            />
            <ul
                class="list-values"
                role="listbox"
                tabindex="0"
                aria-multiselectable="true"
                aria-labelledby=heading_id
                aria-activedescendant=active_descendant
                aria-disabled=stale
                on:keydown=on_key
            >
                // A plain list, patched in place when the values change, not a
                // keyed `<For>`: without keyed lists anywhere, their diffing code
                // leaves the WASM (~12 KB gzip, README "Download size"). Nothing
                // here keeps state in a value's element: the active value is
                // followed by its element number.
                {move || visible.get().into_iter().map(|value| {
                    let select = select.clone();
                    let elem = value.elem;
                    view! {
                        <li
                            id=option_id(elem)
                            role="option"
                            aria-selected=value.state.is_selected().to_string()
                            aria-disabled=stale
                            class=format!("list-value {}", value.state.css_class())
                            class:active=move || {
                                visible.with(|v| v.get(active_index(v, active.get())).map(|a| a.elem))
                                    == Some(elem)
                            }
                            data-state=state_name(value.state)
                            title=format!("{} ({})", value.text, state_name(value.state))
                            on:click=move |_| {
                                active.set(Some(elem));
                                select(elem);
                            }
                        >
                            <span class="value-text">{value.text.clone()}</span>
                            {value.state.is_selected().then(|| view! {
                                <span class="value-check" aria-hidden="true">"✓"</span>
                            })}
                        </li>
                    }
                }).collect_view()}
                {move || visible.with(Vec::is_empty).then(|| view! {
                    <li class="list-empty" role="presentation">"No matching values"</li>
                })}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, state: ValueState) -> ListValue {
        ListValue {
            text: text.into(),
            elem: 0,
            state,
        }
    }

    #[test]
    fn search_is_case_insensitive_and_keeps_order() {
        let values = [
            value("EMEA", ValueState::Selected),
            value("Americas", ValueState::Excluded),
            value("APAC", ValueState::Possible),
        ];
        let texts = |q| {
            matching(&values, q)
                .into_iter()
                .map(|v| v.text)
                .collect::<Vec<_>>()
        };
        assert_eq!(texts("a"), ["EMEA", "Americas", "APAC"]);
        assert_eq!(texts(" ap "), ["APAC"]);
        assert!(texts("zz").is_empty());
        let accented = [value("Österreich", ValueState::Possible)];
        assert_eq!(matching(&accented, "ÖSTER").len(), 1, "not ASCII only");
    }

    #[test]
    fn the_active_value_is_followed_by_its_element_number() {
        let mut values = vec![
            value("EMEA", ValueState::Possible),
            value("APAC", ValueState::Possible),
        ];
        values[1].elem = 7;
        assert_eq!(active_index(&values, Some(7)), 1);
        values.swap(0, 1);
        assert_eq!(active_index(&values, Some(7)), 0);
        assert_eq!(active_index(&values, Some(99)), 0);
        assert_eq!(active_index(&values, None), 0);
    }

    #[test]
    fn counts() {
        let mut list = ListBoxView {
            id: crate::dashboard::object_id::ObjectId::Master("f".into()),
            heading: "Region".into(),
            values: vec![],
            selected: 0,
            total: 4,
        };
        assert_eq!(count_text(&list), "4 values");
        list.selected = 2;
        assert_eq!(count_text(&list), "2 of 4 selected");
    }
}
