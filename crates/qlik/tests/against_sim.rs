//! The client against qlik-sim over real sockets.

mod support;

use std::time::Duration;

use support::{login, proxy, qps, sim, url};

use qlik::Error;
use qlik::proxy::Proxy;
use qlik::qix::{ConnectOptions, Connection, EngineUrl, Notification, ProxyNotice, SessionState};
use qlik::qps::{ClientIdentity, QpsClient, QpsConfig, UserRef};
use qlik_sim::{SimConfig, TlsFiles};

#[tokio::test]
async fn ticket_cookie_socket_and_doc() {
    let sim = sim(SimConfig::default()).await;
    let cookie = login(&sim, "alice").await;
    assert_eq!(cookie.name(), sim.cookie_name());
    assert_eq!(proxy(&sim).session_cookie_name(), sim.cookie_name());
    let connected = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie.clone()))
        .await
        .unwrap();
    assert_eq!(connected.state, SessionState::Created);
    let global = connected.connection.global();
    assert!(global.engine_version().await.unwrap().starts_with("12."));
    assert_eq!(
        global.authenticated_user().await.unwrap(),
        "UserDirectory=CORP; UserId=alice"
    );
    let doc = global.open_doc("sample-sales").await.unwrap();
    assert_eq!(doc.app_layout().await.unwrap()["qTitle"], "Sample Sales");
    assert_eq!(
        global
            .open_doc("sample-sales")
            .await
            .unwrap_err()
            .engine_code(),
        Some(1002)
    );
    // A second socket with the same cookie: the same proxy session.
    let second = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie))
        .await
        .unwrap();
    assert_eq!(second.state, SessionState::Attached);
    let sessions = qps(&sim)
        .user_sessions(&UserRef::new("CORP", "alice"))
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].attributes[0].value, "Sales");
    assert_eq!(sim.stats().tickets_issued, 1);
}

#[tokio::test]
async fn engine_errors_are_typed() {
    let sim = sim(SimConfig::default()).await;
    let cookie = login(&sim, "alice").await;
    let connected = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie))
        .await
        .unwrap();
    let global = connected.connection.global();
    match global.open_doc("no-such-app").await {
        Err(Error::Engine {
            code, parameter, ..
        }) => {
            assert_eq!(code, 1003);
            assert_eq!(parameter, "no-such-app");
        }
        other => panic!("expected app not found, got {other:?}"),
    }
    assert_eq!(
        global.get_active_doc().await.unwrap_err().engine_code(),
        Some(1017)
    );
    let raw = connected
        .connection
        .call(-1, "NoSuchMethod", serde_json::json!([]))
        .await;
    assert_eq!(raw.unwrap_err().engine_code(), Some(-32601));
}

#[tokio::test]
async fn resume_after_a_dropped_socket_attaches() {
    let sim = sim(SimConfig::default()).await;
    let cookie = login(&sim, "alice").await;
    let options = ConnectOptions::new(url(&sim).ttl(30)).cookie(cookie);
    let first = Connection::connect(options.clone()).await.unwrap();
    first
        .connection
        .global()
        .open_doc("sample-sales")
        .await
        .unwrap();
    assert_eq!(sim.drop_sockets("CORP", "alice"), 1);
    assert!(matches!(
        first.connection.closed().await,
        Error::ConnectionLost
    ));
    assert!(matches!(
        first.connection.global().engine_version().await,
        Err(Error::ConnectionLost)
    ));
    let resumed = Connection::connect(options).await.unwrap();
    assert_eq!(resumed.state, SessionState::Attached);
    let doc = resumed.connection.global().get_active_doc().await.unwrap();
    assert_eq!(doc.id(), "sample-sales");
    assert_eq!(sim.stats().sessions_alive, 1);
    assert_eq!(sim.stats().tickets_issued, 1);
}

#[tokio::test]
async fn without_ttl_resume_reports_a_new_session() {
    let sim = sim(SimConfig::default()).await;
    let cookie = login(&sim, "alice").await;
    let options = ConnectOptions::new(url(&sim)).cookie(cookie);
    let first = Connection::connect(options.clone()).await.unwrap();
    first
        .connection
        .global()
        .open_doc("sample-sales")
        .await
        .unwrap();
    first.connection.close();
    first.connection.closed().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let again = Connection::connect(options).await.unwrap();
    assert_eq!(
        again.state,
        SessionState::Created,
        "never pretends to be the old one"
    );
}

