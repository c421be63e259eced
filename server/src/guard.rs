//! Logged-out visitors of any page are sent to the login page, and back after.

use app::server::{AppContext, sessions};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_cookies::Cookies;

/// Paths anyone may fetch: the login page and its server function, static
/// assets, health checks; and the event stream, which answers 401 itself
/// (a redirect to an HTML page would break the browser's `EventSource`).
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login"
            | "/api/login"
            | "/api/events"
            | "/healthz"
            | "/readyz"
            | "/metrics"
            | "/favicon.svg"
            | "/robots.txt"
            | "/theme.css"
            | "/charts.css"
            | "/sheets.css"
            | "/theme/logo"
    ) || path.starts_with("/pkg/")
}

/// Redirects page requests without a live session to `/login?next=…`.
pub async fn require_login(
    State(ctx): State<AppContext>,
    cookies: Cookies,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || is_public(path) {
        return next.run(request).await;
    }
    let found = match sessions::current(&ctx, &cookies).await {
        Ok(found) => found,
        // An outage is not a logout: "try again", not the login page.
        Err(error) => return crate::error::store_unavailable(&error),
    };
    if let Some((token, session)) = found {
        // The page's server functions use this lookup instead of their own.
        request
            .extensions_mut()
            .insert(sessions::LookedUp(token, session));
        let mut response = next.run(request).await;
        // A logged-in page must not come back from the cache after logout.
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            "no-store".parse().expect("static header"),
        );
        return response;
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let location = if target == "/" {
        "/login".to_owned()
    } else {
        let next: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
        format!("/login?next={next}")
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths() {
        assert!(is_public("/login"));
        assert!(is_public("/pkg/qlik-mashup.js"));
        assert!(!is_public("/"));
        assert!(!is_public("/loginx"));
    }
}
