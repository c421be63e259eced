//! TLS on both listeners with certificates from a private CA made here:
//! QPS requires a client certificate, the proxy does not, and the proxy's
//! session cookie is named and flagged as Qlik does over https.

use std::path::Path;
use std::time::Duration;

use qlik_sim::{SimConfig, Simulator, TlsFiles};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use serde_json::{Value, json};

const KEY: &str = "abcdefghij012345";

/// Writes a CA (`root.pem`), a server certificate for 127.0.0.1 and a client
/// certificate (`client.pem`: certificate then key) signed by it into `dir`.
fn write_pki(dir: &Path) {
    let write = |name: &str, pem: String| std::fs::write(dir.join(name), pem).unwrap();
    let root_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "Qlik CA");
    let root = params.self_signed(&root_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &root, &root_key)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "QlikClient");
    let client = params.signed_by(&client_key, &root, &root_key).unwrap();
    write("root.pem", root.pem());
    write("server.pem", server.pem());
    write("server_key.pem", server_key.serialize_pem());
    write(
        "client.pem",
        format!("{}\n{}", client.pem(), client_key.serialize_pem()),
    );
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
        let pem = std::fs::read(dir.join("client.pem")).unwrap();
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
