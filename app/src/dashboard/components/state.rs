//! The dashboard's client state: the latest view, errors, and the
//! "reconnecting" flag of the live channel.

use std::future::Future;

use leptos::prelude::*;

use crate::dashboard::api::load_dashboard;
use crate::dashboard::view_model::DashboardView;
use crate::error::AppError;

/// Shared by every component of one dashboard.
#[derive(Debug, Clone, Copy)]
pub struct Dash {
    /// The latest view from the server.
    pub view: RwSignal<DashboardView>,
    /// The last failure (until the next successful reload) or notice
    /// (until dismissed).
    pub error: RwSignal<Option<String>>,
    /// The live channel is open.
    pub live: RwSignal<bool>,
    /// The live channel is down and being re-opened.
    pub reconnecting: RwSignal<bool>,
    /// The server stopped this tab's live channel: the user has more tabs
    /// open than it keeps channels for (a reload resumes it).
    pub paused: RwSignal<bool>,
    /// Number of the latest refresh; older answers are dropped.
    latest: StoredValue<u64>,
    /// The message shown answers the user's own action (a refused
    /// download): a reload does not clear it, only Dismiss does.
    notice: StoredValue<bool>,
}

impl Dash {
    /// State around the server-rendered first view.
    pub fn new(initial: DashboardView) -> Self {
        Self {
            view: RwSignal::new(initial),
            error: RwSignal::new(None),
            live: RwSignal::new(false),
            reconnecting: RwSignal::new(false),
            paused: RwSignal::new(false),
            latest: StoredValue::new(0),
            notice: StoredValue::new(false),
        }
    }

    /// The page's name for its server calls (`None`: the home page).
    pub fn page(self) -> Option<String> {
        self.view
            .with_untracked(|v| (!v.page.is_empty()).then(|| v.page.clone()))
    }

    /// Reloads the whole view (one round trip; unchanged layouts come from
    /// the server's cache). Only the newest of overlapping reloads lands.
    pub fn refresh(self) {
        let ticket = self.latest.get_value() + 1;
        self.latest.set_value(ticket);
        leptos::task::spawn_local(async move {
            let result = load_dashboard(self.page()).await;
            if self.latest.get_value() != ticket {
                return;
            }
            match result {
                Ok(view) => {
                    // A failure the reload may have mended goes; a notice
                    // about the user's own action stays.
                    if !self.notice.get_value() {
                        self.error.set(None);
                    }
                    self.view.set(view);
                }
                Err(error) => self.fail(&error),
            }
        });
    }

    /// Shows an error; an ended session goes to the login page instead.
    pub fn fail(self, error: &AppError) {
        if *error == AppError::SessionEnded {
            let _ = window().location().set_href("/login");
        } else {
            self.notice.set_value(false);
            self.error.set(Some(error.to_string()));
        }
    }

    /// Shows `message`, about the user's own action, until dismissed.
    pub fn show(self, message: String) {
        self.notice.set_value(true);
        self.error.set(Some(message));
    }

    /// Runs a selection action, then shows its outcome. Every selection is
    /// announced on the live channel, which reloads this tab as it does the
    /// others; only without an open channel does the tab reload by itself.
    pub fn act(self, action: impl Future<Output = Result<(), AppError>> + 'static) {
        // A kept view is shown (Qlik away or slow): say why nothing happens.
        let stale = self.view.with_untracked(|v| {
            v.stale
                .as_ref()
                .map(|notice| notice.disabled_because.clone())
        });
        if let Some(reason) = stale {
            // Not a notice: the reload that brings live data clears it.
            self.notice.set_value(false);
            self.error.set(Some(reason));
            return;
        }
        leptos::task::spawn_local(async move {
            match action.await {
                Ok(()) if self.live.get_untracked() => {}
                Ok(()) => self.refresh(),
                Err(error) => self.fail(&error),
            }
        });
    }
}
