//! Login defects, over HTTP against the whole app: open redirects, the
//! throttle under parallel attempts, over-long usernames, store errors.

use crate::support::{TestServer, location};

#[tokio::test]
async fn next_is_followed_only_when_it_is_a_normalised_local_path() {
    let app = TestServer::start().await;
    let cases = [
        // The two measured cases: a tab (browsers drop it: `//evil.example`)
        // and a control character (it used to panic inside the redirect).
        ("/\t/evil.example", "/"),
        ("/\u{1}x", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/ü", "/"),
        ("/?from=bookmark", "/?from=bookmark"),
        ("/reports/2024?sort=desc", "/reports/2024?sort=desc"),
    ];
    for (next, expected) in cases {
        let response = app
            .post_server_fn(
                "/api/login",
                &[
                    ("username", "alice"),
                    ("password", "alice-password"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), 302, "{next:?}");
        assert_eq!(location(&response), expected, "{next:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn parallel_wrong_passwords_reach_the_directory_at_most_free_failures_plus_one_times() {
    let app = TestServer::start().await;
    let free_failures = 3; // The default.
    let attempts = (0..30).map(|_| {
        app.client
            .post(app.url("/api/login"))
            .headers(app.same_origin_headers())
            .form(&[("username", "alice"), ("password", "wrong-password")])
            .send()
    });
    let statuses: Vec<bool> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| crate::support::throttled(&r.expect("answers")))
        .collect();
    // A throttled attempt is refused before the directory is asked; every
    // other one was checked against the directory.
    let reached = statuses.iter().filter(|throttled| !**throttled).count();
    assert!(
        (1..=free_failures + 1).contains(&reached),
        "{reached} attempts reached the directory: {statuses:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn usernames_over_256_bytes_are_refused_with_a_clear_message() {
    let app = TestServer::start().await;
    let long = "a".repeat(257);
    let response = app.login(&long, "whatever").await;
    assert_eq!(response.status(), 302);
    let target = location(&response);
    assert!(target.starts_with("/login?error=too_long"), "{target}");
    let page = app.get(&target).await.text().await.expect("body");
    assert!(page.contains("That username is too long"), "{page}");
    // Refused before the throttle: many of them do not lock anyone out.
    for _ in 0..25 {
        assert_eq!(app.login(&long, "whatever").await.status(), 302);
    }
    let ok = app.login("alice", "alice-password").await;
    assert_eq!(location(&ok), "/");
    // 256 bytes is still a username (an unknown one).
    let response = app.login(&"a".repeat(256), "whatever").await;
    assert!(location(&response).starts_with("/login?error=invalid"));
    app.stop().await;
}

#[tokio::test]
async fn a_failing_store_is_not_described_to_the_browser() {
    use sqlx::ConnectOptions;
    let app = TestServer::start().await;
    assert_eq!(location(&app.login("alice", "alice-password").await), "/");
    // Break the store behind the server's back: sessions can be read, not deleted.
    let mut db = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(app.dir.path().join("mashup.sqlite"))
        .connect()
        .await
        .expect("the store opens");
    sqlx::query(
        "CREATE TRIGGER refuse_deletes BEFORE DELETE ON browser_sessions
         BEGIN SELECT RAISE(FAIL, 'broken browser_sessions table'); END",
    )
    .execute(&mut db)
    .await
    .expect("trigger made");
    // Logging in again rotates (deletes) the session; logging out deletes them all.
    for response in [
        app.login("alice", "alice-password").await,
        app.logout().await,
    ] {
        let status = response.status();
        let shown = format!(
            "{} {}",
            location(&response),
            response.text().await.unwrap_or_default()
        )
        .replace('+', " ");
        let shown = form_urlencoded_decode(&shown);
        assert!(
            shown.contains("The server is temporarily unavailable"),
            "{status} {shown}"
        );
        for detail in ["broken", "browser_sessions", "sqlite", "session store:"] {
            assert!(!shown.to_lowercase().contains(detail), "{detail}: {shown}");
        }
    }
    app.stop().await;
}

/// Percent-decoding, enough to read an error carried in a redirect URL.
fn form_urlencoded_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
