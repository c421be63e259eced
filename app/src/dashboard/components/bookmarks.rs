//! The bookmarks panel: save the current selections under a name, list the
//! user's bookmarks of this page's app, apply or delete one (after a
//! confirmation). A disclosure (a button that shows and hides the panel),
//! usable by keyboard alone; a popover that closes on Escape (focus back on
//! the button) and on a click outside it.

use leptos::prelude::*;

use super::state::Dash;
use crate::dashboard::api::bookmarks::{
    MAX_TITLE_CHARS, apply_bookmark, delete_bookmark, list_bookmarks, save_bookmark,
};
use crate::dashboard::view_model::BookmarkView;

/// The "Bookmarks" button and its panel.
#[component]
pub fn Bookmarks() -> impl IntoView {
    let dash = expect_context::<Dash>();
    let open = RwSignal::new(false);
    let list = RwSignal::new(Vec::<BookmarkView>::new());
    let name = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let root = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    // A click outside the panel and its button closes it.
    let outside = window_event_listener(leptos::ev::click, move |event| {
        let target = event
            .target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Node>(t).ok());
        let inside = root
            .get_untracked()
            .is_some_and(|root| root.contains(target.as_ref()));
        if !inside && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());
    let escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let reload = move || {
        leptos::task::spawn_local(async move {
            match list_bookmarks(dash.page()).await {
                Ok(found) => list.set(found),
                Err(error) => dash.fail(&error),
            }
        });
    };
    let toggle = move |_| {
        let now_open = !open.get_untracked();
        open.set(now_open);
        if now_open {
            status.set(String::new());
            reload();
        }
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let title = name.get_untracked();
        leptos::task::spawn_local(async move {
            match save_bookmark(dash.page(), title.clone()).await {
                Ok(()) => {
                    name.set(String::new());
                    status.set(format!("Saved “{}”.", title.trim()));
                    reload();
                }
                Err(error) => status.set(error.to_string()),
            }
        });
    };
    let apply = move |bookmark: BookmarkView| {
        status.set(format!("Applied “{}”.", bookmark.title));
        dash.act(apply_bookmark(dash.page(), bookmark.id));
    };
    let delete = move |bookmark: BookmarkView| {
        let question = format!("Delete the bookmark “{}”?", bookmark.title);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        leptos::task::spawn_local(async move {
            match delete_bookmark(dash.page(), bookmark.id).await {
                Ok(()) => {
                    status.set(format!("Deleted “{}”.", bookmark.title));
                    reload();
                }
                Err(error) => status.set(error.to_string()),
            }
        });
    };
    view! {
        <div class="bookmarks" node_ref=root on:keydown=escape>
            <button
                type="button"
                node_ref=button
                class="bookmarks-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="bookmarks-panel"
                on:click=toggle
            >
                "Bookmarks"
            </button>
            <section
                id="bookmarks-panel"
                class="bookmarks-panel card"
                aria-label="Bookmarks"
                hidden=move || !open.get()
            >
                <form class="bookmark-form" on:submit=save>
                    <label for="bookmark-name">"Name of the current selections"</label>
                    <input
                        id="bookmark-name"
                        type="text"
                        required
                        maxlength=MAX_TITLE_CHARS
                        prop:value=move || name.get()
                        on:input=move |event| name.set(event_target_value(&event))
                    />
                    <button type="submit">"Save bookmark"</button>
                </form>
                <p class="bookmark-status" role="status">{move || status.get()}</p>
                <ul class="bookmark-list">
                    // Rebuilt in place (no keyed `<For>`: see the list box).
                    {move || list.get().into_iter().map(|bookmark| {
                        let (for_apply, for_delete) = (bookmark.clone(), bookmark.clone());
                        view! {
                            <li class="bookmark" data-bookmark=bookmark.id.clone()>
                                <span class="bookmark-title">{bookmark.title.clone()}</span>
                                <button
                                    type="button"
                                    aria-label=format!("Apply {}", bookmark.title)
                                    on:click=move |_| apply(for_apply.clone())
                                >
                                    "Apply"
                                </button>
                                <button
                                    type="button"
                                    class="link-button"
                                    aria-label=format!("Delete {}", bookmark.title)
                                    on:click=move |_| delete(for_delete.clone())
                                >
                                    "Delete"
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {move || list.with(Vec::is_empty).then(|| view! {
                    <p class="bookmark-empty">"No bookmarks yet."</p>
                })}
            </section>
        </div>
    }
}
