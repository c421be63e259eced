//! The web edge: security headers with a per-response CSP nonce (and HSTS
//! over https), a same-origin rule for state-changing requests, and a request
//! body size limit.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// Largest request body accepted (forms and server-function calls are small).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// The nonce of this response's Content-Security-Policy, in request extensions
/// so the renderer can put it on Leptos' inline scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// How long browsers keep to https once they have seen it (one year).
const HSTS: &str = "max-age=31536000";

/// What the edge needs from the configuration.
#[derive(Debug, Clone, Default)]
pub struct EdgeSettings {
    /// Extra `connect-src` sources: e.g. `ws://127.0.0.1:3001` (the dev
    /// auto-reload socket) when cargo-leptos watches, else empty.
    pub extra_connect_src: String,
    /// Users reach the server over https: send `Strict-Transport-Security`.
    pub hsts: bool,
    /// The origin of `public_url`: what `Origin` must be (else: the `Host`).
    pub public_origin: Option<String>,
}

/// Adds the security headers and the CSP nonce.
pub async fn security_headers(
    settings: EdgeSettings,
    mut request: Request,
    next: Next,
) -> Response {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let nonce = URL_SAFE_NO_PAD.encode(bytes);
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{extra}; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
        extra = if settings.extra_connect_src.is_empty() {
            String::new()
        } else {
            format!(" {}", settings.extra_connect_src)
        }
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if settings.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// Refuses state-changing requests that a browser marks as cross-site
/// (`Sec-Fetch-Site`) or whose `Origin` is not this server (`public_url`'s
/// origin when configured, else the `Host` the request was sent to).
pub async fn same_origin(settings: EdgeSettings, request: Request, next: Next) -> Response {
    if is_safe(request.method())
        || is_same_origin(request.headers(), settings.public_origin.as_deref())
    {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        Body::from("Cross-site request refused."),
    )
        .into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers send `Sec-Fetch-Site` and `Origin` with every state-changing
/// request; a client that sends neither is not a browser carrying our cookie.
/// With a `public_url`, the `Origin` must be its origin even when the browser
/// says same-origin (behind a proxy the `Host` may be anything).
fn is_same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.to_str(), Ok("same-origin" | "none"))
    {
        return false;
    }
    match (origin, public_origin) {
        (None, _) => true,
        (Some(origin), Some(public)) => origin.eq_ignore_ascii_case(public),
        (Some(_), None) if headers.contains_key("sec-fetch-site") => true,
        (Some(origin), None) => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            origin
                .split_once("://")
                .is_some_and(|(_, authority)| !host.is_empty() && authority == host)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn with_a_public_url_the_origin_must_be_its_origin() {
        let public = Some("https://mashup.example.com");
        assert!(is_same_origin(
            &headers(&[
                ("origin", "https://mashup.example.com"),
                ("host", "127.0.0.1:3000")
            ]),
            public
        ));
        assert!(!is_same_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            public
        ));
        assert!(!is_same_origin(
            &headers(&[
                ("sec-fetch-site", "same-origin"),
                ("origin", "https://evil.example")
            ]),
            public
        ));
        assert!(!is_same_origin(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://mashup.example.com")
            ]),
            public
        ));
    }

    #[test]
    fn same_origin_rules() {
        assert!(is_same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            None
        ));
        assert!(is_same_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            None
        ));
        assert!(!is_same_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            None
        ));
        assert!(!is_same_origin(
            &headers(&[("origin", "null"), ("host", "a")]),
            None
        ));
        assert!(is_same_origin(&HeaderMap::new(), None));
    }
}
