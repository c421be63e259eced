//! What every page may have to say about the site itself: the demo directory
//! is in use. Worked out on the server and shared with the browser as is.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The site's notices (the server fills them in from its configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteNotice {
    /// Pure demo (embedded directory and simulator): the login page lists
    /// these users. Empty otherwise.
    pub demo_users: Vec<DemoLogin>,
    /// The demo directory in front of a real Qlik site
    /// (`allow_demo_directory`): a banner on every page.
    pub demo_banner: bool,
}

/// A demo user's login, published on the login page in pure demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoLogin {
    /// Username.
    pub username: String,
    /// Password (from the demo seed, published on purpose).
    pub password: String,
}

/// Makes the notice available to every component: computed on the server,
/// read back from the page while hydrating.
pub fn provide_site_notice() {
    let notice = SharedValue::new(server_notice).into_inner();
    provide_context(notice);
}

/// The notice the server was configured with.
#[cfg(feature = "ssr")]
fn server_notice() -> SiteNotice {
    use_context::<crate::server::AppContext>()
        .map(|ctx| ctx.notice.clone())
        .unwrap_or_default()
}

/// In the browser the value always comes from the server's page.
#[cfg(not(feature = "ssr"))]
fn server_notice() -> SiteNotice {
    SiteNotice::default()
}

/// The warning shown on every page while the demo directory guards a real Qlik site.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let shown = use_context::<SiteNotice>().is_some_and(|n| n.demo_banner);
    shown.then(|| {
        view! {
            <div class="demo-banner" role="status">
                "Demo directory: anyone can log in with the published demo passwords. "
                "Configure [ldap] before real use."
            </div>
        }
    })
}

/// The demo users and their passwords, on the login page in pure demo mode.
#[component]
pub fn DemoUsers() -> impl IntoView {
    let users = use_context::<SiteNotice>()
        .map(|n| n.demo_users)
        .unwrap_or_default();
    (!users.is_empty()).then(|| {
        view! {
            <aside class="demo-users" aria-labelledby="demo-users-title">
                <h2 id="demo-users-title">"Demo mode"</h2>
                <p>
                    "This server runs with its embedded demo directory and Qlik simulator. "
                    "Log in as one of these users:"
                </p>
                <table>
                    <thead><tr><th>"Username"</th><th>"Password"</th></tr></thead>
                    <tbody>
                        {users.into_iter().map(|u| view! {
                            <tr><td><code>{u.username}</code></td><td><code>{u.password}</code></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </aside>
        }
    })
}
