//! Server functions of the account: log in, log out, who am I.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The logged-in user, as the page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerInfo {
    /// Name to greet the user with.
    pub display_name: String,
}

/// Longest username accepted, in bytes (longer ones are refused before they
/// are throttled, logged or sent to the directory).
pub const MAX_USERNAME_BYTES: usize = 256;

/// Checks the password against the directory and starts a new browser session
/// (a fresh cookie: the session id rotates at every login), then sends the
/// browser to `next` (a local path) or the start page.
#[server(prefix = "/api", endpoint = "login", output = crate::codec::JsonText)]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{AppContext, client_address, context::request_cookies, sessions};
    use auth::{AuthError, Refused};

    let ctx = AppContext::current()?;
    let cookies = request_cookies().await?;
    let address = client_address()?;
    let username = username.trim().to_owned();
    if username.len() > MAX_USERNAME_BYTES {
        tracing::info!(target: "audit", user_bytes = username.len(), %address, outcome = "username-too-long", "login");
        leptos_axum::redirect(&login_url(Some(LoginError::TooLong), next.as_deref()));
        return Ok(());
    }

    // Admitted before the directory is asked, so parallel attempts count.
    let attempt = match ctx.throttle.begin(&username, address).await {
        Ok(attempt) => attempt,
        Err(Refused::Throttled(throttled)) => {
            tracing::info!(target: "audit", user = ?username, %address, outcome = "throttled", "login");
            let retry_after_seconds = throttled.retry_after.as_secs().max(1);
            // A plain form post (no JavaScript) comes back to the form, which
            // says how long to wait; the page's own call gets the 429.
            if is_plain_form_post() {
                let url = login_url(Some(LoginError::Throttled), next.as_deref());
                leptos_axum::redirect(&format!("{url}&retry_after={retry_after_seconds}"));
                return Ok(());
            }
            return Err(AppError::Throttled {
                retry_after_seconds,
            }
            .answered());
        }
        Err(Refused::StoreUnavailable) => {
            tracing::info!(target: "audit", user = ?username, %address, outcome = "store-unavailable", "login");
            return Err(AppError::StoreUnavailable.answered());
        }
    };

    let identity = match ctx.authenticator.authenticate(&username, &password).await {
        Ok(identity) => {
            attempt.succeeded().await;
            identity
        }
        Err(error) => {
            let (outcome, code) = match error {
                AuthError::InvalidCredentials => {
                    attempt.failed().await;
                    ("rejected", LoginError::Invalid)
                }
                AuthError::Unavailable => {
                    // Not the user's fault: the attempt is not counted.
                    drop(attempt);
                    ("directory-unavailable", LoginError::Unavailable)
                }
            };
            tracing::info!(target: "audit", user = ?username, %address, outcome, "login");
            // Back to the form with the reason in the URL: the same page then
            // shows it, with or without JavaScript.
            leptos_axum::redirect(&login_url(Some(code), next.as_deref()));
            return Ok(());
        }
    };

    // The user's one Qlik session: reattached if it exists, made if not.
    // Nothing is stored for the browser unless this worked.
    let attributes: Vec<(String, String)> = identity
        .groups
        .iter()
        .map(|g| ("Group".to_owned(), g.clone()))
        .collect();
    if let Err(error) = ctx
        .hub
        .login(&ctx.user_directory, &identity.user_id, &attributes)
        .await
    {
        tracing::warn!(target: "audit", user = ?identity.user_id, %address, outcome = "qlik-unavailable", %error, "login");
        leptos_axum::redirect(&login_url(Some(LoginError::Qlik), next.as_deref()));
        return Ok(());
    }

    let store_failed = |error: store::Error| {
        tracing::error!(%error, "the session store failed during login");
        AppError::StoreUnavailable.answered()
    };
    // Rotate: whatever session this browser had ends here, and its
    // streams with it on every instance.
    if let Some((old, _)) = sessions::current(&ctx, &cookies)
        .await
        .map_err(AppError::answered)?
    {
        ctx.streams.end_session(&old);
        ctx.store
            .delete_browser_session(&old)
            .await
            .map_err(store_failed)?;
        if let Err(error) = ctx.store.notify_session_ended(&old).await {
            tracing::warn!(%error, "telling the other instances about a replaced session failed");
        }
    }
    let user = store::SessionUser {
        directory: ctx.user_directory.clone(),
        user_id: identity.user_id.clone(),
        display_name: identity.display_name.clone(),
        attributes,
    };
    let token = ctx
        .store
        .create_browser_session(&user)
        .await
        .map_err(store_failed)?;
    sessions::set_cookie(&ctx, &cookies, &token);
    tracing::info!(target: "audit", user = ?identity.user_id, %address, outcome = "success", "login");
    leptos_axum::redirect(&landing(&safe_next(next.as_deref())));
    Ok(())
}

