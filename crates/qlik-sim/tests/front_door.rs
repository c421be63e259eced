//! QPS, proxy sessions and limits, over real sockets.

mod support;

use std::time::Duration;

use qlik_sim::SimConfig;
use serde_json::{Value, json};
use support::*;

#[tokio::test]
async fn the_xrfkey_rule() {
    let sim = start(SimConfig::default()).await;
    let url = format!("http://{}/qps/ticket", sim.qps_addr());
    let body = json!({"UserDirectory": "CORP", "UserId": "alice"});
    for (query, header) in [
        (None, None),
        (Some(KEY), None),
        (None, Some(KEY)),
        (Some(KEY), Some("abcdefghij012346")),
        (Some("short"), Some("short")),
        (Some("abcdefghij01234!"), Some("abcdefghij01234!")),
    ] {
        let mut request = http().post(match query {
            Some(q) => format!("{url}?Xrfkey={q}"),
            None => url.clone(),
        });
        if let Some(h) = header {
            request = request.header("X-Qlik-Xrfkey", h);
        }
        let response = request.json(&body).send().await.unwrap();
        assert_eq!(response.status(), 403, "{query:?} {header:?}");
        assert_eq!(
            response.text().await.unwrap(),
            "XSRF prevention check failed. Possible XSRF discovered."
        );
    }
    // Lower-case query name, as enigma.js' example writes it: fine.
    let ok = http()
        .post(format!("{url}?xrfkey={KEY}"))
        .header("X-Qlik-Xrfkey", KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);
    let ticket: Value = ok.json().await.unwrap();
    assert_eq!(ticket["UserId"], "alice");
    assert!(ticket["Ticket"].as_str().unwrap().len() >= 16);
}

#[tokio::test]
async fn invalid_users_are_refused() {
    let sim = start(SimConfig::default()).await;
    for body in [
        json!({"UserDirectory": " ", "UserId": "alice"}),
        json!({"UserDirectory": "CORP", "UserId": "a\\b"}),
        json!({"UserDirectory": "CORP"}),
        json!("not an object"),
    ] {
        let response = http()
            .post(format!("http://{}/qps/ticket?Xrfkey={KEY}", sim.qps_addr()))
            .header("X-Qlik-Xrfkey", KEY)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
    }
}

