//! The server binary against a Qlik site with its own certificate authority:
//! an in-process qlik-sim serving QPS (client certificate required), the
//! proxy over https and the engine over wss with certificates from a CA made
//! here, and an in-process LDAP directory. A user logs in over HTTP and the
//! dashboard's first HTML holds the engine's KPI numbers.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use directory::{DemoSeed, EmbeddedDirectory};
use qlik::RootCertificates;
use qlik::proxy::Proxy;
use qlik::qix::{ConnectOptions, Connection, EngineUrl};
use qlik::qps::{ClientIdentity, QpsClient, QpsConfig, UserRef};
use qlik_sim::{RunningSim, SimConfig, Simulator, TlsFiles};

/// The whole test stays under this (cargo builds the binary beforehand).
const LIMIT: Duration = Duration::from_secs(120);
/// The default dashboard's KPIs (config `[dashboard]` defaults), in page order.
const KPI_EXPRESSIONS: [&str; 3] = [
    "Sum(Sales)",
    "Count(DISTINCT OrderID)",
    "Sum(Sales) - Sum(Cost)",
];

/// The site's private PKI (see `qlik_sim::testing::write_test_pki`).
fn write_pki(dir: &Path) {
    qlik_sim::testing::write_test_pki(dir).expect("a private CA");
}

/// The KPI texts as the engine computes them, read over TLS by a probe user.
async fn expected_kpis(sim: &RunningSim, dir: &Path) -> Vec<String> {
    let roots = RootCertificates::from_pem_file(&dir.join("root.pem")).unwrap();
    let identity = ClientIdentity::from_pem_files(
        &dir.join("client.pem"),
        &dir.join("client_key.pem"),
        &dir.join("root.pem"),
    )
    .unwrap();
    let qps = QpsClient::new(
        QpsConfig::new(format!("https://{}", sim.qps_addr()), "").identity(identity),
    )
    .unwrap();
    let probe = UserRef::new("CORP", "probe");
    let ticket = qps.ticket(&probe, &[]).await.unwrap();
    let proxy_url = format!("https://{}", sim.proxy_addr());
    let cookie = Proxy::with_root(&proxy_url, "", &roots, Duration::from_secs(10))
        .unwrap()
        .redeem_ticket(&ticket)
        .await
        .unwrap();
    let url = EngineUrl::new(&proxy_url, "", "sample-sales");
    let connected = Connection::connect(ConnectOptions::new(url).cookie(cookie).root_ca(roots))
        .await
        .unwrap();
    let doc = connected
        .connection
        .global()
        .open_doc("sample-sales")
        .await
        .unwrap();
    let measures: Vec<_> = KPI_EXPRESSIONS
        .iter()
        .map(|e| serde_json::json!({"qDef": {"qDef": e}}))
        .collect();
    let object = doc
        .create_session_object(serde_json::json!({
            "qInfo": {"qType": "probe"},
            "qHyperCubeDef": {"qMeasures": measures,
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 3, "qHeight": 1}]}
        }))
        .await
        .unwrap();
    let layout = object.layout().await.unwrap();
    let texts = layout["qHyperCube"]["qDataPages"][0]["qMatrix"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| cell["qText"].as_str().unwrap().to_owned())
        .collect();
    connected.connection.close();
    qps.logout_user(&probe).await.unwrap();
    texts
}

/// The configuration file: the TLS site, the in-process directory, a store
/// in `dir`, listening on `listen`.
fn write_config(dir: &Path, sim: &RunningSim, ldap: &EmbeddedDirectory, listen: SocketAddr) {
    let path = |name: &str| dir.join(name).display().to_string();
    let mut config = toml::Table::new();
    config.insert("listen".into(), listen.to_string().into());
    let mut log = toml::Table::new();
    log.insert("filter".into(), "warn".into());
    config.insert("log".into(), log.into());
    let mut qlik = toml::Table::new();
    for (key, value) in [
        ("qps_url", format!("https://{}", sim.qps_addr())),
        ("proxy_url", format!("https://{}", sim.proxy_addr())),
        ("client_cert", path("client.pem")),
        ("client_key", path("client_key.pem")),
        ("root_ca", path("root.pem")),
    ] {
        qlik.insert(key.into(), value.into());
    }
    config.insert("qlik".into(), qlik.into());
    let mut session = toml::Table::new();
    session.insert("store_path".into(), path("mashup.sqlite").into());
    session.insert("key_file".into(), path("store.key").into());
    config.insert("session".into(), session.into());
    config.insert(
        "ldap".into(),
        toml::Value::try_from(ldap.ldap_config()).unwrap(),
    );
    std::fs::write(dir.join("mashup.toml"), toml::to_string(&config).unwrap()).unwrap();
}

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

async fn wait_until_healthy(http: &reqwest::Client, base: &str, server: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = http.get(format!("{base}/healthz")).send().await
            && response.status().is_success()
        {
            return;
        }
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!("the server exited before listening: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the server did not start in time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The texts of the `kpi-value` paragraphs, markup inside them removed.
fn kpi_values(html: &str) -> Vec<String> {
    html.split("class=\"kpi-value\"")
        .skip(1)
        .map(|rest| {
            let inner = rest
                .split_once('>')
                .and_then(|(_, after)| after.split_once("</p>"))
                .map(|(inner, _)| inner)
                .unwrap_or_default();
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.trim().to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_logs_in_and_renders_the_dashboard_over_a_private_ca() {
    tokio::time::timeout(LIMIT, run()).await.expect("in time");
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    write_pki(dir.path());
    let sim = Simulator::start(SimConfig {
        sample_rows: 2_000,
        tls: Some(TlsFiles {
            cert: dir.path().join("server.pem"),
            key: dir.path().join("server_key.pem"),
            client_ca: Some(dir.path().join("root.pem")),
        }),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let ldap = EmbeddedDirectory::start(DemoSeed::builtin().unwrap())
        .await
        .unwrap();
    let listen = free_port();
    write_config(dir.path(), &sim, &ldap, listen);
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_qlik-mashup"))
            .arg("--config")
            .arg(dir.path().join("mashup.toml"))
            .current_dir(dir.path())
            .env_remove("MASHUP_CONFIG")
            .stdin(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://{listen}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    wait_until_healthy(&http, &base, &mut server).await;

    // Log in as the demo user alice, as the login form posts without JavaScript.
    let login = http
        .post(format!("{base}/api/login"))
        .header("Accept", "text/html")
        .header("Origin", &base)
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("username", "alice"), ("password", "alice-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 302);
    let location = login.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("error"), "login refused: {location}");
    let session = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .find(|pair| pair.starts_with("mashup_session="))
        .expect("a session cookie")
        .to_owned();
    // The login went through QPS (client certificate), the https proxy and wss.
    let stats = sim.stats();
    assert_eq!(
        (stats.tickets_redeemed, stats.open_sockets),
        (1, 1),
        "{stats:?}"
    );

    // The first HTML of the dashboard holds the engine's numbers.
    let page = http
        .get(format!("{base}/"))
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("role=\"alert\""),
        "an error is shown: {html}"
    );
    let expected = expected_kpis(&sim, dir.path()).await;
    assert!(
        expected
            .iter()
            .all(|t| t.chars().any(|c| c.is_ascii_digit()))
    );
    assert_eq!(kpi_values(&html), expected);
    drop(server);
}
