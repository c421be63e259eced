//! TLS on both listeners with certificates from a private CA made here:
//! QPS requires a client certificate, the proxy does not, and the proxy's
//! session cookie is named and flagged as Qlik does over https.

use std::path::Path;
use std::time::Duration;

use qlik_sim::{SimConfig, Simulator, TlsFiles};
use serde_json::{Value, json};

const KEY: &str = "abcdefghij012345";

/// The site's private PKI (see `qlik_sim::testing::write_test_pki`).
fn write_pki(dir: &Path) {
    qlik_sim::testing::write_test_pki(dir).expect("a private CA");
}

fn client(dir: &Path, with_certificate: bool) -> reqwest::Client {
    let root = std::fs::read(dir.join("root.pem")).unwrap();
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&root).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10));
    if with_certificate {
        let pem = std::fs::read(dir.join("client_identity.pem")).unwrap();
        builder = builder.identity(reqwest::Identity::from_pem(&pem).unwrap());
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn both_listeners_speak_tls_and_only_qps_wants_a_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    write_pki(dir.path());
    let sim = Simulator::start(SimConfig {
        virtual_proxy: "mashup".into(),
        tls: Some(TlsFiles {
            cert: dir.path().join("server.pem"),
            key: dir.path().join("server_key.pem"),
            client_ca: Some(dir.path().join("root.pem")),
        }),
        sample_rows: 100,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // Over https Qlik drops the `-HTTP` suffix.
    assert_eq!(sim.cookie_name(), "X-Qlik-Session-mashup");

    let ticket_url = format!("https://{}/qps/mashup/ticket?Xrfkey={KEY}", sim.qps_addr());
    let body = json!({"UserDirectory": "CORP", "UserId": "alice"});
    let anonymous = client(dir.path(), false)
        .post(&ticket_url)
        .header("X-Qlik-Xrfkey", KEY)
        .json(&body)
        .send()
        .await;
    assert!(anonymous.is_err(), "QPS without a client certificate");
    let response = client(dir.path(), true)
        .post(&ticket_url)
        .header("X-Qlik-Xrfkey", KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let ticket: Value = response.json().await.unwrap();
    let ticket = ticket["Ticket"].as_str().unwrap();

    // The proxy: https, no client certificate asked.
    let page_url = format!(
        "https://{}/mashup/hub/?qlikTicket={ticket}",
        sim.proxy_addr()
    );
    let plain = reqwest::get(page_url.replacen("https://", "http://", 1)).await;
    assert!(
        plain.is_err_and(|e| !e.is_status()),
        "no plain http on the proxy"
    );
    let page = client(dir.path(), false)
        .get(&page_url)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let cookie = page.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("X-Qlik-Session-mashup=") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
    assert_eq!(sim.stats().tickets_redeemed, 1);
}
