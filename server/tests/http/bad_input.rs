//! A user's mistakes (or a hand-made request) get a 4xx and a clear message
//! from the dashboard's server functions, never a 500.

use crate::support::TestServer;

async fn logged_in() -> TestServer {
    let app = TestServer::start().await;
    app.login("alice", "alice-password").await;
    app
}

/// Status and message of a server-function call.
async fn answer(app: &TestServer, path: &str, body: &str) -> (u16, String) {
    let response = app.call(path, body).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn arguments_that_do_not_parse_are_400() {
    let app = logged_in().await;
    for (path, body) in [
        ("/api/select", "object_id=filter-0&values[0]=EMEA"),
        ("/api/select", "values[0]=1"),
        ("/api/table-page", "object_id=table-0&first_row=-5"),
        ("/api/table-page", "object_id=table-0&first_row=ten"),
        ("/api/step", "step=Sideways"),
    ] {
        let (status, text) = answer(&app, path, body).await;
        assert_eq!(status, 400, "{path} {body}: {text}");
        assert!(text.contains("Invalid request"), "{text}");
    }
}

#[tokio::test]
async fn objects_and_fields_not_on_the_dashboard_are_404() {
    let app = logged_in().await;
    for (path, body, message) in [
        ("/api/select", "object_id=kpi-0&values[0]=1", "list box"),
        ("/api/select", "object_id=nope&values[0]=1", "list box"),
        ("/api/table-page", "object_id=filter-0&first_row=0", "table"),
        (
            "/api/table-page",
            "object_id=hub-current-selections&first_row=0",
            "table",
        ),
        ("/api/clear-field", "field=Secret", "field"),
    ] {
        let (status, text) = answer(&app, path, body).await;
        assert_eq!(status, 404, "{path} {body}: {text}");
        assert!(text.contains(message), "{text}");
    }
}

#[tokio::test]
async fn page_bounds_and_value_lists_are_checked() {
    let app = logged_in().await;
    let (status, text) = answer(
        &app,
        "/api/table-page",
        "object_id=table-0&first_row=99999999",
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("cannot start at row"), "{text}");
    let (status, text) = answer(
        &app,
        "/api/sort-table",
        "object_id=table-0&sort[column]=99&sort[descending]=false",
    )
    .await;
    assert_eq!(status, 400, "{text}");
    let (status, text) = answer(&app, "/api/select", "object_id=filter-0&values[0]=-1").await;
    assert_eq!(status, 400, "{text}");
    let (status, _) = answer(&app, "/api/select", "object_id=filter-0").await;
    assert_eq!(status, 400, "no values");
    // The same calls, well formed, work.
    let (status, text) = answer(&app, "/api/table-page", "object_id=table-0&first_row=0").await;
    assert_eq!(status, 200, "{text}");
    let view = app.dashboard().await;
    let field = view["filters"][0]["heading"].as_str().unwrap().to_owned();
    let elem = view["filters"][0]["values"][0]["elem"].as_i64().unwrap();
    let (status, _) = answer(
        &app,
        "/api/select",
        &format!("object_id=filter-0&values[0]={elem}"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, text) = answer(&app, "/api/clear-field", &format!("field={field}")).await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn without_a_session_the_answer_is_401_not_500() {
    let app = TestServer::start().await;
    let (status, text) = answer(&app, "/api/dashboard", "").await;
    assert_eq!(status, 401);
    assert!(text.contains("SessionEnded"), "typed for the page: {text}");
}