/// Ends the user's sessions everywhere and sends the browser to the login page.
#[server(prefix = "/api", endpoint = "logout", output = crate::codec::JsonText)]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{AppContext, context::request_cookies, sessions};

    let ctx = AppContext::current()?;
    let cookies = request_cookies().await?;
    if let Some((_, session)) = sessions::current(&ctx, &cookies)
        .await
        .map_err(AppError::answered)?
    {
        // Browser sessions first: from here on no tab (nor its event stream,
        // reconnecting) can reach the hub for this user and re-open Qlik.
        ctx.store
            .delete_user_browser_sessions(&session.user.directory, &session.user.user_id)
            .await
            .map_err(|error| {
                tracing::error!(%error, "the session store failed during logout");
                AppError::StoreUnavailable.answered()
            })?;
        ctx.streams
            .end_user(&session.user.directory, &session.user.user_id);
        // And on every other instance (PostgreSQL; a no-op on SQLite).
        if let Err(error) = ctx
            .store
            .notify_logout(&session.user.directory, &session.user.user_id)
            .await
        {
            tracing::warn!(%error, "telling the other instances about a logout failed");
        }
        // Then Qlik: the proxy session is deleted at QPS, the socket closed.
        if let Err(error) = ctx
            .hub
            .logout(&session.user.directory, &session.user.user_id)
            .await
        {
            tracing::warn!(user = ?session.user.user_id, %error, "Qlik logout failed");
        }
        tracing::info!(target: "audit", user = ?session.user.user_id, outcome = "logout", "logout");
    }
    sessions::clear_cookie(&ctx, &cookies);
    leptos_axum::redirect("/login");
    Ok(())
}

/// The logged-in user, or `None`.
#[server(prefix = "/api", endpoint = "viewer", output = crate::codec::JsonText)]
pub async fn current_viewer() -> Result<Option<ViewerInfo>, AppError> {
    use crate::server::{AppContext, context::request_cookies, sessions};

    let ctx = AppContext::current()?;
    let cookies = request_cookies().await?;
    Ok(sessions::current(&ctx, &cookies)
        .await
        .map_err(AppError::answered)?
        .map(|(_, session)| ViewerInfo {
            display_name: session.user.display_name,
        }))
}

/// Why the login form is shown again (the `error` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginError {
    /// Unknown user, wrong or empty password.
    Invalid,
    /// The directory could not be asked.
    Unavailable,
    /// Qlik Sense could not give the user a session.
    Qlik,
    /// The username is longer than [`MAX_USERNAME_BYTES`].
    TooLong,
    /// Too many failed attempts (the wait is the `retry_after` parameter).
    Throttled,
}

