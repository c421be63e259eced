//! The web edge over HTTP: streamed bodies past the limit, unknown paths and
//! trailing slashes, requests without origin headers, the throttled form
//! login, and the event stream's header for proxies.

use crate::support::{TestServer, location};

/// The server functions the page calls, and the login and logout forms.
const SERVER_FUNCTIONS: [&str; 13] = [
    "/api/login",
    "/api/logout",
    "/api/viewer",
    "/api/bookmarks",
    "/api/save-bookmark",
    "/api/apply-bookmark",
    "/api/delete-bookmark",
    "/api/dashboard",
    "/api/select",
    "/api/select-in-chart",
    "/api/step",
    "/api/clear-field",
    "/api/table-page",
];

/// A url-encoded body of `bytes` bytes sent in chunks, without a
/// `Content-Length` (chunked transfer encoding).
fn chunked_body(bytes: usize) -> reqwest::Body {
    let chunk = bytes::Bytes::from(vec![b'a'; 4096]);
    let mut chunks = vec![Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"x="))];
    chunks.extend((0..bytes / 4096).map(|_| Ok(chunk.clone())));
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

#[tokio::test]
async fn streamed_bodies_past_the_limit_are_413_on_every_server_function() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    for path in SERVER_FUNCTIONS {
        let response = app
            .client
            .post(app.url(path))
            .headers(app.same_origin_headers())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(chunked_body(100 * 1024))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 413, "{path}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains("too large") && text.contains("64 KiB"),
            "{path}: {text}"
        );
    }
    // With a Content-Length, too.
    let response = app
        .client
        .post(app.url("/api/select"))
        .headers(app.same_origin_headers())
        .body(vec![b'a'; 65 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    // A streamed body within the limit still reaches the server function.
    let form = "username=alice&password=alice-password";
    let chunks = form
        .as_bytes()
        .chunks(5)
        .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)))
        .collect::<Vec<_>>();
    let response = app
        .client
        .post(app.url("/api/login"))
        .headers(app.same_origin_headers())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/", "a chunked login works");
    app.stop().await;
}

/// The nonce of the response's `Content-Security-Policy`.
fn header_nonce(response: &reqwest::Response) -> String {
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    let start = csp.find("'nonce-").expect("a nonce") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

/// Every `nonce="…"` in the page.
fn page_nonces(html: &str) -> Vec<&str> {
    html.split("nonce=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn unknown_paths_get_the_themed_404_with_the_responses_own_nonce() {
    let app = TestServer::start_with(|config| {
        config.theme.product_name = "Acme Insights".into();
    })
    .await;
    // Logged out: a path with a trailing slash is sent to the path without
    // it before the login page, so `next=` never holds it.
    let slash = app.get("/a/").await;
    assert_eq!(slash.status(), 308);
    assert_eq!(location(&slash), "/a");
    assert_eq!(location(&app.get("/a").await), "/login?next=%2Fa");

    app.login("alice", "alice-password").await;
    for (path, canonical) in [
        ("/support/", "/support"),
        ("/a/", "/a"),
        ("/theme.css/", "/theme.css"),
        ("/export/", "/export"),
        ("/login/", "/login"),
        ("//support", "/support"),
        ("//evil.example/", "/evil.example"),
        ("/a/?x=1", "/a?x=1"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(location(&response), canonical, "{path}");
    }
    for path in ["/support/x", "/login/x", "/a/b/c", "/nope"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let nonce = header_nonce(&response);
        let html = response.text().await.unwrap();
        assert!(html.contains("<h1>Page not found</h1>"), "{path}: {html}");
        assert!(!html.contains("Try again"), "{path}");
        assert!(
            html.contains("<title>Acme Insights</title>"),
            "{path}: themed"
        );
        assert!(html.contains(r#"href="/theme.css""#), "{path}");
        let nonces = page_nonces(&html);
        assert!(!nonces.is_empty(), "{path}: the page has inline scripts");
        assert!(
            nonces.iter().all(|n| *n == nonce),
            "{path}: {nonces:?} vs {nonce}"
        );
        // A logged-in user is offered the site's pages.
        assert!(html.contains(r#"<a href="/">"#), "{path}: {html}");
        assert!(!html.contains("Start page"), "{path}");
    }
    app.stop().await;

    // Logged out, a path the guard lets through gets the 404 without the
    // pages' titles.
    let app = TestServer::start().await;
    let response = app.get("/pkg/missing.js").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Page not found</h1>") && html.contains("Start page"));
    app.stop().await;
}

#[tokio::test]
async fn state_changing_requests_without_origin_or_sec_fetch_site_are_refused() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    let view = app.dashboard().await;
    let elem = view["filters"][0]["values"][0]["elem"].as_i64().unwrap();
    for (path, body) in [
        (
            "/api/select",
            format!("object_id=filter-0&values[0]={elem}"),
        ),
        ("/api/logout", String::new()),
    ] {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains("neither an Origin nor a Sec-Fetch-Site header"),
            "{path}: {text}"
        );
    }
    assert_eq!(app.get("/").await.status(), 200, "the logout was refused");
    // Either header alone is enough for an API client.
    let response = app
        .client
        .post(app.url("/api/viewer"))
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = app
        .client
        .post(app.url("/api/viewer"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_throttled_form_login_comes_back_to_the_form_with_the_wait() {
    let app = TestServer::start_with(|config| {
        config.login.throttle.free_failures = 1;
        config.login.throttle.base_delay = std::time::Duration::from_secs(60);
    })
    .await;
    // The free failure, then the one that starts the wait, are refused as
    // wrong; the next attempt is throttled.
    for _ in 0..2 {
        let refused = app.login("alice", "wrong").await;
        assert_eq!(location(&refused), "/login?error=invalid");
    }
    let throttled = app.login("alice", "wrong").await;
    assert_eq!(throttled.status(), 302);
    let back = location(&throttled);
    let seconds = back
        .strip_prefix("/login?error=throttled&retry_after=")
        .unwrap_or_else(|| panic!("{back}"));
    let seconds: u64 = seconds.parse().unwrap();
    assert!(seconds >= 1);
    let page = app.get(&back).await.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "Too many failed attempts — try again in {seconds} seconds."
        )),
        "{page}"
    );
    // The page's own call (JavaScript) still gets a 429 with Retry-After.
    let call = app
        .call("/api/login", "username=alice&password=wrong")
        .await;
    assert_eq!(call.status(), 429);
    assert!(call.headers().contains_key("retry-after"));
    app.stop().await;
}

#[tokio::test]
async fn event_streams_tell_proxies_not_to_buffer_them() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    let response = app.get("/api/events").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    app.stop().await;
}
