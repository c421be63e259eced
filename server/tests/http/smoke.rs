//! The whole app in-process: log in, see the dashboard, log out.

use crate::support::{TestServer, location};

#[tokio::test]
async fn login_shows_the_dashboard_and_logout_ends_it() {
    let app = TestServer::start().await;

    let before = app.get("/").await;
    assert_eq!(before.status(), 303, "logged out: sent to the login page");
    assert_eq!(location(&before), "/login");

    let login = app.login("alice", "alice-password").await;
    assert_eq!(login.status(), 302, "a form login redirects");
    assert_eq!(location(&login), "/");

    let page = app.get("/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("Alice Andersen"), "greets the user");
    assert!(
        html.contains("class=\"dashboard\""),
        "renders the dashboard"
    );

    let logout = app.logout().await;
    assert_eq!(location(&logout), "/login");
    let after = app.get("/").await;
    assert_eq!(after.status(), 303, "the session is gone");
    app.stop().await;
}
