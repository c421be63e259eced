//! The page cache over HTTP against the embedded qlik-sim: a refresh with
//! nothing changed is served from it with the response's own CSP nonce; a
//! selection, another session or a logout never gets a stale page.

use crate::support::TestServer;

/// The page, and the nonce its Content-Security-Policy allows.
async fn page(app: &TestServer) -> (String, String) {
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP")
        .to_owned();
    (response.text().await.unwrap(), nonce)
}

/// `mashup_page_cache_{hits,misses}_total` from `/metrics`.
async fn counts(app: &TestServer) -> (u64, u64) {
    let text = app.get("/metrics").await.text().await.unwrap();
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in /metrics"))
    };
    (
        value("mashup_page_cache_hits_total"),
        value("mashup_page_cache_misses_total"),
    )
}

fn chips(html: &str) -> usize {
    html.matches(r#"class="chip">"#).count()
}

#[tokio::test]
async fn a_refresh_without_change_is_served_from_the_cache_and_nothing_stale_is() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;

    let (first, first_nonce) = page(&app).await;
    assert_eq!(counts(&app).await, (0, 1), "the first page is rendered");
    let (_, _) = page(&app).await;
    assert_eq!(
        counts(&app).await,
        (0, 2),
        "rendered again: a page is kept from its second render"
    );
    let (second, second_nonce) = page(&app).await;
    assert_eq!(counts(&app).await, (1, 2), "the next refresh is a hit");
    assert_ne!(
        first_nonce, second_nonce,
        "every response has its own nonce"
    );
    assert!(second.contains(&format!(r#"nonce="{second_nonce}""#)));
    assert!(
        !second.contains(&first_nonce),
        "the kept page carries this response's nonce, not the first one's"
    );
    assert_eq!(
        first.replace(&first_nonce, &second_nonce),
        second,
        "the same page apart from the nonce"
    );
    assert_eq!(chips(&second), 0);

    // A selection changes the layouts: the next page is rendered again.
    app.select_first_filter_value().await;
    let (selected, _) = page(&app).await;
    assert_eq!(chips(&selected), 1, "the page shows the new selection");
    let (hits, misses) = counts(&app).await;
    assert_eq!(misses, 3, "rendered again after the change");
    page(&app).await;
    let (again, _) = page(&app).await;
    assert_eq!(chips(&again), 1);
    assert_eq!(
        counts(&app).await,
        (hits + 1, misses + 1),
        "then kept again"
    );

    // A logged-out session is sent to the login page, never the kept page.
    app.logout().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 303);
    assert!(crate::support::location(&response).starts_with("/login"));

    // Another session (another user) gets its own page.
    app.login("bob", "bob-password").await;
    let (bobs, _) = page(&app).await;
    assert_eq!(chips(&bobs), 0, "bob does not see alice's selection");
    assert!(!bobs.contains("Alice"), "nor her name");
    app.stop().await;
}

#[tokio::test]
async fn max_kib_zero_renders_every_page() {
    let app = TestServer::start_with(|config| config.page_cache.max_kib = 0).await;
    app.login("alice", "alice-password").await;
    page(&app).await;
    page(&app).await;
    assert_eq!(counts(&app).await, (0, 0), "nothing is looked up or kept");
    app.stop().await;
}
