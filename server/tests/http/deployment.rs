//! Production deployment over HTTP against the whole app: the demo directory
//! rules, https (own TLS, public_url, HSTS, cookies), X-Forwarded-For,
//! /readyz, metrics.listen, private files.

use std::net::SocketAddr;

use crate::support::{TestServer, certificates, client, location, test_config};

/// A simulator standing in for a real Qlik site (reached by URL, not embedded).
async fn external_qlik() -> qlik_sim::RunningSim {
    qlik_sim::Simulator::start(qlik_sim::SimConfig {
        qps_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        proxy_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        sample_rows: 2_000,
        ..qlik_sim::SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

fn point_at(config: &mut qlik_mashup::Config, sim: &qlik_sim::RunningSim) {
    config.qlik.qps_url = Some(format!("http://{}", sim.qps_addr()));
    config.qlik.proxy_url = Some(format!("http://{}", sim.proxy_addr()));
}

#[tokio::test]
async fn a_real_qlik_site_without_ldap_does_not_start() {
    let sim = external_qlik().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    point_at(&mut config, &sim);
    let error = match qlik_mashup::start(config).await {
        Ok(_) => panic!("started with the demo directory in front of a real Qlik site"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("[ldap]"), "{error}");
}

#[tokio::test]
async fn allow_demo_directory_puts_a_banner_on_every_page() {
    let sim = external_qlik().await;
    let app = TestServer::start_with(|config| {
        point_at(config, &sim);
        config.allow_demo_directory = true;
    })
    .await;
    let login_page = app.get("/login").await.text().await.unwrap();
    assert!(login_page.contains("class=\"demo-banner\""), "{login_page}");
    assert!(
        !login_page.contains("alice-password"),
        "passwords are listed only in pure demo mode"
    );
    assert_eq!(location(&app.login("alice", "alice-password").await), "/");
    let dashboard = app.get("/").await.text().await.unwrap();
    assert!(dashboard.contains("class=\"demo-banner\""));
    app.stop().await;
}

#[tokio::test]
async fn pure_demo_lists_the_demo_users_on_the_login_page_without_a_banner() {
    let app = TestServer::start().await;
    let page = app.get("/login").await.text().await.unwrap();
    assert!(page.contains("Demo mode"), "{page}");
    for user in ["alice", "alice-password", "bob-password", "carol-password"] {
        assert!(page.contains(user), "{user} missing");
    }
    assert!(!page.contains("class=\"demo-banner\""));
    app.stop().await;
}

#[tokio::test]
async fn https_public_url_means_hsts_secure_host_cookie_and_its_origin() {
    let app = TestServer::start_with(|config| {
        config.public_url = Some("https://mashup.example.com".into());
    })
    .await;
    let page = app.get("/login").await;
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    // The same-origin rule compares Origin with public_url, not with Host.
    let own_host = app.login("alice", "alice-password").await;
    assert_eq!(own_host.status(), 403, "Origin is the Host, not public_url");
    let response = app
        .client
        .post(app.url("/api/login"))
        .header("origin", "https://mashup.example.com")
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("username", "alice"), ("password", "alice-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("__Host-mashup_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    app.stop().await;

    let plain = TestServer::start().await;
    let page = plain.get("/login").await;
    assert!(page.headers().get("strict-transport-security").is_none());
    let response = plain.login("alice", "alice-password").await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("mashup_session="), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    plain.stop().await;
}

#[tokio::test]
async fn the_server_serves_https_itself_with_tls() {
    let dir = tempfile::tempdir().unwrap();
    let (ca_pem, cert_pem, key_pem) = certificates();
    std::fs::write(dir.path().join("cert.pem"), cert_pem).unwrap();
    std::fs::write(dir.path().join("key.pem"), key_pem).unwrap();
    let tls_dir = dir.path().to_owned();
    let app = TestServer::start_with(move |config| {
        config.tls = Some(qlik_mashup::config::TlsConfig {
            cert: tls_dir.join("cert.pem"),
            key: tls_dir.join("key.pem"),
        });
    })
    .await;
    let https = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("https://{}/login", app.server.local_addr());
    let response = https.get(&url).send().await.expect("https answers");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    assert!(
        client().get(app.url("/login")).send().await.is_err(),
        "plain http is not served"
    );
    app.stop().await;
}

/// A wrong login of `user`, sent through a proxy that says the client is
/// `from`: was it throttled?
async fn failed_login_from(app: &TestServer, user: &str, from: &str) -> bool {
    let response = app
        .client
        .post(app.url("/api/login"))
        .headers(app.same_origin_headers())
        .header("x-forwarded-for", from)
        .form(&[("username", user), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    crate::support::throttled(&response)
}

fn address_throttle(config: &mut qlik_mashup::Config) {
    config.login.throttle.free_failures = 100;
    config.login.throttle.address_free_failures = 1;
}

#[tokio::test]
async fn x_forwarded_for_is_read_only_from_trusted_proxies() {
    let behind_proxy = TestServer::start_with(|config| {
        address_throttle(config);
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    failed_login_from(&behind_proxy, "u1", "198.51.100.1").await;
    failed_login_from(&behind_proxy, "u2", "198.51.100.1").await;
    assert!(
        failed_login_from(&behind_proxy, "u3", "198.51.100.1").await,
        "the forwarded client is throttled"
    );
    assert!(
        !failed_login_from(&behind_proxy, "u4", "198.51.100.2").await,
        "another client behind the same proxy is not"
    );
    behind_proxy.stop().await;

    let direct = TestServer::start_with(address_throttle).await;
    failed_login_from(&direct, "u1", "198.51.100.1").await;
    failed_login_from(&direct, "u2", "198.51.100.1").await;
    assert!(
        failed_login_from(&direct, "u4", "198.51.100.2").await,
        "from an untrusted peer the header is ignored: the peer is throttled"
    );
    direct.stop().await;
}

#[tokio::test]
async fn readyz_names_the_failing_dependency() {
    let app = TestServer::start().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.text().await.unwrap(),
        r#"{"ready":true,"failing":[]}"#
    );
    app.stop().await;

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let qps_down = TestServer::start_with(|config| {
        config.qlik.qps_url = Some(format!("http://{closed}"));
        config.qlik.proxy_url = Some(format!("http://{closed}"));
        config.allow_demo_directory = true;
    })
    .await;
    let response = qps_down.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.text().await.unwrap(),
        r#"{"ready":false,"failing":["qps"]}"#
    );
    assert_eq!(qps_down.get("/healthz").await.status(), 200, "still alive");
    qps_down.stop().await;

    let directory_down = TestServer::start_with(|config| {
        config.ldap = Some(directory::LdapConfig {
            url: format!("ldap://{closed}"),
            starttls: false,
            ca_file: None,
            bind_dn: "cn=mashup,dc=example,dc=com".into(),
            bind_password: "secret".into(),
            base_dn: "dc=example,dc=com".into(),
            user_filter: "(uid={})".into(),
            user_id_attribute: "uid".into(),
            display_name_attribute: "cn".into(),
            groups: directory::GroupSource::Attribute {
                attribute: "memberOf".into(),
            },
            connect_timeout: std::time::Duration::from_secs(1),
            operation_timeout: std::time::Duration::from_secs(1),
        });
    })
    .await;
    let response = directory_down.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.text().await.unwrap(),
        r#"{"ready":false,"failing":["directory"]}"#
    );
    directory_down.stop().await;
}

#[tokio::test]
async fn metrics_listen_moves_metrics_off_the_public_listener() {
    let public = TestServer::start().await;
    assert_eq!(public.get("/metrics").await.status(), 200, "by default");
    public.stop().await;

    let app = TestServer::start_with(|config| {
        config.metrics.listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    })
    .await;
    let on_public = app.get("/metrics").await;
    assert_eq!(on_public.status(), 404);
    let metrics_addr = app.server.metrics_addr().expect("metrics listener");
    let metrics = client()
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(
        metrics
            .text()
            .await
            .unwrap()
            .contains("mashup_held_engine_sessions")
    );
    app.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_store_and_key_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestServer::start().await;
    assert_eq!(location(&app.login("alice", "alice-password").await), "/");
    for name in [
        "mashup.sqlite",
        "mashup.sqlite-wal",
        "mashup.sqlite-shm",
        "store.key",
    ] {
        let mode = std::fs::metadata(app.dir.path().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
    }
    app.stop().await;
}
