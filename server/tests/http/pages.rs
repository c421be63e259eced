//! Several pages on two apps, the theme, bookmarks and selecting in a chart,
//! over HTTP against the embedded qlik-sim.

use std::time::Duration;

use crate::support::{StreamItem, TestServer, home_page};
use app::dashboard::config::{KpiDef, PageConfig};

/// The home page on the sales app, `/support` on the support app.
async fn two_pages() -> TestServer {
    TestServer::start_with(|config| {
        config.pages = vec![
            home_page(),
            PageConfig {
                path: "/support".into(),
                app_id: "sample-support".into(),
                title: "Support tickets".into(),
                filters: Vec::new(),
                kpis: vec![KpiDef {
                    label: "Tickets".into(),
                    expression: "Count(TicketID)".into(),
                }],
                charts: Vec::new(),
                tables: Vec::new(),
                masters: Vec::new(),
                sheet: None,
                sheets: None,
            },
        ];
    })
    .await
}

async fn view(app: &TestServer, page: &str) -> serde_json::Value {
    let response = app.call("/api/dashboard", &format!("page={page}")).await;
    assert_eq!(response.status(), 200, "page {page:?} loads");
    response.json().await.unwrap()
}

#[tokio::test]
async fn pages_on_two_apps_share_one_qlik_session_and_keep_their_own_selections() {
    let app = two_pages().await;
    app.login("alice", "alice-password").await;
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(
        html.contains(r#"href="/support""#),
        "the navigation links the other page"
    );
    let page = app.get("/support").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Support tickets"));

    let support = view(&app, "support").await;
    assert_eq!(support["kpis"][0]["label"], "Tickets");
    let tickets = support["kpis"][0]["text"].clone();
    assert_eq!(support["nav"][1]["current"], true);
    // A selection on the home page's app leaves the support app's alone.
    let elem = app.select_first_filter_value().await;
    assert_eq!(
        app.dashboard().await["selections"]["chips"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let support = view(&app, "support").await;
    assert_eq!(support["kpis"][0]["text"], tickets);
    assert!(
        support["selections"]["chips"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The support page's events are its app's.
    let events = app.get("/api/events?page=support").await;
    assert_eq!(events.status(), 200);
    // One ticket, one proxy session; a socket per app.
    let stats = app.sim_stats();
    assert_eq!(stats.tickets_issued, 1);
    assert_eq!((stats.sessions_created, stats.sessions_alive), (1, 1));
    assert_eq!(stats.engine_sessions, 2);
    // Object ids are the page's own: the support page has no filter-0.
    let answer = app
        .call(
            "/api/select",
            &format!("page=support&object_id=filter-0&values[0]={elem}"),
        )
        .await;
    assert_eq!(answer.status(), 404);
    // A page that does not exist.
    assert_eq!(app.get("/nope").await.status(), 404);
    assert_eq!(app.call("/api/dashboard", "page=nope").await.status(), 404);
    assert_eq!(app.get("/api/events?page=nope").await.status(), 404);
    drop(events);
    app.stop().await;
}

#[tokio::test]
async fn the_theme_names_the_product_and_colours_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.svg");
    std::fs::write(&logo, r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#).unwrap();
    let app = TestServer::start_with(|config| {
        config.theme.product_name = "Acme Insights".into();
        config.theme.brand_colour = "#aa0011".into();
        config.theme.logo = Some(logo);
    })
    .await;
    let css = app.get("/theme.css").await;
    assert_eq!(css.status(), 200);
    assert!(css.text().await.unwrap().contains("--brand: #aa0011;"));
    let logo = app.get("/theme/logo").await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    let login = app.get("/login").await.text().await.unwrap();
    assert!(login.contains("<title>Acme Insights</title>"), "{login}");
    assert!(login.contains(r#"href="/theme.css""#));
    // Every stylesheet the login page links is served before login (a
    // redirect would be refused by the browser as a stylesheet).
    for sheet in ["/theme.css", "/charts.css", "/sheets.css"] {
        assert!(login.contains(&format!(r#"href="{sheet}""#)), "{sheet}");
        let css = app.get(sheet).await;
        assert_eq!(css.status(), 200, "{sheet}");
        assert!(
            css.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/css")
        );
    }
    // The login page shows the product's name and logo, too.
    let body = &login[login.find("<body").unwrap()..];
    assert!(body.contains("Acme Insights"), "{body}");
    assert!(body.contains(r#"src="/theme/logo""#), "{body}");
    app.login("alice", "alice-password").await;
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("Acme Insights") && home.contains(r#"src="/theme/logo""#));
    assert!(
        home.contains("<title>Sales overview – Acme Insights</title>"),
        "{home}"
    );
    app.stop().await;
}

#[tokio::test]
async fn bookmarks_save_list_apply_and_delete_the_users_own_selections() {
    let alice = TestServer::start().await;
    alice.login("alice", "alice-password").await;
    let view = alice.dashboard().await;
    let value = &view["filters"][0]["values"][0];
    let (elem, text) = (value["elem"].as_i64().unwrap(), value["text"].clone());
    alice
        .call(
            "/api/select",
            &format!("object_id=filter-0&values[0]={elem}"),
        )
        .await;
    let saved = alice.call("/api/save-bookmark", "title=My+region").await;
    assert_eq!(saved.status(), 200);
    // The same name again (in any case) is refused with a message.
    let again = alice.call("/api/save-bookmark", "title=+my+REGION").await;
    assert_eq!(again.status(), 400);
    let error: serde_json::Value = again.json().await.unwrap();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("a bookmark named “my REGION” already"),
        "{error}"
    );
    for bad in ["title=", "title=++", &format!("title={}", "x".repeat(101))] {
        assert_eq!(
            alice.call("/api/save-bookmark", bad).await.status(),
            400,
            "{bad}"
        );
    }
    let list: serde_json::Value = alice.call("/api/bookmarks", "").await.json().await.unwrap();
    assert_eq!(list[0]["title"], "My region");
    let id = list[0]["id"].as_str().unwrap().to_owned();
    // Clear, then apply: the selection comes back, announced once.
    alice.call("/api/step", "step=ClearAll").await;
    assert!(
        alice.dashboard().await["selections"]["chips"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let mut events = alice.events().await;
    let applied = alice.call("/api/apply-bookmark", &format!("id={id}")).await;
    assert_eq!(applied.status(), 200);
    assert!(matches!(
        events.next_event(Duration::from_secs(3)).await,
        Some(StreamItem::Data(_))
    ));
    let chips = alice.dashboard().await["selections"]["chips"].clone();
    assert_eq!(chips[0]["summary"], text);
    // Bob neither sees nor applies alice's bookmark.
    let bob = TestServer {
        client: crate::support::client(),
        ..alice
    };
    bob.login("bob", "bob-password").await;
    let list: serde_json::Value = bob.call("/api/bookmarks", "").await.json().await.unwrap();
    assert!(list.as_array().unwrap().is_empty());
    assert_eq!(
        bob.call("/api/apply-bookmark", &format!("id={id}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        bob.call("/api/delete-bookmark", &format!("id={id}"))
            .await
            .status(),
        404
    );
    // Alice deletes hers.
    let alice = TestServer {
        client: crate::support::client(),
        ..bob
    };
    alice.login("alice", "alice-password").await;
    assert_eq!(
        alice
            .call("/api/delete-bookmark", &format!("id={id}"))
            .await
            .status(),
        200
    );
    let list: serde_json::Value = alice.call("/api/bookmarks", "").await.json().await.unwrap();
    assert!(list.as_array().unwrap().is_empty());
    drop(events);
    alice.stop().await;
}

#[tokio::test]
async fn a_click_on_a_bar_selects_its_value() {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    let view = app.dashboard().await;
    let point = &view["charts"][0]["points"][1];
    let (elem, label) = (point["elem"].as_i64().unwrap(), point["label"].clone());
    let answer = app
        .call(
            "/api/select-in-chart",
            &format!("object_id=chart-0&value={elem}"),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let view = app.dashboard().await;
    let chip = &view["selections"]["chips"][0];
    assert_eq!(chip["field"], "Category");
    assert_eq!(chip["summary"], label);
    assert_eq!(view["charts"][0]["points"].as_array().unwrap().len(), 1);
    // Only the page's charts, and element numbers only.
    for (body, status) in [
        ("object_id=table-0&value=0", 404),
        ("object_id=filter-0&value=0", 404),
        ("object_id=chart-0&value=-1", 400),
        ("object_id=chart-0&value=x", 400),
    ] {
        assert_eq!(
            app.call("/api/select-in-chart", body).await.status(),
            status,
            "{body}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn answers_are_compressed_for_browsers_that_ask_but_event_streams_are_not() {
    let app = TestServer::start().await;
    let gzip = |path: &str| {
        app.client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
    };
    let login = gzip("/login").await.unwrap();
    assert_eq!(login.status(), 200);
    assert_eq!(login.headers()["content-encoding"], "gzip");
    app.login("alice", "alice-password").await;
    let events = gzip("/api/events").await.unwrap();
    assert_eq!(events.status(), 200);
    assert!(events.headers().get("content-encoding").is_none());
    let mut stream = crate::support::EventStream::from_response(events);
    assert_eq!(
        stream.next_event(Duration::from_secs(5)).await,
        Some(StreamItem::Comment),
        "the greeting arrives unbuffered"
    );
    // A streamed download, compressed, arrives whole (the compressor polls
    // the body once more after its end).
    let csv = gzip("/export/table-0.csv").await.unwrap();
    assert_eq!(csv.headers()["content-encoding"], "gzip");
    let body = csv.bytes().await.expect("the whole body");
    assert_eq!(&body[..2], &[0x1f, 0x8b], "gzip magic");
    let xlsx = gzip("/export/table-0.xlsx").await.unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(
        xlsx.headers().get("content-encoding").is_none(),
        "already zipped"
    );
    drop(stream);
    app.stop().await;
}