impl LoginError {
    /// The query-parameter value.
    pub fn code(self) -> &'static str {
        match self {
            LoginError::Invalid => "invalid",
            LoginError::Unavailable => "unavailable",
            LoginError::Qlik => "qlik",
            LoginError::TooLong => "too_long",
            LoginError::Throttled => "throttled",
        }
    }

    /// From the query-parameter value.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "invalid" => Some(LoginError::Invalid),
            "unavailable" => Some(LoginError::Unavailable),
            "qlik" => Some(LoginError::Qlik),
            "too_long" => Some(LoginError::TooLong),
            "throttled" => Some(LoginError::Throttled),
            _ => None,
        }
    }

    /// What the user is told.
    pub fn message(self) -> &'static str {
        match self {
            LoginError::Invalid => "Invalid username or password",
            LoginError::Unavailable => "The directory is unreachable. Please try again later.",
            LoginError::Qlik => "Qlik Sense cannot be reached right now. Please try again later.",
            LoginError::TooLong => "That username is too long (at most 256 characters).",
            LoginError::Throttled => "Too many failed attempts. Please try again later.",
        }
    }

    /// What the user is told, with the wait of a throttled login when the
    /// URL carries it (`retry_after`, in seconds).
    pub fn describe(self, retry_after_seconds: Option<u64>) -> String {
        match (self, retry_after_seconds) {
            (LoginError::Throttled, Some(retry_after_seconds)) => AppError::Throttled {
                retry_after_seconds,
            }
            .to_string(),
            _ => self.message().to_owned(),
        }
    }
}

/// The request is a browser's plain form submission (it accepts HTML), not
/// the page's own call — the test `leptos_axum::redirect` makes too.
#[cfg(feature = "ssr")]
fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// `/login`, with the error and the page to return to.
#[cfg(feature = "ssr")]
pub fn login_url(error: Option<LoginError>, next: Option<&str>) -> String {
    let mut query = Vec::new();
    if let Some(error) = error {
        query.push(format!("error={}", error.code()));
    }
    if let Some(next) = next.filter(|n| !n.is_empty()) {
        let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        query.push(format!("next={encoded}"));
    }
    if query.is_empty() {
        "/login".into()
    } else {
        format!("/login?{}", query.join("&"))
    }
}

/// Only normalised local paths are followed after login (no open redirect):
/// a single leading `/`, no `//` and no backslash, visible ASCII only (no control
/// characters, which browsers strip, nor anything a `Location` header cannot
/// hold), and not the login page itself. Anything else goes to `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Where a login goes for a local path: the path itself, except a download
/// (`/export/…`), which would leave the browser on the login page while the
/// file arrives. It goes to the download's page instead (`?page=NAME`:
/// `/NAME`, else `/`), where the same download link is one click away.
pub fn landing(path: &str) -> String {
    let Some(download) = path.strip_prefix("/export/") else {
        return path.to_owned();
    };
    let page = download
        .split_once('?')
        .and_then(|(_, query)| query.split('&').find_map(|p| p.strip_prefix("page=")))
        .filter(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    match page {
        Some(name) => format!("/{name}"),
        None => "/".to_owned(),
    }
}

fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && !path.contains('\\')
        && path.bytes().all(|b| b.is_ascii_graphic())
        && !path.starts_with("/login")
}

#[cfg(test)]
mod tests {
    use super::{landing, safe_next};

    #[test]
    fn a_download_lands_on_its_page() {
        assert_eq!(landing("/export/table-0.csv"), "/");
        assert_eq!(landing("/export/chart-1.xlsx?page=support"), "/support");
        assert_eq!(landing("/export/t.csv?x=1&page=a-b_2"), "/a-b_2");
        assert_eq!(landing("/export/t.csv?page=../x"), "/");
        assert_eq!(landing("/export/t.csv?page="), "/");
        assert_eq!(landing("/support?x=1"), "/support?x=1");
        assert_eq!(landing("/"), "/");
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/?x=1")), "/?x=1");
        assert_eq!(safe_next(Some("/a/b?c=d%20e#f")), "/a/b?c=d%20e#f");
        for refused in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{1}x",
            "/ /evil.example",
            "/x//evil.example",
            "/\u{7f}",
            "/ü",
            "/login",
            "",
            "evil.example",
        ] {
            assert_eq!(safe_next(Some(refused)), "/", "{refused:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
