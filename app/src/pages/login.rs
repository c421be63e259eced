//! The login page: a plain form that works without JavaScript and is enhanced
//! once hydrated.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::account::{Login, LoginError};
use crate::notice::DemoUsers;

/// The login page. `?next=` carries the page to return to; `?error=` why the
/// form is shown again.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_default());
    let refusal = query.with_untracked(|q| {
        q.get("error")
            .and_then(|code| LoginError::from_code(&code))
            .map(|e| e.message().to_owned())
    });
    view! {
        <main class="page login">
            <section class="login-card" aria-labelledby="login-title">
                <h1 id="login-title">"Sign in"</h1>
                <p class="lead">"Use your company account."</p>
                <LoginForm next refusal/>
                <DemoUsers/>
            </section>
        </main>
    }
}

/// The form: posts without JavaScript, and as a server-function call once
/// hydrated (an island).
#[island]
fn LoginForm(next: String, refusal: Option<String>) -> impl IntoView {
    let login = ServerAction::<Login>::new();
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
    view! {
        <ActionForm action=login attr:class="login-form">
            <input type="hidden" name="next" value=next/>
            <label for="username">"Username"</label>
            <input id="username" name="username" type="text" autocomplete="username"
                required maxlength="256" autofocus/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password"
                autocomplete="current-password" required maxlength="1024"/>
            <Show when={
                let error = error.clone();
                move || error().is_some()
            }>
                <p class="form-error" role="alert">{error.clone()}</p>
            </Show>
            <button type="submit" disabled=move || login.pending().get()>
                {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
        </ActionForm>
    }
}