#[tokio::test]
async fn a_used_ticket_is_refused() {
    let sim = sim(SimConfig::default()).await;
    let ticket = qps(&sim)
        .ticket(&UserRef::new("CORP", "alice"), &[])
        .await
        .unwrap();
    proxy(&sim).redeem_ticket(&ticket).await.unwrap();
    assert!(matches!(
        proxy(&sim).redeem_ticket(&ticket).await,
        Err(Error::TicketRefused(_))
    ));
    assert!(matches!(
        qps(&sim).ticket(&UserRef::new("CORP", "a\\b"), &[]).await,
        Err(Error::TicketRefused(_))
    ));
}

#[tokio::test]
async fn the_session_limit_is_its_own_error() {
    let sim = sim(SimConfig {
        max_sessions: 1,
        ..SimConfig::default()
    })
    .await;
    login(&sim, "alice").await;
    let user = UserRef::new("CORP", "alice");
    let ticket = qps(&sim).ticket(&user, &[]).await.unwrap();
    assert!(matches!(
        proxy(&sim).redeem_ticket(&ticket).await,
        Err(Error::SessionLimit)
    ));
    let ticket = qps(&sim).ticket(&user, &[]).await.unwrap();
    let on_socket = Connection::connect(ConnectOptions::new(url(&sim)).ticket(ticket)).await;
    assert!(
        matches!(on_socket, Err(Error::SessionLimit)),
        "{on_socket:?}"
    );
}

#[tokio::test]
async fn fatal_notifications_end_the_connection_with_their_error() {
    let sim = sim(SimConfig::default()).await;
    let cookie = login(&sim, "alice").await;
    let connected = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie.clone()))
        .await
        .unwrap();
    let mut notifications = connected.connection.notifications();
    let removed = qps(&sim)
        .logout_user(&UserRef::new("CORP", "alice"))
        .await
        .unwrap();
    assert_eq!(removed.len(), 1);
    assert!(matches!(
        connected.connection.closed().await,
        Error::SessionEnded(ProxyNotice::SessionLoggedOut)
    ));
    assert_eq!(
        notifications.recv().await.unwrap(),
        Notification::Fatal(ProxyNotice::SessionLoggedOut)
    );
    // The cookie is dead now: the proxy asks for authentication.
    let refused = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie)).await;
    assert!(
        matches!(refused, Err(Error::AuthenticationRequired)),
        "{refused:?}"
    );
    assert!(matches!(
        qps(&sim).session("gone").await,
        Err(Error::NotFound)
    ));
}

#[tokio::test]
async fn a_dropped_call_is_cancelled_and_the_connection_goes_on() {
    let sim = sim(SimConfig::default()).await;
    let cookie = login(&sim, "alice").await;
    let connected = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie))
        .await
        .unwrap();
    let connection = connected.connection;
    assert_eq!(sim.stats().calls_of("CancelRequest"), 0);
    let mut call = Box::pin(connection.call(-1, "EngineVersion", serde_json::json!([])));
    // Poll exactly once so the request is sent, then drop it unanswered: the
    // client tells the engine with a `CancelRequest` naming it.
    let first = std::future::poll_fn(|cx| std::task::Poll::Ready(call.as_mut().poll(cx))).await;
    assert!(
        first.is_pending(),
        "the call was answered before it was dropped"
    );
    drop(call);
    let version = connection.global().engine_version().await.unwrap();
    assert!(version.starts_with("12."));
    // The cancel went out before the later call on the same socket.
    assert_eq!(sim.stats().calls_of("CancelRequest"), 1);
    assert_eq!(sim.stats().calls_of("EngineVersion"), 2);
}

#[tokio::test]
async fn delta_results_are_rebuilt() {
    let sim = sim(SimConfig::default()).await;
    let cookie = login(&sim, "alice").await;
    let connected = Connection::connect(ConnectOptions::new(url(&sim)).cookie(cookie).delta(true))
        .await
        .unwrap();
    let doc = connected
        .connection
        .global()
        .open_doc("sample-sales")
        .await
        .unwrap();
    let first = doc.app_layout().await.unwrap();
    let second = doc.app_layout().await.unwrap();
    assert_eq!(first["qTitle"], "Sample Sales");
    assert_eq!(first, second);
}

