//! The state the server hands to pages and server functions.

use std::sync::Arc;
use std::time::Duration;

use auth::{Authenticator, LoginThrottle};
use hub::Hub;
use store::Store;

use crate::dashboard::pages::Pages;
use crate::notice::SiteNotice;
use crate::theme::SiteTheme;

/// Browser-session cookie settings.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// Cookie name (`__Host-` prefixed when served over https).
    pub cookie_name: String,
    /// Mark the cookie `Secure` (the site is served over https).
    pub secure: bool,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after login, used or not.
    pub absolute_timeout: Duration,
}

/// Everything server functions need; provided as Leptos context.
#[derive(Clone)]
pub struct AppContext {
    /// Browser sessions and Qlik cookies.
    pub store: Store,
    /// Checks passwords (the directory).
    pub authenticator: Arc<dyn Authenticator>,
    /// Failed-login throttle.
    pub throttle: Arc<LoginThrottle>,
    /// Cookie and timeout settings.
    pub sessions: SessionSettings,
    /// The Qlik user directory every user belongs to.
    pub user_directory: String,
    /// Every user's engine session.
    pub hub: Hub,
    /// The dashboard's pages (each with its app and objects).
    pub pages: Arc<Pages>,
    /// Most rows one export holds.
    pub export_max_rows: u32,
    /// The open event streams (ended with their browser sessions).
    pub streams: super::Streams,
    /// What pages say about the site (the demo directory).
    pub notice: SiteNotice,
    /// The product name and logo of the top bar.
    pub theme: SiteTheme,
    /// Kept views for when Qlik is away or slow, and their counters.
    pub staleness: Arc<crate::dashboard::stale::Staleness>,
}

impl AppContext {
    /// The context of the server function being run.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<AppContext>().ok_or_else(|| {
            tracing::error!("server misconfigured: no app context");
            crate::error::AppError::Unreachable
        })
    }
}

/// The request's cookies (the browser-session cookie among them).
pub async fn request_cookies() -> Result<tower_cookies::Cookies, crate::error::AppError> {
    leptos_axum::extract().await.map_err(|error| {
        tracing::error!(%error, "server misconfigured: no cookie layer");
        crate::error::AppError::Unreachable
    })
}
