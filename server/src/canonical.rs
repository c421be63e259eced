//! One address per page: a GET or HEAD for a path with empty segments (a
//! trailing slash, `//`) is redirected to the path without them (`/support/`
//! → `/support`), before the login guard, so `next=` after a login never
//! holds such a path. Every other unknown path gets the 404 page.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Redirects (308) to the canonical path, keeping the query.
pub async fn redirect(request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let Some(path) = canonical(request.uri().path()) else {
        return next.run(request).await;
    };
    let location = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, location)],
    )
        .into_response()
}

/// The path without empty segments, when it has any. Always a single
/// leading `/` (never `//host`, which a browser would read as another site);
/// a path with a backslash is not redirected at all (browsers read `/\host`
/// as `//host` too): it gets the 404 page.
fn canonical(path: &str) -> Option<String> {
    if path == "/" || path.contains('\\') || !path.contains("//") && !path.ends_with('/') {
        return None;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    Some(format!("/{}", segments.join("/")))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn empty_segments_are_dropped_and_one_leading_slash_kept() {
        assert_eq!(canonical("/"), None);
        assert_eq!(canonical("/support"), None);
        assert_eq!(canonical("/a/b"), None);
        assert_eq!(canonical("/support/").as_deref(), Some("/support"));
        assert_eq!(canonical("/login/").as_deref(), Some("/login"));
        assert_eq!(canonical("//support").as_deref(), Some("/support"));
        assert_eq!(
            canonical("//evil.example/").as_deref(),
            Some("/evil.example")
        );
        assert_eq!(canonical("/a//b///").as_deref(), Some("/a/b"));
        assert_eq!(canonical("//").as_deref(), Some("/"));
        assert_eq!(canonical("/\\evil.example/"), None);
        assert_eq!(canonical("//\\evil.example"), None);
    }
}