#[tokio::test]
async fn tickets_are_single_use_and_expire() {
    let sim = start(SimConfig {
        ticket_ttl: Duration::from_millis(300),
        ..SimConfig::default()
    })
    .await;
    let ticket = ticket(&sim, "alice").await;
    let cookie = redeem(&sim, &ticket).await;
    assert!(!cookie.is_empty());
    let again = http()
        .get(format!(
            "http://{}/hub/?qlikTicket={ticket}",
            sim.proxy_addr()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 302, "a used ticket is refused");
    let late = support::ticket(&sim, "alice").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = http()
        .get(format!(
            "http://{}/hub/?QlikTicket={late}",
            sim.proxy_addr()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 302, "an expired ticket is refused");
    assert_eq!(sim.stats().tickets_redeemed, 1);
}

#[tokio::test]
async fn the_cookie_keeps_one_session() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    for _ in 0..5 {
        let response = http()
            .get(format!("http://{}/hub/", sim.proxy_addr()))
            .header("Cookie", format!("{}={cookie}", sim.cookie_name()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(cookie_from(response.headers(), &sim.cookie_name()).is_none());
    }
    let sessions = user_sessions(&sim, "alice").await;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["SessionId"], cookie.as_str());
    assert_eq!(
        sessions[0]["Attributes"],
        json!([{"Group": "Sales"}, {"Group": "EMEA"}])
    );
    let anonymous = http()
        .get(format!("http://{}/hub/", sim.proxy_addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 302);
}

#[tokio::test]
async fn the_parallel_session_limit_is_denied_the_qlik_way() {
    let sim = start(SimConfig {
        max_sessions: 2,
        ..SimConfig::default()
    })
    .await;
    redeem(&sim, &ticket(&sim, "alice").await).await;
    redeem(&sim, &ticket(&sim, "alice").await).await;
    let third = ticket(&sim, "alice").await;
    let page = http()
        .get(format!(
            "http://{}/hub/?qlikTicket={third}",
            sim.proxy_addr()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains(
        "You cannot access Qlik Sense because you have too many sessions active in parallel."
    ));
    let fourth = ticket(&sim, "alice").await;
    let mut socket = ws(
        &sim,
        &format!("/app/sample-sales?qlikTicket={fourth}"),
        None,
    )
    .await;
    let notice = next(&mut socket).await.unwrap();
    assert_eq!(notice["method"], "OnMaxParallelSessionsExceeded");
    assert_eq!(notice["params"]["severity"], "fatal");
    assert!(next(&mut socket).await.is_none(), "closed after the notice");
    assert_eq!(user_sessions(&sim, "alice").await.len(), 2);
    // Another user is not affected.
    redeem(&sim, &ticket(&sim, "bob").await).await;
}

#[tokio::test]
async fn unauthenticated_sockets_must_authenticate() {
    let sim = start(SimConfig::default()).await;
    let mut socket = ws(&sim, "/app/sample-sales", None).await;
    let notice = next(&mut socket).await.unwrap();
    assert_eq!(notice["method"], "OnAuthenticationInformation");
    assert_eq!(notice["params"]["mustAuthenticate"], true);
    assert!(next(&mut socket).await.is_none());
}

#[tokio::test]
async fn a_ticket_on_the_upgrade_sets_the_cookie() {
    let sim = start(SimConfig::default()).await;
    let ticket = ticket(&sim, "alice").await;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let request = format!(
        "ws://{}/app/sample-sales?qlikTicket={ticket}",
        sim.proxy_addr()
    )
    .into_client_request()
    .unwrap();
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with(&format!("{}=", sim.cookie_name())));
    assert!(cookie.contains("HttpOnly"));
    assert_eq!(greeting(&mut socket).await, "SESSION_CREATED");
}

#[tokio::test]
async fn inactive_sessions_time_out_with_a_notice() {
    let sim = start(SimConfig {
        session_timeout: Duration::from_millis(400),
        ..SimConfig::default()
    })
    .await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    assert_eq!(greeting(&mut socket).await, "SESSION_CREATED");
    let notice = next(&mut socket).await.unwrap();
    assert_eq!(notice["method"], "OnSessionTimedOut");
    assert!(next(&mut socket).await.is_none());
    assert!(user_sessions(&sim, "alice").await.is_empty());
}

#[tokio::test]
async fn deleting_a_session_or_a_user_closes_their_sockets() {
    let sim = start(SimConfig::default()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    greeting(&mut socket).await;
    let deleted: Value = http()
        .delete(format!(
            "http://{}/qps/session/{cookie}?Xrfkey={KEY}",
            sim.qps_addr()
        ))
        .header("X-Qlik-Xrfkey", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deleted["SessionId"], cookie.as_str());
    assert_eq!(
        next(&mut socket).await.unwrap()["method"],
        "OnSessionClosed"
    );
    assert!(next(&mut socket).await.is_none());
    let unknown = http()
        .get(format!(
            "http://{}/qps/session/{cookie}?Xrfkey={KEY}",
            sim.qps_addr()
        ))
        .header("X-Qlik-Xrfkey", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let mut socket = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    greeting(&mut socket).await;
    let removed: Vec<Value> = http()
        .delete(format!(
            "http://{}/qps/user/CORP/alice?Xrfkey={KEY}",
            sim.qps_addr()
        ))
        .header("X-Qlik-Xrfkey", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(
        next(&mut socket).await.unwrap()["method"],
        "OnSessionLoggedOut"
    );
    assert!(user_sessions(&sim, "alice").await.is_empty());
    // The old cookie no longer works.
    let mut socket = ws(&sim, "/app/sample-sales", Some(&cookie)).await;
    assert_eq!(
        next(&mut socket).await.unwrap()["params"]["mustAuthenticate"],
        true
    );
}

#[tokio::test]
async fn sessions_made_with_the_session_api_work_with_their_cookie() {
    let sim = start(SimConfig::default()).await;
    let response = http()
        .post(format!(
            "http://{}/qps/session?Xrfkey={KEY}",
            sim.qps_addr()
        ))
        .header("X-Qlik-Xrfkey", KEY)
        .json(&json!({"UserDirectory": "CORP", "UserId": "carol", "SessionId": "my-own-id-123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["NewUser"], true);
    let mut socket = ws(&sim, "/app/sample-sales", Some("my-own-id-123")).await;
    assert_eq!(greeting(&mut socket).await, "SESSION_CREATED");
}

#[tokio::test]
async fn the_csrf_token_rule() {
    let sim = start(SimConfig {
        ws_csrf: true,
        virtual_proxy: "mashup".into(),
        ..SimConfig::default()
    })
    .await;
    assert_eq!(sim.cookie_name(), "X-Qlik-Session-mashup-HTTP");
    let ticket = {
        let response = http()
            .post(format!(
                "http://{}/qps/mashup/ticket?Xrfkey={KEY}",
                sim.qps_addr()
            ))
            .header("X-Qlik-Xrfkey", KEY)
            .json(&json!({"UserDirectory": "CORP", "UserId": "alice"}))
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        body["Ticket"].as_str().unwrap().to_owned()
    };
    let page = http()
        .get(format!(
            "http://{}/mashup/hub/?qlikTicket={ticket}",
            sim.proxy_addr()
        ))
        .send()
        .await
        .unwrap();
    let cookie = cookie_from(page.headers(), &sim.cookie_name()).unwrap();
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut without = format!("ws://{}/mashup/app/sample-sales", sim.proxy_addr())
        .into_client_request()
        .unwrap();
    without.headers_mut().insert(
        "Cookie",
        format!("{}={cookie}", sim.cookie_name()).parse().unwrap(),
    );
    let refused = tokio_tungstenite::connect_async(without).await;
    assert!(refused.is_err(), "no token: no upgrade");
    let token_response = http()
        .get(format!("http://{}/mashup/qps/csrftoken", sim.proxy_addr()))
        .header("Cookie", format!("{}={cookie}", sim.cookie_name()))
        .send()
        .await
        .unwrap();
    let token = token_response.headers()["qlik-csrf-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut socket = ws(
        &sim,
        &format!("/mashup/app/sample-sales?qlik-csrf-token={token}"),
        Some(&cookie),
    )
    .await;
    assert_eq!(greeting(&mut socket).await, "SESSION_CREATED");
}
