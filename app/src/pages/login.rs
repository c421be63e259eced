//! The login page: a plain form that works without JavaScript and is enhanced
//! once hydrated.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::account::{Login, LoginError};
use crate::notice::DemoUsers;

/// The login form. `?next=` carries the page to return to.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    // A refusal comes back as `?error=…` (with or without JavaScript); a
    // throttled or failed call as the action's error.
    let error = move || {
        let from_call = login
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|error| error.to_string());
        from_call.or_else(|| {
            query.with(|q| {
                q.get("error")
                    .and_then(|code| LoginError::from_code(&code))
                    .map(|e| e.message().to_owned())
            })
        })
    };
    view! {
        <main class="page login">
            <section class="login-card" aria-labelledby="login-title">
                <h1 id="login-title">"Sign in"</h1>
                <p class="lead">"Use your company account."</p>
                <ActionForm action=login attr:class="login-form">
                    <input type="hidden" name="next" prop:value=next/>
                    <label for="username">"Username"</label>
                    <input id="username" name="username" type="text" autocomplete="username"
                        required maxlength="256" autofocus/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password"
                        autocomplete="current-password" required maxlength="1024"/>
                    <Show when=move || error().is_some()>
                        <p class="form-error" role="alert">{error}</p>
                    </Show>
                    <button type="submit" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <DemoUsers/>
            </section>
        </main>
    }
}
