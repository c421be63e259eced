//! The whole app in-process for HTTP tests: the embedded qlik-sim and demo
//! directory, a temporary store, a listener on 127.0.0.1:0, and a browser-like
//! client (cookie store, no automatic redirects, same-origin headers on posts).

#![allow(dead_code)] // Each test binary uses its own subset of the helpers.

use std::net::SocketAddr;

use qlik_mashup::{Config, RunningServer};
use reqwest::Response;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, ORIGIN};

/// A running server and a client logged into nothing yet.
pub struct TestServer {
    /// The server, stopped on [`TestServer::stop`] (or dropped with the runtime).
    pub server: RunningServer,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client with a cookie store that does not follow redirects.
    pub client: reqwest::Client,
    /// Holds the store and its key file.
    pub dir: tempfile::TempDir,
}

/// A configuration for tests: loopback on a free port, a small embedded
/// sample app, the store in `dir`.
pub fn test_config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        ..Config::default()
    };
    config.session.store_path = dir.join("mashup.sqlite");
    config.session.key_file = dir.join("store.key");
    config.qlik.embedded_rows = 2_000;
    config
}

impl TestServer {
    /// Starts the app with the test configuration.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts the app with the test configuration changed by `edit`.
    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = test_config(dir.path());
        edit(&mut config);
        let server = qlik_mashup::start(config).await.expect("server starts");
        let base = format!("http://{}", server.local_addr());
        Self {
            client: client(),
            server,
            base,
            dir,
        }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path`, redirects not followed.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET answers")
    }

    /// POSTs `form` to a server function as a plain (no-JavaScript) form
    /// submission from this site's own page.
    pub async fn post_server_fn(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .headers(self.same_origin_headers())
            .form(form)
            .send()
            .await
            .expect("POST answers")
    }

    /// Logs in through the login form; the response is the redirect.
    pub async fn login(&self, user: &str, password: &str) -> Response {
        self.post_server_fn("/api/login", &[("username", user), ("password", password)])
            .await
    }

    /// Logs out through the top bar's form.
    pub async fn logout(&self) -> Response {
        self.post_server_fn("/api/logout", &[]).await
    }

    /// What a browser sends with a form submitted from one of our pages.
    pub fn same_origin_headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.base).expect("origin"));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        headers.insert(ACCEPT, HeaderValue::from_static("text/html"));
        headers
    }

    /// Stops the server gracefully.
    pub async fn stop(self) {
        self.server.stop().await.expect("server stops cleanly");
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The `Location` header of a response.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
