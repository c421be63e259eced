//! The hub over a qlik-sim whose certificates come from a private CA made
//! here: QPS with a client certificate, the proxy over https, the engine over
//! wss, all checked against that CA (the hub's `root_ca`).

use std::path::Path;
use std::time::Duration;

use hub::{AppObjects, Hub, HubConfig, ObjectDef, SessionSource};
use qlik::RootCertificates;
use qlik::proxy::Proxy;
use qlik::qps::{ClientIdentity, QpsClient, QpsConfig};
use qlik_sim::{RunningSim, SimConfig, Simulator, TlsFiles};
use serde_json::json;
use store::{SealingKey, Store};

const LIMIT: Duration = Duration::from_secs(30);

/// The site's private PKI (see `qlik_sim::testing::write_test_pki`).
fn write_pki(dir: &Path) {
    qlik_sim::testing::write_test_pki(dir).expect("a private CA");
}

fn config(sim: &RunningSim, dir: &Path, engine_root: Option<RootCertificates>) -> HubConfig {
    let roots = RootCertificates::from_pem_file(&dir.join("root.pem")).unwrap();
    let identity = ClientIdentity::from_pem_files(
        &dir.join("client.pem"),
        &dir.join("client_key.pem"),
        &dir.join("root.pem"),
    )
    .unwrap();
    let qps = QpsConfig::new(format!("https://{}", sim.qps_addr()), "")
        .identity(identity)
        .root_ca(roots.clone());
    let proxy_url = format!("https://{}", sim.proxy_addr());
    HubConfig {
        qps: QpsClient::new(qps).unwrap(),
        proxy: Proxy::with_root(&proxy_url, "", &roots, LIMIT).unwrap(),
        engine_base: proxy_url,
        virtual_proxy: String::new(),
        ttl_seconds: 60,
        session_source: SessionSource::Ticket,
        apps: vec![AppObjects {
            app_id: "sample-sales".into(),
            objects: vec![ObjectDef::Session {
                id: "total".into(),
                properties: json!({"qInfo": {"qType": "kpi"}, "qHyperCubeDef": {
                    "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}],
                    "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}]}}),
            }],
        }],
        idle_eviction: Duration::from_secs(600),
        keepalive_interval: Duration::from_secs(60),
        origin: None,
        ws_csrf: false,
        root_ca: engine_root,
    }
}

#[tokio::test]
async fn a_hub_over_a_tls_site_opens_a_session_and_gets_a_layout() {
    tokio::time::timeout(LIMIT, async {
        let dir = tempfile::tempdir().unwrap();
        write_pki(dir.path());
        let sim = Simulator::start(SimConfig {
            sample_rows: 1_000,
            tls: Some(TlsFiles {
                cert: dir.path().join("server.pem"),
                key: dir.path().join("server_key.pem"),
                client_ca: Some(dir.path().join("root.pem")),
            }),
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let store = |name: &str| {
            let path = dir.path().join(name);
            async move {
                let key = SealingKey::from_base64(&SealingKey::generate_base64()).unwrap();
                Store::open(&path, key).await.unwrap()
            }
        };
        let roots = RootCertificates::from_pem_file(&dir.path().join("root.pem")).unwrap();
        let attributes = [("Group".to_owned(), "Sales".to_owned())];

        // The engine socket checked against the site's CA: a session and a layout.
        let hub = Hub::new(
            config(&sim, dir.path(), Some(roots)),
            store("a.sqlite").await,
        );
        let session = hub.session("CORP", "alice", &attributes).await.unwrap();
        let layout = session.layout("total").await.unwrap();
        let total = layout["qHyperCube"]["qDataPages"][0]["qMatrix"][0][0]["qNum"]
            .as_f64()
            .unwrap();
        assert!(total > 0.0, "{layout}");
        assert_eq!(sim.stats().open_sockets, 1);

        // The same hub without the engine's root: the socket is refused, typed.
        let hub = Hub::new(config(&sim, dir.path(), None), store("b.sqlite").await);
        let refused = hub.session("CORP", "bob", &attributes).await.unwrap_err();
        assert!(
            matches!(refused, hub::Error::Qlik(qlik::Error::UntrustedServer(_))),
            "{refused:?}"
        );
        assert_eq!(sim.stats().open_sockets, 1);
    })
    .await
    .expect("in time");
}
