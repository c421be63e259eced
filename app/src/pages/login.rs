//! The login page: the product's name and logo (`[theme]`) over a plain
//! form that works without JavaScript and is enhanced once hydrated.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::account::{Login, LoginError};
use crate::notice::DemoUsers;
use crate::theme::Brand;

/// The login page. `?next=` carries the page to return to; `?error=` why the
/// form is shown again.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_default());
    let refusal = query.with_untracked(|q| {
        q.get("error")
            .and_then(|code| LoginError::from_code(&code))
            .map(|e| e.describe(q.get("retry_after").and_then(|s| s.parse().ok())))
    });
    let product = crate::theme::site_theme().product_name;
    view! {
        <header class="topbar">
            <Brand/>
        </header>
        <main class="page login">
            <section class="login-card" aria-labelledby="login-title">
                <h1 id="login-title">"Sign in"</h1>
                <p class="lead">{format!("Use your company account to open {product}.")}</p>
                <LoginForm next refusal/>
                <DemoUsers/>
            </section>
        </main>
    }
}

/// The form: a plain form that posts to the login server function without
/// JavaScript; once hydrated (an island), a submit calls it instead, so the
/// page shows "Signing in…" and a throttled or failed call's message. Not
/// Leptos' `ActionForm`, whose form-data reader adds ~24 KB to the WASM.
#[island]
fn LoginForm(next: String, refusal: Option<String>) -> impl IntoView {
    let login = ServerAction::<Login>::new();
    // The login answers with a redirect: a browser navigation (there is no
    // client-side router to hand it to). In the browser only: the hook is
    // process-wide, and the server answers redirects with headers.
    #[cfg(feature = "hydrate")]
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = window().location().set_href(location);
    });
    // A refusal comes back as `?error=…` (with or without JavaScript); a
    // throttled or failed call as the action's error.
    let error = move || {
        let from_call = login
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|error| error.to_string());
        from_call.or_else(|| refusal.clone())
    };
    let username = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let next_value = StoredValue::new(next.clone());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value = |input: NodeRef<leptos::html::Input>| {
            input.get_untracked().map(|i| i.value()).unwrap_or_default()
        };
        login.dispatch(Login {
            username: value(username),
            password: value(password),
            next: Some(next_value.get_value()).filter(|n| !n.is_empty()),
        });
    };
    view! {
        <form method="post" action={<Login as ServerFn>::PATH} class="login-form" on:submit=on_submit>
            <input type="hidden" name="next" value=next/>
            <label for="username">"Username"</label>
            <input node_ref=username id="username" name="username" type="text"
                autocomplete="username" required maxlength="256" autofocus/>
            <label for="password">"Password"</label>
            <input node_ref=password id="password" name="password" type="password"
                autocomplete="current-password" required maxlength="1024"/>
            // An `Option` in the view, not a `<Show>` (2.5 KB less WASM).
            {move || error().map(|message| view! {
                <p class="form-error" role="alert">{message}</p>
            })}
            <button type="submit" disabled=move || login.pending().get()>
                {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}