#[tokio::test]
async fn the_csrf_token_is_fetched_and_sent() {
    let sim = sim(SimConfig {
        ws_csrf: true,
        virtual_proxy: "mashup".into(),
        ..SimConfig::default()
    })
    .await;
    let qps = QpsClient::new(QpsConfig::new(
        format!("http://{}", sim.qps_addr()),
        "mashup",
    ))
    .unwrap();
    let proxy = Proxy::new(&format!("http://{}", sim.proxy_addr()), "mashup").unwrap();
    let ticket = qps
        .ticket(&UserRef::new("CORP", "alice"), &[])
        .await
        .unwrap();
    let cookie = proxy.redeem_ticket(&ticket).await.unwrap();
    let url = EngineUrl::new(
        &format!("http://{}", sim.proxy_addr()),
        "mashup",
        "sample-sales",
    );
    let without =
        Connection::connect(ConnectOptions::new(url.clone()).cookie(cookie.clone())).await;
    assert!(
        matches!(without, Err(Error::AuthenticationRequired)),
        "{without:?}"
    );
    let token = proxy.csrf_token(&cookie).await.unwrap();
    let with = Connection::connect(ConnectOptions::new(url).cookie(cookie).csrf_token(token))
        .await
        .unwrap();
    assert_eq!(with.state, SessionState::Created);
}

#[tokio::test]
async fn qps_over_tls_requires_the_client_certificate() {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Qlik CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params
        .distinguished_name
        .push(DnType::CommonName, "QlikClient");
    let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, pem: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    let files = TlsFiles {
        cert: write("server.pem", server.pem()),
        key: write("server_key.pem", server_key.serialize_pem()),
        client_ca: Some(write("root.pem", ca.pem())),
    };
    let client_pem = write("client.pem", client.pem());
    let client_key_pem = write("client_key.pem", client_key.serialize_pem());
    let sim = sim(SimConfig {
        tls: Some(files),
        ..SimConfig::default()
    })
    .await;
    let base = format!("https://localhost:{}", sim.qps_addr().port());
    let identity =
        ClientIdentity::from_pem_files(&client_pem, &client_key_pem, &dir.path().join("root.pem"))
            .unwrap();
    let trusted = QpsClient::new(QpsConfig::new(base.clone(), "").identity(identity)).unwrap();
    let ticket = trusted.ticket(&UserRef::new("CORP", "alice"), &[]).await;
    assert!(ticket.is_ok(), "{ticket:?}");

    // Same CA trusted, but no client certificate: refused.
    let ca_only = std::fs::read(dir.path().join("root.pem")).unwrap();
    let anonymous_identity = {
        let other_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "Stranger");
        let stranger = params.self_signed(&other_key).unwrap();
        ClientIdentity::from_pem(
            stranger.pem().as_bytes(),
            other_key.serialize_pem().as_bytes(),
            &ca_only,
        )
        .unwrap()
    };
    let stranger = QpsClient::new(QpsConfig::new(base, "").identity(anonymous_identity)).unwrap();
    let refused = stranger.ticket(&UserRef::new("CORP", "alice"), &[]).await;
    assert!(matches!(refused, Err(Error::Unauthorized)), "{refused:?}");
}

#[tokio::test]
async fn malformed_server_frames_do_not_break_the_connection() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // A hostile engine: garbage first, then a proper greeting and answers.
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        for junk in [
            "{not json",
            "[1,2,3]",
            "42",
            r#"{"id":"x","result":1}"#,
            r#"{"id":999,"result":{}}"#,
        ] {
            ws.send(Message::text(junk)).await.unwrap();
        }
        ws.send(Message::text(
            r#"{"jsonrpc":"2.0","method":"OnConnected","params":{"qSessionState":"SESSION_CREATED"}}"#,
        ))
        .await
        .unwrap();
        while let Some(Ok(Message::Text(text))) = ws.next().await {
            let request: serde_json::Value = serde_json::from_str(&text).unwrap();
            let answer = serde_json::json!({"jsonrpc":"2.0","id":request["id"],
                "result":{"qVersion":{"qComponentVersion":"12.0.0"}}});
            ws.send(Message::text(answer.to_string())).await.unwrap();
        }
    });
    let url = EngineUrl::new(&format!("ws://{addr}"), "", "app");
    let connected = Connection::connect(ConnectOptions::new(url)).await.unwrap();
    assert_eq!(connected.state, SessionState::Created);
    assert_eq!(
        connected
            .connection
            .global()
            .engine_version()
            .await
            .unwrap(),
        "12.0.0"
    );
    connected.connection.close();
    server.abort();
}
