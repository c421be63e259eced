//! The web edge: security headers with a per-response CSP nonce (and HSTS
//! over https), a same-origin rule for state-changing requests, and a request
//! body size limit (with or without `Content-Length`).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::StreamExt;
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
/// (`Sec-Fetch-Site`), whose `Origin` is not this server (`public_url`'s
/// origin when configured, else the `Host` the request was sent to), or that
/// carry neither header (every browser sends one of them with a POST).
pub async fn same_origin(settings: EdgeSettings, request: Request, next: Next) -> Response {
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    let host = request_host(&request);
    let Err(refusal) = check_origin(request.headers(), host, settings.public_origin.as_deref())
    else {
        return next.run(request).await;
    };
    tracing::warn!(path = %request.uri().path(), reason = refusal.log_word(), "state-changing request refused");
    (StatusCode::FORBIDDEN, refusal.message()).into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Why a state-changing request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// `Sec-Fetch-Site` says another site sent it.
    CrossSite,
    /// `Origin` is not this server's.
    ForeignOrigin,
    /// Neither `Origin` nor `Sec-Fetch-Site`: not a browser on our page.
    NoOriginHeaders,
}

impl Refusal {
    /// What the client is told (the 403's body).
    fn message(self) -> &'static str {
        match self {
            Refusal::CrossSite | Refusal::ForeignOrigin => "Cross-site request refused.",
            Refusal::NoOriginHeaders => {
                "Request refused: it has neither an Origin nor a Sec-Fetch-Site header. \
                 State-changing requests must send one of them (browsers do; API clients \
                 send `Origin: <this server's origin>`)."
            }
        }
    }

    /// The log's word for it.
    fn log_word(self) -> &'static str {
        match self {
            Refusal::CrossSite => "cross-site",
            Refusal::ForeignOrigin => "foreign-origin",
            Refusal::NoOriginHeaders => "no-origin-headers",
        }
    }
}

/// Browsers send `Sec-Fetch-Site` and `Origin` with every state-changing
/// request; a client that sends neither is not a browser on our page, and is
/// refused too. With a `public_url`, the `Origin` must be its origin even
/// when the browser says same-origin (behind a proxy the `Host` may be
/// anything).
fn check_origin(
    headers: &HeaderMap,
    host: Option<&str>,
    public_origin: Option<&str>,
) -> Result<(), Refusal> {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let site = headers.get("sec-fetch-site");
    if let Some(site) = site
        && !matches!(site.to_str(), Ok("same-origin" | "none"))
    {
        return Err(Refusal::CrossSite);
    }
    let same = match (origin, public_origin) {
        (None, _) if site.is_none() => return Err(Refusal::NoOriginHeaders),
        (None, _) => true,
        (Some(origin), Some(public)) => origin.eq_ignore_ascii_case(public),
        (Some(_), None) if site.is_some() => true,
        (Some(origin), None) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| host.is_some_and(|host| authority == host)),
    };
    if same {
        Ok(())
    } else {
        Err(Refusal::ForeignOrigin)
    }
}

/// The host the request was sent to: the `Host` header (HTTP/1.1) or the
/// URI's authority (HTTP/2's `:authority`, which carries no `Host`).
fn request_host(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .filter(|host| !host.is_empty())
}

/// Reads the request body here, up to [`BODY_LIMIT_BYTES`], and answers 413
/// past it — announced by `Content-Length` or streamed without one (chunked).
/// The handlers then get a complete body: none of them meets a body cut off
/// mid-read (which a server function would report as a failed call, 500).
pub async fn body_limit(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT_BYTES as u64) {
        return too_large(request.uri().path());
    }
    let (parts, body) = request.into_parts();
    let mut read = Vec::new();
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let Ok(chunk) = chunk else {
            return (
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            )
                .into_response();
        };
        if read.len() + chunk.len() > BODY_LIMIT_BYTES {
            return too_large(parts.uri.path());
        }
        read.extend_from_slice(&chunk);
    }
    next.run(Request::from_parts(parts, Body::from(read))).await
}

/// 413: as the server functions' own error (JSON the page reads) under
/// `/api/`, as text elsewhere.
fn too_large(path: &str) -> Response {
    let message = format!(
        "The request is too large: at most {} KiB are accepted.",
        BODY_LIMIT_BYTES / 1024
    );
    if path.starts_with("/api/") {
        let error = app::error::AppError::TooLarge(message.clone());
        if let Ok(json) = serde_json::to_string(&error) {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                [(header::CONTENT_TYPE, "application/json")],
                json,
            )
                .into_response();
        }
    }
    (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        check_origin(headers, host, public_origin).is_ok()
    }

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
    }

    #[test]
    fn a_request_with_neither_origin_nor_sec_fetch_site_is_refused_as_such() {
        assert_eq!(
            check_origin(&HeaderMap::new(), None, None),
            Err(Refusal::NoOriginHeaders)
        );
        assert_eq!(
            check_origin(
                &headers(&[("host", "a")]),
                Some("a"),
                Some("https://mashup.example.com")
            ),
            Err(Refusal::NoOriginHeaders)
        );
        assert!(Refusal::NoOriginHeaders.message().contains("Origin"));
        assert!(
            Refusal::NoOriginHeaders
                .message()
                .contains("Sec-Fetch-Site")
        );
        // Either header alone is enough to judge by.
        assert!(is_same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(is_same_origin(
            &headers(&[("origin", "http://a"), ("host", "a")]),
            None
        ));
    }
}
