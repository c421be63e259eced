//! The live channel: server-sent events from `/api/events` tell the page that
//! the user's selections changed (in this tab, another tab or another device);
//! the page then reloads its view. While the channel is down the page shows a
//! discreet "reconnecting" state, and it recovers by itself.

use super::state::Dash;

/// Where the server streams the user's change events (`?page=name` for a
/// page other than the home page: its app's events).
pub const EVENTS_PATH: &str = "/api/events";

/// The event stream's URL for the page named `page`.
pub fn events_url(page: Option<&str>) -> String {
    match page {
        Some(page) => format!("{EVENTS_PATH}?page={}", page_query_value(page)),
        None => EVENTS_PATH.to_owned(),
    }
}

/// Page names are lowercase letters, digits and `-` (checked at start-up):
/// nothing to escape; anything else is dropped rather than sent.
fn page_query_value(page: &str) -> String {
    page.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}
/// The last event of a stream the server ended because the user opened more
/// tabs than it keeps streams for: this tab stops listening.
pub const REPLACED: &str = "replaced";

/// Opens the channel for the lifetime of the current reactive owner.
#[cfg(feature = "hydrate")]
pub fn connect(dash: Dash) {
    browser::connect(dash);
}

/// Only the browser has a live channel; server rendering needs none.
#[cfg(not(feature = "hydrate"))]
pub fn connect(_dash: Dash) {}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::{Rc, Weak};
    use std::time::Duration;

    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Event, EventSource, MessageEvent};

    use super::{Dash, REPLACED, events_url};

    /// How long to wait before re-opening a channel the browser gave up on.
    const RETRY: Duration = Duration::from_secs(2);

    struct Channel {
        source: EventSource,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_open: Closure<dyn FnMut(Event)>,
        _on_error: Closure<dyn FnMut(Event)>,
    }

    type Slot = Rc<RefCell<Option<Channel>>>;

    pub fn connect(dash: Dash) {
        let slot: Slot = Rc::new(RefCell::new(None));
        open(dash, &slot);
        let guard = SendWrapper::new(slot);
        on_cleanup(move || {
            if let Some(channel) = guard.take().borrow_mut().take() {
                channel.source.close();
            }
        });
    }

    fn open(dash: Dash, slot: &Slot) {
        let Ok(source) = EventSource::new(&events_url(dash.page().as_deref())) else {
            dash.reconnecting.set(true);
            retry_later(dash, Rc::downgrade(slot));
            return;
        };
        let weak = Rc::downgrade(slot);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if event.data().as_string().as_deref() == Some(REPLACED) {
                // Too many tabs: this one stops listening (a reload resumes).
                if let Some(slot) = weak.upgrade()
                    && let Some(channel) = slot.borrow().as_ref()
                {
                    channel.source.close();
                }
                dash.live.set(false);
                dash.paused.set(true);
                return;
            }
            dash.refresh();
        });
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| {
            dash.live.set(true);
            if dash.reconnecting.get_untracked() {
                dash.reconnecting.set(false);
                // Changes may have happened while the channel was down.
                dash.refresh();
            }
        });
        let weak = Rc::downgrade(slot);
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_| {
            dash.live.set(false);
            dash.reconnecting.set(true);
            let closed = weak.upgrade().is_some_and(|slot| {
                slot.borrow()
                    .as_ref()
                    .is_some_and(|c| c.source.ready_state() == EventSource::CLOSED)
            });
            // The browser retries network errors itself, but not HTTP errors:
            // check the session (an ended one goes to the login page), retry.
            if closed {
                dash.refresh();
                retry_later(dash, weak.clone());
            }
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let old = slot.borrow_mut().replace(Channel {
            source,
            _on_message: on_message,
            _on_open: on_open,
            _on_error: on_error,
        });
        if let Some(old) = old {
            old.source.close();
        }
    }

    fn retry_later(dash: Dash, slot: Weak<RefCell<Option<Channel>>>) {
        set_timeout(
            move || {
                if let Some(slot) = slot.upgrade() {
                    open(dash, &slot);
                }
            },
            RETRY,
        );
    }
}
