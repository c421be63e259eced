//! The audit log cannot be forged through a username, over-long ones are not
//! written at all, and the request log names method, path and status but no
//! query string. (A test binary of its own: it installs the global tracing
//! subscriber.)

#[path = "http/support/mod.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::TestServer;

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

#[tokio::test]
async fn a_newline_in_a_username_cannot_forge_an_audit_line() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_env_filter("audit=info,qlik_mashup=info")
        .init();
    let app = TestServer::start().await;

    let forged = "mallory\nINFO audit: user=\"alice\" outcome=\"success\" login";
    app.login(forged, "wrong").await;
    let long = "x".repeat(300);
    app.login(&long, "wrong").await;
    app.get("/login?next=%2Fsecret-query-value").await;
    app.stop().await;

    let log = captured.text();
    assert!(log.contains("mallory\\nINFO"), "escaped in place: {log}");
    assert!(
        !log.lines().any(|line| line.starts_with("INFO audit")),
        "no line of the log comes from the username: {log}"
    );
    assert!(log.contains("username-too-long"), "{log}");
    assert!(!log.contains(&long), "an over-long username is not logged");

    let request_line = log
        .lines()
        .find(|line| line.contains("method=GET") && line.contains("path=/login"))
        .unwrap_or_else(|| panic!("a request line for GET /login: {log}"));
    assert!(request_line.contains("status=200"), "{request_line}");
    assert!(request_line.contains("latency_ms="), "{request_line}");
    assert!(
        !log.contains("secret-query-value"),
        "no query strings: {log}"
    );
    assert!(!log.contains("mashup_session="), "no cookies: {log}");
}
