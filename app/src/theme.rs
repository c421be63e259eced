//! The company's look as pages render it: the product name (top bar, browser
//! title) and whether a logo is configured. Colours come from `/theme.css`
//! (CSS custom properties written by the server), so nothing is rebuilt.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the server serves the theme's stylesheet and logo.
pub const STYLESHEET_PATH: &str = "/theme.css";
/// Where the logo is served (when one is configured).
pub const LOGO_PATH: &str = "/theme/logo";
/// Where the server serves the style of the charts `crates/charts` draws
/// (`charts::CSS`).
pub const CHARTS_STYLESHEET_PATH: &str = "/charts.css";

/// The theme pages render (the server fills it in from `[theme]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTheme {
    /// The product name.
    pub product_name: String,
    /// A logo is served at [`LOGO_PATH`].
    pub logo: bool,
}

impl Default for SiteTheme {
    fn default() -> Self {
        Self {
            product_name: "qlik-mashup".into(),
            logo: false,
        }
    }
}

/// Makes the theme available to every component: from the server's
/// configuration, read back from the page while hydrating.
pub fn provide_site_theme() {
    let theme = SharedValue::new(server_theme).into_inner();
    provide_context(theme);
}

/// The theme the server was configured with.
#[cfg(feature = "ssr")]
fn server_theme() -> SiteTheme {
    use_context::<crate::server::AppContext>()
        .map(|ctx| ctx.theme.clone())
        .unwrap_or_default()
}

/// In the browser the value always comes from the server's page.
#[cfg(not(feature = "ssr"))]
fn server_theme() -> SiteTheme {
    SiteTheme::default()
}

/// The theme of the page being rendered.
pub fn site_theme() -> SiteTheme {
    use_context::<SiteTheme>().unwrap_or_default()
}

/// The top bar's brand: the logo (or a mark in the brand colour) and the
/// product name.
#[component]
pub fn Brand() -> impl IntoView {
    let theme = site_theme();
    view! {
        <span class="brand">
            {if theme.logo {
                view! { <img class="brand-logo" src=LOGO_PATH alt=""/> }.into_any()
            } else {
                view! { <span class="brand-mark" aria-hidden="true"></span> }.into_any()
            }}
            {theme.product_name}
        </span>
    }
}
