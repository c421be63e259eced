//! The whole app in-process for HTTP tests: the embedded qlik-sim and demo
//! directory, a temporary store, a listener on 127.0.0.1:0, and a browser-like
//! client (cookie store, no automatic redirects, same-origin headers on posts).

#![allow(dead_code)] // Each test binary uses its own subset of the helpers.

use std::net::SocketAddr;

use qlik_mashup::{Config, RunningServer};
use reqwest::Response;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, ORIGIN};

/// The longest a test waits for the server to start, stop or answer a
/// `GET`: a hang fails the test, naming the step, instead of stalling CI.
const BOUND: std::time::Duration = std::time::Duration::from_secs(30);

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
        let server = tokio::time::timeout(BOUND, qlik_mashup::start(config))
            .await
            .expect("the server starts within the bound")
            .expect("server starts");
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
        tokio::time::timeout(BOUND, self.get_unbounded(path))
            .await
            .unwrap_or_else(|_| panic!("GET {path} answers within the bound"))
    }

    async fn get_unbounded(&self, path: &str) -> Response {
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

    /// Calls a server function as the page's own code does (not as a form):
    /// `body` is its url-encoded arguments, e.g. `object_id=filter-0&values[0]=3`.
    pub async fn call(&self, path: &str, body: &str) -> Response {
        self.client
            .post(self.url(path))
            .header(ORIGIN, &self.base)
            .header("sec-fetch-site", "same-origin")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body.to_owned())
            .send()
            .await
            .expect("server function answers")
    }

    /// The dashboard view as the page loads it (`load_dashboard`).
    pub async fn dashboard(&self) -> serde_json::Value {
        self.page_view("").await
    }

    /// The view of page `page` (its name: `types` for `/types`; empty: the
    /// home page), as the page loads it.
    pub async fn page_view(&self, page: &str) -> serde_json::Value {
        let body = if page.is_empty() {
            String::new()
        } else {
            format!("page={page}")
        };
        let response = self.call("/api/dashboard", &body).await;
        assert_eq!(response.status(), 200, "the dashboard loads");
        response.json().await.expect("a JSON view")
    }

    /// Selects the first value of the home page's first filter through the
    /// server function, as a click does; returns the value's element number.
    pub async fn select_first_filter_value(&self) -> i64 {
        let view = self.dashboard().await;
        let elem = view["filters"][0]["values"][0]["elem"]
            .as_i64()
            .expect("a value");
        let answer = self
            .call(
                "/api/select",
                &format!("object_id=filter-0&values[0]={elem}"),
            )
            .await;
        assert_eq!(answer.status(), 200, "the selection is made");
        elem
    }

    /// Opens an event stream (`/api/events`) with this client's cookies.
    pub async fn events(&self) -> EventStream {
        let response = self.get("/api/events").await;
        assert_eq!(response.status(), 200, "the stream opens");
        let mut stream = EventStream::from_response(response);
        assert_eq!(
            stream.next_event(std::time::Duration::from_secs(5)).await,
            Some(StreamItem::Comment),
            "the greeting comes first"
        );
        stream
    }

    /// The embedded qlik-sim's counters.
    pub fn sim_stats(&self) -> qlik_sim::Stats {
        self.server
            .embedded_qlik()
            .expect("the embedded qlik-sim")
            .stats()
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
        tokio::time::timeout(BOUND, self.server.stop())
            .await
            .expect("the server stops within the bound")
            .expect("server stops cleanly");
    }
}

/// What a server-sent event stream delivered.
#[derive(Debug, PartialEq, Eq)]
pub enum StreamItem {
    /// A comment (the greeting or a keep-alive).
    Comment,
    /// An event's data.
    Data(String),
    /// The server ended the stream.
    End,
}

/// A server-sent event stream read frame by frame.
pub struct EventStream {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl EventStream {
    /// Reads the body of an `/api/events` response.
    pub fn from_response(response: Response) -> Self {
        Self {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next frame within `wait`; `None` when nothing came in time.
    pub async fn next_event(&mut self, wait: std::time::Duration) -> Option<StreamItem> {
        use futures::StreamExt;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let data: Vec<&str> = frame
                    .lines()
                    .filter_map(|line| line.strip_prefix("data:"))
                    .map(str::trim)
                    .collect();
                return Some(if data.is_empty() {
                    StreamItem::Comment
                } else {
                    StreamItem::Data(data.join("\n"))
                });
            }
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Err(_) => return None,
                Ok(None) | Ok(Some(Err(_))) => return Some(StreamItem::End),
                Ok(Some(Ok(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
            }
        }
    }

    /// How many `change` events arrive within `wait` (keep-alives ignored);
    /// stops early if the stream ends.
    pub async fn count_changes(&mut self, wait: std::time::Duration) -> usize {
        let deadline = tokio::time::Instant::now() + wait;
        let mut count = 0;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_event(left).await {
                Some(StreamItem::Data(data)) if data == "change" => count += 1,
                Some(StreamItem::Data(_) | StreamItem::Comment) => {}
                Some(StreamItem::End) | None => return count,
            }
        }
    }

    /// Waits for the next `change` event; how long it took, or `None` if none
    /// came within `wait`.
    pub async fn next_change(&mut self, wait: std::time::Duration) -> Option<std::time::Duration> {
        let start = tokio::time::Instant::now();
        let deadline = start + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_event(left).await {
                Some(StreamItem::Data(data)) if data == "change" => return Some(start.elapsed()),
                Some(StreamItem::Data(_) | StreamItem::Comment) => {}
                Some(StreamItem::End) | None => return None,
            }
        }
    }

    /// Waits for the server to end the stream; the time it took, or `None`
    /// if it was still open after `wait`.
    pub async fn ended_within(&mut self, wait: std::time::Duration) -> Option<std::time::Duration> {
        let start = tokio::time::Instant::now();
        let deadline = start + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_event(left).await {
                Some(StreamItem::End) => return Some(start.elapsed()),
                None => return None,
                Some(_) => {}
            }
        }
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

/// A login attempt was throttled: 429 to the page's own call, or, for a
/// plain form post, a redirect back to the login form that says so.
pub fn throttled(response: &Response) -> bool {
    response.status() == 429 || location(response).contains("error=throttled")
}

/// A throwaway CA and a certificate for 127.0.0.1 signed by it: the CA,
/// the certificate and its key (PEM).
pub fn certificates() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "qlik-mashup test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

/// The default dashboard (`DashboardConfig::default()`, the sample sales
/// app at `/`) as one of `[[pages]]`.
pub fn home_page() -> app::dashboard::config::PageConfig {
    let home = app::dashboard::config::DashboardConfig::default();
    app::dashboard::config::PageConfig {
        path: home.path,
        app_id: home.app_id,
        title: home.title,
        filters: home.filters,
        kpis: home.kpis,
        charts: home.charts,
        tables: home.tables,
        pivots: home.pivots,
        masters: home.masters,
        sheet: home.sheet,
        sheets: home.sheets,
    }
}
