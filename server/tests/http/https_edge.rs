//! The server's own https listener: HTTP/2 for browsers with many tabs, and
//! a logout whose deleting cookie a browser accepts.

use std::time::Duration;

use crate::support::{EventStream, StreamItem, TestServer, certificates};
use reqwest::Version;

/// The app over https (`[tls]`), a browser-like client trusting its CA,
/// the base URL and the CA (PEM).
async fn https_server() -> (TestServer, reqwest::Client, String, String) {
    let tls_dir = tempfile::tempdir().unwrap();
    let (ca_pem, cert_pem, key_pem) = certificates();
    std::fs::write(tls_dir.path().join("cert.pem"), cert_pem).unwrap();
    std::fs::write(tls_dir.path().join("key.pem"), key_pem).unwrap();
    let paths = tls_dir.path().to_owned();
    let app = TestServer::start_with(move |config| {
        config.tls = Some(qlik_mashup::config::TlsConfig {
            cert: paths.join("cert.pem"),
            key: paths.join("key.pem"),
        });
    })
    .await;
    // The key files were read at start-up.
    drop(tls_dir);
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("https://{}", app.server.local_addr());
    (app, client, base, ca_pem)
}

/// Logs in with the form, as a browser on the page does; the answer.
async fn login(client: &reqwest::Client, base: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/login"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("username", "alice"), ("password", "alice-password")])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn https_speaks_http2_so_a_tenth_stream_and_a_page_load_still_go_through() {
    let (app, client, base, ca_pem) = https_server().await;
    let logged_in = login(&client, &base).await;
    assert_eq!(logged_in.version(), Version::HTTP_2, "ALPN chose h2");
    assert_eq!(logged_in.status(), 302);

    let mut streams = Vec::new();
    for n in 1..=10 {
        let response = tokio::time::timeout(
            Duration::from_secs(5),
            client.get(format!("{base}/api/events")).send(),
        )
        .await
        .unwrap_or_else(|_| panic!("stream {n} opens in time"))
        .unwrap();
        assert_eq!(response.status(), 200, "stream {n}");
        assert_eq!(response.version(), Version::HTTP_2, "stream {n}");
        let mut stream = EventStream::from_response(response);
        assert_eq!(
            stream.next_event(Duration::from_secs(5)).await,
            Some(StreamItem::Comment),
            "stream {n} is live"
        );
        streams.push(stream);
    }
    let page = tokio::time::timeout(Duration::from_secs(10), client.get(&base).send())
        .await
        .expect("the page loads beside ten open streams")
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.version(), Version::HTTP_2);
    assert!(page.text().await.unwrap().contains("class=\"dashboard\""));
    // HTTP/2 has no Host header: the same-origin rule reads `:authority`, so
    // a client that sends only `Origin` is still judged (and accepted).
    let viewer = client
        .post(format!("{base}/api/viewer"))
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    assert_eq!(viewer.status(), 200);
    let foreign = client
        .post(format!("{base}/api/viewer"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);

    // HTTP/1.1 clients are still served.
    let old = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .http1_only()
        .build()
        .unwrap();
    let health = old.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.version(), Version::HTTP_11);
    assert_eq!(health.status(), 200);
    drop(streams);
    app.stop().await;
}

/// A `Set-Cookie`'s attributes, lower-cased, without the ones that say how
/// long it lives (`Max-Age`, `Expires`).
fn lasting_attributes(set_cookie: &str) -> Vec<String> {
    let mut attributes: Vec<String> = set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.starts_with("max-age") && !a.starts_with("expires"))
        .collect();
    attributes.sort();
    attributes
}

/// Chromium keeps a `__Host-` cookie only with `Secure`, `Path=/` and no
/// `Domain` — and applies the same rule to the cookie that deletes it, so a
/// deletion without `Secure` is ignored and the user stays logged in in the
/// browser. (Checked here over HTTP: the browser suite runs over plain http.)
#[tokio::test]
async fn logout_over_https_deletes_the_cookie_with_the_cookies_own_attributes() {
    let (app, client, base, _) = https_server().await;
    let logged_in = login(&client, &base).await;
    let set = logged_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set.starts_with("__Host-mashup_session="), "{set}");
    let logout = client
        .post(format!("{base}/api/logout"))
        .header("origin", &base)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(crate::support::location(&logout), "/login");
    let deleted = logout.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(deleted.starts_with("__Host-mashup_session=;"), "{deleted}");
    assert!(deleted.contains("Max-Age=0"), "{deleted}");
    assert_eq!(
        lasting_attributes(&deleted),
        lasting_attributes(&set),
        "{deleted} vs {set}"
    );
    for required in ["secure", "path=/", "httponly", "samesite=lax"] {
        assert!(
            lasting_attributes(&deleted).contains(&required.to_owned()),
            "{required}: {deleted}"
        );
    }
    assert!(
        !deleted.to_ascii_lowercase().contains("domain="),
        "{deleted}"
    );
    // The client dropped the cookie: the next page load is logged out.
    let after = client.get(&base).send().await.unwrap();
    assert_eq!(after.status(), 303);
    app.stop().await;
}
